// Defaults of disk layouts, shared by validation (does it fit?) and resolve (the model).
import type { Firmware, LayoutInput } from './input.ts';
import { sizeBytes } from './size.ts';

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

/** Bytes the layout needs on each of its disks at least (the 100% parts count as zero). */
export function minimumBytesPerDisk(layout: LayoutInput, firmware: Firmware): number {
  const boot = sizeBytes(firmware === 'uefi' ? layout.esp ?? DEFAULT_ESP_SIZE : BIOS_BOOT_SIZE) ?? 0;
  switch (layout.kind) {
    case 'single':
    case 'raid1':
      return boot + (layout.swap ? sizeBytes(layout.swap) ?? 0 : 0) + (sizeBytes(layout.root?.size ?? '100%') ?? 0);
    case 'zfs':
      return boot;
    case 'lvm':
      return boot + Object.values(layout.volumes).reduce((sum, volume) => sum + (sizeBytes(volume.size) ?? 0), 0);
  }
}

/** Smallest number of disks each ZFS vdev mode needs. */
export const ZFS_MIN_DISKS: Record<string, number> = { stripe: 1, mirror: 2, raidz1: 2, raidz2: 3, raidz3: 4 };
