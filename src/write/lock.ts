// The output lock: one fleetc at a time writes (or checks) an output directory and its root files.
// An flock(2) on a file beside the output directory, taken by util-linux's flock(1) on a descriptor
// this process keeps open: the kernel releases it when the process ends, however it ends (a
// SIGKILL leaves no stale lock). The file holds the holder's pid and command for the message of a
// waiting fleetc, and is removed when the lock is released.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describeFileSystemError, hintFor, isFileSystemError, LockTimeout, WriteFailed } from './errors.ts';

export interface OutputLock {
  readonly file: string;
  release(): void;
}

export interface LockOptions {
  /** How long to wait for another fleetc to finish; 0 fails at once. */
  timeoutMs: number;
  /** What this process is doing, for the message of another fleetc that waits. */
  command?: string;
  /** Create the output directory's parent first (a first build into a new path). */
  makeParent?: boolean;
}

interface Holder {
  pid: number;
  command: string;
  since: string;
}

/** .generated.lock beside generated/. */
export function lockFileFor(outDir: string): string {
  const target = path.resolve(outDir);
  return path.join(path.dirname(target), `.${path.basename(target)}.lock`);
}

/**
 * The lock for a reader (build --check): none when its file cannot be made because the directory is
 * read-only to this process, where no fleetc of this user can be writing either.
 */
export function acquireOutputLockToRead(outDir: string, options: LockOptions): OutputLock | undefined {
  try {
    fs.closeSync(fs.openSync(lockFileFor(outDir), 'a', 0o644));
  } catch (error) {
    if (['EROFS', 'EACCES', 'EPERM', 'ENOENT'].includes((error as NodeJS.ErrnoException).code ?? '')) return undefined;
  }
  return acquireOutputLock(outDir, options);
}

/**
 * Takes the lock of an output directory, waiting at most timeoutMs. Throws LockTimeout when another
 * fleetc keeps it, WriteFailed when the lock file cannot be made (a read-only or missing parent).
 */
export function acquireOutputLock(outDir: string, options: LockOptions): OutputLock {
  const file = lockFileFor(outDir);
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const fd = openLockFile(file, outDir, options);
    const result = spawnSync('flock', flockArguments(deadline), { stdio: ['ignore', 'ignore', 'pipe', fd] });
    const lock = lockAfterFlock(file, fd, outDir, options, { error: result.error, status: result.status, stderr: String(result.stderr) });
    if (lock) return lock;
  }
}

/** Why flock(1) did not take the lock (undefined: it took it): not installed, a file system without flock(2), the wait ran out. */
export function flockFailure(file: string, outDir: string, options: LockOptions, result: FlockResult): Error | undefined {
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    return new WriteFailed(missing ? `cannot lock ${outDir}: flock(1) is not installed` : `cannot lock ${outDir}: ${result.error.message}`, 'install util-linux, which provides flock(1)');
  }
  if (result.status === 1) return timedOut(file, outDir, options);
  if (result.status !== 0) return new WriteFailed(`cannot lock ${outDir}: flock: ${result.stderr.trim() || `exit ${result.status}`}`, 'the lock file is on a file system without flock(2); put the output directory on a local file system');
  return undefined;
}

/** The previous holder removes the file as it releases: a lock on a removed file locks nothing. True when `held` is the file there now. */
export function isLockFile(file: string, held: fs.Stats | undefined): boolean {
  const current = fs.statSync(file, { throwIfNoEntry: false });
  return held !== undefined && current !== undefined && current.ino === held.ino && current.dev === held.dev;
}

export interface FlockResult {
  error?: Error;
  status: number | null;
  stderr: string;
}

export function openLockFile(file: string, outDir: string, options: LockOptions): number {
  try {
    if (options.makeParent) fs.mkdirSync(path.dirname(file), { recursive: true });
    return fs.openSync(file, 'a', 0o644);
  } catch (error) {
    if (isFileSystemError(error)) throw new WriteFailed(`cannot lock ${outDir}: ${describeFileSystemError(error)}`, hintFor(error));
    throw error;
  }
}

/** flock(1) on descriptor 3, waiting until the deadline. */
function flockArguments(deadline: number): string[] {
  return ['--exclusive', ...flockWait(deadline), '3'];
}

/** flock(1)'s arguments to wait until the deadline (not at all when it has passed). */
export function flockWait(deadline: number): string[] {
  const waitSeconds = Math.max(0, deadline - Date.now()) / 1000;
  return waitSeconds > 0 ? ['--wait', waitSeconds.toFixed(3)] : ['--nonblock'];
}

/** The lock once flock(1) returned on fd; undefined when the file was replaced meanwhile (take it again). */
function lockAfterFlock(file: string, fd: number, outDir: string, options: LockOptions, result: FlockResult): OutputLock | undefined {
  const failure = flockFailure(file, outDir, options, result);
  if (failure) {
    fs.closeSync(fd);
    throw failure;
  }
  if (!isLockFile(file, fs.fstatSync(fd))) {
    fs.closeSync(fd);
    return undefined;
  }
  try {
    fs.ftruncateSync(fd, 0);
    fs.writeSync(fd, holderText(options));
  } catch {
    // A full disk: the lock holds all the same, only the waiting message is poorer.
  }
  let released = false;
  return {
    file,
    release() {
      if (released) return;
      released = true;
      fs.rmSync(file, { force: true });
      fs.closeSync(fd);
    },
  };
}

function holderText(options: LockOptions): string {
  return JSON.stringify({ pid: process.pid, command: options.command ?? 'fleetc', since: new Date().toISOString() } satisfies Holder);
}

/** Writes this process as the holder into the lock file it holds (by path: standby-lock.ts holds it on another process's descriptor). */
export function recordHolder(file: string, options: LockOptions): void {
  try {
    fs.writeFileSync(file, holderText(options));
  } catch {
    // A full disk: the lock holds all the same, only the waiting message is poorer.
  }
}

/** The LockTimeout of a wait that ran out, naming the holder the lock file records. */
function timedOut(file: string, outDir: string, options: LockOptions): LockTimeout {
  const holder = readHolder(file);
  const who = holder ? `fleetc (pid ${holder.pid}, \`${holder.command}\`, since ${holder.since})` : 'another fleetc';
  return new LockTimeout(`${outDir} is being written by ${who}; waited ${Math.round(options.timeoutMs / 1000)} s`);
}

function readHolder(file: string): Holder | undefined {
  try {
    const holder = JSON.parse(fs.readFileSync(file, 'utf8')) as Holder;
    return typeof holder.pid === 'number' ? holder : undefined;
  } catch {
    return undefined;
  }
}
