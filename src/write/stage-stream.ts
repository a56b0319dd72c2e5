// The writer's staging of a build's artifacts as they are emitted: each one is compared with the
// file it replaces (none on a first build) and, when it differs, written into the staging directory
// at once; only its path is kept, so the texts never pile up. What remains is the journal's steps.
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Artifact, ArtifactInPieces } from '../emit/artifact.ts';
import { isSafeRelativePath } from '../emit/index.ts';
import { sha256 } from '../emit/manifest.ts';
import { listFilesSync, readOrUndefined, sortChanges, type FileChange } from './compare.ts';
import type { Step, WriteLayout } from './journal.ts';
import { refuseForeignRootFile, refuseRootFileInOutput } from './root-files.ts';
import { StagingThread } from './staging-thread.ts';

export type Streamed = Artifact | ArtifactInPieces;

/**
 * Where a streamed artifact's sha256 goes when its stream left the hashing to the writer (emit/stream.ts
 * deferHashes): the writer hashes the bytes it writes (on the staging thread) or, for a file it
 * does not write, the text, and gives every artifact's hash before it takes a file in pieces.
 */
export type HashSetters = (artifact: Streamed) => ((hash: string) => void) | undefined;

/** Pieces are written to the staged file in blocks of about this many characters. */
const BLOCK_CHARS = 1 << 20;
/**
 * Past this many staged files a thread of their own starts, and writes the rest once it runs (a
 * small build never waits for it). FLEETC_STAGING_THREAD=0 keeps every write on the main thread;
 * =1 hands it every file from the first one, waiting for it to start (tests: the thread's path
 * whatever the build's size).
 */
const THREAD_AFTER = 256;

export class StreamStager {
  private readonly changes: FileChange[] = [];
  /** The output directory's files before the write (undefined: there is none, a first build). */
  private readonly existing: Set<string> | undefined;
  private readonly emitted = new Set<string>();
  private readonly made = new Set<string>();
  private readonly checked = new Set<string>();
  private stagedCount = 0;
  /** Writes the staged files once there are many (staging-thread.ts); small writes stay on this thread. */
  private thread: StagingThread | undefined;
  /** How many files are staged before the thread starts (FLEETC_STAGING_THREAD, see THREAD_AFTER), read when the stager is made: a test sets it per write. */
  private readonly threadFrom = threadFrom(process.env.FLEETC_STAGING_THREAD);

  constructor(
    private readonly layout: WriteLayout,
    private readonly outExists: boolean,
    /** Called after the first file is staged (a test's crash point). */
    private readonly firstStaged: () => void,
    private readonly hashSetters?: HashSetters,
  ) {
    this.existing = outExists ? new Set(listFilesSync(layout.outDir)) : undefined;
  }

  /** Compares one artifact with what it replaces and stages it when it differs. */
  take(artifact: Streamed): void {
    if (!isSafeRelativePath(artifact.path)) throw new Error(`refusing to write outside the output directory: ${artifact.path}`);
    if (artifact.root) return this.takeRoot(artifact);
    const { path: file } = artifact;
    if (this.existing) {
      if (this.emitted.has(file)) throw new Error(`emit: two artifacts at ${file}`);
      this.emitted.add(file);
    }
    const setHash = this.hashSetters?.(artifact);
    // A file in pieces may be made from the hashes of those before it (the manifest).
    if (!('contents' in artifact)) this.thread?.settle();
    const current = this.existing?.has(file) ? readOrUndefined(path.join(this.layout.outDir, file)) : undefined;
    if (current !== undefined && sameText(current, artifact)) return setHash?.(sha256(current));
    const op = this.existing?.has(file) ? 'replace' : 'add';
    this.stage({ base: 'out', path: file, op }, artifact, setHash);
    this.changes.push({ path: file, change: op === 'add' ? 'added' : 'modified' });
  }

  private takeRoot(artifact: Artifact): void {
    refuseRootFileInOutput(this.layout.rootDir, this.layout.outDir, artifact.path);
    const file = path.join(this.layout.rootDir, artifact.path);
    refuseForeignRootFile(file, artifact.contents);
    const setHash = this.hashSetters?.(artifact);
    const current = readOrUndefined(file);
    if (current === artifact.contents) return setHash?.(sha256(current));
    this.stage({ base: 'root', path: artifact.path, op: current === undefined ? 'add' : 'replace' }, artifact, setHash);
    this.changes.push({ path: artifact.path, change: current === undefined ? 'added' : 'modified', root: true });
  }

  /**
   * The journal's steps and the changes, once every artifact was taken: a first build's tree as a
   * whole, else the stale files first (a directory can then take the place of a removed file of the
   * same name), then each changed file; output files before root files, each by path.
   */
  finish(): { steps: Step[]; changes: FileChange[] } {
    this.thread?.settle();
    const removed: FileChange[] = [];
    for (const file of this.existing ?? []) if (!this.emitted.has(file)) removed.push({ path: file, change: 'removed' });
    const changes = sortChanges([...removed, ...this.changes]);
    const steps: Step[] = this.outExists ? [] : [{ base: 'out', path: '', op: 'whole' }];
    for (const change of changes) if (change.change === 'removed') steps.push({ base: 'out', path: change.path, op: 'remove' });
    for (const change of changes) {
      if (change.change === 'removed' || (!this.outExists && !change.root)) continue;
      steps.push({ base: change.root ? 'root' : 'out', path: change.path, op: change.change === 'added' ? 'add' : 'replace' });
    }
    return { steps, changes };
  }

  /** Waits for the staging thread and stops it; call it whatever happened. */
  close(): void {
    this.thread?.close();
    this.thread = undefined;
  }

  private stage(step: Step, artifact: Streamed, setHash: ((hash: string) => void) | undefined): void {
    this.checkWritable(step.base);
    const file = this.layout.staged(step);
    if (this.stagedCount === this.threadFrom) {
      this.thread = new StagingThread();
      if (this.threadFrom === 0) this.thread.waitUntilReady();
    }
    if (!this.thread?.ready) this.writeHere(file, artifact, setHash);
    else if (!('contents' in artifact)) this.thread.writePieces(file, artifact.pieces(), setHash);
    // When the thread is behind (the other core is busy), this thread writes rather than waits.
    else if (!this.thread.tryWrite(file, artifact.contents, setHash)) this.writeHere(file, artifact, setHash);
    if (++this.stagedCount === 1) this.firstStaged();
  }

  private writeHere(file: string, artifact: Streamed, setHash: ((hash: string) => void) | undefined): void {
    if ('contents' in artifact) {
      writeStaged(file, artifact.contents, this.made);
      setHash?.(sha256(artifact.contents));
    } else {
      makeParentOnce(file, this.made);
      writePieces(file, artifact.pieces(), setHash);
    }
  }

  /** A read-only mount or directory is found before anything is staged in it. */
  private checkWritable(base: Step['base']): void {
    const writable = base === 'root' ? [this.layout.rootDir] : [path.dirname(this.layout.outDir), ...(this.outExists ? [this.layout.outDir] : [])];
    for (const target of writable) {
      if (this.checked.has(target)) continue;
      fs.accessSync(target, fs.constants.W_OK);
      this.checked.add(target);
    }
  }
}

/** 0: from the first file (the caller waits for the thread to start); never for '0'. */
function threadFrom(setting: string | undefined): number {
  return setting === '0' ? Infinity : setting === '1' ? 0 : THREAD_AFTER;
}

/** A staged file written, its directory made first unless this write made it already. */
export function writeStaged(file: string, contents: string, made: Set<string>): void {
  makeParentOnce(file, made);
  fs.writeFileSync(file, contents);
}

function makeParentOnce(file: string, made: Set<string>): void {
  const dir = path.dirname(file);
  if (made.has(dir)) return;
  fs.mkdirSync(dir, { recursive: true });
  made.add(dir);
}

/** The pieces' text, written in blocks (and hashed, when setHash is given). */
function writePieces(file: string, pieces: Iterable<string>, setHash: ((hash: string) => void) | undefined): void {
  const fd = fs.openSync(file, 'w');
  const hash = setHash && createHash('sha256');
  try {
    let block = '';
    for (const piece of pieces) {
      block += piece;
      if (block.length >= BLOCK_CHARS) {
        writeAll(fd, block, hash);
        block = '';
      }
    }
    if (block.length > 0) writeAll(fd, block, hash);
  } finally {
    fs.closeSync(fd);
  }
  if (hash) setHash!(hash.digest('hex'));
}

function writeAll(fd: number, text: string, hash: Hash | undefined): void {
  const bytes = Buffer.from(text, 'utf8');
  hash?.update(bytes);
  for (let at = 0; at < bytes.length; ) at += fs.writeSync(fd, bytes, at);
}

/** An artifact's text equals this text (pieces compared one by one, never joined). */
function sameText(text: string, artifact: Streamed): boolean {
  if ('contents' in artifact) return text === artifact.contents;
  let at = 0;
  for (const piece of artifact.pieces()) {
    if (!text.startsWith(piece, at)) return false;
    at += piece.length;
  }
  return at === text.length;
}
