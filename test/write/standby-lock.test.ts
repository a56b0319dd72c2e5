// fleetc watch's output lock (StandbyLock): its flock(1) shell is started before it is needed, and
// it must be the same lock as every other fleetc takes — held only from acquire to release, a lock
// file replaced meanwhile taken again, a timeout naming the holder, a killed holder no stale lock.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { acquireOutputLock, LockTimeout, lockFileFor, StandbyLock } from '../../src/write/index.ts';
import { REPO_ROOT } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';

test('a prepared standby lock holds nothing until acquired, and nothing after its release', async (t) => {
  const outDir = path.join(tempDir(t), 'generated');
  const standby = new StandbyLock(outDir, { timeoutMs: 5000, command: 'fleetc watch', makeParent: true });
  t.after(() => standby.close());
  standby.prepare();
  await new Promise((resolve) => setTimeout(resolve, 200));
  // Prepared, it holds no lock: another fleetc takes it at once.
  acquireOutputLock(outDir, { timeoutMs: 0 }).release();
  const lock = await standby.acquire();
  const holder = JSON.parse(readFileSync(lockFileFor(outDir), 'utf8')) as { pid: number; command: string };
  assert.deepEqual([holder.pid, holder.command], [process.pid, 'fleetc watch']);
  assert.throws(() => acquireOutputLock(outDir, { timeoutMs: 0 }), (error: Error) => error instanceof LockTimeout && new RegExp(`being written by fleetc \\(pid ${process.pid}, \`fleetc watch\``).test(error.message));
  lock.release();
  assert.equal(existsSync(lockFileFor(outDir)), false, 'the lock file goes with the lock');
  // Its shell ends with the release: the lock is free again right after.
  await until(() => lockIsFree(outDir));
});

test('a standby lock waits for another fleetc, then times out naming it, or gets the lock once released', async (t) => {
  const outDir = path.join(tempDir(t), 'generated');
  const held = acquireOutputLock(outDir, { timeoutMs: 0, command: 'fleetc build (the test holds it)', makeParent: true });
  const short = new StandbyLock(outDir, { timeoutMs: 300, command: 'fleetc watch' });
  await assert.rejects(short.acquire(), (error: Error) => error instanceof LockTimeout && /being written by fleetc \(pid \d+, `fleetc build \(the test holds it\)`, since [0-9T:.-]+Z\)/.test(error.message));
  const waiting = new StandbyLock(outDir, { timeoutMs: 10_000, command: 'fleetc watch' });
  waiting.prepare();
  const acquired = waiting.acquire();
  await new Promise((resolve) => setTimeout(resolve, 300));
  // The other holder removes the file as it releases: the standby's shell locked the old inode, so it takes the lock again.
  held.release();
  const lock = await acquired;
  assert.throws(() => acquireOutputLock(outDir, { timeoutMs: 0 }), LockTimeout);
  lock.release();
});

test('a prepared standby lock opens nothing yet: other fleetcs take and release the lock (and remove its file) before it is acquired', async (t) => {
  const outDir = path.join(tempDir(t), 'generated');
  const standby = new StandbyLock(outDir, { timeoutMs: 5000, makeParent: true });
  t.after(() => standby.close());
  standby.prepare();
  for (let i = 0; i < 3; i++) acquireOutputLock(outDir, { timeoutMs: 0, makeParent: true }).release();
  const lock = await standby.acquire();
  assert.throws(() => acquireOutputLock(outDir, { timeoutMs: 0 }), LockTimeout);
  lock.release();
});

test('a process killed while it holds a standby lock leaves no lock behind', async (t) => {
  const outDir = path.join(tempDir(t), 'generated');
  const script = `import { StandbyLock } from ${JSON.stringify(path.join(REPO_ROOT, 'src/write/standby-lock.ts'))};
    const lock = await new StandbyLock(${JSON.stringify(outDir)}, { timeoutMs: 5000, makeParent: true }).acquire();
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));
  await new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => String(chunk).includes('locked') && resolve()));
  assert.throws(() => acquireOutputLock(outDir, { timeoutMs: 0 }), LockTimeout);
  child.kill('SIGKILL');
  await new Promise((resolve) => child.on('exit', resolve));
  // The shell reads end of file once its parent is gone, and its descriptor, the lock, goes with it.
  await until(() => lockIsFree(outDir));
});

function lockIsFree(outDir: string): boolean {
  try {
    acquireOutputLock(outDir, { timeoutMs: 0 }).release();
    return true;
  } catch {
    return false;
  }
}

async function until(done: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) assert.fail('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
