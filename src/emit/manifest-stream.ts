// manifest.json from what a streamed build kept of each file (path, kind, sha256), not the files
// themselves: the text is buildManifest's, rendered piece by piece as it is written.
import type { Fleet } from '../model/fleet.ts';
import type { Artifact, ArtifactInPieces, ArtifactKind, EmitContext } from './artifact.ts';
import { BOOT_SERVER_KINDS, entryText, fragmentHash, hostEntryText, jsonKeyOrder, MANIFEST_PATH, MANIFEST_VERSION, nixAndLibraryText, nixDependenciesOf, sha256, sortedNixFiles } from './manifest.ts';

/** One file as the manifest lists it. */
export interface FileRecord {
  path: string;
  kind: ArtifactKind;
  sha256: string;
  root?: true;
}

/** A host entry's member: the key (a path, or "<path>#<host>" for a part of a shared file), kind, hash. */
type HostEntry = [string, ArtifactKind, string];

/**
 * Takes each artifact as it passes (`add`), keeps its record and its host's entries, hashing a
 * shared file's base once and each host's part of it; `finish` checks the paths and gives the
 * manifest, to be rendered when it is written.
 */
export class ManifestRecorder {
  readonly files: FileRecord[] = [];
  private readonly own = new Map<string, HostEntry[]>();
  private readonly server: string | undefined;
  /** Files recorded whose hash has not been given yet (addHashLater). */
  private pending = 0;

  constructor(
    private readonly fleet: Fleet,
    private readonly context: EmitContext,
  ) {
    for (const host of fleet.hosts) this.own.set(host.name, []);
    this.server = fleet.boot.server !== undefined && this.own.has(fleet.boot.server) ? fleet.boot.server : undefined;
  }

  add(artifact: Artifact, hash: string): void {
    this.record(artifact, hash);
  }

  /** Records an artifact whose sha256 comes later: the function returned takes it. */
  addHashLater(artifact: Artifact): (hash: string) => void {
    const { file, entry } = this.record(artifact, '');
    this.pending++;
    return (hash) => {
      file.sha256 = hash;
      if (entry) entry[2] = hash;
      this.pending--;
    };
  }

  /** The file's record and its entry in its hosts' lists (its host's, the boot server's), if any. */
  private record(artifact: Artifact, hash: string): { file: FileRecord; entry: HostEntry | undefined } {
    const { path, kind, host } = artifact;
    const file: FileRecord = artifact.root ? { path, kind, sha256: hash, root: true } : { path, kind, sha256: hash };
    this.files.push(file);
    // What the boot server serves and builds from is its own too (BOOT_SERVER_KINDS).
    const served = this.server !== undefined && host !== this.server && BOOT_SERVER_KINDS.has(kind);
    const entry: HostEntry | undefined = host !== undefined || served ? [path, kind, hash] : undefined;
    if (host !== undefined) this.own.get(host)!.push(entry!);
    if (served) this.own.get(this.server!)!.push(entry!);
    this.addFragments(artifact);
    return { file, entry };
  }

  /** A shared file's part for each host: the hash of its base and the host's own text (kept on this thread). */
  private addFragments(artifact: Artifact): void {
    const { path, kind } = artifact;
    if (!artifact.fragments) return;
    const base = artifact.fragmentBase === undefined ? undefined : sha256(artifact.fragmentBase);
    // Hosts in a row often have the same part (the boot menu's is empty for every host): hashed once.
    // Not manifest.ts's partHash memo, which would keep every host's part alive past the stream.
    let last: string | undefined;
    let lastHash = '';
    for (const name in artifact.fragments) {
      const entries = this.own.get(name);
      const fragment = artifact.fragments[name]!;
      if (fragment !== last) lastHash = fragmentHash(base, (last = fragment));
      if (entries) entries.push([`${path}#${name}`, kind, lastHash]);
    }
  }

  /** Sorts the records by path (throwing for two at one path) and gives the manifest. */
  finish(): ArtifactInPieces {
    const files = this.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (let i = 1; i < files.length; i++) if (files[i - 1]!.path === files[i]!.path) throw new Error(`emit: two artifacts at ${files[i]!.path}`);
    return { path: MANIFEST_PATH, kind: 'manifest', pieces: () => this.blocks() };
  }

  /** buildManifest's text in blocks of about 64 KB (a few hundred for a large fleet, not a few per file). */
  private *blocks(): Generator<string> {
    if (this.pending > 0) throw new Error(`emit: the manifest rendered with ${this.pending} files' hashes not given`);
    const { fleet, context, files, server } = this;
    const out = new Block();
    const sortedNix = sortedNixFiles(context.nixFiles);
    out.add(`{\n  "generator": "fleetc",\n  "version": ${MANIFEST_VERSION},\n  "fleet": ${JSON.stringify(fleet.name)},\n`);
    if (context.source !== undefined) out.add(`  "source": ${JSON.stringify(context.source)},\n`);
    out.add(files.length === 0 ? '  "files": {}' : '  "files": {\n');
    for (let i = 0; i < files.length; i++) {
      const file = files[i]!;
      if (out.add(`    ${JSON.stringify(file.path)}: ${entryText(file.kind, file.sha256, '    ')}${i === files.length - 1 ? '\n  }' : ',\n'}`)) yield out.take();
    }
    out.add(nixAndLibraryText(sortedNix, context));
    if (server) out.add(`  "bootServer": ${JSON.stringify(server)},\n`);
    const hosts = jsonKeyOrder(fleet.hosts);
    out.add(hosts.length === 0 ? '  "hosts": {}' : '  "hosts": {\n');
    for (let i = 0; i < hosts.length; i++) {
      const host = hosts[i]!;
      const nix = nixDependenciesOf(host, context.nixFiles, sortedNix, host.name === server);
      if (out.add(`${hostEntryText(host, this.own.get(host.name)!, nix)}${i === hosts.length - 1 ? '\n  }' : ',\n'}`)) yield out.take();
    }
    out.add('\n}\n');
    yield out.take();
  }
}

/** Pieces gathered until they make about 64 KB. */
class Block {
  private pieces: string[] = [];
  private size = 0;

  /** True when the block is full (take it). */
  add(piece: string): boolean {
    this.pieces.push(piece);
    this.size += piece.length;
    return this.size >= 1 << 16;
  }

  take(): string {
    const text = this.pieces.join('');
    this.pieces = [];
    this.size = 0;
    return text;
  }
}
