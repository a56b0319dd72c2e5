// The output lock as another fleetc meets it: a build waits for a held lock a bounded time, then
// fails with who holds it; a build that may wait long enough gets it once it is released.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { acquireOutputLock, lockFileFor } from '../../src/write/index.ts';
import { hasStackTrace, runFleetc } from '../helpers/cli.ts';
import { makeFleet } from '../helpers/fleet.ts';
import { tempDir } from '../helpers/tmp.ts';
import { treeHash } from '../helpers/tree-hash.ts';

const build = (root: string, fleet: string, out: string, ...extra: string[]) => runFleetc(['build', '--fleet', fleet, '--out', out, '--nix', 'nix', ...extra], { cwd: root });

test('a build waits for the lock a bounded time, then fails with a clear message', async (t) => {
  const root = tempDir(t);
  makeFleet(root);
  assert.equal((await build(root, 'fleet', 'generated')).exitCode, 0);
  const before = treeHash(path.join(root, 'generated'));
  const lock = acquireOutputLock(path.join(root, 'generated'), { timeoutMs: 0, command: 'fleetc build (the test holds it)' });
  try {
    const refused = await build(root, 'fleet', 'generated', '--no-cache', '--lock-timeout', '1');
    assert.equal(refused.exitCode, 1);
    assert.match(refused.stderr, new RegExp(`generated is being written by fleetc \\(pid ${process.pid}, \`fleetc build \\(the test holds it\\)\`, since [0-9T:.-]+Z\\); waited 1 s`));
    assert.match(refused.stderr, /hint: wait for the other fleetc to finish, or pass --lock-timeout SECONDS/);
    assert.ok(!hasStackTrace(refused.stderr));
    assert.equal(treeHash(path.join(root, 'generated')), before);
    // A build that may wait gets the lock once it is released.
    const waiting = build(root, 'fleet', 'generated', '--no-cache', '--lock-timeout', '20');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    lock.release();
    const waited = await waiting;
    assert.equal(waited.exitCode, 0, waited.stderr);
    assert.equal(existsSync(lockFileFor(path.join(root, 'generated'))), false, 'the lock file goes with the lock');
  } finally {
    lock.release();
  }
});
