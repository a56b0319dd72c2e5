// The first-boot policy with defaults applied, and the check that every peer can be reached.
import type { Reporter } from '../diagnostics/reporter.ts';
import type { Cluster, FirstBootPolicy, Host } from '../model/fleet.ts';
import { DEFAULT_FIRST_BOOT_NETWORK, DEFAULT_IAM_ADMIN_USER, DEFAULT_IAM_SERVICE, DEFAULT_RETRY, reachableAddress } from '../model/first-boot.ts';
import type { FirstBootInput, HostInput } from '../model/input.ts';
import type { Checked } from '../validate/context.ts';
import type { ResolveMemo } from './memo.ts';

export function resolveFirstBootPolicy(input: FirstBootInput | undefined): FirstBootPolicy {
  const spec = input ?? {};
  return {
    network: spec.network ?? DEFAULT_FIRST_BOOT_NETWORK,
    retry: {
      attempts: spec.attempts ?? DEFAULT_RETRY.attempts,
      delaySeconds: spec.delaySeconds ?? DEFAULT_RETRY.delaySeconds,
      backoff: spec.backoff ?? DEFAULT_RETRY.backoff,
      maxDelaySeconds: spec.maxDelaySeconds ?? DEFAULT_RETRY.maxDelaySeconds,
      timeoutSeconds: spec.timeoutSeconds ?? DEFAULT_RETRY.timeoutSeconds,
    },
    ...(spec.joinToken !== undefined ? { joinToken: spec.joinToken } : {}),
    ...(spec.iam ? { iam: { service: spec.iam.service ?? DEFAULT_IAM_SERVICE, adminUser: spec.iam.adminUser ?? DEFAULT_IAM_ADMIN_USER, adminPassword: spec.iam.adminPassword } } : {}),
  };
}

/**
 * In a cluster with Raft groups every host must reach every voter, and must have an address of its
 * own to advertise (voters) or register (clients). Reported once per host that lacks one.
 */
export function checkPeerAddresses(hosts: readonly Host[], clusters: Record<string, Cluster>, policy: FirstBootPolicy, hostDocs: Map<string, Checked<HostInput>>, report: Reporter, memo?: ResolveMemo): void {
  const byName = new Map(hosts.map((h) => [h.name, h]));
  for (const cluster of Object.values(clusters)) {
    if (cluster.raft.length === 0) continue;
    // A host is a member of one cluster, and its voters are members: each cluster is checked on its own.
    const members = cluster.hosts.map((name) => byName.get(name)!);
    const check = (own: Reporter) => checkClusterPeers(cluster, members, byName, policy, hostDocs, own);
    if (memo) memo.cluster(`peers\0${cluster.name}`, [cluster, policy.network, ...members, ...members.map((h) => hostDocs.get(h.name)!.document)], report, check);
    else check(report);
  }
}

function checkClusterPeers(cluster: Cluster, members: readonly Host[], byName: ReadonlyMap<string, Host>, policy: FirstBootPolicy, hostDocs: Map<string, Checked<HostInput>>, report: Reporter): void {
  const reported = new Set<string>();
  const voters = [...new Set(cluster.raft.flatMap((g) => g.voters))].sort().map((name) => byName.get(name)!);
  const voterReach = voters.map((voter) => reachOf(voter, policy.network));
  for (const viewer of members) {
    const viewerReach = reachOf(viewer, policy.network);
    for (let i = -1; i < voters.length; i++) {
      const peer = i < 0 ? viewer : voters[i]!;
      const { bootAddress, addressOnNetwork } = i < 0 ? viewerReach : voterReach[i]!;
      // What reachableAddress(peer, viewer, network) finds: a static boot address, or one on the network both are on.
      if (reported.has(peer.name) || bootAddress || (addressOnNetwork && viewerReach.onNetwork)) continue;
      reported.add(peer.name);
      const role = voters.includes(peer) ? `votes in cluster ${cluster.name}` : `is a member of cluster ${cluster.name}`;
      // Unreachable from this viewer only: the peer has an address on the network the viewer lacks.
      const reachableByOthers = reachableAddress(peer, peer, policy.network) !== undefined;
      report.at(hostDocs.get(peer.name)!.document, ['interfaces'], {
        code: 'PEER_ADDRESS_MISSING',
        message: reachableByOthers
          ? `host ${peer.name} ${role} but ${viewer.name} cannot reach it: ${viewer.name} has no interface on network ${policy.network} and ${peer.name}'s boot interface has no static address`
          : `host ${peer.name} ${role} but has no static address on network ${policy.network} or on its boot interface`,
        hint: `first boot reaches hosts on their static address on ${policy.network} (firstBoot.network) or on their boot interface: give ${peer.name} one`,
      });
    }
  }
}

/** What reachableAddress reads of a host: whether it has a static boot address, a static address on the network, an interface there. */
function reachOf(host: Host, network: string): { bootAddress: boolean; addressOnNetwork: boolean; onNetwork: boolean } {
  let bootAddress = false;
  let addressOnNetwork = false;
  let onNetwork = false;
  for (const nic of host.interfaces) {
    if (nic.boot && nic.address !== undefined) bootAddress = true;
    if (nic.network === network) {
      onNetwork = true;
      if (nic.address !== undefined) addressOnNetwork = true;
    }
  }
  return { bootAddress, addressOnNetwork, onNetwork };
}
