// What each disk of a layout carries, in the order disko creates it: the one description that the
// disko emitter renders, the boot loader reads and the fit check measures, so they cannot disagree.
import type { Filesystem, Firmware, LayoutInput } from './input.ts';
import { BIOS_BOOT_SIZE, DEFAULT_ESP_SIZE, DEFAULT_ROOT_FS, DEFAULT_VG, DEFAULT_ZFS_POOL, layoutDiskNames } from './layout-defaults.ts';
import { REST } from './size.ts';

/** A path inside hardware.layout of the host file: where a size was written (empty: a default). */
export type LayoutPath = (string | number)[];

export type PartitionContent =
  | { kind: 'esp'; mount: string; mountOptions: string[] }
  | { kind: 'bios-boot' }
  | { kind: 'boot'; mount: string; mountOptions: string[] }
  | { kind: 'swap'; randomEncryption: boolean }
  | { kind: 'filesystem'; fs: Filesystem; mount: string }
  | { kind: 'md-member'; array: string }
  | { kind: 'zfs-member'; pool: string }
  | { kind: 'lvm-pv'; vg: string };

export interface PlannedPartition {
  /** disko's partition name; the GPT label is disk-<disk>-<name>. */
  name: string;
  /** 512M, 1G, … or 100% for the rest of the disk. */
  size: string;
  /** sgdisk type code. */
  typeCode: string;
  /** disko's priority: partitions are created in this order, the 100% one last. */
  priority: number;
  content: PartitionContent;
  /** Where the size is written in hardware.layout. */
  at: LayoutPath;
}

export interface PlannedDisk {
  name: string;
  partitions: PlannedPartition[];
}

/** An md RAID1 array over one partition of every disk, holding a file system. */
export interface PlannedArray {
  name: string;
  fs: Filesystem;
  mount: string;
}

export interface PlannedVolume {
  name: string;
  size: string;
  content: { kind: 'swap' } | { kind: 'filesystem'; fs: Filesystem; mount?: string };
  at: LayoutPath;
}

export interface PlannedVolumeGroup {
  name: string;
  /** In the order lvcreate runs: fixed sizes by name, then the one that takes the rest. */
  volumes: PlannedVolume[];
}

export interface PlannedPool {
  name: string;
  mode: 'mirror' | 'raidz1' | 'raidz2' | 'raidz3' | 'stripe';
  datasets: Record<string, { mount?: string; options: Record<string, string> }>;
}

export interface LayoutPlan {
  disks: PlannedDisk[];
  mdadm: PlannedArray[];
  volumeGroup?: PlannedVolumeGroup;
  pool?: PlannedPool;
}

/** GPT type codes (sgdisk's short codes). Members of md, ZFS and LVM keep disko's default, 8300. */
export const TYPE_CODES = { esp: 'EF00', biosBoot: 'EF02', linux: '8300', swap: '8200' } as const;

// Creation order by role; the partition that takes the rest of the disk always comes last.
const PRIORITY = { boot: 1, bootFs: 2, swap: 2, lvm: 2, data: 3 } as const;

/**
 * The boot partitions' mount points: the first disk's at /boot, every other disk's at
 * /boot-<disk>, each a complete boot loader of its own (see docs/disks.md).
 */
export function bootMountPoint(diskIndex: number, disk: string): string {
  return diskIndex === 0 ? '/boot' : `/boot-${disk}`;
}

export function planLayout(layout: LayoutInput, firmware: Firmware): LayoutPlan {
  const disks = layoutDiskNames(layout);
  const uefi = firmware === 'uefi';
  const multiDisk = disks.length > 1;
  // With several disks each carries its own boot partition; a dead disk's must not stop the boot.
  const bootMountOptions = (options: string[]) => (multiDisk ? [...options, 'nofail'] : options);
  const espAt: LayoutPath = layout.esp !== undefined ? ['esp'] : [];
  const esp = layout.esp ?? DEFAULT_ESP_SIZE;
  const bootPartitions = (disk: string, index: number, withBootFs: boolean): PlannedPartition[] =>
    uefi
      ? [{ name: 'ESP', size: esp, typeCode: TYPE_CODES.esp, priority: PRIORITY.boot, content: { kind: 'esp', mount: bootMountPoint(index, disk), mountOptions: bootMountOptions(['umask=0077']) }, at: espAt }]
      : [
          { name: 'boot', size: BIOS_BOOT_SIZE, typeCode: TYPE_CODES.biosBoot, priority: PRIORITY.boot, content: { kind: 'bios-boot' }, at: [] },
          ...(withBootFs
            ? [{ name: 'bootfs', size: esp, typeCode: TYPE_CODES.linux, priority: PRIORITY.bootFs, content: { kind: 'boot', mount: bootMountPoint(index, disk), mountOptions: bootMountOptions([]) }, at: espAt } satisfies PlannedPartition]
            : []),
        ];
  const swapPartition = (size: string | undefined, randomEncryption: boolean): PlannedPartition[] =>
    size ? [{ name: 'swap', size, typeCode: TYPE_CODES.swap, priority: PRIORITY.swap, content: { kind: 'swap', randomEncryption }, at: ['swap'] }] : [];
  const rootAt = (root: { size?: string } | undefined): LayoutPath => (root?.size !== undefined ? ['root', 'size'] : root ? ['root'] : []);

  switch (layout.kind) {
    case 'single':
      return {
        disks: [{
          name: layout.disk,
          partitions: [
            ...bootPartitions(layout.disk, 0, false),
            ...swapPartition(layout.swap, false),
            { name: 'root', size: layout.root?.size ?? REST, typeCode: TYPE_CODES.linux, priority: PRIORITY.data, content: { kind: 'filesystem', fs: layout.root?.fs ?? DEFAULT_ROOT_FS, mount: '/' }, at: rootAt(layout.root) },
          ],
        }],
        mdadm: [],
      };
    case 'raid1':
      return {
        disks: disks.map((disk, i) => ({
          name: disk,
          partitions: [
            ...bootPartitions(disk, i, false),
            // Swap is not mirrored: each disk swaps on its own, encrypted with a key made at boot.
            ...swapPartition(layout.swap, true),
            { name: 'root', size: layout.root?.size ?? REST, typeCode: TYPE_CODES.linux, priority: PRIORITY.data, content: { kind: 'md-member', array: 'root' }, at: rootAt(layout.root) },
          ],
        })),
        mdadm: [{ name: 'root', fs: layout.root?.fs ?? DEFAULT_ROOT_FS, mount: '/' }],
      };
    case 'zfs': {
      const pool = layout.pool ?? DEFAULT_ZFS_POOL;
      return {
        disks: disks.map((disk, i) => ({
          name: disk,
          partitions: [
            // GRUB cannot be trusted to read a pool with every feature enabled: BIOS keeps /boot out of it.
            ...bootPartitions(disk, i, true),
            { name: 'zfs', size: REST, typeCode: TYPE_CODES.linux, priority: PRIORITY.data, content: { kind: 'zfs-member', pool }, at: [] },
          ],
        })),
        mdadm: [],
        pool: {
          name: pool,
          mode: layout.mode ?? (disks.length > 1 ? 'mirror' : 'stripe'),
          datasets: Object.fromEntries(Object.entries(layout.datasets).map(([name, d]) => [name, { ...(d.mount !== undefined ? { mount: d.mount } : {}), options: d.options ?? {} }])),
        },
      };
    }
    case 'lvm': {
      const vg = layout.vg ?? DEFAULT_VG;
      const volumes = Object.entries(layout.volumes).map(([name, v]): PlannedVolume => ({
        name,
        size: v.size,
        content: v.swap ? { kind: 'swap' } : { kind: 'filesystem', fs: v.fs ?? DEFAULT_ROOT_FS, ...(v.mount !== undefined ? { mount: v.mount } : {}) },
        at: ['volumes', name, 'size'],
      }));
      // disko sorts volumes by priority (the 100% one last), keeping name order among equals.
      const byName = (a: PlannedVolume, b: PlannedVolume) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
      return {
        disks: [{
          name: layout.disk,
          partitions: [
            ...bootPartitions(layout.disk, 0, false),
            { name: 'lvm', size: REST, typeCode: TYPE_CODES.linux, priority: PRIORITY.lvm, content: { kind: 'lvm-pv', vg }, at: [] },
          ],
        }],
        mdadm: [],
        volumeGroup: { name: vg, volumes: [...volumes.filter((v) => v.size !== REST).sort(byName), ...volumes.filter((v) => v.size === REST).sort(byName)] },
      };
    }
  }
}
