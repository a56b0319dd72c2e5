// Clusters and their Raft groups: who votes, who bootstraps, and whether the quorum is sound.
import type { Reporter } from '../diagnostics/reporter.ts';
import type { Cluster, Host, RaftGroup, Service } from '../model/fleet.ts';
import type { Checked } from '../validate/context.ts';
import type { FleetInput, HostInput } from '../model/input.ts';

export function resolveClusters(hosts: readonly Host[], services: Record<string, Service>, fleet: Checked<FleetInput>, hostDocs: Map<string, Checked<HostInput>>, report: Reporter): Record<string, Cluster> {
  const declared = fleet.data.clusters ?? {};
  const names = [...new Set([...Object.keys(declared), ...hosts.map((h) => h.cluster)])].sort();
  const raftServices = Object.values(services).filter((s) => s.raft).map((s) => s.name).sort();
  const clusters: Record<string, Cluster> = {};
  for (const name of names) {
    const members = hosts.filter((h) => h.cluster === name);
    const spec = declared[name];
    const raft: RaftGroup[] = [];
    const groups = raftServices
      .map((service) => ({ service, voters: members.filter((h) => h.services.includes(service)).map((h) => h.name).sort() }))
      .filter((group) => group.voters.length > 0);
    const named = spec?.bootstrap;
    const notVoting = groups.filter((group) => named !== undefined && !group.voters.includes(named));
    if (named !== undefined && notVoting.length > 0) {
      report.at(fleet.document, ['clusters', name, 'bootstrap'], { code: 'CLUSTER_BOOTSTRAP_INVALID', message: `cluster ${name} names ${named} as bootstrap host, but it is not a voter of ${notVoting.map((g) => g.service).join(', ')}`, hint: `voters: ${notVoting.map((g) => `${g.service}: ${g.voters.join(', ')}`).join('; ')}` });
    }
    for (const { service, voters } of groups) {
      const bootstrap = named !== undefined && voters.includes(named) ? named : voters[0]!;
      raft.push({ service, voters, bootstrap });
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
    clusters[name] = { name, ...(spec?.description !== undefined ? { description: spec.description } : {}), hosts: members.map((h) => h.name), raft };
  }
  return clusters;
}
