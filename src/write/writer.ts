// write: the one writer. Under the output lock, it finishes or undoes what an interrupted write left
// (see journal.ts), refuses targets that are not fleetc's, then writes only the files that changed:
// staged beside the output, a journal of the steps, each file renamed into place with its old
// version kept until the end. The output directory never disappears; a crash leaves a journal the
// next fleetc completes; a file-system error (read-only, full disk) undoes every step and leaves
// no staging or journal behind.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Artifact } from '../emit/artifact.ts';
import { checkArtifactPath } from '../emit/index.ts';
import { MANIFEST_PATH } from '../emit/manifest.ts';
import { FleetStream } from '../emit/stream.ts';
import { compareTouched, compareWithDiskSync, compareWithKnown, compareWithNothing, rootDirOf, type FileChange, type WritePatch } from './compare.ts';
import { describeFileSystemError, hintFor, isFileSystemError, WriteFailed, WriteRefused } from './errors.ts';
import { readJournal, rollForward, undo, untouched, prefixOf, writeJournal, WriteLayout, JOURNAL_VERSION, type Journal, type Step } from './journal.ts';
import { acquireOutputLock, type OutputLock } from './lock.ts';
import { refuseForeignRootFile, refuseRootFileInOutput } from './root-files.ts';
import { StreamStager, writeStaged, type Streamed } from './stage-stream.ts';

export { WriteRefused, WriteFailed } from './errors.ts';

export interface WriteResult {
  changes: FileChange[];
  /** False when the output already matched and nothing was touched. */
  wrote: boolean;
}

/** Test hook: called between steps so tests can simulate a crash (or pause a real process) at each point. */
export type CrashPoint = 'after-first-staged' | 'after-temp-written' | 'after-journal-written' | 'after-first-patch-step' | 'after-patched';
export const CRASH_POINTS: readonly CrashPoint[] = ['after-first-staged', 'after-temp-written', 'after-journal-written', 'after-first-patch-step', 'after-patched'];

export interface WriteOptions {
  /**
   * What the output directory holds, when the caller wrote it last and is its only writer
   * (fleetc watch): changes are computed from it instead of reading every file.
   */
  known?: ReadonlyMap<string, string>;
  /**
   * With known: the only artifacts that can differ from it (every root artifact among them) and the
   * paths gone since (fleetc watch's incremental compile says so); only those are compared and checked.
   */
  patch?: WritePatch;
  /** The fleet repository root, where root artifacts go; default: the output directory's parent. */
  rootDir?: string;
  /** The output lock, when the caller holds it already; otherwise the writer takes it for the write. */
  lock?: OutputLock;
  /** How long to wait for another fleetc's lock when the writer takes it itself (default 30 s). */
  lockTimeoutMs?: number;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 30_000;

export async function writeOutput(outDir: string, artifacts: Iterable<Streamed>, crashAt?: (point: CrashPoint) => void, options: WriteOptions = {}): Promise<WriteResult> {
  return writeOutputSync(outDir, artifacts, crashAt, options);
}

/**
 * Without `known`, the artifacts may be a stream (emit/stream.ts): each is compared and staged as it
 * comes, and only its path is kept. With `known` (fleetc watch), they are an array.
 */
export function writeOutputSync(outDir: string, artifacts: Iterable<Streamed>, crashAt?: (point: CrashPoint) => void, options: WriteOptions = {}): WriteResult {
  const target = path.resolve(outDir);
  const rootDir = rootDirOf(target, options);
  const known = options.known;
  if (known && !Array.isArray(artifacts)) throw new Error('writeOutputSync: known contents need the artifacts as an array');
  // A patch's other artifacts are the ones checked and written last time.
  const patch = known && options.patch;
  if (known) checkArtifactPaths(target, rootDir, patch ? patch.touched : (artifacts as readonly Artifact[]));
  const lock = options.lock ?? guarded(`write ${outDir}`, () => {
    refuseNonDirectory(target);
    return acquireOutputLock(target, { timeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, command: 'fleetc build', makeParent: true });
  });
  try {
    return guarded(`write ${outDir}`, () => {
      refuseNonDirectory(target);
      return known ? writeLocked(target, rootDir, artifacts as readonly Artifact[], crashAt, known, patch || undefined) : writeStreamLocked(target, rootDir, artifacts, crashAt);
    });
  } finally {
    if (!options.lock) lock.release();
  }
}

/**
 * Each artifact compared with the file it replaces and staged as it comes (a first build: every
 * file, into the new tree); then the journal and the patch, as writeLocked does. Whatever fails
 * while the artifacts come (an emitter, a refused root file, the file system) leaves nothing behind.
 */
function writeStreamLocked(target: string, rootDir: string, artifacts: Iterable<Streamed>, crashAt: ((point: CrashPoint) => void) | undefined): WriteResult {
  recoverInterruptedWriteSync(target, { rootDir });
  const outExists = refuseForeignDirectory(target) || fs.existsSync(target);
  const layout = new WriteLayout(target, rootDir, `${process.pid}-${randomBytes(4).toString('hex')}`);
  let crashing = false;
  const crash = (point: CrashPoint): void => {
    crashing = true;
    crashAt?.(point);
    crashing = false;
  };
  let staged: { steps: Step[]; changes: FileChange[] };
  // A streamed build's hashes are taken as its files are written (on the staging thread).
  const hashSetters = artifacts instanceof FleetStream ? artifacts.deferHashes() : undefined;
  const stager = new StreamStager(layout, outExists, () => crash('after-first-staged'), hashSetters);
  try {
    for (const artifact of artifacts) stager.take(artifact);
    staged = stager.finish();
  } catch (error) {
    stager.close();
    // A simulated crash leaves its leftovers, like a real one.
    if (!crashing) layout.removeStaging();
    throw error;
  }
  stager.close();
  const { steps, changes } = staged;
  if (changes.length === 0) return { changes, wrote: false };
  commit(layout, { version: JOURNAL_VERSION, rootDir: path.relative(path.dirname(target), rootDir), direction: 'forward', steps }, target, crashAt);
  return { changes, wrote: true };
}

function writeLocked(target: string, rootDir: string, all: readonly Artifact[], crashAt: ((point: CrashPoint) => void) | undefined, known: ReadonlyMap<string, string> | undefined, patch: WritePatch | undefined): WriteResult {
  recoverInterruptedWriteSync(target, { rootDir });
  const hadOld = refuseForeignDirectory(target);
  // A patch of a directory this process wrote: only what it touched is looked at.
  const patched = Boolean(known && hadOld && patch);
  const artifacts = patched ? patch!.touched : all;
  if (patch && !patched) checkArtifactPaths(target, rootDir, all);
  for (const artifact of artifacts) if (artifact.root) refuseForeignRootFile(path.join(rootDir, artifact.path), artifact.contents);
  const outExists = fs.existsSync(target);
  // A first build (no output directory yet) adds every file: nothing to compare but the root files.
  // A patch of a directory this process wrote: only what it touched is looked at.
  const changes = !outExists ? compareWithNothing(target, all, { rootDir }) : patched ? compareTouched(known!, patch!, target, { rootDir }) : known && hadOld ? compareWithKnown(known, all, target, { rootDir }) : compareWithDiskSync(target, all, { rootDir });
  if (changes.length === 0) return { changes, wrote: false };

  const layout = new WriteLayout(target, rootDir, `${process.pid}-${randomBytes(4).toString('hex')}`);
  // The changed artifacts that are steps of their own by key, found in one pass (a patch changes a
  // few of thousands; a first build's output files are all one step).
  const ownSteps = outExists ? changes : changes.filter((c) => c.root);
  const changedKeys = new Set(ownSteps.map((c) => keyOf(c.root ? 'root' : 'out', c.path)));
  const changedPaths = new Set(ownSteps.map((c) => c.path));
  const byKey = new Map<string, Artifact>();
  for (const a of artifacts) if (changedPaths.has(a.path) && changedKeys.has(keyOf(a.root ? 'root' : 'out', a.path))) byKey.set(keyOf(a.root ? 'root' : 'out', a.path), a);
  const steps: Step[] = [];
  const staged: Array<[Step, Artifact]> = [];
  if (!outExists) {
    steps.push({ base: 'out', path: '', op: 'whole' });
    for (const artifact of artifacts) if (!artifact.root) staged.push([{ base: 'out', path: artifact.path, op: 'add' }, artifact]);
  }
  // Stale files go first, so a directory can take the place of a removed file of the same name.
  for (const change of changes) if (change.change === 'removed') steps.push({ base: 'out', path: change.path, op: 'remove' });
  for (const change of changes) {
    if (change.change === 'removed' || (!outExists && !change.root)) continue;
    const step: Step = { base: change.root ? 'root' : 'out', path: change.path, op: change.change === 'added' ? 'add' : 'replace' };
    steps.push(step);
    staged.push([step, byKey.get(keyOf(step.base, step.path))!]);
  }
  const journal: Journal = { version: JOURNAL_VERSION, rootDir: path.relative(path.dirname(target), rootDir), direction: 'forward', steps };
  // A read-only mount or directory is found before anything is staged.
  const written = new Set([path.dirname(target), ...(outExists ? [target] : []), ...(changes.some((c) => c.root) ? [rootDir] : [])]);
  for (const dir of written) fs.accessSync(dir, fs.constants.W_OK);

  try {
    const made = new Set<string>();
    for (const [step, artifact] of staged) {
      writeStaged(layout.staged(step), artifact.contents, made);
      if (step === staged[0]![0]) crashAt?.('after-first-staged');
    }
  } catch (error) {
    if (!isFileSystemError(error)) throw error;
    layout.removeStaging();
    throw error;
  }
  commit(layout, journal, target, crashAt);
  return { changes, wrote: true };
}

/** With every new file staged: the journal, then each step; a file-system error undoes them all. */
function commit(layout: WriteLayout, journal: Journal, target: string, crashAt: ((point: CrashPoint) => void) | undefined): void {
  try {
    crashAt?.('after-temp-written');
    writeJournal(layout, journal);
  } catch (error) {
    if (!isFileSystemError(error)) throw error; // a simulated crash leaves its leftovers, like a real one
    fs.rmSync(layout.journalPath, { force: true });
    layout.removeStaging();
    fs.rmSync(path.join(path.dirname(target), `${prefixOf(target)}tmp-${layout.id}.journal`), { force: true });
    throw error;
  }
  crashAt?.('after-journal-written');
  try {
    let first = true;
    rollForward(layout, journal, () => {
      if (first) crashAt?.('after-first-patch-step');
      first = false;
    });
  } catch (error) {
    if (!isFileSystemError(error)) throw error;
    undoAfterFailure(layout, journal, explain(error));
  }
  crashAt?.('after-patched');
  finish(layout);
}

/** A step failed on the file system: every step is undone, and nothing is left beside the output. */
function undoAfterFailure(layout: WriteLayout, journal: Journal, cause: NodeJS.ErrnoException): never {
  try {
    writeJournal(layout, { ...journal, direction: 'undo' });
    undo(layout, journal);
  } catch (error) {
    if (!isFileSystemError(error)) throw error;
    throw new WriteFailed(`${describeFileSystemError(cause)}; undoing the partial write failed too: ${describeFileSystemError(error)}`, `fix the file system, then run fleetc build: it finishes or undoes the write from ${layout.journalPath}`);
  }
  finish(layout);
  throw cause;
}

/** A rename into a read-only mount fails as a cross-device rename (EXDEV): say what it really met. */
function explain(error: NodeJS.ErrnoException): NodeJS.ErrnoException {
  const dest = (error as NodeJS.ErrnoException & { dest?: string }).dest;
  if (error.code !== 'EXDEV' || !dest) return error;
  try {
    fs.accessSync(path.dirname(dest), fs.constants.W_OK);
    return error;
  } catch (probe) {
    return isFileSystemError(probe) ? probe : error;
  }
}

function finish(layout: WriteLayout): void {
  fs.rmSync(layout.journalPath, { force: true });
  layout.removeStaging();
}

/** Each directory is made once per write: thousands of files share a few directories. */
export async function recoverInterruptedWrite(outDir: string, options: { rootDir?: string } = {}): Promise<void> {
  recoverInterruptedWriteSync(outDir, options);
}

/**
 * Completes what an interrupted write left beside the output directory: a journal whose patch had
 * begun is finished (or, when finishing fails or it was being undone, undone); a journal whose patch
 * had not begun is dropped, leaving the old tree. Staging directories without a journal are
 * removed. Call it holding the output lock.
 */
export function recoverInterruptedWriteSync(outDir: string, options: { rootDir?: string } = {}): void {
  const target = path.resolve(outDir);
  const parent = path.dirname(target);
  const prefix = prefixOf(target);
  for (const name of readdirOrEmpty(parent).filter((n) => n.startsWith(`${prefix}journal-`))) {
    const id = name.slice(`${prefix}journal-`.length);
    const journal = readJournal(path.join(parent, name));
    const layout = new WriteLayout(target, journal ? path.resolve(parent, journal.rootDir) : rootDirOf(target, options), id);
    if (journal && journal.direction === 'undo') undo(layout, journal);
    else if (journal && !untouched(layout, journal)) {
      try {
        rollForward(layout, journal);
      } catch (error) {
        if (!isFileSystemError(error)) throw error;
        writeJournal(layout, { ...journal, direction: 'undo' });
        undo(layout, journal);
      }
    }
    finish(layout);
  }
  // An older fleetc swapped the whole directory: its old tree, set aside, is the output.
  const aside = readdirOrEmpty(parent).filter((n) => n.startsWith(`${prefix}work-`) || n.startsWith(`${prefix}old-`));
  if (!fs.existsSync(target) && aside.length > 0) fs.renameSync(path.join(parent, aside.shift()!), target);
  const rootDir = rootDirOf(target, options);
  for (const dir of new Set([parent, rootDir])) {
    for (const name of readdirOrEmpty(dir)) {
      if (name.startsWith(`${prefix}tmp-`) || (dir === parent && aside.includes(name))) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    }
  }
}

/** True when a write was interrupted and its journal or staging is still there (the tree may be mid-patch). */
export function hasInterruptedWrite(outDir: string, options: { rootDir?: string } = {}): boolean {
  const target = path.resolve(outDir);
  const prefix = prefixOf(target);
  const names = [...readdirOrEmpty(path.dirname(target)), ...readdirOrEmpty(rootDirOf(target, options))];
  return names.some((n) => n.startsWith(`${prefix}journal-`) || n.startsWith(`${prefix}tmp-`) || n.startsWith(`${prefix}work-`) || n.startsWith(`${prefix}old-`));
}

function checkArtifactPaths(target: string, rootDir: string, artifacts: readonly Artifact[]): void {
  for (const artifact of artifacts) {
    checkArtifactPath(artifact, 'refusing to write outside the output directory:');
    if (artifact.root) refuseRootFileInOutput(rootDir, target, artifact.path);
  }
}

/** --out naming a file (or a link to one, or to nothing) is refused: fleetc never deletes what it did not write. */
function refuseNonDirectory(target: string): void {
  const stat = fs.lstatSync(target, { throwIfNoEntry: false });
  if (!stat) return;
  const resolved = stat.isSymbolicLink() ? fs.statSync(target, { throwIfNoEntry: false }) : stat;
  if (!resolved?.isDirectory()) {
    const what = stat.isSymbolicLink() ? (resolved ? 'a symbolic link to a file' : 'a dangling symbolic link') : stat.isFile() ? 'a file' : 'not a directory';
    throw new WriteRefused(`${target} is ${what}, not an output directory; refusing to replace it`);
  }
}

/**
 * Never replace a directory fleetc did not write: a missing or empty one, or one with our
 * manifest. True when it holds a previous output (which later builds patch).
 */
function refuseForeignDirectory(target: string): boolean {
  const entries = readdirOrEmpty(target);
  if (entries.length === 0) return false;
  const file = path.join(target, MANIFEST_PATH);
  // The generator field comes first: no need to read megabytes of manifest to find it.
  const head = readHead(file, 200);
  let generator: unknown;
  try {
    const match = head === undefined ? null : /^\{\s*"generator"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(head);
    generator = match ? JSON.parse(match[1]!) : head === undefined ? undefined : (JSON.parse(fs.readFileSync(file, 'utf8')) as { generator?: unknown }).generator;
  } catch {
    generator = undefined;
  }
  if (generator !== 'fleetc') {
    throw new WriteRefused(`${target} is not empty and was not written by fleetc (no fleetc ${MANIFEST_PATH}); refusing to replace it`);
  }
  return true;
}

/** File-system errors become WriteFailed (a user error: read-only, full disk); bugs stay bugs. */
function guarded<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (isFileSystemError(error)) throw new WriteFailed(`cannot ${what}: ${describeFileSystemError(error)}`, hintFor(error));
    throw error;
  }
}

function keyOf(base: 'out' | 'root', file: string): string {
  return `${base}\0${file}`;
}

/** The first bytes of a file as text; undefined when it cannot be read. */
function readHead(file: string, bytes: number): string | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, fs.readSync(fd, buffer, 0, bytes, 0)).toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function readdirOrEmpty(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
