// The same inputs give byte-identical outputs, whatever order the files are listed in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileRaw } from '../../src/compile/index.ts';
import { readFleetDir } from '../../src/load/index.ts';
import { arbitraryFleet } from '../helpers/arbitrary-fleet.ts';
import { makeFleet } from '../helpers/fleet.ts';
import { tempDir } from '../helpers/tmp.ts';
import { EXAMPLE_PATHS } from '../helpers/example.ts';

async function twoOrders(fleetDir: string, nixDir: string): Promise<[string, string]> {
  const raw = await readFleetDir(fleetDir, nixDir);
  const forward = compileRaw(raw, { nixDirFromOut: '../nix', outDirFromRoot: 'generated' });
  const reversed = compileRaw({ ...raw, files: [...raw.files].reverse(), nixFiles: new Map([...raw.nixFiles].reverse()) }, { nixDirFromOut: '../nix', outDirFromRoot: 'generated' });
  const text = (c: typeof forward) => JSON.stringify([c.artifacts?.map((a) => [a.path, a.contents]), c.diagnostics]);
  return [text(forward), text(reversed)];
}

test('the example fleet builds identically from files listed in any order', async () => {
  const [a, b] = await twoOrders(EXAMPLE_PATHS.fleetDir, EXAMPLE_PATHS.nixDir);
  assert.ok(a.includes('flake.nix'));
  assert.equal(a, b);
});

test('random valid fleets build deterministically', async (t) => {
  await fc.assert(
    fc.asyncProperty(arbitraryFleet(), async (files) => {
      const paths = makeFleet(tempDir(t), files, null);
      const [a, b] = await twoOrders(paths.fleetDir, paths.nixDir);
      assert.equal(a, b);
      const [again] = await twoOrders(paths.fleetDir, paths.nixDir);
      assert.equal(again, a);
    }),
    { numRuns: 30 },
  );
});
