// What fleetc watch writes, over random edit sequences (watch-edits.ts: addresses, MACs, BMCs, a
// host added, renamed or removed, a profile, a network, ports, broken files) through the same
// compile and write watch runs (IncrementalCompiler, WatchedOutput: only what the compile touched
// is compared and written): after every edit the output directory and the root files are exactly
// what a full compile gives, with nothing else beside them; another fleetc writing the directory in
// between (a different build, or a hand edit plus a build) makes the next write compare everything;
// and a patch interrupted at any step is finished or undone from its journal like any write.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { hasErrors } from '../../src/diagnostics/diagnostic.ts';
import { compileRaw } from '../../src/compile/index.ts';
import { IncrementalCompiler } from '../../src/compile/incremental.ts';
import { WatchedOutput } from '../../src/watch/output.ts';
import { acquireOutputLock, CRASH_POINTS, listFilesSync, recoverInterruptedWriteSync, writeOutputSync } from '../../src/write/index.ts';
import type { Artifact } from '../../src/emit/artifact.ts';
import { readFleetDirSync } from '../../src/load/index.ts';
import { EXAMPLE_PATHS } from '../helpers/example.ts';
import { EXAMPLE_NIX } from '../helpers/paths.ts';
import { arbitraryFleet } from '../helpers/arbitrary-fleet.ts';
import type { Files } from '../helpers/fleet-edits.ts';
import { rawOf } from '../helpers/raw-fleet.ts';
import { tempDir } from '../helpers/tmp.ts';
import { applyWatchEdit, watchEdit } from '../helpers/watch-edits.ts';

const LAYOUT = { nixDirFromOut: '../nix', outDirFromRoot: 'generated' };
const step = fc.record({ edit: watchEdit, foreign: fc.constantFrom('none', 'none', 'none', 'build', 'hand-edit') });

test('watch\'s writes leave exactly a full build\'s output after every edit, another fleetc writing in between or not', (t) => {
  const base = tempDir(t);
  let run = 0;
  fc.assert(
    fc.property(arbitraryFleet({ maxHosts: 5, clusters: true, bootServer: true }), fc.array(step, { minLength: 1, maxLength: 8 }), (initial, steps) => {
      const root = path.join(base, `run-${run++}`);
      mkdirSync(root);
      const outDir = path.join(root, 'generated');
      const compiler = new IncrementalCompiler(LAYOUT);
      const output = new WatchedOutput(outDir, root);
      let files: Files = { ...(initial as Files) };
      for (const [i, { edit, foreign }] of [[-1, { edit: undefined, foreign: 'none' }] as const, ...steps.entries()]) {
        if (edit) files = applyWatchEdit(files, edit);
        const full = compileRaw(rawOf(files), LAYOUT);
        const result = compiler.compile(rawOf(files));
        if (hasErrors(result.diagnostics) || !result.artifacts) continue;
        if (foreign === 'build') writeOutputSync(outDir, compileRaw(rawOf(initial as Files), LAYOUT).artifacts ?? full.artifacts!, undefined, { rootDir: root });
        if (foreign === 'hand-edit' && result.delta) {
          const file = path.join(outDir, 'manifest.json');
          writeFileSync(file, readFileSync(file, 'utf8').replace('"fleetc"', '"fleetc" ')); // still fleetc's, a changed file
        }
        const lock = acquireOutputLock(outDir, { timeoutMs: 0, makeParent: true });
        try {
          output.write({ ...result, artifacts: result.artifacts }, lock);
        } finally {
          lock.release();
        }
        const expected = new Map(full.artifacts!.map((a) => [a.root ? `root:${a.path}` : a.path, a.contents]));
        const actual = new Map(listFilesSync(outDir).map((f) => [f, readFileSync(path.join(outDir, f), 'utf8')]));
        for (const name of ['flake.nix', 'flake.lock']) actual.set(`root:${name}`, readFileSync(path.join(root, name), 'utf8'));
        assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), `step ${i}: the files`);
        for (const [file, contents] of expected) assert.equal(actual.get(file), contents, `step ${i} (${JSON.stringify(edit)}): ${file}`);
        assert.deepEqual(readdirSync(root).filter((n) => n.startsWith('.generated')), [], 'no lock, journal or staging left');
      }
    }),
    { numRuns: 40 },
  );
});

/** The output directory and root files as path → contents (root files as root:<path>). */
function treeOf(root: string, outDir: string): Map<string, string> {
  const tree = new Map(listFilesSync(outDir).map((f) => [f, readFileSync(path.join(outDir, f), 'utf8')]));
  for (const name of ['flake.nix', 'flake.lock']) tree.set(`root:${name}`, readFileSync(path.join(root, name), 'utf8'));
  return tree;
}

const expectedTree = (artifacts: readonly Artifact[]) => new Map(artifacts.map((a) => [a.root ? `root:${a.path}` : a.path, a.contents]));

for (const point of CRASH_POINTS) {
  test(`a watch patch that crashes ${point} leaves the old or the new output once recovered, and the next write the new one`, (t) => {
    const root = tempDir(t);
    const outDir = path.join(root, 'generated');
    const compiler = new IncrementalCompiler(LAYOUT);
    const raw = readFleetDirSync(EXAMPLE_PATHS.fleetDir, EXAMPLE_NIX);
    const before = compiler.compile(raw).artifacts!;
    writeOutputSync(outDir, before, undefined, { rootDir: root });
    // An address: the host's files, both DHCP configurations and the manifest change.
    const files = raw.files.map((f) => (f.relPath === 'hosts/wk-1.yaml' ? { ...f, bytes: new TextEncoder().encode(new TextDecoder().decode(f.bytes).replace('10.20.0.21', '10.20.0.177')) } : f));
    const after = compiler.compile({ ...raw, files });
    assert.ok(after.delta && after.delta.touched.some((a) => a.path === 'dhcp/kea-dhcp4.json'));
    const known = new Map(before.filter((a) => !a.root).map((a) => [a.path, a.contents]));
    assert.throws(() => writeOutputSync(outDir, after.artifacts!, (at) => {
      if (at === point) throw new Error('simulated crash');
    }, { rootDir: root, known, patch: after.delta }), /simulated crash/);
    recoverInterruptedWriteSync(outDir, { rootDir: root });
    const recovered = treeOf(root, outDir);
    const old = expectedTree(before);
    const fresh = expectedTree(after.artifacts!);
    assert.ok([old, fresh].some((tree) => JSON.stringify([...tree].sort()) === JSON.stringify([...recovered].sort())), 'the old tree or the new one, never a mix');
    assert.deepEqual(readdirSync(root).filter((n) => n.startsWith('.generated')), [], 'no journal or staging left');
    // What watch knew is stale after a failed write (WatchedOutput forgets it): the next write compares everything.
    const output = new WatchedOutput(outDir, root);
    const lock = acquireOutputLock(outDir, { timeoutMs: 0 });
    try {
      output.write({ ...after, artifacts: after.artifacts! }, lock);
    } finally {
      lock.release();
    }
    assert.deepEqual([...treeOf(root, outDir)].sort(), [...fresh].sort());
  });
}
