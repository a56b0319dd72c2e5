// The file system says no: a full disk (a real tmpfs of a few pages), a read-only output directory,
// a read-only subdirectory met in the middle of a patch, a read-only parent, and an --out that names
// a file. Each is a user error (exit 1) with a message and a hint, no stack trace, the output exactly
// as it was, and nothing left beside it (no staging, no journal, no lock).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, statfsSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { hasStackTrace, runFleetc, type CliResult } from '../helpers/cli.ts';
import { addWorkers, makeFleet } from '../helpers/fleet.ts';
import { MountScope, requireMounts } from '../helpers/mounts.ts';
import { entriesOf, treeHash } from '../helpers/tree-hash.ts';

function workspace(t: TestContext, diskKb?: number) {
  const mounts = new MountScope(t);
  const root = mounts.root;
  const paths = makeFleet(root);
  const disk = path.join(root, 'disk');
  if (diskKb !== undefined) mounts.tmpfs(disk, diskKb);
  else mkdirSync(disk);
  const out = path.join(disk, 'generated');
  const buildWith = (env: Record<string, string>, ...extra: string[]) => runFleetc(['build', '--fleet', paths.fleetDir, '--out', out, '--nix', 'nix', ...extra], { cwd: root, env });
  const build = (...extra: string[]) => buildWith({}, ...extra);
  const edit = (from: string, to: string, file = 'hosts/wk-1.yaml') => {
    const host = path.join(paths.fleetDir, file);
    writeFileSync(host, readFileSync(host, 'utf8').replace(from, to));
  };
  return { root, disk, out, build, buildWith, edit, mounts };
}

function assertUserError(result: CliResult, message: RegExp): void {
  assert.equal(result.exitCode, 1, result.stderr);
  assert.match(result.stderr, message);
  assert.match(result.stderr, /hint: /);
  assert.ok(!hasStackTrace(result.stdout + result.stderr), result.stderr);
  assert.doesNotMatch(result.stderr, /internal error/);
}

/** Fills a file system: a file as large as will fit. */
function fill(file: string): void {
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) writeFileSync(file, chunk, { flag: 'a' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
}

/** Fills a file system but for `blocks` of its blocks. */
function fillBut(file: string, blocks: number): void {
  const { bavail, bsize } = statfsSync(path.dirname(file));
  writeFileSync(file, Buffer.alloc(Math.max(0, bavail - blocks) * bsize, 1));
}

describe('file system faults', () => {
  test('a full disk on the first build: exit 1, nothing left on the disk', async (t) => {
    if (!requireMounts(t)) return;
    const w = workspace(t, 64);
    assertUserError(await w.build(), /cannot write .*generated: no space left on device \(ENOSPC/);
    assert.deepEqual(entriesOf(w.disk), []);
  });

  test('a full disk met by the staging thread (FLEETC_STAGING_THREAD=1) of a first build: the diagnostic a write without it gives, nothing left on the disk', async (t) => {
    if (!requireMounts(t)) return;
    const stderr = new Map<string, string>();
    for (const thread of ['1', '0']) {
      const w = workspace(t, 1024);
      addWorkers(path.join(w.root, 'fleet'), 300);
      const result = await w.buildWith({ FLEETC_STAGING_THREAD: thread }, '--no-cache');
      assertUserError(result, /cannot write .*generated: no space left on device \(ENOSPC, (open|write)/);
      assert.deepEqual(entriesOf(w.disk), []);
      stderr.set(thread, result.stderr.replaceAll(w.root, '<root>'));
    }
    assert.equal(stderr.get('1'), stderr.get('0'));
  });

  test('a full disk met by the staging thread of a later build rewriting every host: the previous output exactly as it was, the diagnostic a write without it gives', async (t) => {
    if (!requireMounts(t)) return;
    const stderr = new Map<string, string>();
    for (const thread of ['1', '0']) {
      const w = workspace(t, 16 * 1024);
      addWorkers(path.join(w.root, 'fleet'), 300);
      assert.equal((await w.build('--no-cache')).exitCode, 0);
      // About 200 KB left: the lock and the first files staged fit, the rest do not.
      fillBut(path.join(w.disk, 'filler'), 50);
      w.edit('params: [console=tty0]', 'params: [console=tty0, quiet]', 'profiles/base.yaml');
      const before = treeHash(w.disk);
      const result = await w.buildWith({ FLEETC_STAGING_THREAD: thread }, '--no-cache');
      assertUserError(result, /no space left on device \(ENOSPC, (open|write)/);
      assert.equal(treeHash(w.disk), before, 'the output is untouched');
      assert.deepEqual(entriesOf(w.disk), ['filler', 'generated']);
      stderr.set(thread, result.stderr.replaceAll(w.root, '<root>'));
    }
    assert.equal(stderr.get('1'), stderr.get('0'));
  });

  test('a full disk on a later build: exit 1, the previous output exactly as it was, and the next build repairs', async (t) => {
    if (!requireMounts(t)) return;
    const w = workspace(t, 512);
    assert.equal((await w.build()).exitCode, 0);
    fill(path.join(w.disk, 'filler'));
    w.edit('profile: worker', 'profile: worker\ndescription: moved to rack 9');
    const before = treeHash(w.disk);
    assertUserError(await w.build(), /no space left on device \(ENOSPC/);
    assert.equal(treeHash(w.disk), before, 'the output is untouched');
    assert.deepEqual(entriesOf(w.disk), ['filler', 'generated']);
    rmSync(path.join(w.disk, 'filler'));
    assert.equal((await w.build()).exitCode, 0);
    assert.equal((await w.build('--check')).exitCode, 0);
  });

  test('a read-only output directory: exit 1 before anything is staged', async (t) => {
    if (!requireMounts(t)) return;
    const w = workspace(t, 1024);
    assert.equal((await w.build()).exitCode, 0);
    w.mounts.readOnly(w.out);
    w.edit('profile: worker', 'profile: worker\ndescription: moved to rack 9');
    const before = treeHash(w.disk);
    assertUserError(await w.build(), /read-only file system \(EROFS/);
    assert.equal(treeHash(w.disk), before);
    assert.deepEqual(entriesOf(w.disk), ['generated']);
  });

  test('a read-only directory met in the middle of the patch: every step done is undone', async (t) => {
    if (!requireMounts(t)) return;
    const w = workspace(t, 1024);
    assert.equal((await w.build()).exitCode, 0);
    // A profile change touches every host; hosts/cp-1/ is patched before hosts/wk-1/ fails.
    const undoReadOnly = w.mounts.readOnly(path.join(w.out, 'hosts/wk-1'));
    w.edit('params: [console=tty0]', 'params: [console=tty0, quiet]', 'profiles/base.yaml');
    const before = treeHash(w.disk);
    // The failure is met at hosts/wk-1/, after the steps of hosts/cp-1/ (the steps go in path order).
    assertUserError(await w.build(), /cannot write .*generated: read-only file system \(EROFS, access .*generated\/hosts\/wk-1\)/);
    assert.equal(treeHash(w.disk), before, 'hosts/cp-1/ is back as it was');
    assert.deepEqual(entriesOf(w.disk), ['generated']);
    undoReadOnly();
    assert.equal((await w.build()).exitCode, 0);
    assert.equal((await w.build('--check')).exitCode, 0);
  });

  test('a read-only parent: build refuses (no lock can be made), build --check still answers', async (t) => {
    if (!requireMounts(t)) return;
    const w = workspace(t, 1024);
    assert.equal((await w.build()).exitCode, 0);
    w.mounts.readOnly(w.disk);
    w.edit('profile: worker', 'profile: worker\ndescription: moved to rack 9');
    const before = treeHash(w.disk);
    assertUserError(await w.build(), /cannot lock .*generated: read-only file system \(EROFS/);
    const check = await w.build('--check');
    assert.equal(check.exitCode, 1, check.stderr);
    assert.match(check.stderr, /generated is out of date: 0 added, 2 modified, 0 removed/);
    assert.equal(treeHash(w.disk), before);
  });

  for (const [what, make] of [
    ['a regular file', (p: string) => writeFileSync(p, 'my notes\n')],
    ['a symbolic link to a file', (p: string) => (writeFileSync(`${p}.target`, 'my notes\n'), symlinkSync(`${p}.target`, p))],
    ['a dangling symbolic link', (p: string) => symlinkSync(`${p}.nowhere`, p)],
  ] as const) {
    test(`--out naming ${what} is refused, and the file is kept`, async (t) => {
      const w = workspace(t);
      make(w.out);
      const before = treeHash(w.disk);
      const result = await w.build();
      assertUserError(result, /generated is (a file|a symbolic link to a file|a dangling symbolic link), not an output directory; refusing to replace it/);
      assert.equal(treeHash(w.disk), before);
    });
  }
});
