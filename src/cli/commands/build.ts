// fleetc build: validate, then write the output directory and the root files atomically, holding the
// output lock (or, with --check, compare only).
import type { Command } from 'commander';
import { hasErrors } from '../../diagnostics/diagnostic.ts';
import { buildKey, contextKey, outputMatches, readStamp, restampInputs, writeStamp, type BuildStamp } from '../../compile/build-stamp.ts';
import { inputSnapshot, sameInputs } from '../../compile/input-stamp.ts';
import { compileFromDisk, relativeNixDir, type Compilation, type Paths } from '../../compile/index.ts';
import { fleetRepositoryRoot } from '../../compile/paths.ts';
import { readFleetDirSync } from '../../load/index.ts';
import { workerCount } from '../../compile/workers.ts';
import { acquireOutputLock, acquireOutputLockToRead, compareWithDiskSync, hasInterruptedWrite, LockTimeout, writeOutputSync, WriteFailed, WriteRefused, type FileChange, type OutputLock } from '../../write/index.ts';
import { addCacheOptions, addFormatOption, addLockTimeoutOption, addPathOptions, cacheDirFrom, formatFrom, pathsFrom } from '../arguments.ts';
import { EXIT } from '../exit-codes.ts';
import type { Io } from '../io.ts';
import { SIGNAL_EXIT, SignalGuard } from '../signals.ts';
import { testPause } from '../test-pause.ts';
import { defaultTiering, fullBuildTiering } from '../../util/tiering.ts';
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
  addLockTimeoutOption(command);
  command.action(async (options: Record<string, unknown>) => {
    const guard = new SignalGuard();
    try {
      setExit(await build(options, io, guard));
    } catch (error) {
      if (!(error instanceof WriteRefused || error instanceof WriteFailed || error instanceof LockTimeout)) throw error;
      io.stderr(`fleetc: ${error.message}\n  hint: ${hintFor(error)}\n`);
      setExit(EXIT.failed);
    } finally {
      guard.dispose();
      defaultTiering();
    }
  });
}

async function build(options: Record<string, unknown>, io: Io, guard: SignalGuard): Promise<number> {
  const paths = pathsFrom(options);
  const rootDir = fleetRepositoryRoot(paths);
  const check = Boolean(options.check);
  const started = performance.now();
  const cacheDir = cacheDirFrom(options);
  const summary = (changes: FileChange[], hosts: number, files: number) => renderBuildResult({ outDir: paths.outDir, rootDir, check, changes, hosts, files, milliseconds: performance.now() - started });
  const upToDate = (stamp: BuildStamp) => !hasInterruptedWrite(paths.outDir, { rootDir }) && outputMatches(stamp, paths.outDir, rootDir);
  // Nothing changed since the last clean build: the output is known to be current. --check always looks.
  // First by the inputs' times (taken before anything is read), then by their content.
  const context = cacheDir === undefined || check ? undefined : contextKey(paths.outDir, relativeNixDir(paths), paths.fleetDir, rootDir);
  const snapshot = context === undefined ? undefined : inputSnapshot(paths.fleetDir, paths.nixDir, cacheDir!);
  const inputs: BuildStamp['inputs'] = snapshot && { context: context!, files: snapshot };
  const recorded = inputs === undefined ? undefined : readStamp(cacheDir!);
  if (inputs && recorded?.inputs?.context === inputs.context && sameInputs(recorded.inputs.files, inputs.files) && upToDate(recorded)) {
    io.stderr(summary([], recorded.hosts, Object.keys(recorded.files).length + Object.keys(recorded.root).length));
    return EXIT.ok;
  }
  const raw = readFleetDirSync(paths.fleetDir, paths.nixDir);
  const key = context === undefined ? undefined : buildKey(raw, paths.outDir, relativeNixDir(paths), rootDir);
  const stamp = key === undefined ? undefined : (recorded ?? readStamp(cacheDir!));
  if (stamp && stamp.key === key && upToDate(stamp)) {
    // The same content by other times (a checkout, a touch): recorded again with the inputs' times now.
    if (inputs) restampInputs(cacheDir!, stamp, inputs);
    io.stderr(summary([], stamp.hosts, Object.keys(stamp.files).length + Object.keys(stamp.root).length));
    return EXIT.ok;
  }
  // A write takes the artifacts as they are emitted (emit/stream.ts): their texts never pile up.
  // Once the files are parsed (the YAML reader's few loops gain from V8's default), the whole fleet
  // is checked and emitted (util/tiering.ts); the action's end puts the default back.
  const result = await compileFromDisk(paths, { cacheDir, raw, workers: workerCount(), stream: !check, parsed: fullBuildTiering });
  io.stdout(renderDiagnostics(formatFrom(options), result.diagnostics, result.sources, process.env.GITHUB_WORKSPACE));
  if (hasErrors(result.diagnostics) || !(result.artifacts || result.stream)) {
    io.stderr(`${paths.fleetDir}: invalid; ${paths.outDir} left untouched\n`);
    return EXIT.failed;
  }
  const before = await guard.settle();
  if (before) {
    io.stderr(`fleetc build: interrupted (${before}) before writing; ${paths.outDir} left untouched\n`);
    return SIGNAL_EXIT[before];
  }
  const timeoutMs = Number(options.lockTimeout) * 1000;
  const lock = check ? acquireOutputLockToRead(paths.outDir, { timeoutMs, command: 'fleetc build --check' }) : lockForWrite(paths, timeoutMs);
  let changes: FileChange[];
  try {
    changes = check ? checkOutput(paths, rootDir, result, io) : writeLocked(paths, rootDir, result, lock!, key, cacheDir, inputs);
  } finally {
    lock?.release();
  }
  io.stderr(summary(changes, result.hostCount, result.artifacts?.length ?? result.stream!.count));
  const after = await guard.settle();
  if (after) {
    io.stderr(`fleetc build: interrupted (${after}); the write in progress was finished first\n`);
    return SIGNAL_EXIT[after];
  }
  return check && changes.length > 0 ? EXIT.failed : EXIT.ok;
}

function lockForWrite(paths: Paths, timeoutMs: number): OutputLock {
  return acquireOutputLock(paths.outDir, { timeoutMs, command: 'fleetc build', makeParent: true });
}

function writeLocked(paths: Paths, rootDir: string, result: Compilation, lock: OutputLock, key: string | undefined, cacheDir: string | undefined, inputs: BuildStamp['inputs']): FileChange[] {
  const { changes } = writeOutputSync(paths.outDir, result.stream ?? result.artifacts!, testPause(), { rootDir, lock });
  // Only a build without diagnostics is stamped: warnings are printed on every build.
  if (key !== undefined && result.diagnostics.length === 0) writeStamp(cacheDir!, key, result.hostCount, paths.outDir, result.stream?.written() ?? result.artifacts!, rootDir, inputs);
  return changes;
}

function checkOutput(paths: Paths, rootDir: string, result: Compilation, io: Io): FileChange[] {
  if (hasInterruptedWrite(paths.outDir, { rootDir })) io.stderr(`fleetc: an interrupted build left its journal beside ${paths.outDir}; \`fleetc build\` finishes or undoes it\n`);
  return compareWithDiskSync(paths.outDir, result.artifacts!, { rootDir });
}

function hintFor(error: Error): string {
  if (error instanceof WriteRefused) return 'pass --out with an empty or fleetc-generated directory, and move files fleetc did not write out of its way';
  if (error instanceof LockTimeout) return 'wait for the other fleetc to finish, or pass --lock-timeout SECONDS';
  return (error as WriteFailed).hint;
}
