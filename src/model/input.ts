// TypeScript shapes of the fleet files as the JSON Schemas in schema/ accept them.

export type Arch = 'x86_64' | 'aarch64';
export type Firmware = 'uefi' | 'bios';
export type Filesystem = 'ext4' | 'xfs' | 'btrfs';

export type SecretRef = { file: string } | { env: string } | { host: string };

/** deploy.cache: the binary cache every host pulls its closure from. */
export interface DeployCacheInput {
  /** Any store URL `nix copy --to` accepts (s3://, ssh-ng://, file://, https://). */
  url: string;
  /** The key that signs what is pushed: a reference (file or environment variable), never the value. */
  signingKey: SecretRef;
  /** The public half (name:base64): with it, every host trusts the cache and substitutes from it. */
  publicKey?: string;
  /** The URL hosts read the cache from, when not url (e.g. its HTTPS endpoint; default: url). */
  substituter?: string;
}

export type Protocol = 'tcp' | 'udp';

/** A plain number is a TCP port open on every network of the host. */
export type ServicePortInput = number | { port: number; protocols?: Protocol[]; networks?: string[] };

export interface FlakeInputSpec {
  url: string;
  /** Required (with narHash) for a remote input; absent for a path:./ input. */
  rev?: string;
  narHash?: string;
  lastModified?: number;
  /** The input's own inputs → the fleet input each follows. */
  follows?: Record<string, string>;
}

export interface PlatformInput {
  input: string;
  overlays?: string[];
  modules?: string[];
}

export interface NetworkInput {
  description?: string;
  cidr: string;
  gateway?: string;
  dns?: string[];
  vlan?: number;
  mtu?: number;
  dhcp?: { pool?: { start: string; end: string }; leaseSeconds?: number };
}

export interface ServiceInput {
  description?: string;
  raft?: boolean;
  ports?: Record<string, ServicePortInput>;
  health?: { http?: string; port?: string };
  after?: string[];
}

export interface KernelInput {
  params?: string[];
  modules?: string[];
  package?: string;
}

export interface FleetInput {
  name: string;
  description?: string;
  domain: string;
  inputs: Record<string, FlakeInputSpec> & { nixpkgs: FlakeInputSpec; disko: FlakeInputSpec };
  platform?: PlatformInput;
  networks: Record<string, NetworkInput>;
  boot: { http: string; tftp: string; interfaces?: string[]; ipxe?: { bios?: string; uefi?: string; arm64?: string }; menuTimeoutSeconds?: number; server?: string };
  deploy?: { order?: string[]; maxParallel?: number; healthTimeoutSeconds?: number; powerOffDecommissioned?: boolean; firstContact?: 'refuse' | 'accept-new'; cache?: DeployCacheInput; confirmTimeoutSeconds?: number; evaluation?: { workers?: number; maxMemoryMiB?: number } };
  /** Sites: each deploys on its own (own lock and state); a host's site is its `site` label. */
  sites?: string[];
  services?: Record<string, ServiceInput>;
  clusters?: Record<string, { description?: string; bootstrap?: string }>;
  secrets?: Record<string, SecretRef>;
  ssh?: { authorizedKeys?: string[] };
  defaults?: { arch?: Arch; firmware?: Firmware; cluster?: string; timezone?: string; stateVersion?: string };
  firstBoot?: FirstBootInput;
}

export interface FirstBootInput {
  network?: string;
  attempts?: number;
  delaySeconds?: number;
  backoff?: number;
  maxDelaySeconds?: number;
  timeoutSeconds?: number;
  /** Secret names (keys of FleetInput.secrets). */
  joinToken?: string;
  iam?: { service?: string; adminUser?: string; adminPassword: string };
}

export interface ProfileInput {
  name?: string;
  description?: string;
  extends?: string;
  services?: string[];
  modules?: string[];
  kernel?: KernelInput;
  packages?: string[];
  labels?: Record<string, string>;
}

export interface RootInput {
  fs?: Filesystem;
  size?: string;
}

export type LayoutInput =
  | { kind: 'single'; disk: string; esp?: string; swap?: string; root?: RootInput }
  | { kind: 'raid1'; disks: string[]; esp?: string; swap?: string; root?: RootInput }
  | {
      kind: 'zfs';
      disks: string[];
      mode?: 'mirror' | 'raidz1' | 'raidz2' | 'raidz3' | 'stripe';
      pool?: string;
      esp?: string;
      datasets: Record<string, { mount?: string; options?: Record<string, string> }>;
    }
  | {
      kind: 'lvm';
      disk: string;
      esp?: string;
      vg?: string;
      volumes: Record<string, { size: string; fs?: Filesystem; mount?: string; swap?: boolean }>;
    };

export interface InterfaceInput {
  name: string;
  mac: string;
  network: string;
  address?: string;
  boot?: boolean;
  /** Runs this interface's network at this MTU on this host (default: the network's). */
  mtu?: number;
}

export interface BmcInput {
  kind: 'ipmi' | 'redfish';
  address: string;
  port?: number;
  user: string;
  password: SecretRef;
  caFile?: string;
  systemId?: string;
}

export interface HostInput {
  name?: string;
  description?: string;
  profile: string;
  cluster?: string;
  hardware: {
    arch?: Arch;
    firmware?: Firmware;
    disks: Record<string, { device: string; size: string }>;
    layout: LayoutInput;
  };
  interfaces: InterfaceInput[];
  bmc?: BmcInput;
  kernel?: KernelInput;
  labels?: Record<string, string>;
  ssh?: { hostKey?: string; port?: number; user?: string };
  firstBoot?: { bootstrap?: boolean };
}
