// Builds a plan from two compiled revisions: per host, which artifacts changed, what that means in
// fleet terms, and the action it calls for. Pure: the git and file reads happen before.
import type { Artifact } from '../emit/artifact.ts';
import type { Manifest, ManifestEntry } from '../emit/manifest.ts';
import { BOOT_SERVER_KINDS, hostLibraryHashes, hostNixHashes, MANIFEST_PATH } from '../emit/manifest.ts';
import { isBootServerFile, LIBRARY_DIR } from '../library/index.ts';
import type { Fleet, Host } from '../model/fleet.ts';
import { describeHostChanges, hardwareIdentityChanges } from './reasons.ts';
import { fleetChanges, type FleetChange } from './fleet-changes.ts';
import { describeBootServer, FIRST_BOOT_DATA_NOTE, firstBootDataOnly, installSteps, networkOnlyNote, unexplained } from './explain.ts';
import { fingerprintOf } from '../model/ssh-key.ts';
import { diff } from '../util/lazy-modules.ts';
import { HOST_ACTIONS, PLAN_FORMAT_VERSION, type ArtifactDiff, type HostAction, type HostPlan, type Plan, type RevisionInfo, type SharedChange, type UnchangedByReference } from './types.ts';
import { planWaves } from './waves.ts';
import { entryIdentity } from './lazy-manifest.ts';

/** One revision, compiled. An absent fleet (it did not exist, or --allow-invalid-base) is empty. */
export interface PlanSide {
  info: RevisionInfo;
  fleet?: Fleet;
  artifacts?: Artifact[];
  /** Hand-written Nix files at this revision: path under nix/ → contents. */
  nixSources: Map<string, string>;
  /** Directory of the hand-written Nix files, for display ("nix"). */
  nixDir: string;
  /** fleetc's own Nix at this revision (generated/fleetc/): path → contents. */
  librarySources: Map<string, string>;
  /**
   * Instead of artifacts: the manifest, and the texts of the files (and hosts' parts of shared
   * files) that may differ, by manifest key (plan/partial.ts emits only those).
   */
  emitted?: { manifest: Manifest; contents: ReadonlyMap<string, string> };
}

const NETWORK_KINDS = new Set(['dhcp', 'ipxe']);
const ROLLED_OUT: ReadonlySet<HostAction> = new Set(['provision', 'replace', 'update', 'reboot-required', 'destructive']);

/** What replace tells the reviewer and the operator about the machine's disks. */
export const REPLACE_NOTE = 'installed from scratch through its BMC and the network boot, like a new machine: whatever was on the old disks is lost';

/**
 * A manifest.json committed at the base (plan/committed.ts): the plan lists the unchanged hosts whose
 * hashes at head are their entries in it by name only (Plan.unchanged).
 */
export interface ManifestReference {
  manifest: UnchangedByReference['manifest'];
  hosts: Manifest['hosts'];
}

/**
 * unresolved: hosts of both sides that the caller did not resolve (plan/shallow.ts), known to be what
 * provenUnchanged proves — the same on both sides, their entries the referenced ones: unchanged by reference.
 */
export function buildPlan(base: PlanSide, head: PlanSide, reference?: ManifestReference, unresolved: readonly string[] = []): Plan {
  const baseIndex = indexSide(base);
  const headIndex = indexSide(head);
  if (JSON.stringify([baseIndex.manifest?.nix, baseIndex.manifest?.library, baseIndex.manifest?.bootServer]) === JSON.stringify([headIndex.manifest?.nix, headIndex.manifest?.library, headIndex.manifest?.bootServer])) baseIndex.nixSame = headIndex;
  const names = [...new Set([...baseIndex.hosts.keys(), ...headIndex.hosts.keys()])].sort();
  const changes = base.fleet && head.fleet ? fleetChanges(base.fleet, head.fleet) : [];
  const proven = provenUnchanged(base, head, baseIndex, headIndex, reference);
  if (unresolved.length > 0 && !(reference && base.fleet && head.fleet && baseIndex.nixSame === headIndex && inputChanges(base.fleet, head.fleet).length === 0)) throw new Error('plan: hosts left unresolved where they are not proven unchanged');
  const byReference: string[] = [...unresolved];
  const planned: HostPlan[] = [];
  for (const name of names) {
    if (proven(name)) byReference.push(name);
    else planned.push(planHost(name, base, head, baseIndex, headIndex, changes));
  }
  describeBootServer(planned, head.fleet);
  detectRenames(planned, (name) => baseIndex.hosts.get(name), (name) => headIndex.hosts.get(name));
  // The same rule for every host, proven or planned: a full compile and a partial one list the same.
  const hosts: HostPlan[] = [];
  for (const host of planned) {
    if (reference && referable(host, reference)) byReference.push(host.name);
    else hosts.push(host);
  }
  byReference.sort();
  // Against an empty base every hand-written file is new; listing them all says nothing.
  const shared = base.fleet ? sharedChanges(base, head, baseIndex, headIndex) : [];
  const summary = Object.fromEntries(HOST_ACTIONS.map((a) => [a, hosts.filter((h) => h.action === a).length + (a === 'unchanged' ? byReference.length : 0)])) as Record<HostAction, number>;
  const policy = { order: head.fleet?.deploy.order ?? base.fleet?.deploy.order ?? [], maxParallel: head.fleet?.deploy.maxParallel ?? 1 };
  const waves = planWaves(hosts.filter((h) => ROLLED_OUT.has(h.action)).map((h) => ({ name: h.name, profile: h.profile, raftGroups: h.raftGroups })), { ...policy, ...bootServerFirst(head.fleet) });
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    fleet: head.fleet?.name ?? base.fleet?.name ?? '',
    base: base.info,
    head: head.info,
    summary,
    waves,
    policy,
    hosts,
    ...(reference && byReference.length > 0 ? { unchanged: { manifest: reference.manifest, hosts: byReference } } : {}),
    shared,
  };
}

/** An unchanged host with nothing to say whose hashes at head are its entry in the referenced manifest. */
function referable(host: HostPlan, reference: ManifestReference): boolean {
  const entry = entryOf(reference, host.name);
  if (host.action !== 'unchanged' || host.reasons.length > 0 || !entry) return false;
  const paths = Object.keys(host.headManifest);
  return paths.length === Object.keys(entry.artifacts).length && paths.every((p) => entry.artifacts[p]?.sha256 === host.headManifest[p]);
}

/**
 * Hosts that planHost would find unchanged, with no reasons and the referenced entry, known without
 * planning them: the same resolved host and the referenced manifest's own entry object on both sides
 * (plan/partial.ts takes an untouched host's entry from it), the same nix/ and library files, and no
 * flake input changed (those are the reasons an otherwise unchanged host can have).
 */
function provenUnchanged(base: PlanSide, head: PlanSide, b: SideIndex, h: SideIndex, reference: ManifestReference | undefined): (name: string) => boolean {
  if (!reference || !base.fleet || !head.fleet || b.nixSame !== h || inputChanges(base.fleet, head.fleet).length > 0) return () => false;
  return (name) => {
    // By identity, unread: a committed entry is parsed when read (plan/lazy-manifest.ts).
    const entry = entryIdentity(reference.hosts, name);
    return entry !== undefined && b.hosts.get(name) === h.hosts.get(name) && entryIdentity(b.manifest?.hosts, name) === entry && entryIdentity(h.manifest?.hosts, name) === entry;
  };
}

/** A host's entry in the referenced manifest (its own property: a host may be called "constructor"). */
export function entryOf(reference: Pick<ManifestReference, 'hosts'>, name: string): Manifest['hosts'][string] | undefined {
  return Object.hasOwn(reference.hosts, name) ? reference.hosts[name] : undefined;
}

interface SideIndex {
  hosts: Map<string, Host>;
  manifest?: Manifest;
  /**
   * Contents by manifest key: "<path>" or "<path>#<host>" for a host's part of a shared file, and
   * "<path>#" for what every host's part starts with (the file without any host: partBaseKey).
   */
  contents: ReadonlyMap<string, string>;
  raftGroups: Map<string, string[]>;
  /** The other side, when both manifests list the same nix/ and library files (same hashes) and boot server. */
  nixSame?: SideIndex;
}

function indexSide(side: PlanSide): SideIndex {
  const hosts = new Map((side.fleet?.hosts ?? []).map((h) => [h.name, h]));
  const contents = new Map<string, string>();
  let manifest: Manifest | undefined = side.emitted?.manifest;
  for (const artifact of side.artifacts ?? []) {
    if (artifact.path === MANIFEST_PATH) manifest = JSON.parse(artifact.contents) as Manifest;
    contents.set(artifact.path, artifact.contents);
    if (artifact.fragments) contents.set(partBaseKey(artifact.path), artifact.fragmentBase ?? '');
    for (const [host, fragment] of Object.entries(artifact.fragments ?? {})) contents.set(`${artifact.path}#${host}`, fragmentText(artifact, fragment));
  }
  const raftGroups = new Map<string, string[]>();
  for (const cluster of Object.values(side.fleet?.clusters ?? {})) {
    for (const group of cluster.raft) {
      for (const voter of group.voters) raftGroups.set(voter, [...(raftGroups.get(voter) ?? []), `${cluster.name}/${group.service}`]);
    }
  }
  return { hosts, manifest, contents: side.emitted?.contents ?? contents, raftGroups };
}

function planHost(name: string, base: PlanSide, head: PlanSide, b: SideIndex, h: SideIndex, changes: readonly FleetChange[]): HostPlan {
  const baseHost = b.hosts.get(name);
  const headHost = h.hosts.get(name);
  const current = (headHost ?? baseHost)!;
  const baseArtifacts = b.manifest?.hosts[name]?.artifacts ?? {};
  const headArtifacts = h.manifest?.hosts[name]?.artifacts ?? {};
  // One entry object on both sides, with the same nix/ and library files (plan/partial.ts): nothing to compare.
  const sameEntry = baseArtifacts === headArtifacts && b.nixSame === h;
  const artifacts = sameEntry ? [] : diffArtifacts(baseArtifacts, headArtifacts, b, h);
  const changedKeys = (a: Record<string, string>, z: Record<string, string>) => [...new Set([...Object.keys(a), ...Object.keys(z)])].filter((p) => a[p] !== z[p]).sort();
  const baseNix = sameEntry ? {} : hostNixHashes(b.manifest, name);
  const headNix = sameEntry ? {} : hostNixHashes(h.manifest, name);
  const nixChanged = changedKeys(baseNix, headNix);
  // fleetc's own Nix: a fleetc upgrade (or a committed generated/fleetc/ of another fleetc).
  const libraryChanged = sameEntry ? [] : changedKeys(hostLibraryHashes(b.manifest, name), hostLibraryHashes(h.manifest, name));
  // The boot server's configuration is built from the DHCP, iPXE and netboot files: their change updates it.
  const bootServer = h.manifest?.bootServer === name;

  const reasons: string[] = [];
  let action: HostAction;
  let impact: HostPlan['impact'];
  if (!baseHost) {
    action = 'provision';
    reasons.push(`new host (profile ${headHost!.profile})`);
  } else if (!headHost) {
    action = 'decommission';
    reasons.push('removed from the fleet');
  } else {
    reasons.push(...describeHostChanges(baseHost, headHost));
    reasons.push(...inputChanges(base.fleet!, head.fleet!));
    reasons.push(...nixChanged.map((p) => `${head.nixDir}/${p} ${!(p in baseNix) ? 'now included' : !(p in headNix) ? 'no longer included' : 'changed'}`));
    reasons.push(...libraryChanged.map((p) => `fleetc's ${LIBRARY_DIR}/${p} changed`));
    const sourcesChanged = nixChanged.length + libraryChanged.length > 0;
    const kinds = new Set(artifacts.map((a) => a.kind));
    const replaced = hardwareIdentityChanges(baseHost, headHost);
    if (replaced.length > 0) {
      action = 'replace';
      reasons.unshift(`hardware replaced (${replaced.join(', ')}): ${REPLACE_NOTE}`);
    } else if (artifacts.length === 0 && !sourcesChanged) action = 'unchanged';
    else if (kinds.has('disko')) action = 'destructive';
    else if (!sourcesChanged && !bootServer && [...kinds].every((k) => NETWORK_KINDS.has(k))) action = 'network-only';
    else if (needsReboot(baseHost, headHost, base.fleet!, head.fleet!)) action = 'reboot-required';
    else action = 'update';
    if (action !== 'unchanged') {
      // What outside the host's own file reached it, then why nothing runs for a network-only change.
      reasons.push(...changes.filter((c) => c.reaches(headHost) || c.reaches(baseHost)).map((c) => c.text));
      // The boot server's change to what it serves is told by describeBootServer, for whom.
      const servesOnly = bootServer && artifacts.length > 0 && artifacts.every((a) => (BOOT_SERVER_KINDS as ReadonlySet<string>).has(a.kind));
      if (reasons.length === 0 && !servesOnly) reasons.push(unexplained(artifacts));
      if (action === 'network-only') reasons.push(networkOnlyNote(name, head.fleet!));
    }
    if (action === 'update' && !sourcesChanged && firstBootDataOnly(artifacts, (path) => b.contents.get(path), (path) => h.contents.get(path))) {
      impact = 'first-boot-data';
      reasons.push(FIRST_BOOT_DATA_NOTE);
    }
  }
  const address = current.interfaces.find((i) => i.boot)?.address;
  const pin = headHost?.ssh.hostKey;
  const hostKey: HostPlan['hostKey'] = action === 'provision' || action === 'replace' ? { source: 'new' } : pin ? { source: 'pinned', fingerprint: fingerprintOf(pin)! } : undefined;
  return {
    name,
    action,
    reasons,
    profile: current.profile,
    cluster: current.cluster,
    raftGroups: (headHost ? h : b).raftGroups.get(name) ?? [],
    ...(address ? { address } : {}),
    ...(hostKey ? { hostKey } : {}),
    ...(impact ? { impact } : {}),
    ...(action === 'provision' || action === 'replace' ? { install: installSteps(headHost!, head.fleet!) } : {}),
    artifacts,
    headManifest: Object.fromEntries(Object.entries(headArtifacts).map(([path, entry]) => [path, entry.sha256])),
  };
}

function diffArtifacts(base: Record<string, ManifestEntry>, head: Record<string, ManifestEntry>, b: SideIndex, h: SideIndex): ArtifactDiff[] {
  const out: ArtifactDiff[] = [];
  for (const path of [...new Set([...Object.keys(base), ...Object.keys(head)])].sort()) {
    const before = base[path];
    const after = head[path];
    if (before?.sha256 === after?.sha256) continue;
    let diff: string;
    const part = path.indexOf('#');
    if (part >= 0 && (!before || !after)) {
      // A host's part of a shared file, come or gone: the file is there without it (its shared part),
      // so what changes in it is only the host's own lines — none for a part that is the shared part.
      const file = path.slice(0, part);
      const other = before ? h : b;
      const without = other.contents.get(partBaseKey(file)) ?? '';
      const withHost = (before ? b : h).contents.get(path) ?? '';
      if (withHost === without && other.contents.has(partBaseKey(file))) continue;
      diff = before ? unifiedDiff(file, withHost, without, 0) : unifiedDiff(file, without, withHost, 0);
    } else {
      diff = unifiedDiff(path, b.contents.get(path) ?? '', h.contents.get(path) ?? '');
    }
    out.push({
      path,
      kind: (after ?? before)!.kind,
      change: !before ? 'added' : !after ? 'removed' : 'modified',
      ...(before ? { baseSha256: before.sha256 } : {}),
      ...(after ? { headSha256: after.sha256 } : {}),
      diff,
    });
  }
  return out;
}

/** The contents key of a shared file's part that every host's part starts with. */
export function partBaseKey(path: string): string {
  return `${path}#`;
}

/** A host's part of a shared file, as the plan shows it: the shared base, then the host's own part. */
export function fragmentText(artifact: Artifact, fragment: string): string {
  return artifact.fragmentBase === undefined ? fragment : `${artifact.fragmentBase}${artifact.fragmentBase.endsWith('\n') || artifact.fragmentBase === '' ? '' : '\n'}${fragment}`;
}

export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  const patch = diff().createTwoFilesPatch(`a/${path}`, `b/${path}`, ensureNewline(before), ensureNewline(after), undefined, undefined, { context });
  return patch.replace(/^=+\n/, '');
}

function ensureNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

function inputChanges(base: Fleet, head: Fleet): string[] {
  const out: string[] = [];
  for (const name of [...new Set([...Object.keys(base.inputs), ...Object.keys(head.inputs)])].sort()) {
    const a = base.inputs[name];
    const b = head.inputs[name];
    if (a?.pinned === b?.pinned) continue;
    if (!a || !b) out.push(`flake input ${name} ${a ? 'removed' : 'added'}`);
    else out.push(a.url === b.url ? `${name} ${short(a.rev)} → ${short(b.rev)}` : `${name} ${a.url} → ${b.url}${b.rev ? ` (${short(b.rev)})` : ''}`);
  }
  return out;
}

function short(rev: string | undefined): string {
  return rev === undefined ? 'local' : rev.slice(0, 7);
}

/** Boot-time changes: the kernel or its command line, the firmware, or nixpkgs (which brings the kernel). */
function needsReboot(base: Host, head: Host, baseFleet: Fleet, headFleet: Fleet): boolean {
  return (
    JSON.stringify(base.kernel) !== JSON.stringify(head.kernel) ||
    base.firmware !== head.firmware ||
    baseFleet.inputs.nixpkgs?.pinned !== headFleet.inputs.nixpkgs?.pinned
  );
}

/**
 * A removed and an added host with the same boot MAC or BMC address are probably one machine renamed.
 * base and head look a host up as it was before (a removed one) and as it is now (an added one).
 */
export function detectRenames(hosts: HostPlan[], base: (name: string) => Host | undefined, head: (name: string) => Host | undefined): void {
  const identity = (host: Host) => [
    ...host.interfaces.filter((i) => i.boot).map((i) => `boot MAC ${i.mac}`),
    ...(host.bmc ? [`BMC ${host.bmc.address}`] : []),
  ];
  for (const removed of hosts.filter((x) => x.action === 'decommission')) {
    const removedHost = base(removed.name);
    // Already paired both ways (apply re-pairs across the plans of several deployed commits).
    if (!removedHost || (removed.renamedTo && hosts.find((x) => x.name === removed.renamedTo)?.renamedFrom === removed.name)) continue;
    const before = identity(removedHost);
    for (const added of hosts.filter((x) => x.action === 'provision' && !x.renamedFrom)) {
      const shared = identity(head(added.name)!).filter((id) => before.includes(id));
      if (shared.length === 0) continue;
      if (removed.renamedTo !== added.name) {
        removed.renamedTo = added.name;
        removed.reasons.push(`looks like a rename to ${added.name} (same ${shared.join(', ')}): the machine will be reinstalled`);
      }
      added.renamedFrom = removed.name;
      added.reasons.push(`looks like a rename of ${removed.name} (same ${shared.join(', ')}): the machine will be reinstalled`);
      break;
    }
  }
}

function sharedChanges(base: PlanSide, head: PlanSide, b: SideIndex, h: SideIndex): SharedChange[] {
  return [...nixChanges(base, head, b, h), ...libraryChanges(base, head, b, h)];
}

/** fleetc's own Nix files that differ: every host includes them, but the boot server's. */
function libraryChanges(base: PlanSide, head: PlanSide, b: SideIndex, h: SideIndex): SharedChange[] {
  const paths = [...new Set([...base.librarySources.keys(), ...head.librarySources.keys()])].sort();
  const out: SharedChange[] = [];
  for (const path of paths) {
    const before = base.librarySources.get(path);
    const after = head.librarySources.get(path);
    if (before === after) continue;
    const display = `${LIBRARY_DIR}/${path}`;
    out.push({
      path: display,
      change: before === undefined ? 'added' : after === undefined ? 'removed' : 'modified',
      hosts: isBootServerFile(path) ? [...new Set([b.manifest?.bootServer, h.manifest?.bootServer])].filter((x) => x !== undefined).sort() : [...new Set([...b.hosts.keys(), ...h.hosts.keys()])].sort(),
      diff: unifiedDiff(display, before ?? '', after ?? ''),
    });
  }
  return out;
}

function nixChanges(base: PlanSide, head: PlanSide, b: SideIndex, h: SideIndex): SharedChange[] {
  const paths = [...new Set([...base.nixSources.keys(), ...head.nixSources.keys()])].sort();
  const out: SharedChange[] = [];
  for (const path of paths) {
    const before = base.nixSources.get(path);
    const after = head.nixSources.get(path);
    if (before === after) continue;
    const users = (index: SideIndex) => Object.entries(index.manifest?.hosts ?? {}).filter(([, entry]) => entry.nix.includes(path)).map(([name]) => name);
    out.push({
      path: `${head.nixDir}/${path}`,
      change: before === undefined ? 'added' : after === undefined ? 'removed' : 'modified',
      hosts: [...new Set([...users(b), ...users(h)])].sort(),
      diff: unifiedDiff(`${head.nixDir}/${path}`, before ?? '', after ?? ''),
    });
  }
  return out;
}

/** The boot server goes first, in a wave of its own: the others boot from what it serves. */
export function bootServerFirst(fleet: Fleet | undefined): { first?: string } {
  return fleet?.boot.server !== undefined ? { first: fleet.boot.server } : {};
}
