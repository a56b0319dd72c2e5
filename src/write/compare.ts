// What a build would change in the output directory: added, modified and removed files.
import fs from 'node:fs';
import path from 'node:path';
import type { Artifact } from '../emit/artifact.ts';
import { walkFiles } from '../util/walk-files.ts';

export type FileChangeKind = 'added' | 'modified' | 'removed';

export interface FileChange {
  path: string;
  change: FileChangeKind;
  /** A file at the fleet repository root (flake.nix, flake.lock), not in the output directory. */
  root?: true;
}

/**
 * Compares with the files on disk, reading each one: exact whatever happened to the directory
 * since the last build (hand edits, a checkout). Synchronous reads of thousands of small files are
 * several times faster than through the thread pool.
 */
export async function compareWithDisk(outDir: string, artifacts: readonly Artifact[], rootDir = path.dirname(path.resolve(outDir))): Promise<FileChange[]> {
  return [...compareWithDiskSync(outDir, artifacts.filter((a) => !a.root)), ...compareRootFiles(rootDir, artifacts)];
}

/** The root artifacts (flake.nix, flake.lock) against the files at the fleet root; never stale. */
export function compareRootFiles(rootDir: string, artifacts: readonly Artifact[]): FileChange[] {
  const changes: FileChange[] = [];
  for (const artifact of artifacts.filter((a) => a.root)) {
    let contents: string | undefined;
    try {
      contents = fs.readFileSync(path.join(rootDir, artifact.path), 'utf8');
    } catch {
      contents = undefined;
    }
    if (contents !== artifact.contents) changes.push({ path: artifact.path, change: contents === undefined ? 'added' : 'modified', root: true });
  }
  return changes;
}

export function compareWithDiskSync(outDir: string, artifacts: readonly Artifact[]): FileChange[] {
  const existing = new Set(listFilesSync(outDir));
  return compareWith(existing, artifacts, (file) => {
    try {
      return fs.readFileSync(path.join(outDir, file), 'utf8');
    } catch {
      return undefined;
    }
  });
}

/**
 * Compares with what the directory is known to hold (what this process wrote there last), without
 * reading it: for `fleetc watch`, the only writer of the directory while it runs.
 */
export function compareWithKnown(known: ReadonlyMap<string, string>, artifacts: readonly Artifact[]): FileChange[] {
  return compareWith(new Set(known.keys()), artifacts, (file) => known.get(file));
}

function compareWith(existing: ReadonlySet<string>, artifacts: readonly Artifact[], current: (file: string) => string | undefined): FileChange[] {
  const changes: FileChange[] = [];
  const emitted = new Set<string>();
  for (const artifact of artifacts) {
    emitted.add(artifact.path);
    const contents = existing.has(artifact.path) ? current(artifact.path) : undefined;
    if (contents === undefined) changes.push({ path: artifact.path, change: existing.has(artifact.path) ? 'modified' : 'added' });
    else if (contents !== artifact.contents) changes.push({ path: artifact.path, change: 'modified' });
  }
  for (const file of existing) if (!emitted.has(file)) changes.push({ path: file, change: 'removed' });
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Every regular file under dir, as '/'-separated relative paths; empty when dir does not exist. */
export async function listFiles(dir: string): Promise<string[]> {
  return listFilesSync(dir);
}

export function listFilesSync(dir: string): string[] {
  return walkFiles(dir);
}
