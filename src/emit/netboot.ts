// netboot/installer.json and netboot/boot-server.json: the fleet's data for its netboot installers
// (nix/images/netboot.nix: whose keys log in, where sshd listens) and for the boot server that
// builds and serves them (nix/modules/pxe-server.nix: the boot URL, the DHCP interfaces, the TFTP
// names, and which images and iPXE builds the fleet's hosts need). Neither file belongs to a host:
// an installed host never runs the installer again.
import type { Fleet, Host } from '../model/fleet.ts';
import type { Artifact, Emitter } from './artifact.ts';
import { bootedImages } from './boot-layout.ts';

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

export function installerData(fleet: Fleet): InstallerData {
  const ports = [...new Set([22, ...fleet.hosts.map((h) => h.ssh.port)])].sort((a, b) => a - b);
  const users = [...new Set(['root', ...fleet.hosts.map((h) => h.ssh.user)])].sort();
  return { authorizedKeys: fleet.authorizedKeys, ssh: { ports, users } };
}

export function bootServerData(fleet: Fleet): BootServerData {
  const url = new URL(fleet.boot.http);
  const scheme = url.protocol.replace(/:$/, '');
  const boots = (wanted: (host: Host) => boolean) => fleet.hosts.some(wanted);
  return {
    http: { url: fleet.boot.http, scheme, port: url.port === '' ? (scheme === 'https' ? 443 : 80) : Number(url.port), path: url.pathname.replace(/\/+$/, '') },
    dhcp: { interfaces: fleet.boot.interfaces },
    ipxe: {
      bios: { file: fleet.boot.ipxe.bios, needed: boots((h) => h.firmware === 'bios') },
      uefi: { file: fleet.boot.ipxe.uefi, needed: boots((h) => h.firmware === 'uefi' && h.arch === 'x86_64') },
      arm64: { file: fleet.boot.ipxe.arm64, needed: boots((h) => h.firmware === 'uefi' && h.arch === 'aarch64') },
    },
    images: bootedImages(fleet),
  };
}

function json(path: string, value: unknown): Artifact {
  return { path, kind: 'netboot', contents: `${JSON.stringify(value, null, 2)}\n` };
}
