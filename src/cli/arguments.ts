// Options shared by commands, parsed into typed values.
import path from 'node:path';
import { Option, InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_PATHS, rootDirOf, type Paths } from '../compile/index.ts';
import { defaultCacheDir } from '../load/cache-store.ts';
import { DIAGNOSTIC_FORMATS, type DiagnosticFormat } from './views/diagnostics.ts';

export function addPathOptions(command: Command): Command {
  return command
    .option('--fleet <dir>', 'fleet directory', DEFAULT_PATHS.fleetDir)
    .option('--out <dir>', 'output directory', DEFAULT_PATHS.outDir)
    .option('--nix <dir>', 'hand-written Nix directory the generated files import', DEFAULT_PATHS.nixDir);
}

export function addFormatOption(command: Command): Command {
  return command.addOption(new Option('--format <format>', 'diagnostics format').choices(DIAGNOSTIC_FORMATS).default('text'));
}

/** A command line that cannot be run as given: printed without a stack trace, exit 2. */
export class UsageError extends Error {}

/**
 * The paths, checked for the flake's layout unless only validating: the flake at the fleet root
 * (the fleet directory's parent) imports the output and the nix directory, so both must lie inside
 * it, or the flake would evaluate as a git checkout only (NixOS/nix#4414: a path: copy or an archive
 * forbids access outside the flake).
 */
export function pathsFrom(options: Record<string, unknown>, check: { layout: boolean } = { layout: true }): Paths {
  const paths: Paths = { fleetDir: String(options.fleet), outDir: String(options.out), nixDir: String(options.nix) };
  if (!check.layout) return paths;
  const root = rootDirOf(paths);
  const inside = (dir: string) => {
    const relative = path.relative(root, path.resolve(dir));
    return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  };
  if (!inside(paths.outDir)) throw new UsageError(`--out ${paths.outDir} must be a directory inside the fleet repository root ${root} (the parent of --fleet), where flake.nix is written`);
  if (!inside(paths.nixDir)) throw new UsageError(`--nix ${paths.nixDir} must be a directory inside the fleet repository root ${root} (the parent of --fleet), so that the flake there can import it`);
  return paths;
}

export function formatFrom(options: Record<string, unknown>): DiagnosticFormat {
  return options.format as DiagnosticFormat;
}

export function parsePositiveInteger(value: string): number {
  if (!/^[0-9]+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

/** --cache-dir DIR and --no-cache: where the parse cache lives (default: .fleetc-cache beside the fleet directory). */
export function addCacheOptions(command: Command): Command {
  return command
    .option('--cache-dir <dir>', 'parse cache directory (default: .fleetc-cache beside the fleet directory)')
    .option('--no-cache', 'parse every file, and read or write no cache');
}

/** The cache directory to use, or undefined for none. */
export function cacheDirFrom(options: Record<string, unknown>): string | undefined {
  if (options.cache === false) return undefined;
  return options.cacheDir === undefined ? defaultCacheDir(String(options.fleet)) : String(options.cacheDir);
}
