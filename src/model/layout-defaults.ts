// Defaults of disk layouts, shared by validation, resolve and the disk plan.
import type { LayoutInput } from './input.ts';

export const DEFAULT_ESP_SIZE = '1G';
/** GRUB's core image on a GPT disk of a BIOS machine lives in a 1 MiB partition of type EF02. */
export const BIOS_BOOT_SIZE = '1M';
export const DEFAULT_ROOT_FS = 'ext4';
export const DEFAULT_ZFS_POOL = 'rpool';
export const DEFAULT_VG = 'vg0';

/** The disk names a layout uses, in the order it uses them. */
export function layoutDiskNames(layout: LayoutInput): string[] {
  return layout.kind === 'single' || layout.kind === 'lvm' ? [layout.disk] : layout.disks;
}

/** Smallest number of disks each ZFS vdev mode needs. */
export const ZFS_MIN_DISKS: Record<string, number> = { stripe: 1, mirror: 2, raidz1: 2, raidz2: 3, raidz3: 4 };
