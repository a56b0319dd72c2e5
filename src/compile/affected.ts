// Which hosts' artifacts a change can touch, between two resolved fleets (two runs of fleetc watch,
// the two sides of a plan). The rules follow the emitters' scopes (Emitter.crossHost):
//
// - everything, when anything fleet-wide differs: the resolved fleet apart from its hosts and
//   clusters (the boot server's name among it), fleet.yaml, the profiles, the nix/ files, fleetc's
//   own Nix, the output paths;
// - a host's own files ('host' scope), when its Host differs (resolve gives an unchanged host the
//   same object) — they read nothing of the other hosts, nor of the clusters;
// - a host's cluster-wide files ('cluster' scope: first boot), also when its cluster's entry (name,
//   Raft groups, bootstrap host; not its member list) or the Host of one of its cluster's Raft
//   voters differs.
import type { EmitContext } from '../emit/artifact.ts';
import type { Fleet, Host } from '../model/fleet.ts';
import type { CheckedFleet } from '../validate/index.ts';

export interface FleetShape {
  /** Everything fleet-wide, as one comparable string. */
  shared: string;
  hosts: Map<string, Host>;
  /** Each cluster's entry without its member list, as JSON. */
  clusters: Map<string, string>;
  /** Each cluster's Raft voters. */
  voters: Map<string, Set<string>>;
}

export function fleetShape(fleet: Fleet, checked: CheckedFleet, context: EmitContext): FleetShape {
  const { hosts: _hosts, clusters, ...rest } = fleet;
  const shared = JSON.stringify([rest, checked.fleet?.data, checked.profiles.map((p) => [p.name, p.data]), context.nixDir, context.outDirFromRoot, [...context.nixFiles], [...context.library.files]]);
  return {
    shared,
    hosts: new Map(fleet.hosts.map((h) => [h.name, h])),
    clusters: new Map(Object.values(clusters).map((c) => [c.name, JSON.stringify({ ...c, hosts: undefined })])),
    voters: new Map(Object.values(clusters).map((c) => [c.name, new Set(c.raft.flatMap((g) => g.voters))])),
  };
}

export type Affected =
  | { all: true }
  | {
      all: false;
      /** Hosts of the later fleet whose own files may differ. */
      host: Set<string>;
      /** Hosts of the later fleet whose cluster-wide files may differ (a superset of host). */
      cluster: Set<string>;
      /** Hosts of the earlier fleet that the later one lacks. */
      removed: string[];
    };

export function affectedHosts(before: FleetShape, after: FleetShape): Affected {
  if (before.shared !== after.shared) return { all: true };
  const removed = [...before.hosts.keys()].filter((name) => !after.hosts.has(name)).sort();
  const host = new Set<string>();
  for (const [name, h] of after.hosts) if (before.hosts.get(name) !== h) host.add(name);
  const differs = new Set([...host, ...removed]);
  const touched = new Set<string>();
  for (const name of new Set([...before.clusters.keys(), ...after.clusters.keys()])) {
    const votersChanged = [...(before.voters.get(name) ?? []), ...(after.voters.get(name) ?? [])].some((voter) => differs.has(voter));
    if (votersChanged || before.clusters.get(name) !== after.clusters.get(name)) touched.add(name);
  }
  const cluster = new Set(host);
  for (const [name, h] of after.hosts) if (touched.has(h.cluster)) cluster.add(name);
  return { all: false, host, cluster, removed };
}

/**
 * The hosts an emitter of a scope must see to write the files of `names`: those hosts, and for the
 * cluster scope the Raft voters of their clusters too (first boot lists the peers).
 */
export function hostsToEmit(fleet: Fleet, names: ReadonlySet<string>, scope: 'host' | 'cluster'): Host[] {
  if (scope === 'host') return fleet.hosts.filter((h) => names.has(h.name));
  const voters = new Set<string>();
  for (const h of fleet.hosts) if (names.has(h.name)) for (const group of fleet.clusters[h.cluster]?.raft ?? []) for (const voter of group.voters) voters.add(voter);
  return fleet.hosts.filter((h) => names.has(h.name) || voters.has(h.name));
}
