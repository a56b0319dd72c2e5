// hosts/<host>/default.nix: the host's NixOS module — identity, boot loader, kernel, network, services.
import { createHash } from 'node:crypto';
import type { Fleet, Host, Interface, Service } from '../model/fleet.ts';
import type { Artifact, EmitContext, Emitter } from './artifact.ts';
import { bootConfig } from './boot-loader.ts';
import { GENERATED_HEADER } from './artifact.ts';
import { nixCode, nixFile, nixValue, type NixCode } from './nix/printer.ts';
import { LIBRARY_DIR } from '../library/index.ts';

export const emitHostModules: Emitter = (fleet, context) =>
  fleet.hosts.map((host): Artifact => ({
    path: `hosts/${host.name}/default.nix`,
    kind: 'nixos',
    host: host.name,
    contents: renderHostModule(fleet, host, context),
  }));
emitHostModules.perHost = true;

/** Path from hosts/<host>/ to a file under the hand-written nix/ directory, as a Nix path literal. */
export function nixPathFromHost(context: EmitContext, relative: string): NixCode {
  return nixCode(`../../${context.nixDir}/${relative}`);
}

/** Path from hosts/<host>/ to a file of fleetc's own Nix, which build writes into generated/fleetc/. */
function libraryPathFromHost(relative: string): NixCode {
  return nixCode(`../../${LIBRARY_DIR}/${relative}`);
}

function renderHostModule(fleet: Fleet, host: Host, context: EmitContext): string {
  const bootServer = fleet.boot.server === host.name;
  const module: Record<string, unknown> = {
    imports: [nixCode('./disko.nix'), libraryPathFromHost('modules/fleet.nix'), libraryPathFromHost('modules/first-boot.nix'), ...(bootServer ? [libraryPathFromHost('modules/pxe-server.nix')] : []), ...host.modules.map((m) => nixPathFromHost(context, m))],
    fleet: { host: nixCode('host'), firstBoot: { configFile: nixCode('./first-boot.json') } },
    // The boot server (boot.server) serves this very output: DHCP, iPXE scripts and the netboot images.
    ...(bootServer ? { services: { 'fleet-pxe': { enable: true, generated: nixCode('../..') } } } : {}),
    networking: {
      hostName: nixCode('host.name'),
      domain: nixCode('host.domain'),
      ...(host.layout.kind === 'zfs' ? { hostId: zfsHostId(host.name) } : {}),
      ...networking(host),
    },
    nixpkgs: { hostPlatform: nixCode('host.system') },
    system: { stateVersion: nixCode('host.stateVersion') },
    time: { timeZone: nixCode('host.timezone') },
    boot: bootConfig(host),
    systemd: { network: { links: linkFiles(host.interfaces) } },
    platform: { services: serviceConfigs(fleet, host) },
    ...(host.packages.length > 0 ? { environment: { systemPackages: host.packages.map((p) => nixCode(`pkgs.${p}`)) } } : {}),
  };
  const head = `# ${GENERATED_HEADER}\n# NixOS module of host ${host.name} (profile ${host.profile}); its data is in ./host.nix.\n{ lib, pkgs, ... }:\nlet\n  host = import ./host.nix;\nin\n`;
  return nixFile(head, module, { collapsePaths: true });
}

function networking(host: Host): Record<string, unknown> {
  const interfaces: Record<string, unknown> = {};
  const vlans: Record<string, unknown> = {};
  for (const nic of host.interfaces) {
    if (nic.vlan !== undefined) vlans[nic.device] = { id: nic.vlan, interface: nic.name };
    interfaces[nic.device] = {
      ...(nic.address !== undefined ? { ipv4: { addresses: [{ address: nic.address, prefixLength: nic.prefixLength! }] } } : { useDHCP: true }),
      // A NIC's MTU is set by fleetc's own .link file (linkFiles); NixOS's 40-<nic>.link would never
      // apply. A VLAN device matches no fleetc file, so NixOS's 40-<nic>.<vlan>.link sets it.
      ...(nic.vlan !== undefined && nic.mtu !== undefined ? { mtu: nic.mtu } : {}),
    };
  }
  return {
    useDHCP: false,
    ...(Object.keys(vlans).length > 0 ? { vlans } : {}),
    interfaces,
    ...(host.gateway ? { defaultGateway: { address: host.gateway.address, interface: host.gateway.device } } : {}),
    nameservers: nixCode('host.nameservers'),
  };
}

/**
 * Pin each NIC's name to its MAC, so eno1 is eno1 whatever order the kernel finds the cards in, and set
 * its MTU here: udev applies only the first matching .link file (systemd.link(5)), and this one, 10-,
 * sorts before NixOS's 40-<nic>.link (nixos/modules/tasks/network-interfaces-scripted.nix), which is
 * the only place NixOS's scripted networking sets an MTU. PermanentMACAddress= matches the NIC alone,
 * not the VLAN devices on it, which share its current MAC but have no permanent one.
 */
function linkFiles(interfaces: readonly Interface[]): Record<string, unknown> {
  const links: Record<string, unknown> = {};
  for (const nic of interfaces) {
    const mtu = nicMtu(interfaces, nic.name);
    links[`10-${nic.name}`] ??= { matchConfig: { PermanentMACAddress: nic.mac }, linkConfig: { Name: nic.name, ...(mtu !== undefined ? { MTUBytes: String(mtu) } : {}) } };
  }
  return links;
}

/**
 * The MTU of a NIC: its untagged network's, else the largest of its VLANs' (a VLAN cannot carry frames
 * larger than its NIC; validate refuses a VLAN larger than the untagged network of its NIC).
 */
export function nicMtu(interfaces: readonly Interface[], name: string): number | undefined {
  const onNic = interfaces.filter((i) => i.name === name);
  const untagged = onNic.find((i) => i.vlan === undefined);
  if (untagged) return untagged.mtu;
  const mtus = onNic.flatMap((i) => (i.mtu !== undefined ? [i.mtu] : []));
  return mtus.length > 0 ? Math.max(...mtus) : undefined;
}

/**
 * Each service's configuration, printed: it depends on the service, the host's services and its
 * NICs' networks and devices only, so hosts alike share one printed text (most of the module).
 * The text is what printing the configuration in place gives: printed at no indentation, each line
 * indented where it lands, and never a dotted path (a configuration has two keys or more).
 */
function serviceConfigs(fleet: Fleet, host: Host): Record<string, NixCode> {
  const key = `${host.services.join('\0')}\n${host.interfaces.map((nic) => `${nic.network}\0${nic.device}`).join('\n')}`;
  const configs: Record<string, NixCode> = {};
  for (const name of host.services) {
    const service = fleet.services[name]!;
    let byHost = printedServices.get(service);
    if (!byHost) printedServices.set(service, (byHost = new Map()));
    let printed = byHost.get(key);
    if (!printed) byHost.set(key, (printed = nixCode(nixValue(serviceConfig(service, host), { collapsePaths: true }))));
    configs[name] = printed;
  }
  return configs;
}

/** Printed service configurations by service, then by what of a host they depend on. */
const printedServices = new WeakMap<Service, Map<string, NixCode>>();

/**
 * Ordering dependencies count only between services that run on the same host. Each port lists the
 * host's devices it is opened on: those on its networks, or every device without a networks list.
 */
function serviceConfig(service: Service, host: Host): Record<string, unknown> {
  const after = service.after.filter((dependency) => host.services.includes(dependency));
  const ports = Object.fromEntries(Object.entries(service.ports).map(([name, spec]) => [name, {
    port: spec.port,
    protocols: spec.protocols,
    interfaces: [...new Set(host.interfaces.filter((nic) => !spec.networks || spec.networks.includes(nic.network)).map((nic) => nic.device))],
  }]));
  return { enable: true, ...(service.description !== undefined ? { description: service.description } : {}), ports, ...(after.length > 0 ? { after } : {}) };
}

/** ZFS refuses to import a pool written by another host id: derive a stable one from the name. */
export function zfsHostId(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 8);
}
