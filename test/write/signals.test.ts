// Real signals to a real fleetc in the middle of a write. The output directory never disappears:
// SIGTERM, SIGINT and SIGHUP let the write finish (exit 128+n, the tree whole and new); SIGKILL
// leaves a journal that the next build completes, and a first build killed while it stages the files
// it emits leaves no output at all. FLEETC_TEST_PAUSE holds the writer after its first step (or its
// first staged file) so the signal lands there; another test kills at random moments instead.
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { execa, type ResultPromise } from 'execa';
import { hasStackTrace, runFleetc } from '../helpers/cli.ts';
import { addWorkers, makeFleet } from '../helpers/fleet.ts';
import { FLEETC_BIN } from '../helpers/paths.ts';
import { referenceTree } from '../helpers/reference-build.ts';
import { tempDir } from '../helpers/tmp.ts';
import { entriesOf, treeHash } from '../helpers/tree-hash.ts';

type Ctx = Parameters<typeof tempDir>[0];

/** A fleet before and after a change that rewrites every host's files, with reference builds of both. */
async function twoStates(t: Ctx, workers = 0) {
  const root = tempDir(t);
  const paths = makeFleet(root);
  addWorkers(paths.fleetDir, workers);
  const next = path.join(root, 'next');
  cpSync(paths.fleetDir, next, { recursive: true });
  const profile = path.join(next, 'profiles/base.yaml');
  writeFileSync(profile, readFileSync(profile, 'utf8').replace('params: [console=tty0]', 'params: [console=tty0, quiet]'));
  const args = (fleet: string, out: string) => ['build', '--fleet', fleet, '--out', out, '--nix', 'nix', '--no-cache'];
  const oldTree = await referenceTree(root, 'fleet', 'ref-old');
  const newTree = await referenceTree(root, 'next', 'ref-new');
  assert.equal((await runFleetc(args('fleet', 'generated'), { cwd: root })).exitCode, 0);
  return { root, args, oldTree, newTree, tree: () => treeHash(path.join(root, 'generated')) };
}

function spawnBuild(root: string, args: string[], env: Record<string, string> = {}): { child: ResultPromise; stderr: () => string } {
  const child = execa(process.execPath, [FLEETC_BIN, ...args], { cwd: root, reject: false, env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += String(chunk)));
  return { child, stderr: () => stderr };
}

async function waitForOutput(read: () => string, pattern: RegExp): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (pattern.test(read())) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`never printed ${pattern}: ${read()}`);
}

describe('signals during a write', () => {
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129]] as const) {
    test(`${signal} in the middle of the patch: the write finishes, then fleetc exits ${code}`, async (t) => {
      const s = await twoStates(t);
      const build = spawnBuild(s.root, s.args('next', 'generated'), { FLEETC_TEST_PAUSE: 'after-first-patch-step:1500' });
      await waitForOutput(build.stderr, /test pause at after-first-patch-step/);
      assert.notEqual(s.tree(), s.oldTree, 'the patch has begun');
      build.child.kill(signal);
      const result = await build.child;
      assert.equal(result.exitCode, code, build.stderr());
      assert.match(build.stderr(), new RegExp(`interrupted \\(${signal}\\); the write in progress was finished first`));
      assert.ok(!hasStackTrace(build.stderr()));
      assert.equal(s.tree(), s.newTree, 'the whole new tree, at once');
      assert.deepEqual(entriesOf(s.root).filter((n) => n.startsWith('.generated')), []);
    });
  }

  test('SIGKILL in the middle of the patch: the directory stays, and the next build completes it', async (t) => {
    const s = await twoStates(t);
    const build = spawnBuild(s.root, s.args('next', 'generated'), { FLEETC_TEST_PAUSE: 'after-first-patch-step:5000' });
    await waitForOutput(build.stderr, /test pause at after-first-patch-step/);
    build.child.kill('SIGKILL');
    await build.child;
    assert.ok(existsSync(path.join(s.root, 'generated/manifest.json')), 'generated/ is still there');
    assert.ok(entriesOf(s.root).some((n) => n.startsWith('.generated.journal-')), 'the journal says what remains');
    const check = await runFleetc([...s.args('next', 'generated'), '--check'], { cwd: s.root });
    assert.equal(check.exitCode, 1);
    assert.match(check.stderr, /an interrupted build left its journal beside generated/);
    const next = await runFleetc(s.args('next', 'generated'), { cwd: s.root });
    assert.equal(next.exitCode, 0, next.stderr);
    assert.equal(s.tree(), s.newTree);
    assert.equal((await runFleetc([...s.args('next', 'generated'), '--check'], { cwd: s.root })).exitCode, 0);
    assert.deepEqual(entriesOf(s.root).filter((n) => n.startsWith('.generated')), []);
  });

  test('SIGKILL while a first build stages its files as they are emitted: no output directory, and the next build writes the whole tree', async (t) => {
    const root = tempDir(t);
    const paths = makeFleet(root);
    addWorkers(paths.fleetDir, 20);
    const expected = await referenceTree(root, 'fleet', 'ref');
    const args = ['build', '--fleet', 'fleet', '--out', 'generated', '--nix', 'nix', '--no-cache'];
    const build = spawnBuild(root, args, { FLEETC_TEST_PAUSE: 'after-first-staged:5000' });
    await waitForOutput(build.stderr, /test pause at after-first-staged/);
    assert.ok(entriesOf(root).some((n) => n.startsWith('.generated.tmp-')), 'the staging has begun');
    build.child.kill('SIGKILL');
    await build.child;
    assert.ok(!existsSync(path.join(root, 'generated')), 'no partial output');
    assert.ok(!existsSync(path.join(root, 'flake.nix')));
    const next = await runFleetc(args, { cwd: root });
    assert.equal(next.exitCode, 0, next.stderr);
    assert.equal(treeHash(path.join(root, 'generated')), expected);
    assert.deepEqual(entriesOf(root).filter((n) => n.startsWith('.generated')), [], 'what the killed build staged is gone');
  });

  test('SIGTERM while a first build stages its files: the write finishes whole, then fleetc exits 143', async (t) => {
    const root = tempDir(t);
    const paths = makeFleet(root);
    addWorkers(paths.fleetDir, 20);
    const expected = await referenceTree(root, 'fleet', 'ref');
    const build = spawnBuild(root, ['build', '--fleet', 'fleet', '--out', 'generated', '--nix', 'nix', '--no-cache'], { FLEETC_TEST_PAUSE: 'after-first-staged:1500' });
    await waitForOutput(build.stderr, /test pause at after-first-staged/);
    build.child.kill('SIGTERM');
    const result = await build.child;
    assert.equal(result.exitCode, 143, build.stderr());
    assert.match(build.stderr(), /the write in progress was finished first/);
    assert.equal(treeHash(path.join(root, 'generated')), expected);
    assert.deepEqual(entriesOf(root).filter((n) => n.startsWith('.generated')), []);
  });

  test('signals aimed at the write of a large build: generated/ never vanishes, a caught signal leaves a whole tree', async (t) => {
    // 150 more hosts: a change of the base profile rewrites about a thousand files.
    const s = await twoStates(t, 150);
    let fleet = 'next';
    for (let round = 0; round < 8; round++) {
      const signal = round % 2 === 0 ? 'SIGKILL' : round % 4 === 1 ? 'SIGTERM' : 'SIGINT';
      const leftBefore = new Set(entriesOf(s.root));
      const treeBefore = s.tree();
      const build = spawnBuild(s.root, s.args(fleet, 'generated'));
      // The write begins when its staging directory appears; the signal follows within half a second (an older fleetc had its output directory renamed away for much of that time).
      const exited = build.child.then(() => true);
      const writing = () => entriesOf(s.root).some((n) => /^\.generated\.tmp-/.test(n) && !leftBefore.has(n));
      while (!writing() && !(await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve(false), 2))]))) {
        // waiting for the write
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 500));
      build.child.kill(signal);
      const result = await build.child;
      assert.ok(existsSync(path.join(s.root, 'generated/manifest.json')), `round ${round}: generated/ is there after ${signal}`);
      assert.ok(!hasStackTrace(build.stderr()), build.stderr());
      if (/interrupted \(\w+\) before writing/.test(build.stderr())) assert.equal(s.tree(), treeBefore, `round ${round}: untouched`);
      else if (signal !== 'SIGKILL') {
        // The signal came in the middle of the write (finished first), or after it (the write was
        // reported whole, and the process died of the signal on its way out), or not at all.
        assert.ok(result.exitCode === 0 || /the write in progress was finished first|^wrote generated: /m.test(build.stderr()), build.stderr());
        assert.ok([s.oldTree, s.newTree].includes(s.tree()), `round ${round}: a whole tree after ${signal} (${build.stderr()})`);
        assert.deepEqual(entriesOf(s.root).filter((n) => n.startsWith('.generated')), [], 'what a killed build left is finished too');
      }
      fleet = fleet === 'next' ? 'fleet' : 'next';
    }
    const last = await runFleetc(s.args('fleet', 'generated'), { cwd: s.root });
    assert.equal(last.exitCode, 0, last.stderr);
    assert.equal(s.tree(), s.oldTree);
    assert.deepEqual(entriesOf(s.root).filter((n) => n.startsWith('.generated')), []);
  });
});
