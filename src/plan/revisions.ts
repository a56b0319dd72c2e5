// Compiles the fleet at two revisions for a plan: a commit read straight from git objects, or the
// working tree. This is plan's I/O; buildPlan itself is pure. Both sides are validated and resolved
// sharing what they share (the base's files that the head has too are not parsed, checked or
// resolved again); then only the hosts a change can touch are emitted (partial.ts), the others'
// hashes coming from the base commit's committed output when it is the build of that commit
// (committed.ts). When the head commit's committed output is its own clean build too, the head is
// not checked either, and a change of host files alone is planned from the hosts it reaches
// (shallow.ts). --full-base (fullBase) compiles both sides in full, as plans always did.
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { hasErrors } from '../diagnostics/diagnostic.ts';
import type { SourceRegistry } from '../diagnostics/source.ts';
import { compileRaw, compileStages, emitContext, newCompileMemo, outputLayout, type CompileMemo, type OutputLayout, type Paths } from '../compile/index.ts';
import { libraryDirOf, repoRelative, resolveRevisions, type GitRoot } from '../git/repository.ts';
import { readBlobAt, readFleetAt, readUnread, type ExtraFile, type Later } from '../git/tree-reader.ts';
import { installedLibrary } from '../library/index.ts';
import { blobIdOfFile, kindOf, loadParseCache, ParseCache, readFleetDirSync, saveParseCache } from '../load/index.ts';
import type { RawFile, RawFleet } from '../load/types.ts';
import { buildPlan, type PlanSide } from './build.ts';
import { committedManifestOf, committedProblem, committedSourceKey, fleetcCodeProblem, type CommittedManifest } from './committed.ts';
import { MANIFEST_PATH } from '../emit/manifest.ts';
import { shallowPlan } from './shallow.ts';
import { sourceKey } from '../compile/source-key.ts';
import { MalformedEntry } from './lazy-manifest.ts';
import { partialSides, type PartialReport, type ResolvedSide } from './partial.ts';
import type { Plan } from './types.ts';

export const WORKING_TREE = 'working tree';

export interface PlanRequest {
  base: string;
  /** A revision, or undefined for the working tree. */
  head?: string;
  paths: Paths;
  /** Plan against an empty fleet when the base revision's fleet has errors. */
  allowInvalidBase: boolean;
  cwd: string;
  /** The parse cache's directory; none: parse every file (still once for both revisions). */
  cacheDir?: string;
  /** Compile both revisions in full: no output taken from the base commit, every host emitted on both sides. */
  fullBase?: boolean;
  /** List every host with its hashes, the unchanged ones too, instead of referring to the base's committed manifest for them. */
  listUnchanged?: boolean;
}

export type PlanOutcome =
  | { ok: true; plan: Plan; warnings: SideDiagnostics[]; partial?: PartialReport }
  | { ok: false; reason: string; failed?: SideDiagnostics };

export interface SideDiagnostics {
  side: 'base' | 'head';
  diagnostics: Diagnostic[];
  sources: SourceRegistry;
}

export async function computePlan(request: PlanRequest): Promise<PlanOutcome> {
  const revisions = [request.base, ...(request.head === undefined ? [] : [request.head])];
  const { repo, commits } = await resolveRevisions(request.cwd, revisions);
  const dirs = { fleetDir: repoRelative(repo, request.paths.fleetDir), nixDir: repoRelative(repo, request.paths.nixDir), outDir: repoRelative(repo, request.paths.outDir), libraryDir: libraryDirOf(repo, request.paths) };
  const layout = outputLayout(request.paths);
  // Git runs beside fleetc: the reads of both revisions and of the base's committed output start
  // before the parse cache loads (git answers on the other core).
  let cacheLoaded!: (cache: ParseCache) => void;
  const reads = startReads(request, repo, commits[0]!, commits[1], dirs, new Promise((resolve) => (cacheLoaded = resolve)));
  // One parse cache for both sides: a file the two revisions share is parsed once.
  const cache = request.cacheDir === undefined ? new ParseCache() : loadParseCache(request.cacheDir).cache;
  cacheLoaded(cache);
  try {
    const read = await reads;
    try {
      return await planWith(request, read, dirs, layout, cache);
    } catch (error) {
      // A committed entry that is not one, met when read: the plan the manifest parsed whole gives.
      if (!(error instanceof MalformedEntry)) throw error;
      return await planWith(request, { ...read, committed: read.committed?.whole() }, dirs, layout, cache);
    }
  } finally {
    if (request.cacheDir !== undefined) saveParseCache(request.cacheDir, cache);
  }
}

interface Reads {
  repo: GitRoot;
  baseCommit: string;
  head: Revision;
  base: Revision;
  /** The base commit's committed manifest.json (a full plan refers to it too, for its unchanged hosts). */
  committed: CommittedManifest | undefined;
  /** The key the head commit's committed manifest.json records (none for the working tree). */
  headKey: string | undefined;
}

async function startReads(request: PlanRequest, repo: GitRoot, baseCommit: string, headCommit: string | undefined, dirs: RepoDirs, cacheSoon: Promise<ParseCache>): Promise<Reads> {
  const headKey = headCommit === undefined || request.fullBase ? Promise.resolve(undefined) : committedSourceKey(repo, headCommit, dirs.outDir);
  const later = headCommit === undefined || request.fullBase || request.listUnchanged ? undefined : unreadShared(cacheSoon);
  const reading: Promise<Revision> = request.head === undefined
    ? Promise.resolve({ raw: readFleetDirSync(request.paths.fleetDir, request.paths.nixDir), info: { ref: WORKING_TREE, fleetExists: true } })
    : readRevision(repo, request.head, headCommit!, dirs, undefined, undefined, later?.head);
  // The base's committed manifest.json, the largest blob a plan reads (12 MB at 5,000 hosts), is
  // read from the start, beside both trees' listings; readFleetAt takes it as the listing's file.
  const manifestPath = `${dirs.outDir}/${MANIFEST_PATH}`;
  const manifestSoon = readBlobAt(repo, baseCommit, manifestPath).catch(() => undefined);
  // The head's file contents serve the base wherever the two have the same blob.
  const known = reading.then((head) => new Map((head.raw?.files ?? []).filter((f) => f.bytes).map((f) => [blobIdOfFile(f), f.bytes!])));
  const baseReading = readRevision(repo, request.base, baseCommit, dirs, known, { path: manifestPath, early: manifestSoon }, later?.base);
  baseReading.catch(() => undefined);
  const head = await reading;
  const base = await baseReading;
  const committed = base.raw && base.extra ? committedManifestOf(baseCommit, manifestPath, base.extra) : undefined;
  return { repo, baseCommit, head, base, committed, headKey: await headKey };
}

/**
 * For a plan between two commits: the host files both have (path and blob) that the parse cache
 * knows are left unread (tree-reader.ts Later) — a plan between clean builds reads few of them
 * (shallow.ts); any other plan reads them first (readUnread).
 */
function unreadShared(cacheSoon: Promise<ParseCache>): { head: Later; base: Later } {
  const listing = () => {
    let listed!: (files: Array<{ relPath: string; id: string }>) => void;
    const files = new Promise<Array<{ relPath: string; id: string }>>((resolve) => (listed = resolve));
    return { listed, files };
  };
  const [head, base] = [listing(), listing()];
  const defer = Promise.all([head.files, base.files, cacheSoon]).then(([headFiles, baseFiles, cache]) => {
    const baseIds = new Map(baseFiles.map((f) => [f.relPath, f.id]));
    const shared = new Map(headFiles.filter((f) => kindOf(f.relPath) === 'host' && baseIds.get(f.relPath) === f.id && cache.facts(f.id) !== undefined).map((f) => [f.relPath, f.id]));
    return (relPath: string, id: string) => shared.get(relPath) === id;
  });
  return { head: { listed: head.listed, defer }, base: { listed: base.listed, defer } };
}

interface RepoDirs {
  fleetDir: string;
  nixDir: string;
  outDir: string;
  /** The output directory's fleetc/: a commit compiles with the library committed there. */
  libraryDir: string;
}

interface Revision {
  raw: RawFleet | undefined;
  info: PlanSide['info'];
}

async function planWith(request: PlanRequest, reads: Reads, dirs: RepoDirs, layout: OutputLayout, cache: ParseCache): Promise<PlanOutcome> {
  const { repo, baseCommit, head, base, committed, headKey } = reads;
  // The base's committed output, when it is the (clean) build of the base: the base needs no checks
  // at all, and the head's files that are the base's none of their own.
  const problem = !base.raw || request.fullBase ? 'not used' : (committedProblem(committed?.manifest, base.raw, layout) ?? (await fleetcCodeProblem(repo, baseCommit)));
  const cleanBase = problem === undefined;
  // The head commit's own committed output records the key of exactly its inputs: its build was
  // clean too, and the head needs no checks either.
  const cleanHead = headKey !== undefined && head.raw !== undefined && headKey === sourceKey(head.raw, layout, head.raw.library ?? installedLibrary()) && (await fleetcCodeProblem(repo, head.info.commit!)) === undefined;
  const memo = newCompileMemo();
  const read = (files: readonly RawFile[]) => readUnread(repo, files);
  if (cleanBase && cleanHead && !request.listUnchanged) {
    const shallow = await shallowPlan({ raw: base.raw!, info: base.info }, { raw: head.raw!, info: head.info }, committed!, layout, dirs.nixDir, cache, memo, read);
    if (shallow) return { ok: true, plan: shallow.plan, warnings: [], partial: { ...shallow.report, cleanHead } };
  }
  // Every other way reads every file.
  await read([...(head.raw?.files ?? []), ...(base.raw?.files ?? [])]);
  const compiled = {
    head: compileSide('head', head, layout, dirs.nixDir, cache, memo, !request.fullBase, cleanBase ? cleanHeadFiles(base.raw!, head.raw) : undefined, cleanHead),
    base: compileSide('base', base, layout, dirs.nixDir, cache, memo, !request.fullBase, undefined, cleanBase),
  };
  let baseSide = compiled.base;
  if (baseSide.failed) {
    if (!request.allowInvalidBase) return { ok: false, reason: `the fleet at base ${request.base} has errors; fix them there, or pass --allow-invalid-base to plan against an empty fleet`, failed: baseSide.failed };
    baseSide = { side: { info: { ...base.info, treatedAsEmpty: true }, nixSources: new Map(), nixDir: dirs.nixDir, librarySources: new Map() } };
  }
  const headSide = compiled.head;
  if (headSide.failed) return { ok: false, reason: `the fleet at head (${head.info.ref}) has errors`, failed: headSide.failed };
  const warnings = [baseSide.warnings, headSide.warnings].filter((w) => w !== undefined);
  const reference = request.listUnchanged ? undefined : committed?.reference;
  if (baseSide.resolved && headSide.resolved) {
    const sides = partialSides(baseSide.resolved, headSide.resolved, committed?.manifest, problem);
    if (sides) return { ok: true, plan: buildPlan(sides.base, sides.head, reference), warnings, partial: { ...sides.report, cleanHead } };
  }
  return { ok: true, plan: buildPlan(fullSide(baseSide, base, layout, cache, memo), fullSide(headSide, head, layout, cache, memo), reference), warnings };
}

async function readRevision(repo: GitRoot, revision: string, commit: string, dirs: RepoDirs, known?: Promise<ReadonlyMap<string, Uint8Array>>, extraFile?: ExtraFile, later?: Later): Promise<Revision & { extra?: { id: string; bytes: Buffer } }> {
  const { extra, ...raw } = await readFleetAt(repo, commit, dirs.fleetDir, dirs.nixDir, `${revision}:${dirs.fleetDir}`, dirs.libraryDir, known, extraFile, later);
  return { raw: raw.existed ? raw : undefined, info: { ref: revision, commit, fleetExists: raw.existed }, ...(extra ? { extra } : {}) };
}

interface CompiledSide {
  side: PlanSide;
  failed?: SideDiagnostics;
  warnings?: SideDiagnostics;
  /** The side validated and resolved, not yet emitted. */
  resolved?: ResolvedSide;
}

/**
 * Given a base whose build was clean: the head's host files whose own checks find nothing — those
 * that are the base's, when the head has the base's fleet.yaml and profile files (what a host
 * file's checks read besides the file). Undefined when those differ.
 */
function cleanHeadFiles(base: RawFleet, head: RawFleet | undefined): KnownClean | undefined {
  if (!head) return undefined;
  const ids = (raw: RawFleet) => new Map(raw.files.map((f) => [f.relPath, blobIdOfFile(f)]));
  const baseIds = ids(base);
  const headIds = ids(head);
  const shared = (relPath: string) => !relPath.startsWith('hosts/');
  const sameContext = [...baseIds, ...headIds].every(([relPath]) => !shared(relPath) || baseIds.get(relPath) === headIds.get(relPath));
  return sameContext ? (relPath, blobId) => baseIds.get(relPath) === blobId : undefined;
}

type KnownClean = (relPath: string, blobId: string) => boolean;

/** Validates and resolves one side; emits it in full only when asked (--full-base). */
function compileSide(side: 'base' | 'head', revision: Revision, layout: OutputLayout, nixDir: string, parseCache: ParseCache, memo: CompileMemo, partial: boolean, knownClean?: KnownClean, cleanBuild = false): CompiledSide {
  const { raw, info } = revision;
  if (!raw) return { side: { info, nixSources: new Map(), nixDir, librarySources: new Map() } };
  const stages = partial ? compileStages(raw, { ...layout, parseCache, memo, validateOnly: true, knownClean, cleanBuild }) : { compilation: compileRaw(raw, { ...layout, parseCache, memo }), checked: undefined };
  const { compilation, checked } = stages;
  const report = { side, diagnostics: compilation.diagnostics, sources: compilation.sources };
  const nixSources = raw.nixSources;
  if (hasErrors(compilation.diagnostics)) return { side: { info, nixSources, nixDir, librarySources: new Map() }, failed: report };
  const librarySources = (raw.library ?? installedLibrary()).sources;
  return {
    side: { info, fleet: compilation.fleet, artifacts: compilation.artifacts, nixSources, nixDir, librarySources },
    ...(compilation.diagnostics.length > 0 ? { warnings: report } : {}),
    ...(checked && compilation.fleet ? { resolved: { info, fleet: compilation.fleet, checked, context: emitContext(raw, layout, compilation.diagnostics), nixSources, nixDir, librarySources } } : {}),
  };
}

/** A side with every artifact, compiled now if it was only resolved. */
function fullSide(compiled: CompiledSide, revision: Revision, layout: OutputLayout, parseCache: ParseCache, memo: CompileMemo): PlanSide {
  if (compiled.side.artifacts || !compiled.side.fleet || !revision.raw) return compiled.side;
  return { ...compiled.side, artifacts: compileRaw(revision.raw, { ...layout, parseCache, memo }).artifacts };
}
