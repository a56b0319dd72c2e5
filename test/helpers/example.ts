// The example fleet of the repository, compiled as `fleetc build` would from the repository root.
import { compileFromDisk, type Compilation, type Paths } from '../../src/compile/index.ts';
import { EXAMPLE_FLEET, EXAMPLE_GENERATED, EXAMPLE_NIX } from './paths.ts';

export const EXAMPLE_PATHS: Paths = { fleetDir: EXAMPLE_FLEET, outDir: EXAMPLE_GENERATED, nixDir: EXAMPLE_NIX };

export async function compileExample(): Promise<Compilation> {
  return compileFromDisk(EXAMPLE_PATHS);
}
