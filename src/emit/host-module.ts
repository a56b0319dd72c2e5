// hosts/<host>/default.nix: the host's NixOS module — identity, boot loader, kernel, network, services.
import { createHash } from 'node:crypto';
import type { Fleet, Host, Interface, Service } from '../model/fleet.ts';
import type { Artifact, EmitContext, Emitter } from './artifact.ts';
import { printedBootConfig } from './boot-loader.ts';
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

/** What every host's module says the same way: made once, not per host. */
const FIXED = {
  imports: [nixCode('./disko.nix'), libraryPathFromHost('modules/fleet.nix'), libraryPathFromHost('modules/first-boot.nix')],
  pxeServer: libraryPathFromHost('modules/pxe-server.nix'),
  fleet: { host: nixCode('host'), firstBoot: { configFile: nixCode('./first-boot.json') } },
  services: { 'fleet-pxe': { enable: true, generated: nixCode('../..') } },
  hostName: nixCode('host.name'),
  domain: nixCode('host.domain'),
  nameservers: nixCode('host.nameservers'),
  nixpkgs: { hostPlatform: nixCode('host.system') },
  system: { stateVersion: nixCode('host.stateVersion') },
  time: { timeZone: nixCode('host.timezone') },
};

function renderHostModule(fleet: Fleet, host: Host, context: EmitContext): string {
  const bootServer = fleet.boot.server === host.name;
  const module: Record<string, unknown> = {
    imports: printedImports(host, context, bootServer),
    fleet: FIXED.fleet,
    // The boot server (boot.server) serves this very output: DHCP, iPXE scripts and the netboot images.
    ...(bootServer ? { services: FIXED.services } : {}),
    networking: networking(host),
    nixpkgs: FIXED.nixpkgs,
    system: FIXED.system,
    time: FIXED.time,
    boot: printedBootConfig(host),
    systemd: { network: { links: linkFiles(host.interfaces) } },
    platform: { services: serviceConfigs(fleet, host) },
    ...(host.packages.length > 0 ? { environment: { systemPackages: printedPackages(host.packages) } } : {}),
  };
  const head = `# ${GENERATED_HEADER}\n# NixOS module of host ${host.name} (profile ${host.profile}); its data is in ./host.nix.\n{ lib, pkgs, ... }:\nlet\n  host = import ./host.nix;\nin\n`;
  return nixFile(head, module, { collapsePaths: true });
}

/**
 * The imports list and the packages list, printed once per list of a profile's hosts (their
 * modules and packages come from the profiles): as printing the list in place gives, each line
 * indented where it lands. A few hundred kinds at most; the memo is emptied past that.
 */
const printedLists = new Map<string, NixCode>();

function printedList(key: string, items: () => NixCode[]): NixCode {
  let printed = printedLists.get(key);
  if (!printed) {
    if (printedLists.size >= 1024) printedLists.clear();
    printedLists.set(key, (printed = nixCode(nixValue(items()))));
  }
  return printed;
}

function printedImports(host: Host, context: EmitContext, bootServer: boolean): NixCode {
  const key = `imports\0${bootServer}\0${context.nixDir}\0${host.modules.join('\0')}`;
  return printedList(key, () => [...FIXED.imports, ...(bootServer ? [FIXED.pxeServer] : []), ...host.modules.map((m) => nixPathFromHost(context, m))]);
}

function printedPackages(packages: readonly string[]): NixCode {
  return printedList(`packages\0${packages.join('\0')}`, () => packages.map((p) => nixCode(`pkgs.${p}`)));
}

// Objects are built key by key (no spread copies): thousands of hosts' modules are printed from them.
function networking(host: Host): Record<string, unknown> {
  const config: Record<string, unknown> = { hostName: FIXED.hostName, domain: FIXED.domain };
  if (host.layout.kind === 'zfs') config.hostId = zfsHostId(host.name);
  config.useDHCP = false;
  const interfaces: Record<string, unknown> = {};
  const vlans: Record<string, unknown> = {};
  let anyVlan = false;
  for (const nic of host.interfaces) {
    if (nic.vlan !== undefined) {
      vlans[nic.device] = { id: nic.vlan, interface: nic.name };
      anyVlan = true;
    }
    const settings: Record<string, unknown> = nic.address !== undefined ? { ipv4: { addresses: [{ address: nic.address, prefixLength: nic.prefixLength! }] } } : { useDHCP: true };
    // A NIC's MTU is set by fleetc's own .link file (linkFiles); NixOS's 40-<nic>.link would never
    // apply. A VLAN device matches no fleetc file, so NixOS's 40-<nic>.<vlan>.link sets it.
    if (nic.vlan !== undefined && nic.mtu !== undefined) settings.mtu = nic.mtu;
    interfaces[nic.device] = settings;
  }
  if (anyVlan) config.vlans = vlans;
  config.interfaces = interfaces;
  if (host.gateway) config.defaultGateway = { address: host.gateway.address, interface: host.gateway.device };
  config.nameservers = FIXED.nameservers;
  return config;
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
    const key = `10-${nic.name}`;
    if (links[key] !== undefined) continue;
    const mtu = nicMtu(interfaces, nic.name);
    const linkConfig: Record<string, unknown> = { Name: nic.name };
    if (mtu !== undefined) linkConfig.MTUBytes = String(mtu);
    links[key] = { matchConfig: { PermanentMACAddress: nic.mac }, linkConfig };
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
