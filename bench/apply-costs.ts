// The costs bench:apply charges for each simulated command, calibrated from the figures of issue 16
// (colmena's and nix-eval-jobs' own: 1–13 CPU-seconds and 0.5–1.7 GB per NixOS evaluation) and a
// stated fleet shape. Every figure is printed with the results; change one here to see its effect.

export const COSTS = {
  /** CPU-seconds of one host's NixOS evaluation (issue 16: 1–13 s; the middle of the common range). */
  evalCpuSecondsPerHost: 5,
  /** Peak memory of one evaluation, GB (issue 16: 0.5–1.7 GB). */
  evalMemoryGbPerHost: 1.1,
  /** nixos-rebuild --flake copies and locks the flake and imports nixpkgs again for every host. */
  flakeFetchSecondsPerRebuild: 2,
  /** Deployer cores: parallel evaluations (old way) and nix-eval-jobs workers are bounded by them. */
  deployerCores: 8,
  /** CPU-seconds to build a host's own derivations (etc, initrd, the system); packages come from substituters. */
  buildCpuSecondsPerHost: 12,
  /** Builder slots of the fleet's build farm (e.g. 8 builders × 4 jobs), per platform. */
  builderSlots: 32,
  /** A nixpkgs bump: the changed part of a closure shared by every host of the fleet (compressed NARs). */
  sharedChangedBytes: 1.0e9,
  /** …plus this much per profile (3 profiles), and this much that only the host has (its etc, its system). */
  profileChangedBytes: 0.2e9,
  profiles: 3,
  hostOnlyBytes: 2e6,
  /** The deployer's uplink: 1 Gbit/s. Every byte it sends shares it. */
  deployerBytesPerSecond: 125e6,
  /** A host's own link to the cache (1 Gbit/s); the cache (S3, a CDN) is taken to scale out. */
  hostPullBytesPerSecond: 125e6,
  /** CPU-seconds the deployer spends per GB it sends (compression, ssh encryption). */
  deployerCpuSecondsPerGbSent: 4,
  /** switch-to-configuration: restarting the changed units. */
  activationSeconds: 20,
  /** One SSH round trip (a command on a host), seconds. */
  sshRoundTripSeconds: 0.05,
} as const;

export type Costs = typeof COSTS;

/** What a host's closure change weighs: the shared, its profile's, its own. */
export function changedBytesPerHost(costs: Costs = COSTS): number {
  return costs.sharedChangedBytes + costs.profileChangedBytes + costs.hostOnlyBytes;
}

/** Bytes that are new across a fleet of n hosts (each path once). */
export function uniqueChangedBytes(hosts: number, costs: Costs = COSTS): number {
  return costs.sharedChangedBytes + costs.profileChangedBytes * Math.min(costs.profiles, hosts) + costs.hostOnlyBytes * hosts;
}
