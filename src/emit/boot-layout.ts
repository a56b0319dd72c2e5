// Where the boot server serves each file and what a booting host is told: one place for the URL
// layout that the DHCP and iPXE emitters, nix/modules/pxe-server.nix and docs/network-boot.md share.
import type { Fleet, Host, Interface, System } from '../model/fleet.ts';

/** Output directories (under generated/) of the DHCP and iPXE artifacts. */
export const DHCP_DIR = 'dhcp';
export const IPXE_DIR = 'ipxe';

/** The entry script: DHCP hands its URL to iPXE. Served from generated/ipxe/boot.ipxe. */
export function bootScriptUrl(fleet: Fleet): string {
  return `${fleet.boot.http}/boot.ipxe`;
}

/** A MAC's script, relative to generated/ipxe/ and to the HTTP base URL. */
export function hostScriptPath(mac: string): string {
  return `hosts/${mac}.ipxe`;
}

/** The directory URL of a profile's netboot images, one subdirectory per system. */
export function profileImagesUrl(fleet: Fleet, profile: string): string {
  return `${fleet.boot.http}/images/${profile}`;
}

/** The directory URL of a profile's netboot image for one system: it holds `kernel` and `initrd`. */
export function imageUrl(fleet: Fleet, profile: string, system: System): string {
  return `${profileImagesUrl(fleet, profile)}/${system}`;
}

/** Where the machine fetches its first-boot configuration (written by the first-boot emitter). */
export function firstBootUrl(fleet: Fleet, host: Host): string {
  return `${fleet.boot.http}/hosts/${host.name}/first-boot.json`;
}

/** The NIC that PXE-boots the host; validate guarantees exactly one. */
export function bootInterface(host: Host): Interface {
  const nic = host.interfaces.find((candidate) => candidate.boot);
  if (!nic) throw new Error(`emit: host ${host.name} has no boot interface (validate should have refused it)`);
  return nic;
}

/**
 * The host's identity on the kernel command line, then its kernel parameters (profile's, then
 * host's). The command line is world-readable on the booted machine (/proc/cmdline): it carries
 * names and URLs only, never a secret.
 */
export function hostKernelArguments(fleet: Fleet, host: Host): string[] {
  return [
    `systemd.hostname=${host.name}`,
    `fleet.host=${host.name}`,
    `fleet.profile=${host.profile}`,
    `fleet.mac=${bootInterface(host).mac}`,
    `fleet.first-boot=${firstBootUrl(fleet, host)}`,
    ...host.kernel.params,
  ];
}
