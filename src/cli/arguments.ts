// Options shared by commands, parsed into typed values.
import { Option, InvalidArgumentError, type Command } from 'commander';
import type { Paths } from '../compile/index.ts';
import { pathsProblem } from '../compile/paths.ts';
import { defaultCacheDir } from '../load/cache-store.ts';
import { resolvePaths, RootMarkerInvalid } from './fleet-root.ts';
import { DIAGNOSTIC_FORMATS, type DiagnosticFormat } from './views/diagnostics.ts';

/** --fleet, --out and --nix; without them, the directories fleetc.json of the fleet root names. */
export function addPathOptions(command: Command): Command {
  return command
    .option('--fleet <dir>', 'fleet directory (default: fleet/ of the fleet root, found upward by fleetc.json, or of the current directory)')
    .option('--out <dir>', 'output directory (default: generated/ of the fleet root)')
    .option('--nix <dir>', 'hand-written Nix directory the generated files import (default: nix/ of the fleet root)');
}

export function addFormatOption(command: Command): Command {
  return command.addOption(new Option('--format <format>', 'diagnostics format').choices(DIAGNOSTIC_FORMATS).default('text'));
}

/** A command line that names impossible paths (exit 2), found after commander parsed it. */
export class UsageError extends Error {}

/** The paths, checked (fleetc validate writes no flake, so it may name an output outside the root). */
export function pathsFrom(options: Record<string, unknown>, check: { layout: boolean } = { layout: true }): Paths {
  let paths: Paths;
  try {
    paths = resolvePaths(options);
  } catch (error) {
    if (error instanceof RootMarkerInvalid) throw new UsageError(error.message);
    throw error;
  }
  const problem = pathsProblem(paths, check);
  if (problem) throw new UsageError(problem);
  return paths;
}

/** --lock-timeout SECONDS: how long a write waits for another fleetc that holds the output lock. */
export function addLockTimeoutOption(command: Command): Command {
  return command.option('--lock-timeout <seconds>', 'wait this long for another fleetc writing the output directory (0: fail at once)', parsePositiveInteger, 30);
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
  return options.cacheDir === undefined ? defaultCacheDir(resolvePaths(options).fleetDir) : String(options.cacheDir);
}
