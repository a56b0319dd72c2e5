// The rollout order: hosts in waves, profiles in the policy's order, never two voters of one Raft
// group in the same wave, at most maxParallel hosts per wave (0 = unlimited). Pure.
import type { Wave } from './types.ts';

export interface RolloutHost {
  name: string;
  profile: string;
  /** Raft groups the host votes in, as "<cluster>/<service>". */
  raftGroups: readonly string[];
}

export interface RolloutPolicy {
  order: readonly string[];
  maxParallel: number;
  /** A host that goes alone in the first wave (the boot server, which the others boot from). */
  first?: string;
}

export function planWaves(all: readonly RolloutHost[], policy: RolloutPolicy): Wave[] {
  const leading = all.find((h) => h.name === policy.first);
  const hosts = leading ? all.filter((h) => h !== leading) : all;
  const rank = (profile: string) => {
    const index = policy.order.indexOf(profile);
    return index < 0 ? policy.order.length : index;
  };
  const profiles = [...new Set(hosts.map((h) => h.profile))].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const waves: Wave[] = leading ? [{ index: 1, profile: leading.profile, hosts: [leading.name] }] : [];
  for (const profile of profiles) {
    const group: Array<{ hosts: string[]; groups: Set<string> }> = [];
    const members = hosts.filter((h) => h.profile === profile).sort((a, b) => (a.name < b.name ? -1 : 1));
    // Voters first: they are the constrained ones, so the waves fill evenly around them.
    members.sort((a, b) => Number(b.raftGroups.length > 0) - Number(a.raftGroups.length > 0));
    for (const host of members) {
      const fits = (wave: (typeof group)[number]) =>
        (policy.maxParallel === 0 || wave.hosts.length < policy.maxParallel) && host.raftGroups.every((g) => !wave.groups.has(g));
      let wave = group.find(fits);
      if (!wave) group.push((wave = { hosts: [], groups: new Set() }));
      wave.hosts.push(host.name);
      for (const g of host.raftGroups) wave.groups.add(g);
    }
    for (const wave of group) waves.push({ index: waves.length + 1, profile, hosts: [...wave.hosts].sort() });
  }
  return waves;
}
