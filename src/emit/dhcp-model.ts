// The DHCP view of the fleet, shared by the dhcpd and Kea emitters: the subnets fleetc's DHCP server
// serves, one reservation per host interface on them, and the boot-file decision table.
import type { Fleet, Host, Network } from '../model/fleet.ts';
import { ipv4ToInt } from '../model/ipv4.ts';

/** DHCP option 93 (client system architecture) values that pick an iPXE binary; anything else is BIOS. */
export const PXE_ARCH = {
  /** x86 BIOS. */
  bios: 0x0000,
  /** x86_64 UEFI (EFI BC, and EFI x86-64 as some firmware sends it). */
  uefiX64: [0x0007, 0x0009],
  /** aarch64 UEFI. */
  uefiArm64: 0x000b,
} as const;

/** What iPXE sends to identify itself: user-class "iPXE" (option 77) or its encapsulated options (175). */
export const IPXE_USER_CLASS = 'iPXE';
export const IPXE_ENCAP_OPTION = 175;

export interface Reservation {
  /** Unique name of the reservation: <host>.<device>. */
  name: string;
  host: string;
  /** The hostname handed to the client (option 12). */
  hostName: string;
  mac: string;
  /** Absent when the interface takes an address from the pool. */
  address?: string;
  network: string;
}

export interface Subnet {
  network: Network;
  /** Network address (a.b.c.d of the CIDR). */
  address: string;
  /** Stable Kea subnet id: the first address of the subnet as an unsigned 32-bit integer. */
  id: number;
  pool?: { start: string; end: string };
  leaseSeconds: number;
  reservations: Reservation[];
}

/** Networks that have a DHCP server, sorted by name, each with the reservations of its interfaces. */
export function dhcpSubnets(fleet: Fleet, hosts: readonly Host[] = fleet.hosts): Subnet[] {
  return Object.values(fleet.networks)
    .filter((network) => network.dhcp !== undefined)
    .map((network) => {
      const address = network.cidr.split('/')[0]!;
      return {
        network,
        address,
        id: ipv4ToInt(address) + 1,
        ...(network.dhcp!.pool ? { pool: network.dhcp!.pool } : {}),
        leaseSeconds: network.dhcp!.leaseSeconds,
        reservations: hosts.flatMap((host) => hostReservations(host, network.name)),
      };
    });
}

/** Every interface of the host on the given network (a NIC may carry several networks). */
export function hostReservations(host: Host, network: string): Reservation[] {
  // Called per host and network by both DHCP emitters: one pass, and no array for a network the host is not on.
  let reservations: Reservation[] | undefined;
  for (const nic of host.interfaces) {
    if (nic.network !== network) continue;
    const name = `${host.name}.${nic.device}`;
    (reservations ??= []).push(nic.address !== undefined ? { name, host: host.name, hostName: host.name, mac: nic.mac, address: nic.address, network } : { name, host: host.name, hostName: host.name, mac: nic.mac, network });
  }
  return reservations ?? [];
}
