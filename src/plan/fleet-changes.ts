// Changes outside a host's own file, in fleet terms, each with the hosts it reaches: a network's
// settings, the boot server's, a service's definition, a cluster's Raft voters, first boot's policy
// and secrets. A host whose files changed because of one says so ("network prov: dhcp.pool.end
// 10.0.0.220 → 10.0.0.230"), never by a file name.
import type { Fleet, Host } from '../model/fleet.ts';
import { describeValueChanges } from './reasons.ts';

export interface FleetChange {
  text: string;
  /** Whether the change reaches this host's files (the host as it is at head, or at base). */
  reaches: (host: Host) => boolean;
}

export function fleetChanges(base: Fleet, head: Fleet): FleetChange[] {
  const out: FleetChange[] = [];
  const all = () => true;
  for (const name of union(base.networks, head.networks)) {
    const a = base.networks[name];
    const b = head.networks[name];
    const onIt = (host: Host) => host.interfaces.some((i) => i.network === name);
    if (!a || !b) out.push({ text: `network ${name} ${a ? 'removed' : 'added'}`, reaches: onIt });
    else for (const text of describeValueChanges(`network ${name}`, { ...a, name: undefined }, { ...b, name: undefined })) out.push({ text, reaches: onIt });
  }
  for (const text of describeValueChanges('boot', base.boot, head.boot)) out.push({ text, reaches: all });
  for (const name of union(base.services, head.services)) {
    const a = base.services[name];
    const b = head.services[name];
    const runs = (host: Host) => host.services.includes(name);
    if (!a || !b) out.push({ text: `service ${name} ${a ? 'removed' : 'added'}`, reaches: runs });
    else for (const text of describeValueChanges(`service ${name}`, { ...a, name: undefined }, { ...b, name: undefined })) out.push({ text, reaches: runs });
  }
  for (const name of union(base.clusters, head.clusters)) {
    const a = base.clusters[name];
    const b = head.clusters[name];
    const inIt = (host: Host) => host.cluster === name;
    if (!a || !b) continue; // a host's own cluster change says it
    const groups = (c: typeof a) => Object.fromEntries(c.raft.map((g) => [g.service, { voters: g.voters, bootstrap: g.bootstrap }]));
    for (const text of describeValueChanges(`cluster ${name} Raft`, groups(a), groups(b))) out.push({ text, reaches: inIt });
    if (a.description !== b.description) out.push({ text: `cluster ${name}: description changed`, reaches: inIt });
  }
  for (const text of describeValueChanges('first boot', base.firstBoot, head.firstBoot)) out.push({ text, reaches: all });
  for (const text of describeValueChanges('secret', base.secrets, head.secrets)) out.push({ text, reaches: all });
  for (const text of describeValueChanges('platform', base.platform, head.platform)) out.push({ text, reaches: all });
  return out;
}

function union(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}
