// Compiles the fleet at two revisions for a plan: a commit read straight from git objects, or the
// working tree. This is plan's I/O; buildPlan itself is pure.
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { hasErrors } from '../diagnostics/diagnostic.ts';
import type { SourceRegistry } from '../diagnostics/source.ts';
import { compileRaw, outputLayout, type OutputLayout, type Paths } from '../compile/index.ts';
import { libraryDirOf, openRepository, repoRelative, resolveCommit, type Repository } from '../git/repository.ts';
import { readFleetAt } from '../git/tree-reader.ts';
import { installedLibrary } from '../library/index.ts';
import { loadParseCache, ParseCache, readFleetDirSync, saveParseCache } from '../load/index.ts';
import type { RawFleet } from '../load/types.ts';
import { buildPlan, type PlanSide } from './build.ts';
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
}

export type PlanOutcome =
  | { ok: true; plan: Plan; warnings: SideDiagnostics[] }
  | { ok: false; reason: string; failed?: SideDiagnostics };

export interface SideDiagnostics {
  side: 'base' | 'head';
  diagnostics: Diagnostic[];
  sources: SourceRegistry;
}

export async function computePlan(request: PlanRequest): Promise<PlanOutcome> {
  const repo = await openRepository(request.cwd);
  const fleetDir = repoRelative(repo, request.paths.fleetDir);
  const nixDir = repoRelative(repo, request.paths.nixDir);
  const layout = outputLayout(request.paths);
  const libraryDir = libraryDirOf(repo, request.paths);
  const warnings: SideDiagnostics[] = [];
  // One parse cache for both sides: a file the two revisions share is parsed once.
  const cache = request.cacheDir === undefined ? new ParseCache() : loadParseCache(request.cacheDir).cache;
  try {
    return await planWith(request, repo, { fleetDir, nixDir, libraryDir, layout, warnings, cache });
  } finally {
    if (request.cacheDir !== undefined) saveParseCache(request.cacheDir, cache);
  }
}

interface PlanContext {
  fleetDir: string;
  nixDir: string;
  libraryDir: string;
  layout: OutputLayout;
  warnings: SideDiagnostics[];
  cache: ParseCache;
}

async function planWith(request: PlanRequest, repo: Repository, { fleetDir, nixDir, libraryDir, layout, warnings, cache }: PlanContext): Promise<PlanOutcome> {
  const base = await readRevision(repo, request.base, fleetDir, nixDir, libraryDir);
  const baseSide = compileSide('base', base.raw, base.info, layout, nixDir, cache);
  if (baseSide.failed) {
    if (!request.allowInvalidBase) return { ok: false, reason: `the fleet at base ${request.base} has errors; fix them there, or pass --allow-invalid-base to plan against an empty fleet`, failed: baseSide.failed };
    baseSide.side = { info: { ...base.info, treatedAsEmpty: true }, nixSources: new Map(), nixDir, librarySources: new Map() };
  }
  const head = request.head === undefined
    ? { raw: readFleetDirSync(request.paths.fleetDir, request.paths.nixDir), info: { ref: WORKING_TREE, fleetExists: true } }
    : await readRevision(repo, request.head, fleetDir, nixDir, libraryDir);
  const headSide = compileSide('head', head.raw, head.info, layout, nixDir, cache);
  if (headSide.failed) return { ok: false, reason: `the fleet at head (${head.info.ref}) has errors`, failed: headSide.failed };
  for (const s of [baseSide, headSide]) if (s.warnings) warnings.push(s.warnings);
  return { ok: true, plan: buildPlan(baseSide.side, headSide.side), warnings };
}

async function readRevision(repo: Repository, revision: string, fleetDir: string, nixDir: string, libraryDir: string): Promise<{ raw: RawFleet | undefined; info: PlanSide['info'] }> {
  const commit = await resolveCommit(repo, revision);
  const raw = await readFleetAt(repo, commit, fleetDir, nixDir, `${revision}:${fleetDir}`, libraryDir);
  return { raw: raw.existed ? raw : undefined, info: { ref: revision, commit, fleetExists: raw.existed } };
}

function compileSide(side: 'base' | 'head', raw: RawFleet | undefined, info: PlanSide['info'], layout: OutputLayout, nixDir: string, parseCache: ParseCache): { side: PlanSide; failed?: SideDiagnostics; warnings?: SideDiagnostics } {
  if (!raw) return { side: { info, nixSources: new Map(), nixDir, librarySources: new Map() } };
  const compilation = compileRaw(raw, { ...layout, parseCache });
  const report = { side, diagnostics: compilation.diagnostics, sources: compilation.sources };
  if (hasErrors(compilation.diagnostics)) return { side: { info, nixSources: raw.nixSources, nixDir, librarySources: new Map() }, failed: report };
  return {
    side: { info, fleet: compilation.fleet, artifacts: compilation.artifacts, nixSources: raw.nixSources, nixDir, librarySources: (raw.library ?? installedLibrary()).sources },
    ...(compilation.diagnostics.length > 0 ? { warnings: report } : {}),
  };
}
