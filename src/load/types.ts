// The shapes load produces: raw files as read, and parsed documents that keep their YAML nodes.
import type { Document } from 'yaml';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { SourceText } from '../diagnostics/source.ts';
import type { Library } from '../library/index.ts';

export type FileKind = 'fleet' | 'profile' | 'host';

/** A file as read from the working tree or from a git tree, before parsing. */
export interface RawFile {
  /** Path relative to the fleet directory, '/'-separated. */
  relPath: string;
  /** Path shown in diagnostics (the fleet directory as the user named it, joined with relPath). */
  displayPath: string;
  /** The bytes, or the problem that prevented reading them. */
  bytes?: Uint8Array;
  problem?: Diagnostic;
  /** The git blob id of the bytes when already known (read from git); else computed when needed. */
  blobId?: string;
}

/** Everything read from disk (or git) that the pure stages need. */
export interface RawFleet {
  /** The fleet directory as the user named it. */
  displayDir: string;
  files: RawFile[];
  /** Diagnostics about the directory itself (missing, unreadable). */
  problems: Diagnostic[];
  /** Hand-written Nix files: path relative to the nix directory → sha256 of the contents. */
  nixFiles: Map<string, string>;
  /** The same files' contents (plan shows their diffs). */
  nixSources: Map<string, string>;
  /**
   * fleetc's own Nix to write into generated/fleetc/: for a committed revision, the one committed
   * with it; absent means the running fleetc's.
   */
  library?: Library;
}

export interface LoadedDocument {
  kind: FileKind;
  file: string;
  relPath: string;
  /** File name without directory and extension: the default name of a host or profile. */
  stem: string;
  /** The document as plain data (YAML 1.2 core schema). Shared with the parse cache: never mutate it. */
  data: unknown;
  /** The git blob id of the file, when the parse cache looked it up by it. */
  blobId?: string;
  /** The YAML document with node positions; parsed again from the source on first use. */
  readonly doc: Document.Parsed;
  source: SourceText;
}

export interface LoadedFleet {
  displayDir: string;
  fleet?: LoadedDocument;
  profiles: LoadedDocument[];
  hosts: LoadedDocument[];
  nixFiles: Map<string, string>;
}

export type PathSegment = string | number;

