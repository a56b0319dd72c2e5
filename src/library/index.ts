// fleetc's own Nix (the library): the fleet module, first boot and its agent, the platform services
// module, the boot server and the netboot installer. It ships with fleetc (the package's nix/) and
// `fleetc build` writes it into generated/fleetc/, so a fleet repository never holds a copy kept by
// hand, and upgrading fleetc shows in the plan on exactly the hosts whose files changed.
import { createHash } from 'node:crypto';
import { packageFile } from '../package-root.ts';
import { readTreeSync } from '../load/read-dir.ts';

/** The library's files by path under nix/ (and under generated/fleetc/): sha256 and contents. */
export interface Library {
  files: Map<string, string>;
  sources: Map<string, string>;
}

/** Where the library lands in the output directory. */
export const LIBRARY_DIR = 'fleetc';

/** Library files no host's configuration imports: the boot server's module and its installers. */
export function isBootServerFile(path: string): boolean {
  return path.startsWith('images/') || path === 'modules/pxe-server.nix';
}

export function libraryFrom(tree: ReadonlyMap<string, Buffer | string>): Library {
  const files = new Map<string, string>();
  const sources = new Map<string, string>();
  for (const [path, bytes] of [...tree].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    files.set(path, createHash('sha256').update(bytes).digest('hex'));
    sources.set(path, typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  }
  return { files, sources };
}

let installed: Library | undefined;

/** The library of the fleetc that runs (its package's nix/), read once. */
export function installedLibrary(): Library {
  return (installed ??= libraryFrom(readTreeSync(packageFile('nix'))));
}
