// write: the one writer. The output directory is, at every instant, the complete old tree, absent
// for the moment of a swap (and completed by the next run), or the complete new tree — never a mix.
//
// A first build writes the whole tree beside the output directory and renames it in. Later builds
// write only the files that changed: into a staging directory first, then a journal naming every
// step, then the output directory is renamed aside, patched (staged files renamed in, stale files
// removed) and renamed back. A crash before the patch touched the old tree restores the old tree;
// a crash after it lets the next run finish the patch from the journal.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Artifact } from '../emit/artifact.ts';
import { isSafeRelativePath } from '../emit/index.ts';
import { MANIFEST_PATH } from '../emit/manifest.ts';
import { compareRootFiles, compareWithDiskSync, compareWithKnown, type FileChange } from './compare.ts';
import { GENERATED_HEADER } from '../emit/artifact.ts';

export class WriteRefused extends Error {}

export interface WriteResult {
  changes: FileChange[];
  /** False when the output already matched and nothing was touched. */
  wrote: boolean;
}

/** Test hook: called between steps so tests can simulate a crash at each point. */
export type CrashPoint = 'after-temp-written' | 'after-journal-written' | 'after-old-moved' | 'after-first-patch-step' | 'after-patched';

export interface WriteOptions {
  /**
   * What the output directory holds, when the caller wrote it last and is its only writer
   * (fleetc watch): changes are computed from it instead of reading every file.
   */
  known?: ReadonlyMap<string, string>;
  /** The fleet repository root, where root artifacts (flake.nix, flake.lock) go; default: outDir's parent. */
  rootDir?: string;
}

interface Journal {
  /** Files to move from the staging directory into the tree, by relative path. */
  staged: string[];
  /** Files to remove from the tree. */
  removed: string[];
}

export async function writeOutput(outDir: string, artifacts: readonly Artifact[], crashAt?: (point: CrashPoint) => void, options: WriteOptions = {}): Promise<WriteResult> {
  return writeOutputSync(outDir, artifacts, crashAt, options);
}

export function writeOutputSync(outDir: string, artifacts: readonly Artifact[], crashAt?: (point: CrashPoint) => void, options: WriteOptions = {}): WriteResult {
  const rootDir = path.resolve(options.rootDir ?? path.dirname(path.resolve(outDir)));
  const rootArtifacts = artifacts.filter((a) => a.root);
  const rootChanges = compareRootFiles(rootDir, rootArtifacts);
  refuseForeignRootFiles(rootDir, rootChanges);
  const tree = writeTreeSync(outDir, artifacts.filter((a) => !a.root), crashAt, options);
  // After the tree: a flake.nix never names hosts the output directory does not have yet.
  for (const change of rootChanges) {
    const artifact = rootArtifacts.find((a) => a.path === change.path)!;
    const file = path.join(rootDir, artifact.path);
    writeFileAtomically(file, `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`, artifact.contents);
  }
  return { changes: [...tree.changes, ...rootChanges], wrote: tree.wrote || rootChanges.length > 0 };
}

/** flake.nix and flake.lock at the root are replaced only when fleetc wrote the flake.nix there. */
function refuseForeignRootFiles(rootDir: string, changes: readonly FileChange[]): void {
  if (!changes.some((c) => c.change === 'modified')) return;
  let flake: string | undefined;
  try {
    flake = fs.readFileSync(path.join(rootDir, 'flake.nix'), 'utf8');
  } catch {
    flake = undefined;
  }
  if (flake !== undefined && !flake.startsWith(`# ${GENERATED_HEADER}`)) {
    throw new WriteRefused(`${path.join(rootDir, 'flake.nix')} was not written by fleetc; refusing to replace it and its flake.lock (move it away, or keep the fleet in a repository of its own)`);
  }
}

function writeTreeSync(outDir: string, artifacts: readonly Artifact[], crashAt: ((point: CrashPoint) => void) | undefined, options: WriteOptions): WriteResult {
  const target = path.resolve(outDir);
  for (const artifact of artifacts) {
    if (!isSafeRelativePath(artifact.path)) throw new Error(`refusing to write outside the output directory: ${artifact.path}`);
  }
  recoverInterruptedSwapSync(target);
  const hadOld = refuseForeignDirectory(target);
  const changes = options.known && hadOld ? compareWithKnown(options.known, artifacts) : compareWithDiskSync(target, artifacts);
  if (changes.length === 0) return { changes, wrote: false };

  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = siblingPath(target, `tmp-${suffix}`);
  const byPath = new Map(artifacts.map((a) => [a.path, a]));
  // A first build (or one into an empty directory) stages the whole tree; a later one the changes.
  const staged = hadOld ? changes.filter((c) => c.change !== 'removed').map((c) => c.path) : artifacts.map((a) => a.path);
  try {
    writeFiles(staging, staged.map((p) => byPath.get(p)!));
    crashAt?.('after-temp-written');
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  if (!hadOld) {
    fs.rmSync(target, { recursive: true, force: true }); // an empty directory, or none
    fs.renameSync(staging, target);
    return { changes, wrote: true };
  }

  const journal: Journal = { staged, removed: changes.filter((c) => c.change === 'removed').map((c) => c.path) };
  const journalPath = siblingPath(target, `journal-${suffix}`);
  writeFileAtomically(journalPath, siblingPath(target, `tmp-${suffix}.journal`), JSON.stringify(journal));
  crashAt?.('after-journal-written');
  const work = siblingPath(target, `work-${suffix}`);
  fs.renameSync(target, work);
  crashAt?.('after-old-moved');
  applyJournal(work, staging, journal, () => crashAt?.('after-first-patch-step'));
  crashAt?.('after-patched');
  fs.renameSync(work, target);
  fs.rmSync(staging, { recursive: true, force: true });
  fs.rmSync(journalPath, { force: true });
  return { changes, wrote: true };
}

function writeFiles(root: string, artifacts: readonly Artifact[]): void {
  fs.mkdirSync(root, { recursive: true });
  const made = new Set<string>();
  for (const artifact of artifacts) {
    const dir = path.posix.dirname(artifact.path);
    if (dir !== '.' && !made.has(dir)) {
      fs.mkdirSync(path.join(root, dir), { recursive: true });
      made.add(dir);
    }
    fs.writeFileSync(path.join(root, artifact.path), artifact.contents);
  }
}

/**
 * Removes the stale files, then renames each staged file over its old version. Idempotent: a
 * recovery runs it again from the start, and steps already done are skipped.
 */
function applyJournal(work: string, staging: string, journal: Journal, afterFirstStep: () => void): void {
  let first = true;
  const step = (): void => {
    if (first) afterFirstStep();
    first = false;
  };
  for (const file of journal.removed) {
    // Stale entries are files; a directory there now is a new one a first attempt already made, and
    // a file where a parent directory was means the entry is gone already.
    const stat = lstatOrUndefined(path.join(work, file));
    if (stat && !stat.isDirectory()) fs.rmSync(path.join(work, file), { force: true });
    pruneEmptyParents(work, file);
    step();
  }
  for (const file of journal.staged) {
    const from = path.join(staging, file);
    if (!fs.existsSync(from)) continue; // moved before a crash
    const to = path.join(work, file);
    makeParentDirectory(work, file);
    if (isDirectory(to)) fs.rmSync(to, { recursive: true, force: true });
    fs.renameSync(from, to);
    step();
  }
}

/** Creates the parent directories of a file, replacing a file that stands where a directory must. */
function makeParentDirectory(root: string, file: string): void {
  const parts = file.split('/').slice(0, -1);
  let current = root;
  for (const part of parts) {
    current = path.join(current, part);
    const stat = lstatOrUndefined(current);
    if (stat && !stat.isDirectory()) fs.rmSync(current, { force: true });
    if (!stat || !stat.isDirectory()) fs.mkdirSync(current);
  }
}

function pruneEmptyParents(root: string, file: string): void {
  for (let dir = path.posix.dirname(file); dir !== '.'; dir = path.posix.dirname(dir)) {
    try {
      fs.rmdirSync(path.join(root, dir));
    } catch {
      return; // not empty (or already gone)
    }
  }
}

/** A sibling of the output directory, hidden, with a suffix: .generated.tmp-123-ab12cd34. */
function siblingPath(target: string, suffix: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${suffix}`);
}

export async function recoverInterruptedSwap(target: string): Promise<void> {
  recoverInterruptedSwapSync(target);
}

/**
 * Repairs what a crashed build left beside the output directory. With a journal: if the output
 * directory is aside and the patch has not touched it yet, it is put back (the old output); if the
 * patch had begun, it is finished (the new output). Leftover staging directories are removed.
 * Without a journal, an old tree left aside by an older fleetc's swap is put back.
 */
export function recoverInterruptedSwapSync(target: string): void {
  const parent = path.dirname(target);
  const base = `.${path.basename(target)}.`;
  const siblings = readdirOrEmpty(parent).filter((name) => name.startsWith(base));
  for (const name of siblings.filter((n) => n.startsWith(`${base}journal-`))) {
    const suffix = name.slice(`${base}journal-`.length);
    const journalPath = path.join(parent, name);
    const work = path.join(parent, `${base}work-${suffix}`);
    const staging = path.join(parent, `${base}tmp-${suffix}`);
    let journal: Journal | undefined;
    try {
      journal = JSON.parse(fs.readFileSync(journalPath, 'utf8')) as Journal;
    } catch {
      journal = undefined; // written atomically, so unreadable means it never finished: nothing began
    }
    if (journal && !fs.existsSync(target) && fs.existsSync(work)) {
      if (!untouched(work, staging, journal)) applyJournal(work, staging, journal, () => {});
      fs.renameSync(work, target);
    }
    fs.rmSync(staging, { recursive: true, force: true });
    fs.rmSync(journalPath, { force: true });
  }
  const rest = readdirOrEmpty(parent).filter((name) => name.startsWith(base));
  const olds = rest.filter((name) => name.startsWith(`${base}old-`) || name.startsWith(`${base}work-`));
  if (!fs.existsSync(target) && olds.length > 0) {
    fs.renameSync(path.join(parent, olds[0]!), target);
    olds.shift();
  }
  for (const name of [...olds, ...rest.filter((n) => n.startsWith(`${base}tmp-`))]) {
    fs.rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

/** True when no step of the journal has been applied: every staged file waits, every stale file is there. */
function untouched(work: string, staging: string, journal: Journal): boolean {
  return journal.staged.every((file) => fs.existsSync(path.join(staging, file))) && journal.removed.every((file) => fs.existsSync(path.join(work, file)));
}

/**
 * Never replace a directory fleetc did not write: an empty or missing one, or one with our
 * manifest. True when it holds a previous output (which later builds patch).
 */
function refuseForeignDirectory(target: string): boolean {
  const entries = readdirOrEmpty(target);
  if (entries.length === 0) return false;
  let manifest: string | undefined;
  try {
    manifest = fs.readFileSync(path.join(target, MANIFEST_PATH), 'utf8');
  } catch {
    manifest = undefined;
  }
  // The generator field comes first: no need to parse megabytes of manifest to find it.
  const head = manifest?.slice(0, 200);
  let generator: unknown;
  try {
    const match = head === undefined ? null : /^\{\s*"generator"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(head);
    generator = match ? JSON.parse(match[1]!) : manifest === undefined ? undefined : (JSON.parse(manifest) as { generator?: unknown }).generator;
  } catch {
    generator = undefined;
  }
  if (generator !== 'fleetc') {
    throw new WriteRefused(`${target} is not empty and was not written by fleetc (no fleetc ${MANIFEST_PATH}); refusing to replace it`);
  }
  return true;
}

function writeFileAtomically(file: string, temp: string, contents: string): void {
  fs.writeFileSync(temp, contents);
  fs.renameSync(temp, file);
}

function isDirectory(p: string): boolean {
  return lstatOrUndefined(p)?.isDirectory() ?? false;
}

/** The entry's lstat, or undefined when there is none (ENOENT, or ENOTDIR: a parent is a file). */
function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

function readdirOrEmpty(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
