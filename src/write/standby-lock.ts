// The output lock for fleetc watch, with flock(1)'s process started before it is needed. Spawning a
// child forks this process, ~7 ms of the main thread for a watch holding 400 MB, which would fall
// between an edit and its rebuilt output; spawned while watch waits for the next edit, the child
// (a shell) sits on a read until asked, then opens the lock file and runs flock(1) on it. The lock
// is the same flock(2) on the same file as lock.ts takes; it lives on the shell's descriptor, so
// it ends when the shell ends: on release (its input closed), or when this process ends however it
// ends (the shell reads end of file). The file's removal on release is as lock.ts does it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { flockFailure, flockWait, isLockFile, lockFileFor, openLockFile, recordHolder, type FlockResult, type LockOptions, type OutputLock } from './lock.ts';
import { WriteFailed } from './errors.ts';

/**
 * The shell: reads flock's wait arguments, opens the file on descriptor 3, locks it, prints
 * flock's status; holding the lock, reads once more (the release, or end of file).
 */
const HELPER = 'read -r wait || exit 0; exec 3>>"$1" || exit 71; flock --exclusive $wait 3; status=$?; echo "$status"; [ "$status" = 0 ] && read -r _; exit 0';

export class StandbyLock {
  private readonly file: string;
  private helper: ChildProcess | undefined;

  constructor(
    private readonly outDir: string,
    private readonly options: LockOptions,
  ) {
    this.file = lockFileFor(outDir);
  }

  /** Starts the next acquire's shell now (fleetc watch calls it while it waits for an edit). */
  prepare(): void {
    if (this.helper) return;
    const helper = spawn('sh', ['-c', HELPER, 'fleetc-lock', this.file], { stdio: ['pipe', 'pipe', 'pipe'] });
    helper.on('error', () => undefined); // met by acquire
    helper.stdin!.on('error', () => undefined); // a shell gone: acquire reads its status
    this.helper = helper;
  }

  /** The output lock, as acquireOutputLock gives it: LockTimeout when another fleetc keeps it past the timeout. */
  async acquire(): Promise<OutputLock> {
    const deadline = Date.now() + this.options.timeoutMs;
    for (;;) {
      // The file (and with makeParent its directory) made here: lock.ts's errors for what cannot be made.
      fs.closeSync(openLockFile(this.file, this.outDir, this.options));
      if (this.helper && (this.helper.exitCode !== null || this.helper.signalCode !== null)) this.helper = undefined;
      this.prepare();
      const helper = this.helper!;
      this.helper = undefined;
      const result = await flockStatus(helper, flockWait(deadline).join(' '));
      if (result === 'ended') throw new WriteFailed(`cannot lock ${this.outDir}: the shell that runs flock(1) ended first`, 'run the command again');
      const failure = flockFailure(this.file, this.outDir, this.options, result);
      if (failure) {
        helper.kill();
        throw failure;
      }
      // The shell's descriptor 3 is the file it locked.
      if (!isLockFile(this.file, fs.statSync(`/proc/${helper.pid}/fd/3`, { throwIfNoEntry: false }))) {
        helper.stdin!.end();
        continue;
      }
      recordHolder(this.file, this.options);
      let released = false;
      return {
        file: this.file,
        release: () => {
          if (released) return;
          released = true;
          fs.rmSync(this.file, { force: true });
          helper.stdin!.end();
        },
      };
    }
  }

  /** Ends the shell waiting for the next acquire (watch stops). */
  close(): void {
    this.helper?.stdin!.end();
    this.helper = undefined;
  }
}

/**
 * Asks the shell to lock with these flock arguments: flock's exit status as the shell printed it,
 * as lock.ts reads flock's own ('ended' when the shell ended without one).
 */
function flockStatus(helper: ChildProcess, waitArguments: string): Promise<FlockResult | 'ended'> {
  return new Promise((resolve) => {
    const result = (status: number): FlockResult =>
      // The shell's "not found" (127) is flock(1) missing; 71, the shell's own, the lock file that would not open.
      status === 127 ? { status: null, stderr: '', error: Object.assign(new Error('flock: not found'), { code: 'ENOENT' }) } : { status, stderr: status === 71 ? 'cannot open the lock file' : '' };
    let out = '';
    const onData = (chunk: Buffer): void => {
      out += String(chunk);
      if (!out.includes('\n')) return;
      helper.stdout!.off('data', onData);
      resolve(result(Number(out.trim())));
    };
    helper.stdout!.on('data', onData);
    helper.once('error', (error) => resolve({ status: null, stderr: '', error }));
    // After its output is read: a status line printed before the shell ended is seen first.
    helper.once('close', (code) => resolve(code === 0 || code === null ? 'ended' : result(code)));
    helper.stdin!.write(`${waitArguments}\n`);
  });
}
