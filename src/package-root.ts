// Where fleetc's own files are (package.json, schema/, templates), whether it runs from its
// TypeScript sources or from the bundle in dist/.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  for (let dir = path.dirname(start); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'schema'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`fleetc: cannot find its package directory above ${start}`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(fileURLToPath(import.meta.url));

/** A file of the fleetc package, by its path from the package root. */
export function packageFile(relative: string): string {
  return path.join(PACKAGE_ROOT, relative);
}
