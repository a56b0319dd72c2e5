// fleetc watch's incremental compile gives byte-identical output to a full build, whatever the
// sequence of edits (hosts changed, added, removed, profiles and fleet.yaml changed, broken files).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileRaw, type Compilation } from '../../src/compile/index.ts';
import { IncrementalCompiler } from '../../src/compile/incremental.ts';
import { readFleetDirSync } from '../../src/load/index.ts';
import type { RawFleet } from '../../src/load/types.ts';
import { arbitraryFleet } from '../helpers/arbitrary-fleet.ts';
import type { FleetFiles } from '../helpers/fleet.ts';
import { EXAMPLE_PATHS } from '../helpers/example.ts';
import { EXAMPLE_NIX } from '../helpers/paths.ts';

const nix = readFleetDirSync(EXAMPLE_PATHS.fleetDir, EXAMPLE_NIX);

function rawOf(files: Record<string, string>): RawFleet {
  const encoder = new TextEncoder();
  const relPaths = Object.keys(files).sort();
  return {
    displayDir: 'fleet',
    files: relPaths.map((relPath) => ({ relPath, displayPath: `fleet/${relPath}`, bytes: encoder.encode(files[relPath]!) })),
    problems: [],
    nixFiles: nix.nixFiles,
    nixSources: nix.nixSources,
  };
}

const output = (c: Compilation) => JSON.stringify({ artifacts: c.artifacts?.map((a) => [a.path, a.contents]), diagnostics: c.diagnostics });

/** One edit: from another version of the fleet, take the files picked (absent deletes), maybe only host files, maybe break one. */
const step = fc.record({ version: arbitraryFleet({ maxHosts: 5 }), pick: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), hostsOnly: fc.boolean(), broken: fc.option(fc.nat(11), { nil: undefined }) });

test('incremental compiles equal full compiles over random edit sequences', async () => {
  await fc.assert(
    fc.property(arbitraryFleet({ maxHosts: 5 }), fc.array(step, { minLength: 1, maxLength: 6 }), (initial, steps) => {
      const compiler = new IncrementalCompiler({ nixDirFromOut: '../nix', outDirFromRoot: 'generated' });
      let files: Record<string, string> = { ...(initial as Record<string, string>) };
      assert.equal(output(compiler.compile(rawOf(files))), output(compileRaw(rawOf(files), { nixDirFromOut: '../nix', outDirFromRoot: 'generated' })));
      for (const { version, pick, hostsOnly, broken } of steps) {
        const paths = [...new Set([...Object.keys(files), ...Object.keys(version as FleetFiles)])].sort();
        const next: Record<string, string> = { ...files };
        paths.forEach((p, i) => {
          if (!pick[i % pick.length] || (hostsOnly && !p.startsWith('hosts/'))) return;
          const contents = (version as FleetFiles)[p];
          if (contents === undefined || contents === null) delete next[p];
          else next[p] = contents;
        });
        if (broken !== undefined && paths[broken] !== undefined) next[paths[broken]!] = 'profile: [worker\n';
        files = next;
        const incremental = compiler.compile(rawOf(files));
        const full = compileRaw(rawOf(files), { nixDirFromOut: '../nix', outDirFromRoot: 'generated' });
        assert.equal(output(incremental), output(full));
      }
    }),
    { numRuns: 40 },
  );
});

test('a one-host edit emits only that host again', () => {
  const compiler = new IncrementalCompiler({ nixDirFromOut: '../nix', outDirFromRoot: 'generated' });
  const raw = readFleetDirSync(EXAMPLE_PATHS.fleetDir, EXAMPLE_NIX);
  const first = compiler.compile(raw);
  assert.equal(first.emittedHosts.length, 7);
  const files = raw.files.map((f) => (f.relPath === 'hosts/wk-1.yaml' ? { ...f, bytes: new TextEncoder().encode(new TextDecoder().decode(f.bytes).replace('unit: u20', 'unit: u21')) } : f));
  const second = compiler.compile({ ...raw, files });
  assert.deepEqual(second.emittedHosts, ['wk-1']);
  assert.equal(output(second), output(compileRaw({ ...raw, files }, { nixDirFromOut: '../nix', outDirFromRoot: 'generated' })));
  const profileEdit = files.map((f) => (f.relPath === 'profiles/worker.yaml' ? { ...f, bytes: new TextEncoder().encode(`${new TextDecoder().decode(f.bytes)}\npackages: [jq]\n`) } : f));
  assert.equal(compiler.compile({ ...raw, files: profileEdit }).emittedHosts.length, 7, 'a profile edit emits every host again');
});
