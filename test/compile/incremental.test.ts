// fleetc watch's incremental compile gives byte-identical output (artifacts and diagnostics) to a full
// build, whatever the sequence of edits: whole files taken from another fleet (hosts changed, added,
// removed, profiles and fleet.yaml changed, broken files), the small edits of one host that the
// incremental stages keep everything else for — a label, an address (of a Raft voter too), a MAC, a
// BMC, the cluster, the profile, a duplicate of another host, a removal — and edits of what every
// host reads (networks, domain, clusters, defaults, profiles, Raft), over two clusters.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileRaw, type Compilation } from '../../src/compile/index.ts';
import { IncrementalCompiler } from '../../src/compile/incremental.ts';
import { readFleetDirSync } from '../../src/load/index.ts';
import { arbitraryFleet } from '../helpers/arbitrary-fleet.ts';
import { applyEdit, fleetEdit, type Files } from '../helpers/fleet-edits.ts';
import { EXAMPLE_PATHS } from '../helpers/example.ts';
import { EXAMPLE_NIX } from '../helpers/paths.ts';
import { rawOf } from '../helpers/raw-fleet.ts';

const LAYOUT = { nixDirFromOut: '../nix', outDirFromRoot: 'generated' };
const output = (c: Compilation) => JSON.stringify({ artifacts: c.artifacts?.map((a) => [a.path, a.contents]), diagnostics: c.diagnostics });

test('incremental compiles equal full compiles over random edit sequences', () => {
  fc.assert(
    fc.property(arbitraryFleet({ maxHosts: 6, clusters: true, bootServer: true }), fc.array(fleetEdit, { minLength: 1, maxLength: 8 }), (initial, steps) => {
      const compiler = new IncrementalCompiler(LAYOUT);
      let files: Files = { ...(initial as Files) };
      assert.equal(output(compiler.compile(rawOf(files))), output(compileRaw(rawOf(files), LAYOUT)));
      for (const edit of steps) {
        files = applyEdit(files, edit);
        assert.equal(output(compiler.compile(rawOf(files))), output(compileRaw(rawOf(files), LAYOUT)));
      }
    }),
    { numRuns: 60 },
  );
});

test('a one-host edit emits only that host again', () => {
  const compiler = new IncrementalCompiler(LAYOUT);
  const raw = readFleetDirSync(EXAMPLE_PATHS.fleetDir, EXAMPLE_NIX);
  const first = compiler.compile(raw);
  assert.equal(first.emittedHosts.length, 7);
  const files = raw.files.map((f) => (f.relPath === 'hosts/wk-1.yaml' ? { ...f, bytes: new TextEncoder().encode(new TextDecoder().decode(f.bytes).replace('unit: u20', 'unit: u21')) } : f));
  const second = compiler.compile({ ...raw, files });
  assert.deepEqual(second.emittedHosts, ['wk-1']);
  assert.equal(output(second), output(compileRaw({ ...raw, files }, LAYOUT)));
  const profileEdit = files.map((f) => (f.relPath === 'profiles/worker.yaml' ? { ...f, bytes: new TextEncoder().encode(`${new TextDecoder().decode(f.bytes)}\npackages: [jq]\n`) } : f));
  assert.equal(compiler.compile({ ...raw, files: profileEdit }).emittedHosts.length, 7, 'a profile edit emits every host again');
});
