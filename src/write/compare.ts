// What a build would change in the output directory and at the fleet repository root: added,
// modified and removed files. Root files are never removed (fleetc writes them beside the user's).
import fs from 'node:fs';
import path from 'node:path';
import type { Artifact } from '../emit/artifact.ts';
import { walkFiles } from '../util/walk-files.ts';

export type FileChangeKind = 'added' | 'modified' | 'removed';

export interface FileChange {
  /** Relative to the output directory, or with root to the fleet repository root. */
  path: string;
  change: FileChangeKind;
  root?: true;
}

export interface CompareOptions {
  /** The fleet repository root, where root artifacts go; default: the output directory's parent. */
  rootDir?: string;
}

/**
 * Compares with the files on disk, reading each one: exact whatever happened to the directory
 * since the last build (hand edits, a checkout). Synchronous reads of thousands of small files are
 * several times faster than through the thread pool.
 */
export async function compareWithDisk(outDir: string, artifacts: readonly Artifact[], options: CompareOptions = {}): Promise<FileChange[]> {
  return compareWithDiskSync(outDir, artifacts, options);
}

export function compareWithDiskSync(outDir: string, artifacts: readonly Artifact[], options: CompareOptions = {}): FileChange[] {
  const existing = new Set(listFilesSync(outDir));
  const out = compareWith(existing, outputArtifacts(artifacts), (file) => readOrUndefined(path.join(outDir, file)));
  return sortChanges([...out, ...compareRootFiles(rootDirOf(outDir, options), artifacts)]);
}

/**
 * Compares with what the directory is known to hold (what this process wrote there last), without
 * reading it: for `fleetc watch`, the only writer of the directory while it runs. Root files, a
 * handful, are always read.
 */
export function compareWithKnown(known: ReadonlyMap<string, string>, artifacts: readonly Artifact[], outDir: string, options: CompareOptions = {}): FileChange[] {
  const changes: FileChange[] = [];
  let kept = 0;
  for (const artifact of artifacts) {
    if (artifact.root) continue;
    const contents = known.get(artifact.path);
    if (contents === undefined) changes.push({ path: artifact.path, change: 'added' });
    else {
      kept++;
      if (contents !== artifact.contents) changes.push({ path: artifact.path, change: 'modified' });
    }
  }
  // Every known file is still emitted unless fewer were kept than are known (a few thousand lookups saved).
  if (kept < known.size) {
    const emitted = new Set(artifacts.filter((a) => !a.root).map((a) => a.path));
    for (const file of known.keys()) if (!emitted.has(file)) changes.push({ path: file, change: 'removed' });
  }
  return sortChanges([...changes, ...compareRootFiles(rootDirOf(outDir, options), artifacts)]);
}

/**
 * compareWithKnown when the caller also knows what can have changed since it wrote `known`
 * (fleetc watch, from its incremental compile): only the touched artifacts are compared, the
 * removed paths are gone, every other artifact is the one written last. Root files are read.
 */
export function compareTouched(known: ReadonlyMap<string, string>, patch: WritePatch, outDir: string, options: CompareOptions = {}): FileChange[] {
  const changes: FileChange[] = [];
  for (const artifact of patch.touched) {
    if (artifact.root) continue;
    const contents = known.get(artifact.path);
    if (contents === undefined) changes.push({ path: artifact.path, change: 'added' });
    else if (contents !== artifact.contents) changes.push({ path: artifact.path, change: 'modified' });
  }
  for (const file of patch.removed) if (known.has(file)) changes.push({ path: file, change: 'removed' });
  return sortChanges([...changes, ...compareRootFiles(rootDirOf(outDir, options), patch.touched)]);
}

/** What can differ from what was written last: these artifacts (every root artifact among them), and these paths gone. */
export interface WritePatch {
  touched: readonly Artifact[];
  removed: readonly string[];
}

/** A first build: the output directory does not exist, so every output file is added; root files are read. */
export function compareWithNothing(outDir: string, artifacts: readonly Artifact[], options: CompareOptions = {}): FileChange[] {
  const added = artifacts.flatMap((a): FileChange[] => (a.root ? [] : [{ path: a.path, change: 'added' }]));
  return sortChanges([...added, ...compareRootFiles(rootDirOf(outDir, options), artifacts)]);
}

export function rootDirOf(outDir: string, options: CompareOptions): string {
  return path.resolve(options.rootDir ?? path.dirname(path.resolve(outDir)));
}

function outputArtifacts(artifacts: readonly Artifact[]): Artifact[] {
  return artifacts.filter((a) => !a.root);
}

function compareRootFiles(rootDir: string, artifacts: readonly Artifact[]): FileChange[] {
  const changes: FileChange[] = [];
  for (const artifact of artifacts) {
    if (!artifact.root) continue;
    const current = readOrUndefined(path.join(rootDir, artifact.path));
    if (current !== artifact.contents) changes.push({ path: artifact.path, change: current === undefined ? 'added' : 'modified', root: true });
  }
  return changes;
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
  return changes;
}

/** Output files first, then root files, each by path. */
export function sortChanges(changes: FileChange[]): FileChange[] {
  return changes.sort((a, b) => Number(a.root ?? false) - Number(b.root ?? false) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A file's text, or undefined when it cannot be read (absent, a directory, …). */
export function readOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Every regular file under dir, as '/'-separated relative paths; empty when dir does not exist. */
export async function listFiles(dir: string): Promise<string[]> {
  return listFilesSync(dir);
}

export function listFilesSync(dir: string): string[] {
  return walkFiles(dir);
}
