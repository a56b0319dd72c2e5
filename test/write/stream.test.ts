// The writer taking a build's artifacts as they are emitted (emit/stream.ts): the same tree and root
// files as the write of emitFleet's array, on a first build and on a later one; nothing rewritten
// when nothing changed; and whatever fails while the artifacts come — an emitter, a refused root
// file — leaves nothing behind: no output directory on a first build, the old tree on a later one,
// no staging or journal.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { compileRaw, emitContext } from '../../src/compile/index.ts';
import type { Artifact } from '../../src/emit/artifact.ts';
import { emitFleet } from '../../src/emit/index.ts';
import { FleetStream } from '../../src/emit/stream.ts';
import { readFleetDirSync } from '../../src/load/index.ts';
import { writeOutput, WriteRefused } from '../../src/write/index.ts';
import { generateFleet } from '../../bench/generate.ts';
import { EXAMPLE_PATHS } from '../helpers/example.ts';
import { EXAMPLE_NIX } from '../helpers/paths.ts';
import { rawOf } from '../helpers/raw-fleet.ts';
import { tempDir } from '../helpers/tmp.ts';
import { entriesOf, treeHash } from '../helpers/tree-hash.ts';

const LAYOUT = { nixDirFromOut: '../nix', outDirFromRoot: 'generated' };

function emission(hosts = 0) {
  const raw = hosts === 0 ? readFleetDirSync(EXAMPLE_PATHS.fleetDir, EXAMPLE_NIX) : rawOf(Object.fromEntries(generateFleet(hosts, 11).files));
  const result = compileRaw(raw, { ...LAYOUT, validateOnly: true });
  assert.ok(result.fleet);
  const context = emitContext(raw, LAYOUT, result.diagnostics);
  return { fleet: result.fleet, context, array: () => emitFleet(result.fleet!, context), stream: (chunk?: number) => new FleetStream(result.fleet!, context, chunk) };
}

/** The output directory and the root files of a root. */
const snapshot = (root: string) => ({ tree: treeHash(path.join(root, 'generated')), flake: treeHash(root, { skip: (p) => p !== 'flake.nix' && p !== 'flake.lock' }) });

test('a streamed first build writes the tree and root files the array write does', async (t) => {
  const e = emission(120);
  const [a, b] = [tempDir(t), tempDir(t)];
  const byArray = await writeOutput(path.join(a, 'generated'), e.array(), undefined, { rootDir: a });
  const byStream = await writeOutput(path.join(b, 'generated'), e.stream(7), undefined, { rootDir: b });
  assert.deepEqual(snapshot(b), snapshot(a));
  assert.deepEqual(byStream.changes, byArray.changes);
  assert.deepEqual(entriesOf(b).filter((n) => n.startsWith('.generated')), []);
});

test('a streamed later build: nothing rewritten when nothing changed, a change as the array write makes it', async (t) => {
  const before = emission();
  const after = emission(30);
  const [a, b] = [tempDir(t), tempDir(t)];
  for (const root of [a, b]) await writeOutput(path.join(root, 'generated'), before.array(), undefined, { rootDir: root });
  const same = await writeOutput(path.join(b, 'generated'), before.stream(), undefined, { rootDir: b });
  assert.equal(same.wrote, false);
  assert.deepEqual(same.changes, []);
  // A hand edit is found and repaired, as when every file is compared.
  writeFileSync(path.join(b, 'generated/README.md'), 'edited');
  assert.deepEqual((await writeOutput(path.join(b, 'generated'), before.stream(), undefined, { rootDir: b })).changes, [{ path: 'README.md', change: 'modified' }]);
  const byArray = await writeOutput(path.join(a, 'generated'), after.array(), undefined, { rootDir: a });
  const byStream = await writeOutput(path.join(b, 'generated'), after.stream(4), undefined, { rootDir: b });
  assert.deepEqual(byStream.changes, byArray.changes);
  assert.ok(byStream.changes.some((c) => c.change === 'removed') && byStream.changes.some((c) => c.change === 'added'));
  assert.deepEqual(snapshot(b), snapshot(a));
  assert.deepEqual(entriesOf(b).filter((n) => n.startsWith('.generated')), []);
});

/** The artifacts, failing after `count` of them have passed. */
function* failingAfter(artifacts: Iterable<Artifact | object>, count: number): Generator<never> {
  let n = 0;
  for (const artifact of artifacts) {
    if (n++ === count) throw new Error('emitter failed');
    yield artifact as never;
  }
}

test('an emitter failing in the middle of a streamed first build leaves no output directory, staging or journal', async (t) => {
  const e = emission(60);
  const root = tempDir(t);
  await assert.rejects(writeOutput(path.join(root, 'generated'), failingAfter(e.stream(5), 150), undefined, { rootDir: root }), /emitter failed/);
  assert.deepEqual(entriesOf(root), [], 'nothing at all');
});

test('an emitter failing in the middle of a streamed later build leaves the old tree exactly, and nothing beside it', async (t) => {
  const root = tempDir(t);
  await writeOutput(path.join(root, 'generated'), emission().array(), undefined, { rootDir: root });
  const before = snapshot(root);
  const entries = entriesOf(root);
  await assert.rejects(writeOutput(path.join(root, 'generated'), failingAfter(emission(40).stream(3), 100), undefined, { rootDir: root }), /emitter failed/);
  assert.deepEqual(snapshot(root), before);
  assert.deepEqual(entriesOf(root), entries);
});

test('a root file that is not fleetc\'s, met in the middle of the stream: refused, nothing left', async (t) => {
  const e = emission(20);
  const root = tempDir(t);
  writeFileSync(path.join(root, 'flake.nix'), '# my own flake\n');
  // The root files come after many output files have been staged.
  const late = (function* () {
    const held: Artifact[] = [];
    for (const artifact of e.array()) {
      if (artifact.root) held.push(artifact);
      else yield artifact;
    }
    yield* held;
  })();
  await assert.rejects(writeOutput(path.join(root, 'generated'), late, undefined, { rootDir: root }), WriteRefused);
  assert.deepEqual(entriesOf(root), ['flake.nix']);
});
