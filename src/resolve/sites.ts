// Sites (fleet.yaml sites:): every host names a declared site with its `site` label (from its own
// file or its profile), and a Raft group stays inside one site — each site deploys on its own, and a
// group whose voters two deployers change at once would lose its quorum checks.
import type { Checked } from '../validate/context.ts';
import type { Reporter } from '../diagnostics/reporter.ts';
import type { FleetInput, HostInput } from '../model/input.ts';
import type { Cluster, Host } from '../model/fleet.ts';

const SITE_LABEL = 'site';

export function checkSites(sites: readonly string[], hosts: readonly Host[], clusters: Record<string, Cluster>, fleet: Checked<FleetInput>, hostDocs: Map<string, Checked<HostInput>>, report: Reporter): void {
  if (sites.length === 0) return;
  const siteOf = new Map(hosts.map((h) => [h.name, h.labels[SITE_LABEL]]));
  for (const host of hosts) {
    const site = siteOf.get(host.name);
    if (site !== undefined && sites.includes(site)) continue;
    const document = hostDocs.get(host.name)!;
    const own = document.data.labels?.[SITE_LABEL] !== undefined;
    report.at(document.document, own ? ['labels', SITE_LABEL] : [], {
      code: 'SITE_UNKNOWN',
      message: site === undefined ? `host ${host.name} names no site, and the fleet deploys by site (${sites.join(', ')})` : `host ${host.name} is in site ${site}, which fleet.yaml sites: does not declare (${sites.join(', ')})`,
      hint: `give the host (or its profile) the label site: <one of ${sites.join(', ')}>, or add the site to sites: in fleet.yaml`,
    });
  }
  for (const cluster of Object.values(clusters)) {
    for (const group of cluster.raft) {
      const spanned = [...new Set(group.voters.map((v) => siteOf.get(v) ?? '?'))].sort();
      if (spanned.length < 2) continue;
      report.at(fleet.document, ['sites'], {
        code: 'RAFT_GROUP_SPANS_SITES',
        message: `the ${group.service} Raft group of cluster ${cluster.name} has voters in sites ${spanned.join(', ')} (${group.voters.map((v) => `${v}: ${siteOf.get(v) ?? 'none'}`).join(', ')})`,
        hint: 'each site deploys on its own, so a Raft group must keep all its voters in one site: move the voters to one site, or split the cluster per site',
      });
    }
  }
}
