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
    for (const service of raftServices) {
      const voters = members.filter((h) => h.services.includes(service)).map((h) => h.name).sort();
      if (voters.length === 0) continue;
      let bootstrap = voters[0]!;
      if (spec?.bootstrap !== undefined) {
        if (voters.includes(spec.bootstrap)) bootstrap = spec.bootstrap;
        else report.at(fleet.document, ['clusters', name, 'bootstrap'], { code: 'CLUSTER_BOOTSTRAP_INVALID', message: `cluster ${name} names ${spec.bootstrap} as bootstrap host, but it is not a ${service} voter`, hint: `${service} voters of ${name}: ${voters.join(', ')}` });
      }
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
