// fleetc watch: watches the fleet and nix/ directories, and after each burst of changes (debounced)
// rebuilds incrementally and writes the output directory, holding the output lock for each write.
// An invalid fleet leaves the last good output in place. Never prints: it reports events to its caller.
import { lstatSync } from 'node:fs';
import path from 'node:path';
import type { FSWatcher } from 'chokidar';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { hasErrors } from '../diagnostics/diagnostic.ts';
import type { SourceRegistry } from '../diagnostics/source.ts';
import { IncrementalCompiler, type IncrementalCompilation } from '../compile/incremental.ts';
import { outputLayout, type Paths } from '../compile/index.ts';
import { fleetRepositoryRoot } from '../compile/paths.ts';
import type { Artifact, ArtifactKind } from '../emit/artifact.ts';
import { loadParseCache, saveParseCache } from '../load/cache-store.ts';
import { readFleetDirSync, readFleetFile, readNixDir } from '../load/read-dir.ts';
import type { RawFleet } from '../load/types.ts';
import { chokidar } from '../util/lazy-modules.ts';
import { DEFAULT_LOCK_TIMEOUT_MS, StandbyLock, type FileChange } from '../write/index.ts';
import { WatchedOutput, type OutputWrite } from './output.ts';

// An editor's save reaches chokidar within a millisecond or two (fs.watch, then a stat); 10 ms still
// gathers a burst (a checkout, a save that renames) into one rebuild.
export const DEFAULT_DEBOUNCE_MS = 10;
const CHOKIDAR_CHANGE_THROTTLE_MS = 50;

export interface WatchOptions {
  paths: Paths;
  debounceMs?: number;
  /** The parse cache's directory: read at start, written after the first build. */
  cacheDir?: string;
  /** How long a rebuild waits for another fleetc writing the output directory. */
  lockTimeoutMs?: number;
}

export interface HostChange {
  host: string;
  change: 'added' | 'modified' | 'removed';
  /** Kinds of the host's artifacts that changed (for modified hosts). */
  kinds: ArtifactKind[];
}

export type WatchEvent =
  | { kind: 'built'; first: boolean; milliseconds: number; hosts: number; files: number; changes: FileChange[]; hostChanges: HostChange[]; diagnostics: Diagnostic[]; sources: SourceRegistry; stages: RebuildStages }
  | { kind: 'invalid'; milliseconds: number; diagnostics: Diagnostic[]; sources: SourceRegistry; outDir: string }
  | { kind: 'failed'; message: string };

/** Where a rebuild's time went, in milliseconds: reading the changed files, compiling, waiting for the output lock after the compile, writing, and the rest. */
export interface RebuildStages {
  read: number;
  compile: number;
  lockWait: number;
  write: number;
  report: number;
}

export interface WatchHandle {
  /** Resolves once the watchers are set up and the first build is done. */
  ready: Promise<void>;
  /** Stops watching; resolves when every watcher is closed. */
  stop(): Promise<void>;
}

const YAML = /\.ya?ml$/;

export function startWatch(options: WatchOptions, onEvent: (event: WatchEvent) => void): WatchHandle {
  const { paths } = options;
  const fleetRoot = path.resolve(paths.fleetDir);
  const nixRoot = path.resolve(paths.nixDir);
  const compiler = new IncrementalCompiler(outputLayout(paths), options.cacheDir === undefined ? undefined : loadParseCache(options.cacheDir).cache);
  let raw: RawFleet = readFleetDirSync(paths.fleetDir, paths.nixDir);
  let files = new Map(raw.files.map((f) => [f.relPath, f]));
  const output = new WatchedOutput(paths.outDir, fleetRepositoryRoot(paths));
  const outputLock = new StandbyLock(paths.outDir, { timeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, command: 'fleetc watch', makeParent: true });
  let lastHosts: Set<string> | undefined;
  const changedFiles = new Set<string>();
  let rereadAll = false;
  let rereadNix = false;
  let timer: NodeJS.Timeout | undefined;
  let recheckTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  /** Files changed lately: chokidar drops a second change event within 50 ms, so look again later. */
  const recheck = new Set<string>();

  const rebuild = async (first: boolean): Promise<void> => {
    const started = performance.now();
    if (rereadAll) {
      raw = readFleetDirSync(paths.fleetDir, paths.nixDir);
      files = new Map(raw.files.map((f) => [f.relPath, f]));
    } else {
      for (const relPath of changedFiles) {
        // Gone: no longer a fleet file. Anything there (a dangling link too) is read as the walk would.
        if (!lstatSync(path.join(fleetRoot, relPath), { throwIfNoEntry: false })) files.delete(relPath);
        else files.set(relPath, readFleetFile(paths.fleetDir, relPath));
      }
      const nix = rereadNix ? readNixDir(paths.nixDir) : raw;
      raw = { ...raw, nixFiles: nix.nixFiles, nixSources: nix.nixSources, files: [...files.values()].sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0)) };
    }
    for (const relPath of changedFiles) recheck.add(relPath);
    changedFiles.clear();
    rereadAll = rereadNix = false;
    clearTimeout(recheckTimer);
    recheckTimer = setTimeout(verifyRecent, CHOKIDAR_CHANGE_THROTTLE_MS + 20);

    const read = performance.now();
    // flock(1) takes the output lock beside this process while it compiles (started after the last rebuild).
    const locking = outputLock.acquire();
    locking.catch(() => undefined); // reported where it is awaited
    let result: IncrementalCompilation;
    try {
      result = compiler.compile(raw);
    } catch (error) {
      void locking.then((lock) => lock.release(), () => undefined);
      throw error;
    }
    if (hasErrors(result.diagnostics) || !result.artifacts || !result.fleet) {
      void locking.then((lock) => lock.release(), () => undefined);
      onEvent({ kind: 'invalid', milliseconds: performance.now() - started, diagnostics: result.diagnostics, sources: result.sources, outDir: paths.outDir });
      return;
    }
    const compiled = performance.now();
    const artifacts = result.artifacts;
    let written: OutputWrite;
    let locked = compiled;
    try {
      const lock = await locking;
      locked = performance.now();
      try {
        written = output.write({ ...result, artifacts }, lock);
      } finally {
        lock.release();
      }
    } catch (error) {
      onEvent({ kind: 'failed', message: (error as Error).message });
      return;
    }
    const wrote = performance.now();
    const { changes, before, after } = written;
    const hosts = new Set(result.fleet.hosts.map((h) => h.name));
    const hostChanges = first ? [] : describeHostChanges(changes, before, after, lastHosts ?? new Set(), hosts);
    lastHosts = hosts;
    if (first && options.cacheDir !== undefined) saveParseCache(options.cacheDir, compiler.parseCache);
    const done = performance.now();
    const stages = { read: read - started, compile: compiled - read, lockWait: locked - compiled, write: wrote - locked, report: done - wrote };
    onEvent({ kind: 'built', first, milliseconds: done - started, hosts: hosts.size, files: artifacts.length, changes, hostChanges, diagnostics: result.diagnostics, sources: result.sources, stages });
    // While waiting for the next edit: its shared files' pieces are made now, not when it comes.
    compiler.prime();
  };

  /** One rebuild at a time: a change during a rebuild starts the next one after it. */
  let running: Promise<void> | undefined;
  let again = false;
  const runRebuild = (first: boolean): void => {
    if (running) {
      again = true;
      return;
    }
    running = guarded(() => rebuild(first)).finally(() => {
      running = undefined;
      // The next rebuild's flock(1), started while nothing waits (standby-lock.ts).
      if (!stopped && !again) outputLock.prepare();
      if (again && !stopped) {
        again = false;
        runRebuild(false);
      }
    });
  };

  /** A bug in a rebuild is reported, and the watch goes on. */
  const guarded = async (run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (error) {
      onEvent({ kind: 'failed', message: `internal error: ${(error as Error).message}` });
    }
  };

  const verifyRecent = (): void => {
    if (stopped) return;
    for (const relPath of recheck) {
      const onDisk = lstatSync(path.join(fleetRoot, relPath), { throwIfNoEntry: false }) ? readFleetFile(paths.fleetDir, relPath) : undefined;
      const built = files.get(relPath);
      if (onDisk?.bytes && built?.bytes ? !Buffer.from(onDisk.bytes).equals(built.bytes) : Boolean(onDisk) !== Boolean(built)) changedFiles.add(relPath);
    }
    recheck.clear();
    if (changedFiles.size > 0) schedule();
  };

  const schedule = (): void => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (!stopped) runRebuild(false);
    }, options.debounceMs ?? DEFAULT_DEBOUNCE_MS);
  };

  const watchers: FSWatcher[] = [];
  const onFleet = (event: string, absPath: string): void => {
    const relPath = path.relative(fleetRoot, absPath).split(path.sep).join('/');
    if (relPath === '' || relPath.startsWith('..') || relPath.split('/').some((s) => s.startsWith('.'))) return;
    if ((event === 'add' || event === 'change' || event === 'unlink') && YAML.test(relPath)) changedFiles.add(relPath);
    else if (event === 'addDir' || event === 'unlinkDir' || YAML.test(relPath)) rereadAll = true;
    else return; // not a fleet file
    schedule();
  };
  const onNix = (): void => {
    rereadNix = true;
    schedule();
  };
  const hidden = (root: string) => (p: string) => path.relative(root, p).split(path.sep).some((s) => s.startsWith('.') && s !== '..');
  const ready = (async () => {
    const { watch } = chokidar();
    const fleetWatcher = watch(fleetRoot, { ignoreInitial: true, ignored: hidden(fleetRoot) });
    const nixWatcher = watch(nixRoot, { ignoreInitial: true, ignored: hidden(nixRoot) });
    watchers.push(fleetWatcher, nixWatcher);
    fleetWatcher.on('all', onFleet);
    nixWatcher.on('all', onNix);
    for (const w of watchers) w.on('error', (error) => onEvent({ kind: 'failed', message: `watching: ${(error as Error).message}` }));
    await Promise.all(watchers.map((w) => new Promise<void>((resolve) => w.once('ready', () => resolve()))));
    // Changes made while the watchers started are part of this first build: read everything.
    changedFiles.clear();
    rereadAll = true;
    if (!stopped) {
      runRebuild(true);
      await running;
    }
  })();

  return {
    ready,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(recheckTimer);
      await ready.catch(() => undefined);
      await running; // the rebuild in progress is written
      outputLock.close();
      await Promise.all(watchers.map((w) => w.close()));
    },
  };
}

/** Per host, what changed: its own files, or its part of a shared file (flake.nix). */
export function describeHostChanges(changes: readonly FileChange[], before: ReadonlyMap<string, Artifact>, after: ReadonlyMap<string, Artifact>, hostsBefore: ReadonlySet<string>, hostsAfter: ReadonlySet<string>): HostChange[] {
  const out = new Map<string, HostChange>();
  for (const host of hostsAfter) if (!hostsBefore.has(host)) out.set(host, { host, change: 'added', kinds: [] });
  for (const host of hostsBefore) if (!hostsAfter.has(host)) out.set(host, { host, change: 'removed', kinds: [] });
  const modified = (host: string, kind: ArtifactKind): void => {
    if (!hostsAfter.has(host) || !hostsBefore.has(host)) return;
    const entry = out.get(host) ?? { host, change: 'modified' as const, kinds: [] };
    if (!entry.kinds.includes(kind)) entry.kinds.push(kind);
    out.set(host, entry);
  };
  for (const change of changes) {
    const old = before.get(change.path);
    const now = after.get(change.path);
    const artifact = now ?? old;
    if (!artifact) continue;
    if (artifact.host) modified(artifact.host, artifact.kind);
    const baseChanged = old?.fragmentBase !== now?.fragmentBase;
    for (const host of new Set([...Object.keys(old?.fragments ?? {}), ...Object.keys(now?.fragments ?? {})])) {
      if (baseChanged || old?.fragments?.[host] !== now?.fragments?.[host]) modified(host, artifact.kind);
    }
  }
  return [...out.values()].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
}
