// The resolved fleet: profiles merged into hosts, defaults applied, everything normalised.
// Later stages trust these types; a Host is plain data (it is exactly what host.nix holds).
import type { Arch, Filesystem, Firmware, Protocol, SecretRef } from './input.ts';

export type System = 'x86_64-linux' | 'aarch64-linux';

export interface FlakeInput {
  name: string;
  url: string;
  /** The pinned commit; absent for a path:./ input (the fleet's own commit pins it). */
  rev?: string;
  /** The flake reference with the revision pinned in, as written into flake.nix. */
  pinned: string;
  /** The input's own inputs → the fleet input each follows (flake.nix and flake.lock). */
  follows: Record<string, string>;
  /** Its node in flake.lock: what Nix records as `original` and `locked`. */
  lock: FlakeLockNode;
}

/** A flake.lock node's attributes, as Nix writes them (src/libflake/lockfile.cc). */
export interface FlakeLockNode {
  original: Record<string, string | number>;
  locked: Record<string, string | number>;
  /** Present for a relative path: input: the input path of the flake it is relative to ([] = the root). */
  parent?: string[];
}

/** The flake that packages the platform: its overlays and NixOS modules reach every host. */
export interface Platform {
  input: string;
  overlays: string[];
  modules: string[];
}

export interface Network {
  name: string;
  description?: string;
  cidr: string;
  prefixLength: number;
  netmask: string;
  broadcast: string;
  gateway?: string;
  dns: string[];
  vlan?: number;
  mtu?: number;
  dhcp?: { pool?: { start: string; end: string }; leaseSeconds: number };
}

export interface ServicePort {
  port: number;
  protocols: Protocol[];
  /** Fleet networks the port is opened on; absent: every network of the host. */
  networks?: string[];
}

export interface Service {
  name: string;
  description?: string;
  raft: boolean;
  ports: Record<string, ServicePort>;
  health?: { http?: string; port: string };
  after: string[];
}

export interface RaftGroup {
  service: string;
  /** Voters by host name, sorted. */
  voters: string[];
  /** The voter that bootstraps a brand-new cluster; the others join. */
  bootstrap: string;
}

export interface Cluster {
  name: string;
  description?: string;
  /** Every host of the cluster, sorted by name. */
  hosts: string[];
  raft: RaftGroup[];
  /** The one host that bootstraps every Raft group of the cluster; absent when it has none. */
  bootstrap?: string;
}

export interface Profile {
  name: string;
  description?: string;
  /** The extends chain, root first, ending with this profile. */
  chain: string[];
  services: string[];
  modules: string[];
  packages: string[];
  kernel: Kernel;
  labels: Record<string, string>;
}

export interface Kernel {
  params: string[];
  modules: string[];
  package?: string;
}

export interface Interface {
  name: string;
  mac: string;
  network: string;
  boot: boolean;
  /** The device the address lives on: the NIC, or <nic>.<vlan> on a VLAN network. */
  device: string;
  vlan?: number;
  /** The interface's own MTU (host file), else its network's; absent: the kernel's default (1500). */
  mtu?: number;
  /** Static address; absent means DHCP. */
  address?: string;
  prefixLength?: number;
}

export interface Disk {
  device: string;
  size: string;
}

export interface RootFs {
  fs: Filesystem;
  size: string;
}

export type Layout =
  | { kind: 'single'; disk: string; esp: string; swap?: string; root: RootFs }
  | { kind: 'raid1'; disks: string[]; esp: string; swap?: string; root: RootFs }
  | { kind: 'zfs'; disks: string[]; mode: 'mirror' | 'raidz1' | 'raidz2' | 'raidz3' | 'stripe'; pool: string; esp: string; datasets: Record<string, { mount?: string; options: Record<string, string> }> }
  | { kind: 'lvm'; disk: string; esp: string; vg: string; volumes: Record<string, { size: string; fs?: Filesystem; mount?: string; swap: boolean }> };

export type LayoutKind = Layout['kind'];

export interface Bmc {
  kind: 'ipmi' | 'redfish';
  address: string;
  port: number;
  user: string;
  password: SecretRef;
  caFile?: string;
  systemId?: string;
}

export interface Host {
  name: string;
  fqdn: string;
  domain: string;
  description?: string;
  profile: string;
  /** The profile's extends chain, root first. */
  profiles: string[];
  cluster: string;
  arch: Arch;
  firmware: Firmware;
  system: System;
  services: string[];
  modules: string[];
  packages: string[];
  kernel: Kernel;
  interfaces: Interface[];
  /** Default route, through the first interface whose network has a gateway. */
  gateway?: { address: string; device: string };
  nameservers: string[];
  disks: Record<string, Disk>;
  layout: Layout;
  bmc?: Bmc;
  labels: Record<string, string>;
  ssh: { port: number; user: string; hostKey?: string };
  /** deploy.cache with a publicKey: the host substitutes from the fleet's cache and trusts its key. */
  nixCache?: { substituter: string; publicKey: string };
  authorizedKeys: string[];
  timezone: string;
  stateVersion: string;
}

/** The network boot server: DHCP, TFTP (iPXE binaries) and HTTP (iPXE scripts, netboot images). */
export interface BootServer {
  /** Base URL of the HTTP server, without a trailing slash. */
  http: string;
  /** TFTP server address: the DHCP next-server of plain PXE firmware. */
  tftp: string;
  /** Interfaces of the boot server its DHCP server listens on; ["*"] means all. */
  interfaces: string[];
  /** File names of the iPXE binaries on the TFTP server, by firmware. */
  ipxe: { bios: string; uefi: string; arm64: string };
  /** How long the fallback menu of an unknown machine waits before it retries. */
  menuTimeoutSeconds: number;
  /** The host of the fleet that is the boot server (its configuration is fleetc's PXE server module). */
  server?: string;
}

export interface DeployPolicy {
  order: string[];
  /** 0 means unlimited. */
  maxParallel: number;
  healthTimeoutSeconds: number;
  powerOffDecommissioned: boolean;
  /** Set: apply deploys through the cache (evaluate once, build on builders, hosts pull, dead-man activation). */
  cache?: { url: string; signingKey: SecretRef };
  /** How long a switched host waits for apply's confirmation before it reactivates its previous generation. */
  confirmTimeoutSeconds: number;
  /** nix-eval-jobs: parallel workers, and the memory (MiB) at which a worker is restarted. */
  evaluation: { workers: number; maxMemoryMiB: number };
  /**
   * How apply meets a new machine's installer, whose SSH key cannot be known in advance: accept the
   * first key it shows (the fleet provisions from CI), or refuse the install (an operator passes
   * --first-contact accept-new by hand).
   */
  firstContact: 'refuse' | 'accept-new';
}

/** How first boot retries a step: waits grow from delaySeconds by backoff, capped at maxDelaySeconds. */
export interface RetryPolicy {
  attempts: number;
  delaySeconds: number;
  backoff: number;
  maxDelaySeconds: number;
  /** Per HTTP request. */
  timeoutSeconds: number;
}

export interface FirstBootPolicy {
  /** The network peers are reached on when both hosts have it (else the boot interface). */
  network: string;
  retry: RetryPolicy;
  /** Secret names (keys of Fleet.secrets), never values. */
  joinToken?: string;
  iam?: { service: string; adminUser: string; adminPassword: string };
}

export interface Fleet {
  name: string;
  description?: string;
  domain: string;
  inputs: Record<string, FlakeInput>;
  platform?: Platform;
  networks: Record<string, Network>;
  boot: BootServer;
  deploy: DeployPolicy;
  services: Record<string, Service>;
  clusters: Record<string, Cluster>;
  secrets: Record<string, SecretRef>;
  firstBoot: FirstBootPolicy;
  /** ssh.authorizedKeys: who may log into every host and every netboot installer. */
  authorizedKeys: string[];
  profiles: Record<string, Profile>;
  /** Sites (sorted): each has its own deploy lock and state; a host's site is its `site` label. */
  sites: string[];
  /** Sorted by name. */
  hosts: Host[];
}
