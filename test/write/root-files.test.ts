// Root artifacts (path relative to the fleet repository root): written beside the output directory
// under the same lock and journal, compared by build --check, never removed as stale, and never
// written over a file fleetc did not write.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { GENERATED_HEADER, type Artifact } from '../../src/emit/artifact.ts';
import { CRASH_POINTS, compareWithDisk, recoverInterruptedWrite, writeOutput, WriteRefused } from '../../src/write/index.ts';
import { tempDir } from '../helpers/tmp.ts';

const manifest = (tag: string): Artifact => ({ path: 'manifest.json', kind: 'manifest', contents: JSON.stringify({ generator: 'fleetc', tag }) });
const file = (p: string, contents: string): Artifact => ({ path: p, kind: 'nixos', contents });
const flake = (tag: string): Artifact => ({ path: 'flake.nix', root: true, kind: 'flake', contents: `# ${GENERATED_HEADER}\n{ outputs = _: { tag = "${tag}"; }; }\n` });
const lock = (tag: string): Artifact => ({ path: 'flake.lock', root: true, kind: 'flake', contents: JSON.stringify({ nodes: { tag } }) });

function setup(t: Parameters<typeof tempDir>[0]) {
  const repo = tempDir(t);
  mkdirSync(path.join(repo, 'fleet'));
  return { repo, out: path.join(repo, 'generated') };
}

test('root artifacts are written at the root directory, compared, and never removed as stale', async (t) => {
  const { repo, out } = setup(t);
  const first = await writeOutput(out, [file('a.nix', '1'), manifest('1'), flake('1'), lock('1')], undefined, { rootDir: repo });
  assert.deepEqual(first.changes.map((c) => `${c.change} ${c.root ? 'root:' : ''}${c.path}`), ['added a.nix', 'added manifest.json', 'added root:flake.lock', 'added root:flake.nix']);
  assert.equal(readFileSync(path.join(repo, 'flake.nix'), 'utf8'), flake('1').contents);
  assert.equal(readFileSync(path.join(repo, 'flake.lock'), 'utf8'), lock('1').contents);
  assert.equal(existsSync(path.join(out, 'flake.nix')), false, 'a root artifact is not an output file');

  assert.deepEqual((await compareWithDisk(out, [file('a.nix', '1'), manifest('1'), flake('2'), lock('1')], { rootDir: repo })).map((c) => `${c.change} ${c.path} ${c.root}`), ['modified flake.nix true']);

  // A build that no longer emits the lock leaves it in place: root files are never removed.
  const second = await writeOutput(out, [file('a.nix', '1'), manifest('1'), flake('2')], undefined, { rootDir: repo });
  assert.deepEqual(second.changes.map((c) => `${c.change} ${c.path}`), ['modified flake.nix']);
  assert.equal(readFileSync(path.join(repo, 'flake.lock'), 'utf8'), lock('1').contents);
  assert.deepEqual(readdirSync(repo).sort(), ['flake.lock', 'flake.nix', 'fleet', 'generated'], 'no staging, journal or lock left');
});

test('the root directory defaults to the output directory\'s parent', async (t) => {
  const { repo, out } = setup(t);
  await writeOutput(out, [manifest('1'), flake('1')]);
  assert.equal(readFileSync(path.join(repo, 'flake.nix'), 'utf8'), flake('1').contents);
});

for (const point of CRASH_POINTS) {
  test(`a crash ${point} of a write that changes root files recovers old or new root files with the tree`, async (t) => {
    const { repo, out } = setup(t);
    const oldSet = [file('a.nix', 'old'), manifest('old'), flake('old'), lock('old')];
    const newSet = [file('a.nix', 'new'), manifest('new'), flake('new'), lock('new')];
    await writeOutput(out, oldSet, undefined, { rootDir: repo });
    await assert.rejects(writeOutput(out, newSet, (at) => {
      if (at === point) throw new Error('simulated crash');
    }, { rootDir: repo }), /simulated crash/);
    await recoverInterruptedWrite(out, { rootDir: repo });
    const expected = ['after-first-staged', 'after-temp-written', 'after-journal-written'].includes(point) ? 'old' : 'new';
    assert.equal(readFileSync(path.join(out, 'a.nix'), 'utf8'), expected);
    assert.equal(readFileSync(path.join(repo, 'flake.nix'), 'utf8'), flake(expected).contents);
    assert.equal(readFileSync(path.join(repo, 'flake.lock'), 'utf8'), lock(expected).contents);
    assert.deepEqual(readdirSync(repo).sort(), ['flake.lock', 'flake.nix', 'fleet', 'generated']);
  });
}

test('a flake.nix fleetc did not write is refused, and nothing is touched', async (t) => {
  const { repo, out } = setup(t);
  await writeOutput(out, [file('a.nix', '1'), manifest('1')], undefined, { rootDir: repo });
  const theirs = '{ description = "the team\'s own flake"; outputs = _: { }; }\n';
  writeFileSync(path.join(repo, 'flake.nix'), theirs);
  await assert.rejects(writeOutput(out, [file('a.nix', '2'), manifest('2'), flake('1')], undefined, { rootDir: repo }), (error: Error) => error instanceof WriteRefused && /flake\.nix was not written by fleetc \(its first line is not fleetc's generated header\)/.test(error.message));
  assert.equal(readFileSync(path.join(repo, 'flake.nix'), 'utf8'), theirs);
  assert.equal(readFileSync(path.join(out, 'a.nix'), 'utf8'), '1', 'the output directory is untouched too');
  // The header on a later line does not make it fleetc's.
  writeFileSync(path.join(repo, 'flake.nix'), `{ }\n# ${GENERATED_HEADER}\n`);
  await assert.rejects(writeOutput(out, [manifest('2'), flake('1')], undefined, { rootDir: repo }), WriteRefused);
  assert.deepEqual(readdirSync(repo).sort(), ['flake.nix', 'fleet', 'generated']);
});

test('a flake.lock beside a flake.nix fleetc did not write (or beside none) is refused', async (t) => {
  const { repo, out } = setup(t);
  writeFileSync(path.join(repo, 'flake.lock'), '{"theirs":true}');
  await assert.rejects(writeOutput(out, [manifest('1'), lock('1')], undefined, { rootDir: repo }), /flake\.lock was not written by fleetc \(there is no fleetc flake\.nix beside it\)/);
  writeFileSync(path.join(repo, 'flake.nix'), '{ outputs = _: { }; }\n');
  await assert.rejects(writeOutput(out, [manifest('1'), flake('1'), lock('1')], undefined, { rootDir: repo }), /flake\.(nix|lock) was not written by fleetc/);
  assert.equal(readFileSync(path.join(repo, 'flake.lock'), 'utf8'), '{"theirs":true}');
  assert.equal(existsSync(out), false, 'nothing was written');
  // Beside fleetc's flake.nix, a lock Nix rewrote is fleetc's to replace; a root file that already
  // holds what fleetc would write is no change at all.
  writeFileSync(path.join(repo, 'flake.nix'), flake('1').contents);
  const written = await writeOutput(out, [manifest('1'), flake('1'), lock('1')], undefined, { rootDir: repo });
  assert.deepEqual(written.changes.map((c) => `${c.change} ${c.path}`), ['added manifest.json', 'modified flake.lock']);
  assert.equal(readFileSync(path.join(repo, 'flake.lock'), 'utf8'), lock('1').contents);
});

test('a root artifact that would land in the output directory is a bug, refused', async (t) => {
  const { repo, out } = setup(t);
  await assert.rejects(writeOutput(out, [manifest('1'), { path: 'generated/x.nix', root: true, kind: 'flake', contents: '' }], undefined, { rootDir: repo }), /would land in the output directory/);
  assert.equal(existsSync(out), false);
});

test('with the output directory elsewhere, both staging directories are recovered after a crash', async (t) => {
  const { repo } = setup(t);
  const out = path.join(repo, 'build', 'generated');
  await writeOutput(out, [file('a.nix', 'old'), manifest('old'), flake('old')], undefined, { rootDir: repo });
  await assert.rejects(writeOutput(out, [file('a.nix', 'new'), manifest('new'), flake('new')], (at) => {
    if (at === 'after-first-patch-step') throw new Error('simulated crash');
  }, { rootDir: repo }), /simulated crash/);
  assert.ok(readdirSync(repo).some((n) => n.startsWith('.generated.tmp-')), 'root files are staged at the root');
  await recoverInterruptedWrite(out, { rootDir: repo });
  assert.equal(readFileSync(path.join(out, 'a.nix'), 'utf8'), 'new');
  assert.equal(readFileSync(path.join(repo, 'flake.nix'), 'utf8'), flake('new').contents);
  assert.deepEqual(readdirSync(repo).sort(), ['build', 'flake.nix', 'fleet']);
  assert.deepEqual(readdirSync(path.join(repo, 'build')), ['generated']);
});
