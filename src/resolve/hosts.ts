// One host: its profile merged in, fleet defaults applied, interfaces and layout normalised.
import type { FleetInput, HostInput, LayoutInput } from '../model/input.ts';
import { canonicalPublicKey } from '../model/ssh-key.ts';
import type { Host, Interface, Layout, Network, Profile } from '../model/fleet.ts';
import { DEFAULT_ESP_SIZE, DEFAULT_ROOT_FS, DEFAULT_VG, DEFAULT_ZFS_POOL } from '../model/layout-defaults.ts';
import { normalizeMac } from '../model/mac.ts';
import { joinLists } from './merge.ts';

export const DEFAULT_CLUSTER = 'main';
export const DEFAULT_TIMEZONE = 'UTC';
export const DEFAULT_STATE_VERSION = '25.05';

export function resolveHost(name: string, input: HostInput, fleet: FleetInput, profile: Profile, networks: Record<string, Network>): Host {
  const defaults = fleet.defaults ?? {};
  const arch = input.hardware.arch ?? defaults.arch ?? 'x86_64';
  const interfaces = input.interfaces.map((nic) => resolveInterface(nic, networks[nic.network]!));
  const gatewayNic = gatewayInterface(interfaces, networks);
  const labels = hostLabels(profile.labels, input.labels);
  const kernelPackage = input.kernel?.package ?? profile.kernel.package;
  return {
    name,
    fqdn: `${name}.${fleet.domain}`,
    domain: fleet.domain,
    ...(input.description !== undefined ? { description: input.description } : {}),
    profile: profile.name,
    profiles: profile.chain,
    cluster: hostCluster(input.cluster, fleet),
    arch,
    firmware: input.hardware.firmware ?? defaults.firmware ?? 'uefi',
    system: `${arch}-linux`,
    services: profile.services,
    modules: profile.modules,
    packages: profile.packages,
    kernel: {
      params: hostList(profile.kernel.params, input.kernel?.params),
      modules: hostList(profile.kernel.modules, input.kernel?.modules),
      ...(kernelPackage !== undefined ? { package: kernelPackage } : {}),
    },
    interfaces,
    ...(gatewayNic ? { gateway: { address: networks[gatewayNic.network]!.gateway!, device: gatewayNic.device } } : {}),
    nameservers: nameservers(interfaces, networks),
    disks: resolveDisks(input.hardware.disks),
    layout: resolveLayout(input.hardware.layout),
    ...(input.bmc
      ? {
          bmc: {
            kind: input.bmc.kind,
            address: input.bmc.address,
            port: input.bmc.port ?? (input.bmc.kind === 'ipmi' ? 623 : 443),
            user: input.bmc.user,
            password: input.bmc.password,
            ...(input.bmc.caFile !== undefined ? { caFile: input.bmc.caFile } : {}),
            ...(input.bmc.systemId !== undefined ? { systemId: input.bmc.systemId } : {}),
          },
        }
      : {}),
    labels,
    ssh: { port: input.ssh?.port ?? 22, user: input.ssh?.user ?? 'root', ...(input.ssh?.hostKey !== undefined ? { hostKey: canonicalPublicKey(input.ssh.hostKey) } : {}) },
    ...(fleet.deploy?.cache?.publicKey !== undefined ? { nixCache: { substituter: fleet.deploy.cache.substituter ?? fleet.deploy.cache.url, publicKey: fleet.deploy.cache.publicKey } } : {}),
    authorizedKeys: fleet.ssh?.authorizedKeys ?? [],
    timezone: defaults.timezone ?? DEFAULT_TIMEZONE,
    stateVersion: defaults.stateVersion ?? DEFAULT_STATE_VERSION,
  };
}

/** The interface the default route leaves by: the first with an address on a network with a gateway, boot interfaces first. */
function gatewayInterface(interfaces: readonly Interface[], networks: Record<string, Network>): Interface | undefined {
  const routes = (nic: Interface) => nic.address !== undefined && networks[nic.network]!.gateway !== undefined;
  return interfaces.find((nic) => nic.boot && routes(nic)) ?? interfaces.find((nic) => !nic.boot && routes(nic));
}

/** The networks' DNS servers, in interface order, each once. */
function nameservers(interfaces: readonly Interface[], networks: Record<string, Network>): string[] {
  const dns: string[] = [];
  for (const nic of interfaces) for (const server of networks[nic.network]!.dns) if (!dns.includes(server)) dns.push(server);
  return dns;
}

function resolveDisks(disks: HostInput['hardware']['disks']): Host['disks'] {
  const out: Host['disks'] = {};
  for (const name of Object.keys(disks)) out[name] = { device: disks[name]!.device, size: disks[name]!.size };
  return out;
}

/** The cluster a host is in: the one its file names, else the fleet's default one. */
export function hostCluster(own: string | undefined, fleet: FleetInput): string {
  return own ?? fleet.defaults?.cluster ?? DEFAULT_CLUSTER;
}

function resolveInterface(nic: HostInput['interfaces'][number], network: Network): Interface {
  const out: Interface = { name: nic.name, mac: normalizeMac(nic.mac), network: network.name, boot: nic.boot ?? false, device: network.vlan === undefined ? nic.name : `${nic.name}.${network.vlan}` };
  if (network.vlan !== undefined) out.vlan = network.vlan;
  const mtu = nic.mtu ?? network.mtu;
  if (mtu !== undefined) out.mtu = mtu;
  if (nic.address !== undefined) {
    out.address = nic.address;
    out.prefixLength = network.prefixLength;
  }
  return out;
}

/**
 * The profile's labels with the host's over them. Hosts share what they would only copy (nobody
 * changes a Host or the parsed data): the host's own labels when the profile has none.
 */
function hostLabels(profile: Record<string, string>, own: Record<string, string> | undefined): Record<string, string> {
  if (own === undefined) return { ...profile };
  return hasKeys(profile) ? { ...profile, ...own } : own;
}

function hasKeys(record: object): boolean {
  for (const key in record) if (Object.hasOwn(record, key)) return true;
  return false;
}

/** The profile's list with the host's items after it, each once; the profile's list itself when the host adds nothing and it has no repeat. */
function hostList(profile: string[], own: string[] | undefined): string[] {
  if (own !== undefined && own.length > 0) return joinLists(profile, own);
  return profile.every((item, i) => profile.indexOf(item) === i) ? profile : joinLists(profile, []);
}

function resolveLayout(layout: LayoutInput): Layout {
  const root = (input: { fs?: 'ext4' | 'xfs' | 'btrfs'; size?: string } | undefined) => ({ fs: input?.fs ?? DEFAULT_ROOT_FS, size: input?.size ?? '100%' });
  switch (layout.kind) {
    case 'single':
      return { kind: 'single', disk: layout.disk, esp: layout.esp ?? DEFAULT_ESP_SIZE, ...(layout.swap ? { swap: layout.swap } : {}), root: root(layout.root) };
    case 'raid1':
      return { kind: 'raid1', disks: layout.disks, esp: layout.esp ?? DEFAULT_ESP_SIZE, ...(layout.swap ? { swap: layout.swap } : {}), root: root(layout.root) };
    case 'zfs':
      return {
        kind: 'zfs',
        disks: layout.disks,
        mode: layout.mode ?? (layout.disks.length > 1 ? 'mirror' : 'stripe'),
        pool: layout.pool ?? DEFAULT_ZFS_POOL,
        esp: layout.esp ?? DEFAULT_ESP_SIZE,
        datasets: Object.fromEntries(Object.entries(layout.datasets).map(([name, d]) => [name, { ...(d.mount !== undefined ? { mount: d.mount } : {}), options: d.options ?? {} }])),
      };
    case 'lvm':
      return {
        kind: 'lvm',
        disk: layout.disk,
        esp: layout.esp ?? DEFAULT_ESP_SIZE,
        vg: layout.vg ?? DEFAULT_VG,
        volumes: Object.fromEntries(Object.entries(layout.volumes).map(([name, v]) => [name, {
          size: v.size,
          ...(v.swap ? {} : { fs: v.fs ?? DEFAULT_ROOT_FS }),
          ...(v.mount !== undefined ? { mount: v.mount } : {}),
          swap: v.swap ?? false,
        }])),
      };
  }
}
