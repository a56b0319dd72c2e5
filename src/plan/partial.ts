// The two sides of a plan with only what differs emitted: both revisions are validated and resolved
// (sharing what they share, see compile/index.ts CompileMemo), then only the hosts a change can touch
// (compile/affected.ts) are emitted, on each side. The other hosts' artifacts are the same on both
// sides; their hashes come from the base commit's committed manifest when it is the build of that
// commit (committed.ts), otherwise from emitting the head in full. buildPlan gets each side's
// manifest and the texts of the files it may diff: the plan is the one a full compile gives.
import { affectedHosts, fleetShape, hostsToEmit } from '../compile/affected.ts';
import type { Artifact, EmitContext } from '../emit/artifact.ts';
import { emitDhcpd } from '../emit/dhcpd.ts';
import { EMITTERS } from '../emit/index.ts';
import { emitIpxe } from '../emit/ipxe.ts';
import { emitKea } from '../emit/kea.ts';
import { BOOT_SERVER_KINDS, buildManifest, MANIFEST_VERSION, nixDependencies, sha256, type Manifest, type ManifestEntry } from '../emit/manifest.ts';
import { emitNetboot } from '../emit/netboot.ts';
import type { Fleet } from '../model/fleet.ts';
import type { CheckedFleet } from '../validate/index.ts';
import { fragmentText, partBaseKey, type PlanSide } from './build.ts';
import { copyEntry } from './lazy-manifest.ts';

export interface ResolvedSide {
  info: PlanSide['info'];
  fleet: Fleet;
  checked: CheckedFleet;
  context: EmitContext;
  nixSources: Map<string, string>;
  nixDir: string;
  librarySources: Map<string, string>;
}

interface Emitted {
  hosts: Manifest['hosts'];
  contents: Map<string, string>;
}

/** How the sides were made (computePlan hands it out; the property test checks it). */
export interface PartialReport {
  emittedBase: number;
  emittedHead: number;
  /** Why the committed manifest was not used (undefined: it was). */
  committed?: string;
  /** The hosts resolved, when not all were (plan/shallow.ts). */
  resolved?: number;
  /** Whether the head was known clean from its own committed output (its checks skipped). */
  cleanHead?: boolean;
}

/**
 * Undefined when everything differs (fleet-wide inputs changed): then both sides are compiled in
 * full. baseNames: every host of the base, when its fleet holds only some of them resolved
 * (plan/shallow.ts): the committed manifest must list exactly these.
 */
export function partialSides(base: ResolvedSide, head: ResolvedSide, committed: Manifest | undefined, committedProblem: string | undefined, baseNames: readonly string[] = base.fleet.hosts.map((h) => h.name)): { base: PlanSide; head: PlanSide; report: PartialReport } | undefined {
  const affected = affectedHosts(fleetShape(base.fleet, base.checked, base.context), fleetShape(head.fleet, head.checked, head.context));
  if (affected.all) return undefined;
  // The boot server's entry lists every file it serves, which any host's change may touch: it is
  // always composed anew (withServedFiles), from its own entry emitted here.
  const servers = [base.fleet.boot.server, head.fleet.boot.server].filter((s) => s !== undefined);
  const touched = new Set([...affected.cluster, ...affected.removed, ...servers]);
  const baseEmitted = emitHosts(base.fleet, touched, base.context);
  const headEmitted = emitHosts(head.fleet, touched, head.context);
  const headHosts: Manifest['hosts'] = {};
  const baseHosts: Manifest['hosts'] = {};
  // The committed entries must be what this fleetc gives the hosts compiled here: a check on every run.
  let problem = committedProblem;
  if (!problem) {
    // The untouched hosts' entries are copied unread (a committed entry is parsed when read: lazy-manifest.ts).
    const listed = base.fleet.hosts.every((h) => touched.has(h.name) || Object.hasOwn(committed!.hosts, h.name));
    for (const host of base.fleet.hosts) {
      if (touched.has(host.name)) baseHosts[host.name] = baseEmitted.hosts[host.name]!;
      else if (listed) copyEntry(baseHosts, committed!.hosts, host.name);
    }
    if (listed) withServedFiles(base.fleet, baseHosts, base.context, baseEmitted.contents);
    const differs = Object.keys(baseEmitted.hosts).find((name) => JSON.stringify(baseHosts[name]) !== JSON.stringify(committed!.hosts[name]));
    if (differs !== undefined) problem = `the committed entry of ${differs} is not what this fleetc builds`;
    else if (baseNames.some((name) => !Object.hasOwn(committed!.hosts, name)) || Object.keys(committed!.hosts).length !== baseNames.length) problem = 'the committed manifest lists other hosts';
  }
  const rest = problem ? emitHosts(head.fleet, new Set(head.fleet.hosts.map((h) => h.name)), head.context).hosts : committed!.hosts;
  for (const host of head.fleet.hosts) {
    if (touched.has(host.name)) headHosts[host.name] = headEmitted.hosts[host.name]!;
    else copyEntry(headHosts, rest, host.name);
  }
  withServedFiles(head.fleet, headHosts, head.context, headEmitted.contents);
  // Without a problem, the base's entries are the ones just checked: the untouched ones are committed on both sides.
  if (problem) {
    for (const host of base.fleet.hosts) baseHosts[host.name] = touched.has(host.name) ? baseEmitted.hosts[host.name]! : headHosts[host.name]!;
    withServedFiles(base.fleet, baseHosts, base.context, baseEmitted.contents);
  }
  return {
    base: side(base, baseHosts, baseEmitted.contents),
    head: side(head, headHosts, headEmitted.contents),
    report: { emittedBase: Object.keys(baseEmitted.hosts).length, emittedHead: problem ? head.fleet.hosts.length : Object.keys(headEmitted.hosts).length, ...(problem ? { committed: problem } : {}) },
  };
}

function side(resolved: ResolvedSide, hosts: Manifest['hosts'], contents: Map<string, string>): PlanSide {
  const nix = Object.fromEntries([...resolved.context.nixFiles].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const server = serverOf(resolved.fleet);
  const manifest: Manifest = { generator: 'fleetc', version: MANIFEST_VERSION, fleet: resolved.fleet.name, files: {}, nix, library: Object.fromEntries(resolved.context.library.files), ...(server ? { bootServer: server } : {}), hosts };
  return { info: resolved.info, fleet: resolved.fleet, nixSources: resolved.nixSources, nixDir: resolved.nixDir, librarySources: resolved.librarySources, emitted: { manifest, contents } };
}

/** The boot server named by boot.server, when it is a host of the fleet. */
function serverOf(fleet: Fleet): string | undefined {
  const name = fleet.boot.server;
  return name !== undefined && fleet.hosts.some((h) => h.name === name) ? name : undefined;
}

/** The emitters of the files the boot server serves that belong to no host (emit/manifest.ts BOOT_SERVER_KINDS). */
const SERVED_SHARED = [emitDhcpd, emitKea, emitIpxe, emitNetboot];

/**
 * The boot server's entry as a full build writes it: its own entry (emitted as any host's), plus
 * every file it serves and builds from — each host's own (their entries hold them) and the shared
 * ones, emitted here on the whole fleet (their texts join `contents`, for the plan's diffs).
 */
function withServedFiles(fleet: Fleet, hosts: Manifest['hosts'], context: EmitContext, contents: Map<string, string>): void {
  const server = serverOf(fleet);
  if (server === undefined) return;
  const own = hosts[server]!;
  const artifacts: Record<string, ManifestEntry> = { ...own.artifacts };
  for (const host of fleet.hosts) {
    for (const [key, entry] of Object.entries(hosts[host.name]!.artifacts)) if (!key.includes('#') && BOOT_SERVER_KINDS.has(entry.kind)) artifacts[key] = entry;
  }
  for (const artifact of SERVED_SHARED.flatMap((emit) => emit(fleet, context))) {
    if (artifact.host !== undefined || !BOOT_SERVER_KINDS.has(artifact.kind)) continue;
    artifacts[artifact.path] = { kind: artifact.kind, sha256: sha256(artifact.contents) };
    contents.set(artifact.path, artifact.contents);
  }
  const sortedNix = [...context.nixFiles].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const serverHost = fleet.hosts.find((h) => h.name === server)!;
  hosts[server] = { profile: own.profile, artifacts: Object.fromEntries(Object.entries(artifacts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), nix: nixDependencies(serverHost, sortedNix, true) };
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
  // Each host's entry on its own: withServedFiles adds what the boot server serves to its entry.
  const manifest = JSON.parse(buildManifest({ ...some, boot: { ...fleet.boot, server: undefined } }, artifacts, context).contents) as Manifest;
  const contents = new Map<string, string>();
  for (const artifact of artifacts) {
    if (artifact.host !== undefined) contents.set(artifact.path, artifact.contents);
    if (artifact.fragments) contents.set(partBaseKey(artifact.path), artifact.fragmentBase ?? '');
    for (const [host, fragment] of Object.entries(artifact.fragments ?? {})) contents.set(`${artifact.path}#${host}`, fragmentText(artifact, fragment));
  }
  return { hosts: manifest.hosts, contents };
}
