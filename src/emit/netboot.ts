// netboot/installer.json and netboot/boot-server.json: the fleet's data for its netboot installers
// (nix/images/netboot.nix: whose keys log in, where sshd listens) and for the boot server that
// builds and serves them (nix/modules/pxe-server.nix: the boot URL, the DHCP interfaces, the TFTP
// names, and which images and iPXE builds the fleet's hosts need). Neither file belongs to a host:
// an installed host never runs the installer again.
import type { Fleet, Host } from '../model/fleet.ts';
import type { Artifact, Emitter } from './artifact.ts';
import { Tally } from '../util/tally.ts';
import { bootedImage, bootedImages } from './boot-layout.ts';

export const INSTALLER_DATA_PATH = 'netboot/installer.json';
export const BOOT_SERVER_DATA_PATH = 'netboot/boot-server.json';

/** What the installer image needs to let `fleetc apply` in: the option values of fleet.netboot. */
export interface InstallerData {
  authorizedKeys: string[];
  /** Where apply will reach a new host's installer: every host's ssh.port and ssh.user. */
  ssh: { ports: number[]; users: string[] };
}

/** The iPXE binary one firmware kind gets over TFTP, and whether any host of the fleet boots with it. */
export interface IpxeNeed {
  file: string;
  needed: boolean;
}

export interface BootServerData {
  http: { url: string; scheme: string; port: number; path: string };
  dhcp: { interfaces: string[] };
  ipxe: { bios: IpxeNeed; uefi: IpxeNeed; arm64: IpxeNeed };
  /** "<profile>/<system>" of every image a host boots. */
  images: string[];
}

export const emitNetboot: Emitter = (fleet) => [json(INSTALLER_DATA_PATH, installerData(fleet)), json(BOOT_SERVER_DATA_PATH, bootServerData(fleet))];

/**
 * emitNetboot after only some hosts changed (fleetc watch): what the files read of each host (its
 * SSH port and user, firmware, architecture, image) is counted over the fleet, kept with the
 * artifacts; a rebuild moves the changed hosts' counts and prints the files from them (the fleet's
 * own settings read anew). The same artifacts when nothing in them changed.
 */
emitNetboot.patch = (previous, fleet, _context, changed) => {
  const [installer, server] = previous;
  if (previous.length !== 2 || installer?.path !== INSTALLER_DATA_PATH || server?.path !== BOOT_SERVER_DATA_PATH) return undefined;
  const kept = hostCounts.get(installer) ?? countHosts(fleet.hosts);
  const moved = fleet.hosts.filter((host) => changed.has(host.name));
  if (kept.byName.size !== fleet.hosts.length || moved.some((host) => !kept.byName.has(host.name))) return undefined;
  for (const host of moved) {
    count(kept, kept.byName.get(host.name)!, -1);
    const now = factsOf(host);
    count(kept, now, 1);
    kept.byName.set(host.name, now);
  }
  const installerNow = json(INSTALLER_DATA_PATH, installerData(fleet, { ports: kept.ports.keys().map(Number), users: kept.users.keys() }));
  const serverNow = json(BOOT_SERVER_DATA_PATH, bootServerData(fleet, { boots: (firmware) => kept.firmware.has(firmware), images: kept.images.keys() }));
  const artifacts = [installerNow.contents === installer.contents ? installer : installerNow, serverNow.contents === server.contents ? server : serverNow];
  hostCounts.set(artifacts[0]!, kept);
  return artifacts;
};

/** What the netboot files read of a host. */
interface NetbootFacts {
  port: string;
  user: string;
  /** bios, uefi or uefi-aarch64: the iPXE build it boots with (bootServerData's three). */
  firmware: string;
  image: string;
}

interface HostCounts {
  byName: Map<string, NetbootFacts>;
  ports: Tally;
  users: Tally;
  firmware: Tally;
  images: Tally;
}

const hostCounts = new WeakMap<Artifact, HostCounts>();

function factsOf(host: Host): NetbootFacts {
  return { port: String(host.ssh.port), user: host.ssh.user, firmware: firmwareOf(host), image: bootedImage(host) };
}

function firmwareOf(host: Host): string {
  return host.firmware === 'bios' ? 'bios' : host.arch === 'aarch64' ? 'uefi-aarch64' : 'uefi';
}

function countHosts(hosts: readonly Host[]): HostCounts {
  const counts: HostCounts = { byName: new Map(), ports: new Tally(), users: new Tally(), firmware: new Tally(), images: new Tally() };
  for (const host of hosts) {
    const facts = factsOf(host);
    counts.byName.set(host.name, facts);
    count(counts, facts, 1);
  }
  return counts;
}

function count(counts: HostCounts, facts: NetbootFacts, by: number): void {
  counts.ports.add(facts.port, by);
  counts.users.add(facts.user, by);
  counts.firmware.add(facts.firmware, by);
  counts.images.add(facts.image, by);
}

/** hosts: the SSH ports and users of the hosts, when counted already (emitNetboot.patch). */
export function installerData(fleet: Fleet, hosts?: { ports: number[]; users: string[] }): InstallerData {
  const ports = [...new Set([22, ...(hosts?.ports ?? fleet.hosts.map((h) => h.ssh.port))])].sort((a, b) => a - b);
  const users = [...new Set(['root', ...(hosts?.users ?? fleet.hosts.map((h) => h.ssh.user))])].sort();
  return { authorizedKeys: fleet.authorizedKeys, ssh: { ports, users } };
}

/** hosts: what it reads of the hosts, when counted already (emitNetboot.patch). */
export function bootServerData(fleet: Fleet, hosts?: { boots: (firmware: string) => boolean; images: string[] }): BootServerData {
  const url = new URL(fleet.boot.http);
  const scheme = url.protocol.replace(/:$/, '');
  const boots = hosts?.boots ?? ((firmware: string) => fleet.hosts.some((h) => firmwareOf(h) === firmware));
  return {
    http: { url: fleet.boot.http, scheme, port: url.port === '' ? (scheme === 'https' ? 443 : 80) : Number(url.port), path: url.pathname.replace(/\/+$/, '') },
    dhcp: { interfaces: fleet.boot.interfaces },
    ipxe: {
      bios: { file: fleet.boot.ipxe.bios, needed: boots('bios') },
      uefi: { file: fleet.boot.ipxe.uefi, needed: boots('uefi') },
      arm64: { file: fleet.boot.ipxe.arm64, needed: boots('uefi-aarch64') },
    },
    images: hosts?.images ?? bootedImages(fleet),
  };
}

function json(path: string, value: unknown): Artifact {
  return { path, kind: 'netboot', contents: `${JSON.stringify(value, null, 2)}\n` };
}
