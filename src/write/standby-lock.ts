// The output lock for fleetc watch, with flock(1)'s process started before it is needed. Spawning a
// child forks this process, ~7 ms of the main thread for a watch holding 400 MB, which would fall
// between an edit and its rebuilt output; spawned while watch waits for the next edit, the child
// (a shell) sits on a read until asked, then opens the lock file and runs flock(1) on it. The lock
// is the same flock(2) on the same file as lock.ts takes; it lives on the shell's descriptor, so
// it ends when the shell ends: on release (its input closed), or when this process ends however it
// ends (the shell reads end of file). The file's removal on release is as lock.ts does it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { lockFileFor, openLockFile, recordHolder, flockArguments, timedOut, type LockOptions, type OutputLock } from './lock.ts';
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

  /** The output lock, as acquireOutputLockAsync gives it: LockTimeout when another fleetc keeps it past the timeout. */
  async acquire(): Promise<OutputLock> {
    const deadline = Date.now() + this.options.timeoutMs;
    for (;;) {
      // The file (and with makeParent its directory) made here: lock.ts's errors for what cannot be made.
      fs.closeSync(openLockFile(this.file, this.outDir, this.options));
      if (this.helper && (this.helper.exitCode !== null || this.helper.signalCode !== null)) this.helper = undefined;
      this.prepare();
      const helper = this.helper!;
      this.helper = undefined;
      const status = await flockStatus(helper, flockArguments(deadline).slice(1, -1).join(' '));
      if (status === 'ended') {
        throw new WriteFailed(`cannot lock ${this.outDir}: the shell that runs flock(1) ended first`, 'run the command again');
      }
      if (status === 127 || status === 'not started') {
        helper.kill();
        throw new WriteFailed(`cannot lock ${this.outDir}: flock(1) is not installed`, 'install util-linux, which provides flock(1)');
      }
      if (status === 1) {
        helper.kill();
        throw timedOut(this.file, this.outDir, this.options);
      }
      if (status !== 0) {
        helper.kill();
        throw new WriteFailed(`cannot lock ${this.outDir}: flock: ${status === 71 ? 'cannot open the lock file' : `exit ${status}`}`, 'the lock file is on a file system without flock(2); put the output directory on a local file system');
      }
      // The previous holder removes the file as it releases: a lock on a removed file locks nothing.
      const held = fs.statSync(`/proc/${helper.pid}/fd/3`, { throwIfNoEntry: false });
      const current = fs.statSync(this.file, { throwIfNoEntry: false });
      if (!held || !current || current.ino !== held.ino || current.dev !== held.dev) {
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

/** Asks the shell to lock with these flock arguments; its status line (flock's exit status), else its own exit status ('ended' for 0). */
function flockStatus(helper: ChildProcess, waitArguments: string): Promise<number | 'not started' | 'ended'> {
  return new Promise((resolve) => {
    let out = '';
    const onData = (chunk: Buffer): void => {
      out += String(chunk);
      if (!out.includes('\n')) return;
      helper.stdout!.off('data', onData);
      resolve(Number(out.trim()));
    };
    helper.stdout!.on('data', onData);
    helper.once('error', () => resolve('not started'));
    // After its output is read: a status line printed before the shell ended is seen first.
    helper.once('close', (code) => resolve(code === 0 || code === null ? 'ended' : code));
    helper.stdin!.write(`${waitArguments}\n`);
  });
}
