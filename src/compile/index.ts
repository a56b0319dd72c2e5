// The compile pipeline: load → validate → resolve → emit, stopping after the first stage with errors.
import path from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { hasErrors, sortDiagnostics } from '../diagnostics/diagnostic.ts';
import { SourceRegistry } from '../diagnostics/source.ts';
import type { Artifact, EmitContext } from '../emit/artifact.ts';
import { emitFleet } from '../emit/index.ts';
import { FleetStream } from '../emit/stream.ts';
import { StagePool } from './workers.ts';
import { installedLibrary } from '../library/index.ts';
import { loadParseCache, saveParseCache } from '../load/cache-store.ts';
import { parseFleet, readFleetDirSync } from '../load/index.ts';
import type { ParseCache } from '../load/parse-cache.ts';
import type { ParseMemo, PreParsed } from '../load/parse.ts';
import type { RawFleet } from '../load/types.ts';
import type { Fleet } from '../model/fleet.ts';
import { resolveFleet, ResolveMemo } from '../resolve/index.ts';
import type { ClaimsIndex } from '../validate/claims-index.ts';
import type { PortsMemo } from '../validate/ports-memo.ts';
import { validateFleet, ValidationMemo, type CheckedFleet } from '../validate/index.ts';
import { sourceKey } from './source-key.ts';

export interface Paths {
  /** The fleet directory, as the user named it (diagnostics show paths under it). */
  fleetDir: string;
  outDir: string;
  nixDir: string;
  /** The fleet repository root, where flake.nix and flake.lock live; default: the fleet directory's parent. */
  rootDir?: string;
}

export const DEFAULT_PATHS: Paths = { fleetDir: 'fleet', outDir: 'generated', nixDir: 'nix' };

export interface Compilation {
  diagnostics: Diagnostic[];
  sources: SourceRegistry;
  /** Present when validation passed. */
  fleet?: Fleet;
  /** Present when validation passed and emit is asked for. */
  artifacts?: Artifact[];
  /** Instead of artifacts, with DiskOptions.stream: the artifacts as they are emitted, for the writer. */
  stream?: FleetStream;
  hostCount: number;
  profileCount: number;
}

export interface CompileOptions extends OutputLayout {
  /** Stop after validation (fleetc validate). */
  validateOnly?: boolean;
  /** Serves the parse of files seen before; the result is the same with or without it. */
  parseCache?: ParseCache;
  /** What earlier runs of the same process found, for the stages to reuse; the result is the same. */
  memo?: CompileMemo;
  /** Host files known to find nothing of their own (validate/index.ts ValidationReuse). */
  knownClean?: (relPath: string, blobId: string) => boolean;
  /** The files are those of a build without diagnostics (validate/index.ts ValidationReuse). */
  cleanBuild?: boolean;
  /** Files parsed beforehand (on worker threads); the result is the same. */
  preParsed?: PreParsed;
  /** Called once the files are parsed, before they are checked (build's tiering: util/tiering.ts). */
  parsed?: () => void;
}

/** The stages' memos (see each stage): only work on files that changed is done again. */
export interface CompileMemo {
  parse: ParseMemo;
  validation: ValidationMemo;
  resolve: ResolveMemo;
  /** Only for one fleet rebuilt again and again (fleetc watch): validate/claims-index.ts, ports-memo.ts. */
  claims?: ClaimsIndex;
  ports?: PortsMemo;
}

export function newCompileMemo(): CompileMemo {
  return { parse: new WeakMap(), validation: new ValidationMemo(), resolve: new ResolveMemo() };
}

/** Pure: the same raw files give the same diagnostics and byte-identical artifacts. */
export function compileRaw(raw: RawFleet, options: CompileOptions): Compilation {
  return compileStages(raw, options).compilation;
}

/** compileRaw, also handing out the checked documents (fleetc watch compares them between runs). */
export function compileStages(raw: RawFleet, options: CompileOptions): { compilation: Compilation; checked?: CheckedFleet } {
  const sources = new SourceRegistry();
  const loaded = parseFleet(raw, sources, options.parseCache, options.memo?.parse, options.preParsed);
  options.parsed?.();
  const result: Compilation = { diagnostics: loaded.diagnostics, sources, hostCount: loaded.value.hosts.length, profileCount: loaded.value.profiles.length };
  if (hasErrors(loaded.diagnostics)) return { compilation: finish(result) };
  const checked = validateFleet(loaded.value, { nixDirFromRoot: path.posix.normalize(`${options.outDirFromRoot}/${options.nixDirFromOut}`) }, { memo: options.memo?.validation, schemas: options.parseCache, knownClean: options.knownClean, cleanBuild: options.cleanBuild, claims: options.memo?.claims, ports: options.memo?.ports });
  result.diagnostics = [...result.diagnostics, ...checked.diagnostics];
  if (hasErrors(result.diagnostics)) return { compilation: finish(result) };
  const resolved = resolveFleet(checked.value, options.memo?.resolve);
  result.diagnostics = [...result.diagnostics, ...resolved.diagnostics];
  if (hasErrors(result.diagnostics)) return { compilation: finish(result) };
  result.fleet = resolved.value;
  if (!options.validateOnly) result.artifacts = emitFleet(resolved.value, emitContext(raw, options, result.diagnostics));
  return { compilation: finish(result), checked: checked.value };
}

/**
 * What the emitters are told: where the output and nix directories are, the nix files, fleetc's own
 * Nix (the one committed with a revision, else the running fleetc's), and the inputs' key — only
 * for a build without diagnostics, so that a committed manifest with a key is also the proof that
 * its fleet had nothing to report (plan relies on both).
 */
export function emitContext(raw: RawFleet, layout: OutputLayout, diagnostics: readonly Diagnostic[]): EmitContext {
  const library = raw.library ?? installedLibrary();
  return { nixDir: layout.nixDirFromOut, outDirFromRoot: layout.outDirFromRoot, nixFiles: raw.nixFiles, library, ...(diagnostics.length === 0 ? { source: sourceKey(raw, layout, library) } : {}) };
}

export interface DiskOptions {
  validateOnly?: boolean;
  /** The parse cache's directory (see load/cache-store.ts); none: parse every file. */
  cacheDir?: string;
  /** The files, when the caller has read them already. */
  raw?: RawFleet;
  /** Parse and emit on this many worker threads too (compile/workers.ts); default none. The result is the same. */
  workers?: number;
  /** Emit as the writer takes the artifacts (emit/stream.ts; without workers): Compilation.stream, not artifacts. */
  stream?: boolean;
  /** CompileOptions.parsed. */
  parsed?: () => void;
}

/**
 * Emit runs after compileRaw has returned: the parsed and checked documents, which only the
 * stages before it read, can be freed while the artifacts are made (~30 MB less at 10,000 hosts),
 * and so can the files' texts of a compile without diagnostics.
 */
export async function compileFromDisk(paths: Paths, options: DiskOptions = {}): Promise<Compilation> {
  const raw = options.raw ?? readFleetDirSync(paths.fleetDir, paths.nixDir);
  const pool = options.workers && !options.validateOnly ? new StagePool(options.workers) : undefined;
  try {
    const parseCache = options.cacheDir === undefined ? undefined : loadParseCache(options.cacheDir).cache;
    const layout = outputLayout(paths);
    // Without a parse cache every file is parsed: on the workers too.
    const preParsed = pool && !parseCache ? await pool.parse(raw) : undefined;
    const result = compileRaw(raw, { ...layout, validateOnly: true, parseCache, preParsed, parsed: options.parsed });
    if (parseCache) saveParseCache(options.cacheDir!, parseCache);
    if (!options.validateOnly && result.fleet) {
      // Nothing to show positions for: the files' texts (as large as the fleet) are freed before emit.
      if (result.diagnostics.length === 0) result.sources = new SourceRegistry();
      const context = emitContext(raw, layout, result.diagnostics);
      if (options.stream && !pool) result.stream = new FleetStream(result.fleet, context);
      else result.artifacts = pool ? await pool.emit(result.fleet, context) : emitFleet(result.fleet, context);
    }
    return result;
  } finally {
    await pool?.close();
  }
}

/** Where the generated files point to: the nix directory from the output, the output from the root. */
export interface OutputLayout {
  /** Path from the output directory to the nix directory, '/'-separated. */
  nixDirFromOut: string;
  /** Path from the fleet repository root to the output directory, '/'-separated, inside the root. */
  outDirFromRoot: string;
}

export function outputLayout(paths: Paths): OutputLayout {
  return { nixDirFromOut: relativeNixDir(paths), outDirFromRoot: relativePosix(rootDirOf(paths), paths.outDir) };
}

export function rootDirOf(paths: Paths): string {
  return path.resolve(paths.rootDir ?? path.dirname(path.resolve(paths.fleetDir)));
}

export function relativeNixDir(paths: Paths): string {
  return relativePosix(paths.outDir, paths.nixDir);
}

function relativePosix(from: string, to: string): string {
  const relative = path.relative(path.resolve(from), path.resolve(to)).split(path.sep).join('/');
  return relative === '' ? '.' : relative;
}

function finish(result: Compilation): Compilation {
  result.diagnostics = sortDiagnostics(result.diagnostics);
  return result;
}
