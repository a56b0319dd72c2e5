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

/**
 * The directory URL of a profile's netboot image for one system: the image's own iPXE script
 * (IMAGE_SCRIPT), its kernel and its initrd, as nix/images/netboot.nix publishes them.
 */
export function imageUrl(fleet: Fleet, profile: string, system: System): string {
  return `${profileImagesUrl(fleet, profile)}/${system}`;
}

/**
 * The script each image publishes (nix/images/netboot-ipxe.nix): it loads the image's kernel with
 * the image's own command line (init=, boot.kernelParams) followed by the iPXE setting
 * IMAGE_CMDLINE_SETTING, which fleetc's scripts set before they chain to it.
 */
export const IMAGE_SCRIPT = 'netboot.ipxe';

/** The setting an image's script appends to its command line; NixOS's own netboot.ipxe reads the same one. */
export const IMAGE_CMDLINE_SETTING = 'cmdline';

/** The (profile, system) pairs the fleet's hosts boot, as "<profile>/<system>", sorted. */
export function bootedImages(fleet: Fleet): string[] {
  return [...new Set(fleet.hosts.map(bootedImage))].sort();
}

/** The image a host boots, as "<profile>/<system>". */
export function bootedImage(host: Host): string {
  return `${host.profile}/${host.system}`;
}

/** The NIC that PXE-boots the host; validate guarantees exactly one. */
export function bootInterface(host: Host): Interface {
  const nic = host.interfaces.find((candidate) => candidate.boot);
  if (!nic) throw new Error(`emit: host ${host.name} has no boot interface (validate should have refused it)`);
  return nic;
}

/**
 * What the host script adds to the image's command line: the host's identity (its hostname, and
 * fleet.host/profile/mac, which say on the console and in /proc/cmdline which machine the installer
 * booted as), then its kernel parameters (profile's, then host's). The command line is
 * world-readable on the booted machine: names only, never a secret.
 */
export function hostKernelArguments(host: Host): string[] {
  return [`systemd.hostname=${host.name}`, `fleet.host=${host.name}`, `fleet.profile=${host.profile}`, `fleet.mac=${bootInterface(host).mac}`, ...host.kernel.params];
}
