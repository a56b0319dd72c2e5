// The example fleet of the repository, compiled as `fleetc build` would from the repository root.
import path from 'node:path';
import { compileFromDisk, type Compilation, type Paths } from '../../src/compile/index.ts';
import { REPO_ROOT } from './paths.ts';

export const EXAMPLE_PATHS: Paths = { fleetDir: path.join(REPO_ROOT, 'fleet'), outDir: path.join(REPO_ROOT, 'generated'), nixDir: path.join(REPO_ROOT, 'nix') };

export async function compileExample(): Promise<Compilation> {
  return compileFromDisk(EXAMPLE_PATHS);
}
