// The two sides of a plan with only what differs emitted: both revisions are validated and resolved
// (sharing what they share, see compile/index.ts CompileMemo), then only the hosts a change can touch
// (compile/affected.ts) are emitted, on each side. The other hosts' artifacts are the same on both
// sides; their hashes come from the base commit's committed manifest when it is the build of that
// commit (committed.ts), otherwise from emitting the head in full. buildPlan gets each side's
// manifest and the texts of the files it may diff: the plan is the one a full compile gives.
import { affectedHosts, fleetShape, hostsToEmit } from '../compile/affected.ts';
import type { Artifact, EmitContext } from '../emit/artifact.ts';
import { EMITTERS } from '../emit/index.ts';
import { buildManifest, MANIFEST_VERSION, type Manifest } from '../emit/manifest.ts';
import type { Fleet } from '../model/fleet.ts';
import type { CheckedFleet } from '../validate/index.ts';
import { fragmentText, type PlanSide } from './build.ts';

export interface ResolvedSide {
  info: PlanSide['info'];
  fleet: Fleet;
  checked: CheckedFleet;
  context: EmitContext;
  nixSources: Map<string, string>;
  nixDir: string;
}

interface Emitted {
  hosts: Manifest['hosts'];
  contents: Map<string, string>;
}

/** How the sides were made, for FLEETC_DEBUG and tests. */
export interface PartialReport {
  emittedBase: number;
  emittedHead: number;
  /** Why the committed manifest was not used (undefined: it was). */
  committed?: string;
}

/** Undefined when everything differs (fleet-wide inputs changed): then both sides are compiled in full. */
export function partialSides(base: ResolvedSide, head: ResolvedSide, committed: Manifest | undefined, committedProblem: string | undefined): { base: PlanSide; head: PlanSide; report: PartialReport } | undefined {
  const affected = affectedHosts(fleetShape(base.fleet, base.checked, base.context), fleetShape(head.fleet, head.checked, head.context));
  if (affected.all) return undefined;
  const touched = new Set([...affected.cluster, ...affected.removed]);
  const baseEmitted = emitHosts(base.fleet, touched, base.context);
  const headEmitted = emitHosts(head.fleet, touched, head.context);
  // The committed entries must be what this fleetc gives the hosts compiled here: a check on every run.
  let problem = committedProblem;
  if (!problem) {
    const differs = Object.keys(baseEmitted.hosts).find((name) => JSON.stringify(baseEmitted.hosts[name]) !== JSON.stringify(committed!.hosts[name]));
    if (differs !== undefined) problem = `the committed entry of ${differs} is not what this fleetc builds`;
    else if (base.fleet.hosts.some((h) => !committed!.hosts[h.name]) || Object.keys(committed!.hosts).length !== base.fleet.hosts.length) problem = 'the committed manifest lists other hosts';
  }
  const rest = problem ? emitHosts(head.fleet, new Set(head.fleet.hosts.map((h) => h.name)), head.context).hosts : committed!.hosts;
  const headHosts: Manifest['hosts'] = {};
  for (const host of head.fleet.hosts) headHosts[host.name] = touched.has(host.name) ? headEmitted.hosts[host.name]! : rest[host.name]!;
  const baseHosts: Manifest['hosts'] = {};
  for (const host of base.fleet.hosts) baseHosts[host.name] = touched.has(host.name) ? baseEmitted.hosts[host.name]! : headHosts[host.name]!;
  return {
    base: side(base, baseHosts, baseEmitted.contents),
    head: side(head, headHosts, headEmitted.contents),
    report: { emittedBase: Object.keys(baseEmitted.hosts).length, emittedHead: problem ? head.fleet.hosts.length : Object.keys(headEmitted.hosts).length, ...(problem ? { committed: problem } : {}) },
  };
}

function side(resolved: ResolvedSide, hosts: Manifest['hosts'], contents: Map<string, string>): PlanSide {
  const nix = Object.fromEntries([...resolved.context.nixFiles].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const manifest: Manifest = { generator: 'fleetc', version: MANIFEST_VERSION, fleet: resolved.fleet.name, files: {}, nix, hosts };
  return { info: resolved.info, fleet: resolved.fleet, nixSources: resolved.nixSources, nixDir: resolved.nixDir, emitted: { manifest, contents } };
}

/**
 * The manifest entries and file texts of some hosts, as a full build would give them: each emitter
 * on a fleet holding the hosts it must see (their own; for first boot, their clusters' voters too).
 * A host's part of a shared file depends only on the host (Artifact.fragments).
 */
function emitHosts(fleet: Fleet, names: ReadonlySet<string>, context: EmitContext): Emitted {
  const hosts = fleet.hosts.filter((h) => names.has(h.name));
  const some: Fleet = { ...fleet, hosts };
  const artifacts: Artifact[] = [];
  for (const emit of EMITTERS) {
    const seen = emit.crossHost === true ? fleet : emit.crossHost === 'cluster' ? { ...fleet, hosts: hostsToEmit(fleet, names, 'cluster') } : some;
    for (const artifact of emit(seen, context)) {
      if (artifact.host !== undefined) {
        if (names.has(artifact.host)) artifacts.push(artifact);
      } else if (artifact.fragments) {
        artifacts.push({ ...artifact, fragments: Object.fromEntries(Object.entries(artifact.fragments).filter(([host]) => names.has(host))) });
      }
    }
  }
  const manifest = JSON.parse(buildManifest(some, artifacts, context).contents) as Manifest;
  const contents = new Map<string, string>();
  for (const artifact of artifacts) {
    if (artifact.host !== undefined) contents.set(artifact.path, artifact.contents);
    for (const [host, fragment] of Object.entries(artifact.fragments ?? {})) contents.set(`${artifact.path}#${host}`, fragmentText(artifact, fragment));
  }
  return { hosts: manifest.hosts, contents };
}
