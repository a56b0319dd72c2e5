// fleetc build: validate, then write the output directory atomically (or, with --check, compare only).
import path from 'node:path';
import type { Command } from 'commander';
import { hasErrors } from '../../diagnostics/diagnostic.ts';
import { buildKey, outputMatches, readStamp, writeStamp } from '../../compile/build-stamp.ts';
import { compileFromDisk, relativeNixDir, rootDirOf } from '../../compile/index.ts';
import { readFleetDirSync } from '../../load/index.ts';
import { compareWithDisk, writeOutput, WriteRefused } from '../../write/index.ts';
import { addCacheOptions, addFormatOption, addPathOptions, cacheDirFrom, formatFrom, pathsFrom } from '../arguments.ts';
import { EXIT } from '../exit-codes.ts';
import type { Io } from '../io.ts';
import { renderBuildResult } from '../views/build.ts';
import { renderDiagnostics } from '../views/diagnostics.ts';

export function registerBuild(program: Command, io: Io, setExit: (code: number) => void): void {
  const command = program
    .command('build')
    .description('validate the fleet and write the output directory (flake, host modules, disko, manifest)')
    .option('--check', 'write nothing; list the files that would change and exit 1 if any would');
  addPathOptions(command);
  addFormatOption(command);
  addCacheOptions(command);
  command.action(async (options: Record<string, unknown>) => {
    const paths = pathsFrom(options);
    const check = Boolean(options.check);
    const started = performance.now();
    const cacheDir = cacheDirFrom(options);
    const raw = readFleetDirSync(paths.fleetDir, paths.nixDir);
    // Nothing changed since the last clean build: the output is known to be current.
    const key = cacheDir === undefined ? undefined : buildKey(raw, paths.outDir, relativeNixDir(paths));
    const stamp = key === undefined ? undefined : readStamp(cacheDir!);
    if (stamp && stamp.key === key && outputMatches(stamp, paths.outDir)) {
      io.stderr(renderBuildResult({ outDir: paths.outDir, rootDir: '.', check, changes: [], hosts: stamp.hosts, files: Object.keys(stamp.files).length, milliseconds: performance.now() - started }));
      return setExit(EXIT.ok);
    }
    const result = await compileFromDisk(paths, { cacheDir, raw });
    io.stdout(renderDiagnostics(formatFrom(options), result.diagnostics, result.sources));
    if (hasErrors(result.diagnostics) || !result.artifacts) {
      io.stderr(`${paths.fleetDir}: invalid; ${paths.outDir} left untouched\n`);
      return setExit(EXIT.failed);
    }
    try {
      const rootDir = rootDirOf(paths);
      const changes = check ? await compareWithDisk(paths.outDir, result.artifacts, rootDir) : (await writeOutput(paths.outDir, result.artifacts, undefined, { rootDir })).changes;
      io.stderr(renderBuildResult({ outDir: paths.outDir, rootDir: path.relative(process.cwd(), rootDir) || '.', check, changes, hosts: result.hostCount, files: result.artifacts.length, milliseconds: performance.now() - started }));
      // Only a build without diagnostics is stamped: warnings are printed on every build.
      const current = !check || changes.length === 0;
      if (key !== undefined && current && result.diagnostics.length === 0) writeStamp(cacheDir!, key, result.hostCount, paths.outDir);
      setExit(check && changes.length > 0 ? EXIT.failed : EXIT.ok);
    } catch (error) {
      if (!(error instanceof WriteRefused)) throw error;
      io.stderr(`fleetc: ${error.message}\n  hint: pass --out with an empty or fleetc-generated directory\n`);
      setExit(EXIT.failed);
    }
  });
}
