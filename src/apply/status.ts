// fleetc status: per host, what is deployed (commit), whether changes are pending, the last result;
// and who holds the deploy lock.
import { outputLayout, type Paths } from '../compile/index.ts';
import { libraryDirOf } from '../git/repository.ts';
import { openRepository, repoRelative, resolveCommit } from '../git/repository.ts';
import { buildPlan } from '../plan/build.ts';
import { isStale, leaseExpiry, readLock, type LockInfo } from './lock.ts';
import { RevisionCompiler, sameArtifacts } from './plan-from-state.ts';
import { defaultRemote } from './remote.ts';
import { readStates, type HostState } from './state.ts';
import { refNamespace, siteOf } from './site.ts';
import { driftOf, ManifestReader, type Drift } from './drift.ts';
import { probeHosts } from './probe.ts';

export type Pending = 'up to date' | 'changes pending' | 'never deployed' | 'decommission pending' | 'decommissioned';

export interface HostStatus {
  host: string;
  pending: Pending;
  deployedCommit?: string;
  deployedAt?: string;
  last?: HostState['last'];
  /** status --probe: what the host runs, against the record. */
  probe?: Drift;
}

export interface FleetStatus {
  head: string;
  hosts: HostStatus[];
  /** stale: the holder stopped renewing its lease (the run is gone); a later apply takes it over. */
  lock?: LockInfo & { where: 'remote' | 'local'; stale: boolean; leaseExpiresAt?: string };
}

export async function fleetStatus(cwd: string, paths: Paths, remoteName: string | undefined, fetch: boolean, probe?: { identityFile?: string }, site?: string): Promise<FleetStatus> {
  const ns = refNamespace(site);
  const repo = await openRepository(cwd);
  const remote = await defaultRemote(repo, remoteName);
  if (remote && fetch) await remote.fetchStates(ns.statePrefix);
  const head = await resolveCommit(repo, 'HEAD');
  const compiler = new RevisionCompiler(repo, { fleetDir: repoRelative(repo, paths.fleetDir), nixDir: repoRelative(repo, paths.nixDir), layout: outputLayout(paths), libraryDir: libraryDirOf(repo, paths) });
  const compiled = await compiler.compile(head, 'HEAD');
  // --site: that site's hosts and its own state refs.
  const inSite = new Set((compiled.side.fleet?.hosts ?? []).filter((h) => site === undefined || siteOf(h) === site).map((h) => h.name));
  const manifests = new Map(buildPlan(compiled.side, compiled.side).hosts.filter((h) => inSite.has(h.name)).map((h) => [h.name, h.headManifest]));
  const states = await readStates(repo, ns.statePrefix);
  const names = [...new Set([...manifests.keys(), ...states.keys()])].sort();
  const hosts = names.map((host): HostStatus => {
    const state = states.get(host)?.state;
    const manifest = manifests.get(host);
    let pending: Pending;
    if (!manifest) pending = state?.decommissioned ? 'decommissioned' : 'decommission pending';
    else if (!state?.deployed) pending = 'never deployed';
    else pending = sameArtifacts(state.deployed.artifacts, manifest) ? 'up to date' : 'changes pending';
    return { host, pending, ...(state?.deployed ? { deployedCommit: state.deployed.commit, deployedAt: state.deployed.at } : {}), ...(state?.last ? { last: state.last } : {}) };
  });
  if (probe && compiled.side.fleet) {
    const probes = await probeHosts(compiled.side.fleet.hosts, states, probe);
    const manifestReader = new ManifestReader(repo, compiler);
    for (const status of hosts) {
      const found = probes.get(status.host);
      if (found) status.probe = await driftOf(found, states.get(status.host)?.state, manifestReader);
    }
  }
  const lock = await readLock(repo, remote, ns.lockRef);
  const expiry = lock ? leaseExpiry(lock.info) : undefined;
  return { head, hosts, ...(lock ? { lock: { ...lock.info, where: lock.where, stale: isStale(lock.info), ...(expiry ? { leaseExpiresAt: expiry.toISOString() } : {}) } } : {}) };
}
