// First-boot defaults and the one rule for which address a host is reached on, shared by resolve and emit.
import type { Host, RetryPolicy, Service } from './fleet.ts';

export const DEFAULT_FIRST_BOOT_NETWORK = 'storage';
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, delaySeconds: 10, backoff: 2, maxDelaySeconds: 120, timeoutSeconds: 10 };
export const DEFAULT_IAM_SERVICE = 'flaredb';
export const DEFAULT_IAM_ADMIN_USER = 'admin';

/** The named ports of a Raft service that first boot uses: the membership API and the peer port. */
export const RAFT_PORTS = ['api', 'raft'] as const;

export interface ReachableAddress {
  address: string;
  network: string;
}

/**
 * Where `viewer` reaches `peer`: the peer's static address on `network` when both have an interface
 * there, else the static address of the peer's boot interface. A host reaches itself the same way, so
 * it advertises the address its peers use. Undefined when the peer has neither.
 */
export function reachableAddress(peer: Host, viewer: Host, network: string): ReachableAddress | undefined {
  const preferred = peer.interfaces.find((nic) => nic.network === network && nic.address !== undefined);
  if (preferred && viewer.interfaces.some((nic) => nic.network === network)) return { address: preferred.address!, network };
  const boot = peer.interfaces.find((nic) => nic.boot && nic.address !== undefined);
  return boot ? { address: boot.address!, network: boot.network } : undefined;
}

/** The services `service` needs up first, through after: transitively (a cycle ends the walk). */
export function serviceNeeds(services: Record<string, Service>, service: string): Set<string> {
  const needs = new Set<string>();
  const visit = (name: string): void => {
    for (const dep of services[name]?.after ?? []) {
      if (needs.has(dep)) continue;
      needs.add(dep);
      visit(dep);
    }
  };
  visit(service);
  return needs;
}
