// The writer replaces the output directory as a whole: stale files go, flake.lock stays, a crash at
// any point leaves the previous output (or recovers it on the next run), foreign directories are refused.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Artifact } from '../../src/emit/artifact.ts';
import { recoverInterruptedSwap, writeOutput, WriteRefused, type CrashPoint } from '../../src/write/index.ts';
import { tempDir } from '../helpers/tmp.ts';

const manifest = (tag: string): Artifact => ({ path: 'manifest.json', kind: 'manifest', contents: JSON.stringify({ generator: 'fleetc', tag }) });
const file = (p: string, contents: string): Artifact => ({ path: p, kind: 'nixos', contents });

test('writes, replaces, removes stale files and keeps flake.lock', async (t) => {
  const out = path.join(tempDir(t), 'generated');
  const first = await writeOutput(out, [file('a.nix', '1'), file('hosts/x/default.nix', 'x'), manifest('1')]);
  assert.equal(first.wrote, true);
  assert.deepEqual(first.changes.map((c) => c.change), ['added', 'added', 'added']);
  writeFileSync(path.join(out, 'flake.lock'), '{"lock":true}');

  const second = await writeOutput(out, [file('a.nix', '2'), manifest('2')]);
  assert.deepEqual(second.changes.map((c) => `${c.change} ${c.path}`), ['modified a.nix', 'removed hosts/x/default.nix', 'modified manifest.json']);
  assert.equal(readFileSync(path.join(out, 'a.nix'), 'utf8'), '2');
  assert.equal(existsSync(path.join(out, 'hosts')), false);
  assert.equal(readFileSync(path.join(out, 'flake.lock'), 'utf8'), '{"lock":true}');
  assert.deepEqual(readdirSync(path.dirname(out)), ['generated'], 'no temporary siblings left');

  const third = await writeOutput(out, [file('a.nix', '2'), manifest('2')]);
  assert.equal(third.wrote, false);
});

for (const point of ['after-temp-written', 'after-old-moved'] as CrashPoint[]) {
  test(`a crash ${point} leaves the previous output recoverable`, async (t) => {
    const out = path.join(tempDir(t), 'generated');
    await writeOutput(out, [file('a.nix', 'old'), manifest('old')]);
    await assert.rejects(
      writeOutput(out, [file('a.nix', 'new'), manifest('new')], (at) => {
        if (at === point) throw new Error('simulated crash');
      }),
      /simulated crash/,
    );
    await recoverInterruptedSwap(out);
    assert.equal(readFileSync(path.join(out, 'a.nix'), 'utf8'), 'old');
    assert.deepEqual(readdirSync(path.dirname(out)), ['generated']);
    const next = await writeOutput(out, [file('a.nix', 'new'), manifest('new')]);
    assert.equal(next.wrote, true);
    assert.equal(readFileSync(path.join(out, 'a.nix'), 'utf8'), 'new');
  });
}

test('refuses a non-empty directory without a fleetc manifest', async (t) => {
  const out = path.join(tempDir(t), 'precious');
  mkdirSync(out);
  writeFileSync(path.join(out, 'notes.txt'), 'keep me');
  await assert.rejects(writeOutput(out, [file('a.nix', '1'), manifest('1')]), WriteRefused);
  assert.equal(readFileSync(path.join(out, 'notes.txt'), 'utf8'), 'keep me');
});

test('refuses artifact paths that leave the output directory', async (t) => {
  const out = path.join(tempDir(t), 'generated');
  await assert.rejects(writeOutput(out, [file('../escape.nix', 'x'), manifest('1')]), /outside the output directory/);
  assert.equal(existsSync(path.join(path.dirname(out), 'escape.nix')), false);
  assert.deepEqual(readdirSync(path.dirname(out)), []);
});
