// What apply refuses, and whom it skips: a refusal names the hosts it holds back (none: the whole run);
// a held-back host takes with it the hosts whose change only makes sense together with its own.
import type { HostPlan } from '../plan/types.ts';

/** One reason apply will not go ahead, and the hosts it keeps back (empty: the run as a whole). */
export interface Refusal {
  message: string;
  hosts: readonly string[];
}

/** Actions a network boot serves: they need the boot server's change deployed first. */
const NETWORK_BOOTED = new Set(['provision', 'replace', 'network-only']);

/**
 * The hosts kept back by the refusals, with the refusals that follow from them: the other half of a
 * rename (its old name is decommissioned only when its new name is installed, and the other way
 * round), and, when the boot server's own change is kept back, every host whose network boot it
 * must serve first. Never a host that still runs: skipping it keeps it as it is, a voter counted as
 * running by every quorum check, so Raft ordering stays what the remaining hosts' waves say.
 */
export function heldBack(selected: readonly HostPlan[], refusals: readonly Refusal[], bootServer: string | undefined): { hosts: Set<string>; refusals: Refusal[] } {
  const hosts = new Set(refusals.flatMap((r) => r.hosts));
  const all = [...refusals];
  const holdBack = (host: HostPlan, why: string) => {
    if (hosts.has(host.name)) return;
    hosts.add(host.name);
    all.push({ message: `skipped: ${host.name} (${host.action}): ${why}`, hosts: [host.name] });
  };
  for (let changed = true; changed; ) {
    const before = hosts.size;
    for (const host of selected) {
      const partner = host.renamedFrom ?? host.renamedTo;
      if (partner !== undefined && hosts.has(partner) && selected.some((h) => h.name === partner)) holdBack(host, `it is one half of the rename with ${partner}, which is kept back`);
      if (bootServer !== undefined && hosts.has(bootServer) && host.name !== bootServer && NETWORK_BOOTED.has(host.action)) holdBack(host, `its network boot needs the boot server ${bootServer}'s change, which is kept back`);
    }
    changed = hosts.size > before;
  }
  return { hosts, refusals: all };
}

/** Refusals that hold back the whole run. */
export function runWide(refusals: readonly Refusal[]): Refusal[] {
  return refusals.filter((r) => r.hosts.length === 0);
}
