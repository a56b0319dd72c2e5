// The writer patches the output directory in place under a journal: stale files go (a generated/flake.lock of an older fleetc too),
// the directory never disappears, a crash at any point is finished or undone by the next run (a whole
// tree, old or new), foreign directories are refused.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Artifact } from '../../src/emit/artifact.ts';
import { CRASH_POINTS, recoverInterruptedWrite, writeOutput, WriteRefused, type CrashPoint } from '../../src/write/index.ts';
import { tempDir } from '../helpers/tmp.ts';

const manifest = (tag: string): Artifact => ({ path: 'manifest.json', kind: 'manifest', contents: JSON.stringify({ generator: 'fleetc', tag }) });
const file = (p: string, contents: string): Artifact => ({ path: p, kind: 'nixos', contents });

test('writes, replaces, and removes stale files (a generated/flake.lock of an older fleetc too)', async (t) => {
  const out = path.join(tempDir(t), 'generated');
  const first = await writeOutput(out, [file('a.nix', '1'), file('hosts/x/default.nix', 'x'), manifest('1')]);
  assert.equal(first.wrote, true);
  assert.deepEqual(first.changes.map((c) => c.change), ['added', 'added', 'added']);
  writeFileSync(path.join(out, 'flake.lock'), '{"lock":true}');

  const second = await writeOutput(out, [file('a.nix', '2'), manifest('2')]);
  assert.deepEqual(second.changes.map((c) => `${c.change} ${c.path}`), ['modified a.nix', 'removed flake.lock', 'removed hosts/x/default.nix', 'modified manifest.json']);
  assert.equal(readFileSync(path.join(out, 'a.nix'), 'utf8'), '2');
  assert.equal(existsSync(path.join(out, 'hosts')), false);
  assert.equal(existsSync(path.join(out, 'flake.lock')), false);
  assert.deepEqual(readdirSync(path.dirname(out)), ['generated'], 'no temporary siblings left');

  const third = await writeOutput(out, [file('a.nix', '2'), manifest('2')]);
  assert.equal(third.wrote, false);
});

for (const point of ['after-temp-written', 'after-journal-written'] as CrashPoint[]) {
  test(`a crash ${point} leaves the previous output recoverable`, async (t) => {
    const out = path.join(tempDir(t), 'generated');
    await writeOutput(out, [file('a.nix', 'old'), manifest('old')]);
    await assert.rejects(
      writeOutput(out, [file('a.nix', 'new'), manifest('new')], (at) => {
        if (at === point) throw new Error('simulated crash');
      }),
      /simulated crash/,
    );
    await recoverInterruptedWrite(out);
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

// A change with every kind of step: modified, added (in a new directory), removed (emptying a
// directory), a file replaced by a directory of the same name.
const OLD_TREE = [file('a.nix', 'old'), file('hosts/x/default.nix', 'x'), file('hosts/y/default.nix', 'y'), file('b', 'file'), manifest('old')];
const NEW_TREE = [file('a.nix', 'new'), file('hosts/y/default.nix', 'y'), file('hosts/z/default.nix', 'z'), file('b/c.nix', 'now a directory'), manifest('new')];

function treeOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (abs: string, rel: string): void => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) visit(path.join(abs, entry.name), relPath);
      else out[relPath] = readFileSync(path.join(abs, entry.name), 'utf8');
    }
  };
  visit(dir, '');
  return out;
}

const asTree = (artifacts: Artifact[], extra: Record<string, string> = {}) => ({ ...Object.fromEntries(artifacts.map((a) => [a.path, a.contents])), ...extra });

const ALL_POINTS: readonly CrashPoint[] = CRASH_POINTS;

for (const point of ALL_POINTS) {
  test(`a crash ${point} of an incremental write recovers a whole tree, old or new, never a mix`, async (t) => {
    const out = path.join(tempDir(t), 'generated');
    await writeOutput(out, OLD_TREE);
    await assert.rejects(writeOutput(out, NEW_TREE, (at) => {
      if (at === point) throw new Error('simulated crash');
    }), /simulated crash/);
    assert.ok(statSync(out).isDirectory(), 'the output directory never disappears');
    await recoverInterruptedWrite(out);
    const tree = treeOf(out);
    // Before the first step touches the old tree the old one comes back; after, the new one is finished.
    const expected = ['after-first-staged', 'after-temp-written', 'after-journal-written'].includes(point) ? asTree(OLD_TREE) : asTree(NEW_TREE);
    assert.deepEqual(tree, expected);
    assert.deepEqual(readdirSync(path.dirname(out)), ['generated'], 'no staging, journal or work directory left');
    await writeOutput(out, NEW_TREE);
    assert.deepEqual(treeOf(out), asTree(NEW_TREE));
  });
}

test('an incremental write touches only the files that changed', async (t) => {
  const out = path.join(tempDir(t), 'generated');
  await writeOutput(out, OLD_TREE);
  const inode = (p: string) => statSync(path.join(out, p)).ino;
  const before = inode('hosts/y/default.nix');
  const result = await writeOutput(out, NEW_TREE);
  assert.deepEqual(result.changes.map((c) => `${c.change} ${c.path}`), ['modified a.nix', 'removed b', 'added b/c.nix', 'removed hosts/x/default.nix', 'added hosts/z/default.nix', 'modified manifest.json']);
  assert.equal(inode('hosts/y/default.nix'), before, 'an unchanged file is not rewritten');
  assert.deepEqual(treeOf(out), asTree(NEW_TREE));
});

test('a hand edit in the output directory is found and repaired', async (t) => {
  const out = path.join(tempDir(t), 'generated');
  await writeOutput(out, OLD_TREE);
  writeFileSync(path.join(out, 'hosts/y/default.nix'), 'edited by hand');
  writeFileSync(path.join(out, 'stray.nix'), 'not ours');
  const result = await writeOutput(out, OLD_TREE);
  assert.deepEqual(result.changes.map((c) => `${c.change} ${c.path}`), ['modified hosts/y/default.nix', 'removed stray.nix']);
  assert.deepEqual(treeOf(out), asTree(OLD_TREE));
});

test('with the known contents of the last write, nothing is read', async (t) => {
  const out = path.join(tempDir(t), 'generated');
  await writeOutput(out, OLD_TREE);
  const known = new Map(OLD_TREE.map((a) => [a.path, a.contents]));
  const result = await writeOutput(out, NEW_TREE, undefined, { known });
  assert.equal(result.changes.length, 6);
  assert.deepEqual(treeOf(out), asTree(NEW_TREE));
});

test('random write sequences with random crashes always leave a whole tree', async (t) => {
  const root = tempDir(t);
  const paths = ['a.nix', 'hosts/x/default.nix', 'hosts/x/disko.nix', 'hosts/y/default.nix', 'c', 'c/d.nix', 'e/f/g.nix'];
  const treeArb = fc.subarray(paths).map((chosen) => {
    // A path cannot be a file and a directory at once: keep the first of two conflicting paths.
    const kept = chosen.filter((p) => !chosen.some((q) => q !== p && (q.startsWith(`${p}/`))));
    return kept;
  });
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(fc.record({ tree: treeArb, contents: fc.constantFrom('1', '2'), crash: fc.option(fc.constantFrom(...ALL_POINTS), { nil: undefined }) }), { minLength: 1, maxLength: 5 }), async (steps) => {
      const out = path.join(root, `out-${run++}`, 'generated');
      let current: Record<string, string> | undefined;
      for (const step of steps) {
        const artifacts = [...step.tree.map((p) => file(p, `${p}:${step.contents}`)), manifest(step.tree.join(',') + step.contents)];
        const next = asTree(artifacts);
        try {
          await writeOutput(out, artifacts, (at) => {
            if (at === step.crash) throw new Error('crash');
          });
        } catch (error) {
          if ((error as Error).message !== 'crash') throw error;
        }
        await recoverInterruptedWrite(out);
        const tree = existsSync(out) ? treeOf(out) : {};
        const canonical = (t: Record<string, string>) => JSON.stringify(Object.entries(t).sort(([a], [b]) => (a < b ? -1 : 1)));
        assert.ok([next, current ?? {}].some((e) => canonical(e) === canonical(tree)), `a whole tree: ${canonical(tree)}`);
        current = tree;
        assert.deepEqual(readdirSync(path.dirname(out)), existsSync(out) ? ['generated'] : []);
      }
    }),
    { numRuns: 100 },
  );
});
