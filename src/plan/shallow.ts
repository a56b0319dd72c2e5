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
import { isUnread } from '../git/tree-reader.ts';
import { installedLibrary } from '../library/index.ts';
import { blobIdOfFile, fileStem, kindOf, parseFile, parseFleet, type ParseCache } from '../load/index.ts';
import type { LoadedDocument, LoadedFleet, RawFile, RawFleet } from '../load/types.ts';
import type { Cluster } from '../model/fleet.ts';
import { clustersOf, resolveFleet, type MemberFacts } from '../resolve/index.ts';
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
export async function shallowPlan(base: CleanRevision, head: CleanRevision, committed: CommittedManifest, layout: OutputLayout, nixDir: string, cache: ParseCache, memo: CompileMemo, read: (files: readonly RawFile[]) => Promise<void>): Promise<{ plan: Plan; report: PartialReport } | undefined> {
  if (!sameBesidesHosts(base.raw, head.raw) || EMITTERS.some((emit) => emit.crossHost === true)) return undefined;
  // fleet.yaml and the profiles (the same on both sides), parsed; of the host files only their facts.
  const shared = parseFleet({ ...head.raw, files: head.raw.files.filter((f) => kindOf(f.relPath) !== 'host') }, new SourceRegistry(), cache, memo.parse);
  const fleetFile = shared.value.fleet;
  const sides = [base.raw, head.raw].map((raw) => placed(raw, cache));
  if (shared.diagnostics.length > 0 || !fleetFile || !sides[0] || !sides[1]) return undefined;
  const [basePlaced, headPlaced] = sides as [Placed, Placed];
  // Hosts whose file is not the same file (path and blob) on the other side (every other file is).
  const differs = new Set<string>();
  for (const [own, other] of [[headPlaced, basePlaced], [basePlaced, headPlaced]] as const) {
    for (const [relPath, { id, name }] of own.files) if (other.files.get(relPath)?.id !== id) differs.add(name);
  }
  const context = validateFleet({ ...shared.value, hosts: [] }, undefined, { cleanBuild: true }).value;
  if (!context.fleet || context.fleet.data.boot.server !== undefined) return undefined;
  const clusters = { base: clustersOf(context, basePlaced.members, memo.resolve), head: clustersOf(context, headPlaced.members, memo.resolve) };
  const wanted = reachable(differs, clusters.base, clusters.head);
  // The host files left unread (revisions.ts) that are resolved here.
  await read([...basePlaced.files.values(), ...headPlaced.files.values()].filter((f) => wanted.has(f.name)).map((f) => f.file));
  const checked = (revision: CleanRevision, own: Placed) => checkedHosts(revision.raw, shared.value, own, wanted, cache);
  const [baseChecked, headChecked] = [checked(base, basePlaced), checked(head, headPlaced)];
  if (!baseChecked || !headChecked) return undefined;
  const resolvedBase = resolvedSide(base, baseChecked, { hosts: wanted, clusters: clusters.base }, layout, nixDir, memo);
  const resolvedHead = resolvedSide(head, headChecked, { hosts: wanted, clusters: clusters.head }, layout, nixDir, memo);
  const allBase = basePlaced.members.map((m) => m.name);
  const planned = partialSides(resolvedBase, resolvedHead, committed.manifest, undefined, allBase);
  if (!planned || planned.report.committed !== undefined) return undefined;
  // Unresolved: the same file on both sides, in a cluster the change leaves as it was.
  const unresolved = allBase.filter((name) => !wanted.has(name));
  return { plan: buildPlan(planned.base, planned.head, committed.reference, unresolved), report: { ...planned.report, resolved: wanted.size } };
}

/** Every host file of a side, by path, with its blob id and host name; and the hosts' places (first file per name). */
interface Placed {
  files: Map<string, { id: string; name: string; file: RawFile }>;
  members: MemberFacts[];
}

/** Where each host file puts its host, from the parse cache's HostFacts (a file it lacks is parsed into it). */
function placed(raw: RawFleet, cache: ParseCache): Placed | undefined {
  const files = new Map<string, { id: string; name: string; file: RawFile }>();
  const members: MemberFacts[] = [];
  const seen = new Set<string>();
  for (const file of raw.files) {
    if (kindOf(file.relPath) !== 'host') continue;
    const id = blobIdOfFile(file);
    let facts = cache.facts(id);
    if (!facts) {
      if (parseFile(file, 'host', new SourceRegistry(), cache).diagnostics.length > 0) return undefined;
      facts = cache.facts(id);
    }
    if (!facts || facts.profile === undefined) return undefined;
    const name = facts.name ?? fileStem(file.relPath);
    files.set(file.relPath, { id, name, file });
    if (seen.has(name)) continue;
    seen.add(name);
    members.push({ name, profile: facts.profile, bootstrap: facts.bootstrap, ...(facts.cluster !== undefined ? { cluster: facts.cluster } : {}) });
  }
  return { files, members };
}

/** The side's documents with only the wanted hosts' files parsed (served by the parse cache), to be checked by none. */
function checkedHosts(raw: RawFleet, shared: LoadedFleet, own: Placed, wanted: ReadonlySet<string>, cache: ParseCache): CheckedFleet | undefined {
  const sources = new SourceRegistry();
  const hosts: LoadedDocument[] = [];
  for (const { name, file } of own.files.values()) {
    if (!wanted.has(name)) continue;
    const document = parseFile(file, 'host', sources, cache).document;
    if (!document) return undefined;
    hosts.push(document);
  }
  const checked = validateFleet({ ...shared, displayDir: raw.displayDir, hosts, nixFiles: raw.nixFiles }, undefined, { cleanBuild: true }).value;
  return checked.fleet ? checked : undefined;
}

/** The same fleet.yaml and profile files (path and blob), nix/ files and fleetc library; every file read. */
function sameBesidesHosts(base: RawFleet, head: RawFleet): boolean {
  const shared = (raw: RawFleet) => JSON.stringify(raw.files.filter((f) => !f.relPath.startsWith('hosts/')).map((f) => [f.relPath, blobIdOfFile(f)]));
  const sorted = (map: ReadonlyMap<string, string>) => JSON.stringify([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const library = (raw: RawFleet) => sorted((raw.library ?? installedLibrary()).files);
  const readable = (raw: RawFleet) => raw.problems.length === 0 && raw.files.every((f) => !f.problem && (f.bytes || isUnread(f)));
  return readable(base) && readable(head) && shared(base) === shared(head) && sorted(base.nixFiles) === sorted(head.nixFiles) && library(base) === library(head);
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
