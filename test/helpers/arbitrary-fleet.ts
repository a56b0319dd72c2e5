// fast-check arbitraries for valid fleets: every layout kind, firmware and arch, hostile strings in
// free-text fields. Written as YAML through the yaml library, so quoting is never the test's problem.
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { FleetFiles } from './fleet.ts';

/** Strings an operator could paste into a label or description: quotes, ${, backslashes, newlines, unicode. */
export const hostileString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('${pkgs.hello}', '"; rm -rf / #', "it's", 'back\\slash', 'line\none', 'tab\there', '$${x}', 'a\r\nb', '☃ é 日本', '\\${', '\u007f', '"\\"'),
).filter((s) => !s.includes('\0'));

// Kernel params that every format can carry (iPXE has no quoting: validate rejects ${, #…, ;, && and ||).
const kernelParam = fc.constantFrom('console=tty0', 'quiet', 'iommu=pt', 'nvme_core.default_ps_max_latency_us=0', 'panic=30', 'loglevel=4', 'a,b=c:d', 'x=$y', 'p=}{');

const layoutKinds = ['single', 'raid1', 'zfs', 'lvm'] as const;

interface HostShape {
  suffix: string;
  profile: 'control-plane' | 'worker';
  firmware: 'uefi' | 'bios';
  aarch64: boolean;
  layout: (typeof layoutKinds)[number];
  labels: Record<string, string>;
  description: string;
  kernelParams: string[];
  storage: boolean;
  bmc: 'none' | 'ipmi' | 'redfish';
  cluster: 'main' | 'east';
}

const hostShape: fc.Arbitrary<HostShape> = fc.record({
  suffix: fc.stringMatching(/^[a-z0-9]{0,6}$/),
  profile: fc.constantFrom('control-plane', 'worker'),
  firmware: fc.constantFrom('uefi', 'bios'),
  aarch64: fc.boolean(),
  layout: fc.constantFrom(...layoutKinds),
  labels: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9.-]{0,8}[a-z0-9]$/), hostileString, { maxKeys: 3 }),
  description: hostileString,
  kernelParams: fc.uniqueArray(kernelParam, { maxLength: 3 }),
  storage: fc.boolean(),
  bmc: fc.constantFrom('none', 'ipmi', 'redfish'),
  cluster: fc.constantFrom('main', 'east'),
});

export interface ArbitraryFleetOptions {
  maxHosts?: number;
  /** Two clusters (main and east), each host in one of them. */
  clusters?: boolean;
  /** Maybe a boot server that is a host of the fleet (boot.server: the first host, at its address). */
  bootServer?: boolean;
}

/** A whole valid fleet directory as files. */
export function arbitraryFleet(options: ArbitraryFleetOptions = {}): fc.Arbitrary<FleetFiles> {
  return fc
    .record({
      hosts: fc.array(hostShape, { minLength: 1, maxLength: options.maxHosts ?? 8 }),
      baseParams: fc.uniqueArray(kernelParam, { maxLength: 2 }),
      profileDescription: hostileString,
      fleetDescription: hostileString,
      withPool: fc.boolean(),
      withServer: options.bootServer ? fc.boolean() : fc.constant(false),
    })
    .map(({ hosts, baseParams, profileDescription, fleetDescription, withPool, withServer }) => {
      const names = hosts.map((shape, i) => `h${i}${shape.suffix ? `-${shape.suffix}` : ''}`);
      const files: FleetFiles = {
        'fleet.yaml': stringify({
          name: 'arb',
          description: fleetDescription,
          domain: 'arb.test',
          inputs: {
            nixpkgs: { url: 'github:NixOS/nixpkgs/nixos-26.05', rev: '7c8764b7c7b09b34f632464276218ef9090eaa11', narHash: 'sha256-MWhktfFtFE8Jl7bf9Pkp7TR5MSdYCjCswSo0Gkb4ywc=', lastModified: 1791426274 },
            disko: { url: 'github:nix-community/disko', rev: 'de5708739256238fb912c62f03988815db89ec9a', narHash: 'sha256-CNzzBsRhq7gg4BMBuTDObiWDH/rFYHEuDRVOwCcwXw4=', lastModified: 1768920986 },
          },
          networks: {
            prov: { cidr: '10.60.0.0/24', gateway: '10.60.0.1', dns: ['10.60.0.2'], dhcp: withPool ? { pool: { start: '10.60.0.200', end: '10.60.0.250' } } : {} },
            storage: { cidr: '10.61.0.0/24', vlan: 61, mtu: 9000 },
          },
          boot: withServer ? { http: 'http://10.60.0.10:8080/boot', tftp: '10.60.0.10', server: names[0] } : { http: 'http://10.60.0.2:8080/boot', tftp: '10.60.0.2' },
          services: {
            chainfire: { raft: true, ports: { api: 2379, raft: 2380 } },
            novanet: { ports: { api: 7080 } },
          },
          defaults: { cluster: 'main' },
          ...(options.clusters ? { clusters: { main: {}, east: {} } } : {}),
        }),
        'profiles/base.yaml': stringify({ description: profileDescription, modules: ['profiles/base.nix'], kernel: { params: baseParams } }),
        'profiles/control-plane.yaml': stringify({ extends: 'base', services: ['chainfire', 'novanet'] }),
        'profiles/worker.yaml': stringify({ extends: 'base', services: ['novanet'], labels: { tier: 'compute' } }),
      };
      hosts.forEach((shape, i) => {
        files[`hosts/${names[i]}.yaml`] = stringify({ ...hostYaml(shape, i), ...(options.clusters ? { cluster: shape.cluster } : {}) });
      });
      return files;
    });
}

function hostYaml(shape: HostShape, i: number): Record<string, unknown> {
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  const disks = { a: { device: `/dev/disk/by-id/nvme-a${i}`, size: '500G' }, b: { device: `/dev/disk/by-id/nvme-b${i}`, size: '500G' } };
  const layouts: Record<string, unknown> = {
    single: { kind: 'single', disk: 'a', swap: '4G', root: { fs: 'ext4' } },
    raid1: { kind: 'raid1', disks: ['a', 'b'], root: { fs: 'xfs', size: '100G' } },
    zfs: { kind: 'zfs', disks: ['a', 'b'], datasets: { root: { mount: '/' }, nix: { mount: '/nix', options: { atime: 'off' } } } },
    lvm: { kind: 'lvm', disk: 'a', volumes: { root: { size: '50G', mount: '/' }, swap: { size: '4G', swap: true }, data: { size: '100%', fs: 'xfs', mount: '/data' } } },
  };
  const interfaces: Record<string, unknown>[] = [{ name: 'eno1', mac: `52:54:00:aa:00:${hex(i)}`, network: 'prov', address: `10.60.0.${10 + i}`, boot: true }];
  if (shape.storage) interfaces.push({ name: 'eno2', mac: `52:54:00:bb:00:${hex(i)}`, network: 'storage', address: `10.61.0.${10 + i}` });
  return {
    description: shape.description,
    profile: shape.profile,
    hardware: {
      arch: shape.aarch64 ? 'aarch64' : 'x86_64',
      firmware: shape.aarch64 ? 'uefi' : shape.firmware,
      disks,
      layout: layouts[shape.layout],
    },
    interfaces,
    ...(shape.bmc === 'none' ? {} : { bmc: { kind: shape.bmc, address: `10.62.0.${10 + i}`, user: 'admin', password: { file: `/run/secrets/bmc-${i}` } } }),
    ...(shape.kernelParams.length ? { kernel: { params: shape.kernelParams } } : {}),
    labels: shape.labels,
  };
}
