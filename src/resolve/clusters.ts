// Clusters and their Raft groups: who votes, who bootstraps, and whether the quorum is sound.
import type { Reporter } from '../diagnostics/reporter.ts';
import type { Cluster, Host, RaftGroup, Service } from '../model/fleet.ts';
import { serviceNeeds } from '../model/first-boot.ts';
import type { Checked } from '../validate/context.ts';
import type { FleetInput, HostInput } from '../model/input.ts';
import type { ResolveMemo } from './memo.ts';

/** What a cluster's resolution reads of a host. */
export type ClusterMember = Pick<Host, 'name' | 'cluster' | 'services'>;

/**
 * Given a memo (fleetc watch, a plan's two sides), a cluster whose members (and fleet.yaml) are the
 * same objects as last time is the Cluster it was, with the findings it had.
 */
export function resolveClusters(hosts: readonly ClusterMember[], services: Record<string, Service>, fleet: Checked<FleetInput>, hostDocs: Map<string, Checked<HostInput>>, report: Reporter, memo?: ResolveMemo): Record<string, Cluster> {
  const declared = fleet.data.clusters ?? {};
  const names = [...new Set([...Object.keys(declared), ...hosts.map((h) => h.cluster)])].sort();
  const raftServices = Object.values(services).filter((s) => s.raft).map((s) => s.name).sort();
  const byCluster = new Map<string, ClusterMember[]>(names.map((name) => [name, []]));
  for (const host of hosts) byCluster.get(host.cluster)!.push(host);
  const clusters: Record<string, Cluster> = {};
  for (const name of names) {
    const members = byCluster.get(name)!;
    const resolve = (own: Reporter) => resolveCluster(name, members, raftServices, services, fleet, hostDocs, own);
    clusters[name] = memo ? memo.cluster(`cluster\0${name}`, [fleet.document, ...members, ...members.map((h) => hostDocs.get(h.name)!.document)], report, resolve) : resolve(report);
  }
  return clusters;
}

function resolveCluster(name: string, members: readonly ClusterMember[], raftServices: readonly string[], services: Record<string, Service>, fleet: Checked<FleetInput>, hostDocs: Map<string, Checked<HostInput>>, report: Reporter): Cluster {
  const declared = fleet.data.clusters ?? {};
  const spec = declared[name];
  const groups = raftServices
    .map((service) => ({ service, voters: members.filter((h) => h.services.includes(service)).map((h) => h.name).sort() }))
    .filter((group) => group.voters.length > 0);
  const bootstrap = chooseBootstrap(name, members, groups, fleet, hostDocs, report);
  const raft: RaftGroup[] = groups.map((group) => ({ ...group, bootstrap: bootstrap ?? group.voters[0]! }));
  for (const { service, voters } of raft) {
    const where = (code: 'RAFT_EVEN_VOTERS' | 'RAFT_FEW_VOTERS', message: string, hint: string): void => {
      if (spec) report.at(fleet.document, ['clusters', name], { code, severity: 'warning', part: 'key', message, hint });
      else report.at(hostDocs.get(voters[0]!)!.document, ['profile'], { code, severity: 'warning', message, hint });
    };
    if (voters.length % 2 === 0) {
      where('RAFT_EVEN_VOTERS', `${service} in cluster ${name} has ${voters.length} voters (${voters.join(', ')}), an even number`, `${voters.length} voters tolerate no more failures than ${voters.length - 1}; add or remove one`);
    }
    if (voters.length < 3 && members.length > 1) {
      where('RAFT_FEW_VOTERS', `${service} in cluster ${name} has only ${voters.length} voter(s) for ${members.length} hosts`, 'with fewer than 3 voters one failure stops the cluster; run 3 or 5');
    }
  }
  checkNeededRaftServices(name, members, raftServices.filter((s) => !groups.some((g) => g.service === s)), services, hostDocs, report);
  return { name, ...(spec?.description !== undefined ? { description: spec.description } : {}), hosts: members.map((h) => h.name), raft, ...(bootstrap !== undefined ? { bootstrap } : {}) };
}

/**
 * The cluster's one bootstrap host: named in fleet.yaml or claimed by a host file (firstBoot.bootstrap),
 * else the first host by name that votes in every Raft group. Reports two claims, an ineligible
 * choice, and a cluster with Raft groups but no eligible host.
 */
function chooseBootstrap(cluster: string, members: readonly ClusterMember[], groups: ReadonlyArray<{ service: string; voters: string[] }>, fleet: Checked<FleetInput>, hostDocs: Map<string, Checked<HostInput>>, report: Reporter): string | undefined {
  const named = fleet.data.clusters?.[cluster]?.bootstrap;
  const claims = members.filter((h) => hostDocs.get(h.name)!.data.firstBoot?.bootstrap === true).map((h) => h.name);
  const conflicting = named !== undefined ? claims.filter((host) => host !== named) : claims.slice(1);
  for (const host of conflicting) {
    report.at(hostDocs.get(host)!.document, ['firstBoot', 'bootstrap'], {
      code: 'CLUSTER_BOOTSTRAP_CONFLICT',
      message: named !== undefined ? `host ${host} claims to bootstrap cluster ${cluster}, but fleet.yaml names ${named}` : `hosts ${claims.join(', ')} all claim to bootstrap cluster ${cluster}`,
      hint: 'a cluster has exactly one bootstrap host: keep one claim',
    });
  }
  if (conflicting.length > 0) return undefined;
  const eligible = members.filter((h) => groups.every((g) => g.voters.includes(h.name))).map((h) => h.name);
  const chosen = named ?? claims[0];
  if (chosen !== undefined) {
    const missing = groups.filter((g) => !g.voters.includes(chosen)).map((g) => g.service);
    if (groups.length === 0 || missing.length > 0) {
      const [document, path] = named !== undefined ? [fleet.document, ['clusters', cluster, 'bootstrap']] : [hostDocs.get(chosen)!.document, ['firstBoot', 'bootstrap']];
      const who = named !== undefined ? `cluster ${cluster} names ${chosen} as bootstrap host` : `host ${chosen} claims to bootstrap cluster ${cluster}`;
      report.at(document, path, {
        code: 'CLUSTER_BOOTSTRAP_INVALID',
        message: groups.length === 0 ? `${who}, but the cluster has no Raft services to bootstrap` : `${who}, but it is not a ${missing.join(' and ')} voter`,
        hint: groups.length === 0 ? 'remove the bootstrap setting' : `hosts that vote in every Raft group of ${cluster}: ${eligible.join(', ') || 'none'}`,
      });
    }
    return chosen;
  }
  if (groups.length === 0) return undefined;
  if (eligible.length > 0) return eligible[0];
  const message = `cluster ${cluster} has no host that votes in every Raft group (${groups.map((g) => `${g.service}: ${g.voters.join(', ')}`).join('; ')}), so none can bootstrap it`;
  const hint = 'first boot bootstraps all Raft groups of a cluster from one host: run every Raft service on at least one host';
  if (fleet.data.clusters?.[cluster]) report.at(fleet.document, ['clusters', cluster], { code: 'CLUSTER_BOOTSTRAP_NONE', part: 'key', message, hint });
  else report.at(hostDocs.get(groups[0]!.voters[0]!)!.document, ['profile'], { code: 'CLUSTER_BOOTSTRAP_NONE', message, hint });
  return undefined;
}

/** A host whose services need (through after:, transitively) a Raft service nobody in its cluster runs. */
function checkNeededRaftServices(cluster: string, members: readonly ClusterMember[], absent: readonly string[], services: Record<string, Service>, hostDocs: Map<string, Checked<HostInput>>, report: Reporter): void {
  if (absent.length === 0) return;
  for (const host of members) {
    const needs = host.services.map((service) => ({ service, needs: serviceNeeds(services, service) }));
    const missing = absent.filter((s) => needs.some((n) => n.needs.has(s)));
    if (missing.length === 0) continue;
    const dependents = needs.filter((n) => missing.some((s) => n.needs.has(s))).map((n) => n.service);
    report.at(hostDocs.get(host.name)!.document, ['profile'], {
      code: 'RAFT_NO_VOTERS',
      message: `host ${host.name} runs ${dependents.join(' and ')}, which need${dependents.length === 1 ? 's' : ''} ${missing.join(' and ')}, but no host of cluster ${cluster} runs ${missing.length === 1 ? 'it' : 'them'}`,
      hint: `give some hosts of ${cluster} a profile with ${missing.join(' and ')} (3 or 5 voters), or move ${host.name} to a cluster that has them`,
    });
  }
}
