// Compiles a fleet for the boot tests: the example fleet (or the minimal fixture) with an overlay,
// written to <root>/generated exactly as `fleetc build` writes it.
import assert from 'node:assert/strict';
import { hasErrors } from '../../../src/diagnostics/diagnostic.ts';
import type { Fleet } from '../../../src/model/fleet.ts';
import { writeOutput } from '../../../src/write/index.ts';
import { compileFleet, diagnosticLines, makeFleet, type FleetFiles } from '../../helpers/fleet.ts';
import { EXAMPLE_FLEET } from '../../helpers/paths.ts';
import type { Paths } from '../../../src/compile/index.ts';

export { EXAMPLE_FLEET } from '../../helpers/paths.ts';

export interface Built {
  paths: Paths;
  fleet: Fleet;
  /** generated/ of this build. */
  out: string;
}

export async function buildFleet(root: string, overlay: FleetFiles = {}, fixture = EXAMPLE_FLEET): Promise<Built> {
  const paths = makeFleet(root, overlay, fixture);
  const result = await compileFleet(paths);
  assert.ok(!hasErrors(result.diagnostics) && result.artifacts && result.fleet, `the fleet does not compile:\n${diagnosticLines(result, paths.fleetDir).join('\n')}`);
  await writeOutput(paths.outDir, result.artifacts);
  return { paths, fleet: result.fleet, out: paths.outDir };
}
