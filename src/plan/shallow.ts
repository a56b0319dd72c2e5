// A plan between two commits whose committed output is each one's clean build (both keys match),
// when only host files differ: neither side is checked (neither has anything to report), and only
// the hosts a change can reach are resolved — those whose file differs, every host of a cluster
// whose Raft groups or bootstrap host may differ, and the voters of their clusters (first boot
// lists them). The others are the same on both sides, with their committed entries: the plan names
// them unchanged by reference without planning them. The clusters themselves are resolved from
// every host's name, cluster and profile alone (resolve/index.ts clustersOf), so they are exact.
import { emitContext, type CompileMemo, type OutputLayout } from '../compile/index.ts';
import { SourceRegistry } from '../diagnostics/source.ts';
import { EMITTERS } from '../emit/index.ts';
import { installedLibrary } from '../library/index.ts';
import { blobIdOfFile, kindOf, parseFile, parseFleet, type ParseCache } from '../load/index.ts';
import type { LoadedDocument, LoadedFleet, RawFleet } from '../load/types.ts';
import type { Cluster } from '../model/fleet.ts';
import { clustersOf, resolveFleet } from '../resolve/index.ts';
import { validateFleet, type CheckedFleet } from '../validate/index.ts';
import { buildPlan, type PlanSide } from './build.ts';
import type { CommittedManifest } from './committed.ts';
import { partialSides, type PartialReport, type ResolvedSide } from './partial.ts';
import type { Plan } from './types.ts';

export interface CleanRevision {
  raw: RawFleet;
  info: PlanSide['info'];
}

/**
 * The plan, or undefined when this way does not apply (then the caller plans as before): something
 * besides host files differs, a boot server host (its entry lists every host's served files), a
 * committed entry that is not what this fleetc builds.
 */
export function shallowPlan(base: CleanRevision, head: CleanRevision, committed: CommittedManifest, layout: OutputLayout, nixDir: string, cache: ParseCache, memo: CompileMemo): { plan: Plan; report: PartialReport } | undefined {
  if (!sameBesidesHosts(base.raw, head.raw) || EMITTERS.some((emit) => emit.crossHost === true)) return undefined;
  const headLoaded = loadedClean(head.raw, cache, memo);
  const baseLoaded = headLoaded && loadedBeside(base.raw, head.raw, headLoaded, cache);
  if (!headLoaded || !baseLoaded) return undefined;
  const [baseChecked, headChecked] = [baseLoaded, headLoaded].map((loaded) => validateFleet(loaded, undefined, { cleanBuild: true }).value);
  if (!baseChecked!.fleet || !headChecked!.fleet || baseChecked!.fleet.data.boot.server !== undefined) return undefined;
  const names = (checked: CheckedFleet) => new Map(checked.hosts.map((h) => [h.document.relPath, h.name]));
  const [baseNames, headNames] = [names(baseChecked!), names(headChecked!)];
  // Hosts whose file is not the same file (path and blob) on the other side (every other file is).
  const differs = new Set<string>();
  for (const [raw, other, own] of [[head.raw, base.raw, headNames], [base.raw, head.raw, baseNames]] as const) {
    const ids = new Map(other.files.map((f) => [f.relPath, blobIdOfFile(f)]));
    for (const file of raw.files) {
      if (ids.get(file.relPath) === blobIdOfFile(file)) continue;
      const name = own.get(file.relPath);
      if (name === undefined) return undefined;
      differs.add(name);
    }
  }
  const clusters = { base: clustersOf(baseChecked!, memo.resolve), head: clustersOf(headChecked!, memo.resolve) };
  const wanted = reachable(differs, clusters.base, clusters.head);
  const resolvedBase = resolvedSide(base, baseChecked!, { hosts: wanted, clusters: clusters.base }, layout, nixDir, memo);
  const resolvedHead = resolvedSide(head, headChecked!, { hosts: wanted, clusters: clusters.head }, layout, nixDir, memo);
  const allBase = [...baseNames.values()];
  const sides = partialSides(resolvedBase, resolvedHead, committed.manifest, undefined, allBase);
  if (!sides || sides.report.committed !== undefined) return undefined;
  // Unresolved: the same file on both sides, in a cluster the change leaves as it was.
  const unresolved = allBase.filter((name) => !wanted.has(name));
  return { plan: buildPlan(sides.base, sides.head, committed.reference, unresolved), report: { ...sides.report, resolved: wanted.size } };
}

/** The same fleet.yaml and profile files (path and blob), nix/ files and fleetc library; every file read. */
function sameBesidesHosts(base: RawFleet, head: RawFleet): boolean {
  const shared = (raw: RawFleet) => JSON.stringify(raw.files.filter((f) => !f.relPath.startsWith('hosts/')).map((f) => [f.relPath, blobIdOfFile(f)]));
  const sorted = (map: ReadonlyMap<string, string>) => JSON.stringify([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const library = (raw: RawFleet) => sorted((raw.library ?? installedLibrary()).files);
  const readable = (raw: RawFleet) => raw.problems.length === 0 && raw.files.every((f) => !f.problem && f.bytes);
  return readable(base) && readable(head) && shared(base) === shared(head) && sorted(base.nixFiles) === sorted(head.nixFiles) && library(base) === library(head);
}

/** The documents of a fleet whose build is known clean: parsed (the parse cache serves them), to be checked by none. */
function loadedClean(raw: RawFleet, cache: ParseCache, memo: CompileMemo): LoadedFleet | undefined {
  const loaded = parseFleet(raw, new SourceRegistry(), cache, memo.parse);
  return loaded.diagnostics.length === 0 && loaded.value.fleet ? loaded.value : undefined;
}

/**
 * The base's documents, the head's where the file is the same (path and blob): the same data, and
 * nothing is ever reported from them (both builds are clean), so whose display path they carry does
 * not matter. Only the base's other host files are parsed.
 */
function loadedBeside(base: RawFleet, head: RawFleet, headLoaded: LoadedFleet, cache: ParseCache): LoadedFleet | undefined {
  const headIds = new Map(head.files.map((f) => [f.relPath, blobIdOfFile(f)]));
  const headHosts = new Map(headLoaded.hosts.map((d) => [d.relPath, d]));
  const sources = new SourceRegistry();
  const hosts: LoadedDocument[] = [];
  for (const file of base.files) {
    if (kindOf(file.relPath) !== 'host') continue;
    const shared = headIds.get(file.relPath) === blobIdOfFile(file) ? headHosts.get(file.relPath) : undefined;
    const document = shared ?? parseFile(file, 'host', sources, cache).document;
    if (!document) return undefined;
    hosts.push(document);
  }
  return { ...headLoaded, displayDir: base.displayDir, hosts, nixFiles: base.nixFiles };
}

/**
 * The hosts to resolve: those whose file differs; every member of a cluster whose entry (Raft
 * groups, bootstrap host; compile/affected.ts) differs or one of whose voters' file differs — their
 * first-boot files may change; and the voters of all those hosts' clusters, which first boot reads.
 */
function reachable(differs: ReadonlySet<string>, base: Record<string, Cluster>, head: Record<string, Cluster>): Set<string> {
  const own = (clusters: Record<string, Cluster>, name: string) => (Object.hasOwn(clusters, name) ? clusters[name] : undefined);
  const entry = (cluster: Cluster | undefined) => (cluster ? JSON.stringify({ ...cluster, hosts: undefined }) : undefined);
  const voters = (name: string) => [own(base, name), own(head, name)].flatMap((cluster) => (cluster?.raft ?? []).flatMap((group) => group.voters));
  const members = (name: string) => [own(base, name), own(head, name)].flatMap((cluster) => cluster?.hosts ?? []);
  const names = [...new Set([...Object.keys(base), ...Object.keys(head)])];
  const wanted = new Set(differs);
  for (const name of names) {
    if (entry(own(base, name)) !== entry(own(head, name)) || voters(name).some((voter) => differs.has(voter))) for (const host of members(name)) wanted.add(host);
  }
  for (const name of names.filter((n) => members(n).some((host) => wanted.has(host)))) for (const voter of voters(name)) wanted.add(voter);
  return wanted;
}

function resolvedSide(revision: CleanRevision, checked: CheckedFleet, partly: { hosts: ReadonlySet<string>; clusters: Record<string, Cluster> }, layout: OutputLayout, nixDir: string, memo: CompileMemo): ResolvedSide {
  const fleet = resolveFleet(checked, memo.resolve, partly).value;
  const librarySources = (revision.raw.library ?? installedLibrary()).sources;
  return { info: revision.info, fleet, checked, context: emitContext(revision.raw, layout, []), nixSources: revision.raw.nixSources, nixDir, librarySources };
}
