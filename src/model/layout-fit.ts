// Whether a layout fits its disks, counted the way sgdisk, LVM and mdadm count (docs/disks.md, "Fit").
import type { LayoutPlan, LayoutPath, PartitionContent, PlannedVolume } from './disk-plan.ts';
import { formatBytes, formatBytesExact, REST, sizeBytes } from './size.ts';

const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * How sgdisk lays out a GPT disk of one logical sector size: partitions start on 1 MiB boundaries,
 * the primary table (protective MBR, header, 128 entries of 128 bytes) sits before the first usable
 * sector and the backup table (entries and header) after the last one.
 */
export interface GptGeometry {
  sectorBytes: number;
  alignmentSectors: number;
  firstUsableSector: number;
  /** The backup table's sectors at the end of the disk (its entries, then its header). */
  backupSectors: number;
}

/** Both sector sizes a disk may have; a layout must fit with either (fleet files do not say which). */
export const GPT_GEOMETRIES: readonly GptGeometry[] = [
  { sectorBytes: 512, alignmentSectors: 2048, firstUsableSector: 34, backupSectors: 33 },
  { sectorBytes: 4096, alignmentSectors: 256, firstUsableSector: 6, backupSectors: 5 },
];

/** LVM's defaults: the first extent starts 1 MiB into the physical volume; extents are 4 MiB. */
export const LVM_PE_START_BYTES = 1 * MIB;
export const LVM_EXTENT_BYTES = 4 * MIB;

/**
 * What mdadm keeps of each member for itself, at most: metadata 1.2 puts the data at an offset of
 * 12 KiB + up to 128 KiB of bitmap + up to 128 MiB of reshape headroom, rounded up to 1 MiB
 * (mdadm super1.c, validate_geometry1 and choose_bm_space); 1 MiB more covers the rounding of the
 * array size.
 */
export const MD_RESERVE_BYTES = 130 * MIB;

/**
 * The least each kind of content may get. mkfs.xfs refuses less than 300 MiB and mkfs.btrfs less
 * than 109 MiB; 512 MiB for every file system is the floor below which a mount point of NixOS holds
 * nothing useful. A boot partition holds the boot loader and a kernel and initrd per generation.
 * mkswap needs 10 pages (640 KiB with 64 KiB pages). OpenZFS refuses a vdev under 64 MiB
 * (SPA_MINDEVSIZE).
 */
export const MIN_BYTES = { filesystem: 512 * MIB, boot: 256 * MIB, swap: 1 * MIB, zfsMember: 64 * MIB } as const;

/** The least a partition's content needs, or undefined when it has no floor of its own. */
export function contentFloorBytes(content: PartitionContent): number | undefined {
  switch (content.kind) {
    case 'esp':
    case 'boot':
      return MIN_BYTES.boot;
    case 'swap':
      return MIN_BYTES.swap;
    case 'filesystem':
      return MIN_BYTES.filesystem;
    case 'md-member':
      return MIN_BYTES.filesystem + MD_RESERVE_BYTES;
    case 'zfs-member':
      return MIN_BYTES.zfsMember;
    case 'bios-boot':
    case 'lvm-pv':
      return undefined;
  }
}

export function volumeFloorBytes(volume: PlannedVolume): number {
  return volume.content.kind === 'swap' ? MIN_BYTES.swap : MIN_BYTES.filesystem;
}

/** A partition as sgdisk places it. */
export interface PlacedPartition {
  name: string;
  startSector: number;
  endSector: number;
  bytes: number;
}

export type Placement =
  | { fits: true; partitions: PlacedPartition[] }
  | { fits: false; index: number; availableBytes: number; placed: PlacedPartition[] };

const alignUp = (value: number, alignment: number) => Math.ceil(value / alignment) * alignment;
const alignDown = (value: number, alignment: number) => Math.floor(value / alignment) * alignment;

/**
 * Places partitions the way disko's `sgdisk --align-end --new=N:0:+SIZE` (or `:-0` for 100%) does
 * on an empty disk: each starts at the next 1 MiB boundary, a fixed one is its size in whole
 * sectors, and the 100% one ends at the last 1 MiB boundary before the backup table (at the last
 * usable sector when no boundary is left). A 100% partition does not fit when it gets less than
 * its content's floor.
 */
export function placePartitions(diskBytes: number, partitions: readonly { name: string; size: string; content: PartitionContent }[], geometry: GptGeometry): Placement {
  const sectors = Math.floor(diskBytes / geometry.sectorBytes);
  const lastUsable = sectors - geometry.backupSectors - 1;
  const placed: PlacedPartition[] = [];
  let next = geometry.firstUsableSector;
  for (const [index, partition] of partitions.entries()) {
    const start = alignUp(next, geometry.alignmentSectors);
    const availableBytes = Math.max(0, lastUsable - start + 1) * geometry.sectorBytes;
    let end: number;
    if (partition.size === REST) {
      const aligned = alignDown(lastUsable + 1, geometry.alignmentSectors) - 1;
      end = aligned >= start ? aligned : lastUsable;
      const bytes = (end - start + 1) * geometry.sectorBytes;
      if (end < start || bytes < (contentFloorBytes(partition.content) ?? 1)) return { fits: false, index, availableBytes, placed };
    } else {
      end = start + Math.max(1, Math.floor(sizeBytes(partition.size)! / geometry.sectorBytes)) - 1;
      if (end > lastUsable) return { fits: false, index, availableBytes, placed };
    }
    placed.push({ name: partition.name, startSector: start, endSector: end, bytes: (end - start + 1) * geometry.sectorBytes });
    next = end + 1;
  }
  return { fits: true, partitions: placed };
}

/** Extents a volume group on a physical volume of this many bytes has. */
export function volumeGroupExtents(pvBytes: number): number {
  return Math.max(0, Math.floor((pvBytes - LVM_PE_START_BYTES) / LVM_EXTENT_BYTES));
}

export type Allocation =
  | { fits: true; extents: Map<string, number> }
  | { fits: false; index: number; freeExtents: number; neededExtents: number };

/** Allocates volumes in lvcreate's order: a fixed size rounds up to whole extents, 100%FREE takes the rest. */
export function allocateVolumes(pvBytes: number, volumes: readonly PlannedVolume[]): Allocation {
  let free = volumeGroupExtents(pvBytes);
  const extents = new Map<string, number>();
  for (const [index, volume] of volumes.entries()) {
    const floor = Math.ceil(volumeFloorBytes(volume) / LVM_EXTENT_BYTES);
    const needed = volume.size === REST ? floor : Math.max(1, Math.ceil(sizeBytes(volume.size)! / LVM_EXTENT_BYTES));
    if (needed > free) return { fits: false, index, freeExtents: free, neededExtents: needed };
    const taken = volume.size === REST ? free : needed;
    extents.set(volume.name, taken);
    free -= taken;
  }
  return { fits: true, extents };
}

/** A size that does not fit, located at what the host file says. */
export interface FitProblem {
  at: LayoutPath;
  message: string;
}

/** Every place where the layout does not fit its smallest disks (at most one problem per path). */
export function layoutFitProblems(plan: LayoutPlan, diskBytes: Readonly<Record<string, number>>): FitProblem[] {
  const problems = new Map<string, FitProblem>();
  const add = (at: LayoutPath, message: string) => {
    const key = JSON.stringify(at);
    if (!problems.has(key)) problems.set(key, { at, message });
  };
  for (const disk of plan.disks) {
    const bytes = diskBytes[disk.name]!;
    for (const geometry of GPT_GEOMETRIES) {
      const placement = placePartitions(bytes, disk.partitions, geometry);
      if (!placement.fits) {
        const partition = disk.partitions[placement.index]!;
        const what = `partition ${partition.name} (${partition.size})`;
        const room = `disk ${disk.name} (${formatBytes(bytes)}) has ${formatBytesExact(placement.availableBytes)} left for it`;
        const sectors = geometry.sectorBytes === 512 ? '' : ` with ${geometry.sectorBytes}-byte sectors`;
        add(partition.at, partition.size === REST
          ? `${what} needs at least ${formatBytes(contentFloorBytes(partition.content) ?? 1)}, but ${room}${sectors} after GPT's tables and 1 MiB alignment`
          : `${what} does not fit: ${room}${sectors} after GPT's tables and 1 MiB alignment`);
        break;
      }
      if (plan.volumeGroup) {
        const pv = disk.partitions.findIndex((p) => p.content.kind === 'lvm-pv');
        if (pv < 0) continue;
        const allocation = allocateVolumes(placement.partitions[pv]!.bytes, plan.volumeGroup.volumes);
        if (!allocation.fits) {
          const volume = plan.volumeGroup.volumes[allocation.index]!;
          add(volume.at, `volume ${volume.name} (${volume.size}) needs ${allocation.neededExtents} extents of 4M, but volume group ${plan.volumeGroup.name} on disk ${disk.name} (${formatBytes(bytes)}) has ${allocation.freeExtents} left`);
          break;
        }
      }
    }
  }
  return [...problems.values()];
}

/** Fixed sizes below what their content needs (the 100% ones are measured by layoutFitProblems). */
export function undersizedProblems(plan: LayoutPlan): FitProblem[] {
  const problems = new Map<string, FitProblem>();
  const check = (at: LayoutPath, what: string, size: string, floor: number | undefined) => {
    if (size === REST || floor === undefined || sizeBytes(size)! >= floor) return;
    const key = JSON.stringify(at);
    if (!problems.has(key)) problems.set(key, { at, message: `${what} (${size}) is smaller than the ${formatBytes(floor)} it needs at least` });
  };
  for (const disk of plan.disks) for (const p of disk.partitions) check(p.at, `partition ${p.name}`, p.size, contentFloorBytes(p.content));
  for (const v of plan.volumeGroup?.volumes ?? []) check(v.at, `volume ${v.name}`, v.size, volumeFloorBytes(v));
  return [...problems.values()];
}
