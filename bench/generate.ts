// Synthetic but realistic fleets for the benchmark: clusters of ~100 hosts (3 Raft voters each),
// mixed profiles, networks, disk layouts and BMCs, ~30 YAML lines per host, deterministic from a seed.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** mulberry32: a small, fast, seedable PRNG; the same seed gives the same fleet on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticFleet {
  /** Files relative to the fleet directory. */
  files: Map<string, string>;
  /** Host file paths (relative to the fleet directory), in generation order. */
  hostFiles: string[];
}

const CLUSTER_SIZE = 100;
const ROLES = ['worker', 'worker', 'worker', 'storage', 'gpu'] as const;

export function generateFleet(hosts: number, seed = 1): SyntheticFleet {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const clusters = Math.max(1, Math.ceil(hosts / CLUSTER_SIZE));
  const files = new Map<string, string>();
  files.set('fleet.yaml', fleetYaml(clusters));
  for (const [name, text] of Object.entries(PROFILES)) files.set(`profiles/${name}.yaml`, text);
  const hostFiles: string[] = [];
  for (let i = 0; i < hosts; i++) {
    const cluster = Math.floor(i / CLUSTER_SIZE);
    const inCluster = i % CLUSTER_SIZE;
    const role = inCluster < 3 ? 'control-plane' : pick(ROLES);
    const short = role === 'control-plane' ? 'cp' : role === 'worker' ? 'wk' : role === 'storage' ? 'st' : 'gpu';
    const name = `c${String(cluster).padStart(3, '0')}-${short}-${inCluster}`;
    const file = `hosts/c${String(cluster).padStart(3, '0')}/${name}.yaml`;
    files.set(file, hostYaml(i, name, `c${String(cluster).padStart(3, '0')}`, role, random, pick));
    hostFiles.push(file);
  }
  return { files, hostFiles };
}

export function writeFleet(dir: string, fleet: SyntheticFleet): void {
  const made = new Set<string>();
  for (const [rel, text] of fleet.files) {
    const file = path.join(dir, rel);
    const parent = path.dirname(file);
    if (!made.has(parent)) mkdirSync(parent, { recursive: true });
    made.add(parent);
    writeFileSync(file, text);
  }
}

/** A small, realistic edit of a host: a label changes (the file keeps its line count). */
export function editHost(text: string, tag: string): string {
  return text.replace(/labels: \{ rack: ([^,]+),/, `labels: { rack: $1-${tag},`);
}

/** A shared-profile edit: the gpu profile gains a package (every gpu host changes). */
export function editProfile(text: string): string {
  return text.replace('packages: [nvtop]', 'packages: [nvtop, pciutils]');
}

function hex(n: number, bytes: number): string {
  const out: string[] = [];
  for (let b = bytes - 1; b >= 0; b--) out.push(((n >>> (8 * b)) & 0xff).toString(16).padStart(2, '0'));
  return out.join(':');
}

function address(base: number, i: number): string {
  // 250 hosts per /24, starting at .1 of the second /24 of each /16 network.
  return `10.${base}.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;
}

function hostYaml(i: number, name: string, cluster: string, role: string, random: () => number, pick: <T>(items: readonly T[]) => T): string {
  const aarch64 = role === 'gpu' && random() < 0.3;
  const firmware = aarch64 ? 'uefi' : random() < 0.2 ? 'bios' : 'uefi';
  const vendor = pick(['SAMSUNG_MZQL2960HCJR', 'INTEL_SSDPF2KX038T', 'MICRON_7450_MTFDKCC', 'KIOXIA_KCD81RUG1T92']);
  const disk = (letter: string) => `/dev/disk/by-id/nvme-${vendor}-${letter}${i.toString(36)}`;
  const lines: string[] = [
    '# yaml-language-server: $schema=../../../schema/host.schema.json',
    `description: ${pick(['Dell R650', 'Dell R750', 'HPE DL360', 'Supermicro SYS-120', 'Lenovo SR630'])}, rack r${(i % 40) + 1} U${(i % 42) + 1}`,
    `profile: ${role}`,
    `cluster: ${cluster}`,
    'hardware:',
    ...(aarch64 ? ['  arch: aarch64'] : []),
    `  firmware: ${firmware}`,
    '  disks:',
  ];
  if (role === 'control-plane') {
    lines.push(`    a: { device: ${disk('a')}, size: 894G }`, `    b: { device: ${disk('b')}, size: 894G }`);
    lines.push('  layout:', '    kind: raid1', '    disks: [a, b]', '    swap: 8G', '    root: { fs: xfs }');
  } else if (role === 'storage') {
    lines.push(`    os: { device: ${disk('o')}, size: 480G }`, `    d1: { device: ${disk('d')}, size: 7T }`, `    d2: { device: ${disk('e')}, size: 7T }`);
    lines.push('  layout:', '    kind: zfs', '    disks: [d1, d2]', '    mode: mirror', '    datasets:', '      root: { mount: / }', '      nix: { mount: /nix, options: { atime: "off" } }', '      data: { mount: /srv/data }');
  } else if (random() < 0.5) {
    lines.push(`    main: { device: ${disk('m')}, size: 1920G }`);
    lines.push('  layout:', '    kind: lvm', '    disk: main', '    volumes:', '      root: { size: 100G, mount: / }', '      swap: { size: 16G, swap: true }', '      data: { size: 100%, fs: xfs, mount: /var/lib }');
  } else {
    lines.push(`    main: { device: ${disk('m')}, size: 960G }`);
    lines.push('  layout:', '    kind: single', '    disk: main', '    esp: 1G', '    swap: 16G', '    root: { fs: ext4 }');
  }
  lines.push(
    'interfaces:',
    `  - { name: eno1, mac: "52:54:00:${hex(i, 3)}", network: prov, address: ${address(0, i)}, boot: true }`,
    `  - { name: eno2, mac: "52:54:01:${hex(i, 3)}", network: storage, address: ${address(1, i)} }`,
  );
  if (role !== 'control-plane') lines.push(`  - { name: eno2, mac: "52:54:01:${hex(i, 3)}", network: data, address: ${address(2, i)} }`);
  const redfish = random() < 0.6;
  lines.push('bmc:', `  kind: ${redfish ? 'redfish' : 'ipmi'}`, `  address: ${address(3, i)}`, '  user: fleetc', `  password: { file: /run/secrets/bmc/${name} }`);
  if (redfish) lines.push('  caFile: /etc/fleetc/bmc-ca.pem');
  if (random() < 0.3) lines.push('kernel:', `  params: [${pick(['"console=ttyS0,115200"', 'nvme_core.default_ps_max_latency_us=0', 'iommu=pt'])}]`);
  lines.push(`labels: { rack: r${(i % 40) + 1}, unit: u${(i % 42) + 1}, row: ${pick(['a', 'b', 'c', 'd'])} }`);
  return `${lines.join('\n')}\n`;
}

const PROFILES: Record<string, string> = {
  base: [
    '# yaml-language-server: $schema=../../schema/profile.schema.json',
    'description: What every machine of the fleet runs',
    'modules: [profiles/base.nix]',
    'kernel:',
    '  params: [console=tty0]',
    'packages: [htop, tcpdump, iperf3, smartmontools, ipmitool]',
    'labels:',
    '  managed-by: fleetc',
    '',
  ].join('\n'),
  'control-plane': [
    'description: Raft voters of chainfire and flaredb, and every platform service',
    'extends: base',
    'services: [chainfire, flaredb, novanet, plasmavmc, fiberlb, flashdns, lightningstor, k8shost]',
    'modules: [profiles/control-plane.nix]',
    'labels: { tier: control }',
    '',
  ].join('\n'),
  worker: [
    'description: Compute nodes',
    'extends: base',
    'services: [novanet, plasmavmc]',
    'modules: [profiles/worker.nix]',
    'kernel: { params: [iommu=pt], modules: [vfio-pci] }',
    'labels: { tier: compute }',
    '',
  ].join('\n'),
  storage: [
    'description: Object storage nodes',
    'extends: base',
    'services: [novanet, lightningstor]',
    'modules: [profiles/worker.nix]',
    'labels: { tier: storage }',
    '',
  ].join('\n'),
  gpu: [
    'description: GPU compute nodes',
    'extends: worker',
    'packages: [nvtop]',
    'kernel: { params: [pci=realloc] }',
    'labels: { tier: gpu }',
    '',
  ].join('\n'),
};

function fleetYaml(clusters: number): string {
  const clusterLines: string[] = [];
  for (let c = 0; c < clusters; c++) clusterLines.push(`  c${String(c).padStart(3, '0')}: { bootstrap: c${String(c).padStart(3, '0')}-cp-0 }`);
  return `# yaml-language-server: $schema=../schema/fleet.schema.json
name: bench
description: A synthetic fleet for the fleetc benchmark
domain: bench.example.net
inputs:
  nixpkgs: { url: "github:NixOS/nixpkgs/nixos-26.05", rev: "7c8764b7c7b09b34f632464276218ef9090eaa11", narHash: "sha256-MWhktfFtFE8Jl7bf9Pkp7TR5MSdYCjCswSo0Gkb4ywc=", lastModified: 1791426274 }
  disko: { url: "github:nix-community/disko", rev: "de5708739256238fb912c62f03988815db89ec9a", narHash: "sha256-CNzzBsRhq7gg4BMBuTDObiWDH/rFYHEuDRVOwCcwXw4=", lastModified: 1768920986 }
networks:
  prov:
    cidr: 10.0.0.0/16
    gateway: 10.0.0.1
    dns: [10.0.0.2, 10.0.0.3]
    dhcp:
      pool: { start: 10.0.250.1, end: 10.0.254.254 }
  storage: { cidr: 10.1.0.0/16, vlan: 30, mtu: 9000 }
  data: { cidr: 10.2.0.0/16, vlan: 40 }
boot: { http: "http://10.0.0.2:8080/boot", tftp: 10.0.0.2 }
deploy:
  order: [control-plane, storage, gpu, worker]
  maxParallel: 20
services:
  chainfire: { raft: true, ports: { api: 2379, raft: 2380 }, health: { http: /health, port: api } }
  flaredb: { raft: true, ports: { api: 2479, raft: 2480 }, health: { http: /health, port: api }, after: [chainfire] }
  plasmavmc: { ports: { api: 7070 }, health: { http: /health }, after: [novanet] }
  novanet: { ports: { api: 7080 }, health: { http: /health } }
  fiberlb: { ports: { api: 7090 }, after: [novanet] }
  flashdns: { ports: { api: 7100, dns: 53 }, health: { http: /health, port: api }, after: [flaredb] }
  lightningstor: { ports: { api: 7110, s3: 9000 }, health: { http: /health, port: api }, after: [flaredb] }
  k8shost: { ports: { api: 6443 }, health: { http: /readyz }, after: [chainfire, flaredb] }
clusters:
${clusterLines.join('\n')}
secrets:
  iamAdminPassword: { file: /run/secrets/iam-admin-password }
ssh:
  authorizedKeys:
    - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOq7gq0cZ0fS6xPp3kVYd9bJm2QnL1wR5tU8eA4hK3sD ops@bench
defaults: { arch: x86_64, firmware: uefi, timezone: UTC, stateVersion: "25.05" }
`;
}
