// The writer's staging of a build's artifacts as they are emitted: each one is compared with the
// file it replaces (none on a first build) and, when it differs, written into the staging directory
// at once; only its path is kept, so the texts never pile up. What remains is the journal's steps.
import fs from 'node:fs';
import path from 'node:path';
import type { Artifact, ArtifactInPieces } from '../emit/artifact.ts';
import { isSafeRelativePath } from '../emit/index.ts';
import { listFilesSync, readOrUndefined, sortChanges, type FileChange } from './compare.ts';
import type { Step, WriteLayout } from './journal.ts';
import { refuseForeignRootFile, refuseRootFileInOutput } from './root-files.ts';
import { StagingThread } from './staging-thread.ts';

export type Streamed = Artifact | ArtifactInPieces;

/** Pieces are written to the staged file in blocks of about this many characters. */
const BLOCK_CHARS = 1 << 20;
/** Past this many staged files the rest are written by a thread of their own. */
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

  constructor(
    private readonly layout: WriteLayout,
    private readonly outExists: boolean,
    /** Called after the first file is staged (a test's crash point). */
    private readonly firstStaged: () => void,
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
    const current = this.existing?.has(file) ? readOrUndefined(path.join(this.layout.outDir, file)) : undefined;
    if (current !== undefined && sameText(current, artifact)) return;
    const op = this.existing?.has(file) ? 'replace' : 'add';
    this.stage({ base: 'out', path: file, op }, artifact);
    this.changes.push({ path: file, change: op === 'add' ? 'added' : 'modified' });
  }

  private takeRoot(artifact: Artifact): void {
    refuseRootFileInOutput(this.layout.rootDir, this.layout.outDir, artifact.path);
    const file = path.join(this.layout.rootDir, artifact.path);
    refuseForeignRootFile(file, artifact.contents);
    const current = readOrUndefined(file);
    if (current === artifact.contents) return;
    this.stage({ base: 'root', path: artifact.path, op: current === undefined ? 'add' : 'replace' }, artifact);
    this.changes.push({ path: artifact.path, change: current === undefined ? 'added' : 'modified', root: true });
  }

  /**
   * The journal's steps and the changes, once every artifact was taken: a first build's tree as a
   * whole, else the stale files first (a directory can then take the place of a removed file of the
   * same name), then each changed file; output files before root files, each by path.
   */
  finish(): { steps: Step[]; changes: FileChange[] } {
    this.thread?.flush();
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

  private stage(step: Step, artifact: Streamed): void {
    this.checkWritable(step.base);
    const file = this.layout.staged(step);
    if (this.thread && 'contents' in artifact) this.thread.write(file, artifact.contents);
    else {
      const dir = path.dirname(file);
      if (!this.made.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        this.made.add(dir);
      }
      if ('contents' in artifact) fs.writeFileSync(file, artifact.contents);
      else writePieces(file, artifact.pieces());
    }
    if (++this.stagedCount === 1) this.firstStaged();
    else if (this.stagedCount === THREAD_AFTER && process.env.FLEETC_STAGING_THREAD !== '0') this.thread = new StagingThread();
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

/** The pieces' text, written in blocks. */
function writePieces(file: string, pieces: Iterable<string>): void {
  const fd = fs.openSync(file, 'w');
  try {
    let block = '';
    for (const piece of pieces) {
      block += piece;
      if (block.length >= BLOCK_CHARS) {
        writeAll(fd, block);
        block = '';
      }
    }
    if (block.length > 0) writeAll(fd, block);
  } finally {
    fs.closeSync(fd);
  }
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
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
