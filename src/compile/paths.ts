// The directories a command works on, and the rules they must follow: the output and nix directories
// lie inside the fleet repository root (where the flake is), the output directory is neither inside
// nor around the fleet and nix directories, and the path the generated files import the nix
// directory by is a path Nix can read as written.
import fs from 'node:fs';
import path from 'node:path';
import { relativeNixDir, rootDirOf, type Paths } from './index.ts';

/** A segment of a Nix path literal (./a/b-c.d): anything else does not parse, or interpolates. */
const NIX_PATH_SEGMENT = /^[A-Za-z0-9._+-]+$/;

/** The fleet repository root: the parent of the fleet directory, where root artifacts (the flake) go. */
export function fleetRepositoryRoot(paths: Paths): string {
  return rootDirOf(paths);
}

/**
 * What is wrong with the paths, as a message for the command line; undefined when nothing is. With
 * layout, the output and nix directories must lie inside the fleet root: the flake there imports
 * both, and a flake reaching outside its own tree evaluates as a git checkout only (NixOS/nix#4414:
 * a path: copy or an archive forbids access outside the flake).
 */
export function pathsProblem(paths: Paths, check: { layout: boolean } = { layout: true }): string | undefined {
  if (check.layout) {
    const root = rootDirOf(paths);
    for (const [flag, dir, what] of [['--out', paths.outDir, 'where flake.nix is written'], ['--nix', paths.nixDir, 'so that the flake there can import it']] as const) {
      if (!isInside(path.resolve(dir), root)) return `${flag} ${dir} must be a directory inside the fleet repository root ${root} (the parent of --fleet), ${what}`;
    }
  }
  const nixFromOut = relativeNixDir(paths);
  const bad = nixFromOut.split('/').find((segment) => !NIX_PATH_SEGMENT.test(segment));
  if (bad !== undefined) {
    return `--nix ${paths.nixDir}: the generated files import it by the Nix path ${nixFromOut}, and "${bad}" cannot be part of a Nix path (only letters, digits and . _ + -); rename the directory or pass another --nix`;
  }
  const out = resolved(paths.outDir);
  for (const [flag, dir] of [['--fleet', paths.fleetDir], ['--nix', paths.nixDir]] as const) {
    const other = resolved(dir);
    if (out === other || isInside(out, other) || isInside(other, out)) {
      return `--out ${paths.outDir} and ${flag} ${dir} overlap; the output directory must be a directory of its own, outside the fleet and nix directories`;
    }
  }
  return undefined;
}

/** The absolute path with symbolic links resolved as far as the path exists. */
function resolved(dir: string): string {
  let existing = path.resolve(dir);
  const rest: string[] = [];
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) {
    rest.unshift(path.basename(existing));
    existing = path.dirname(existing);
  }
  return path.join(fs.realpathSync(existing), ...rest);
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
