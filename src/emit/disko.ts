// hosts/<host>/disko.nix: the host's disk layout in disko's format (disko.devices).
import type { Host, Layout, RootFs } from '../model/fleet.ts';
import { BIOS_BOOT_SIZE } from '../model/layout-defaults.ts';
import type { Artifact, Emitter } from './artifact.ts';
import { GENERATED_HEADER } from './artifact.ts';
import { nixValue } from './nix/printer.ts';

export const emitDisko: Emitter = (fleet) =>
  fleet.hosts.map((host): Artifact => ({
    path: `hosts/${host.name}/disko.nix`,
    kind: 'disko',
    host: host.name,
    contents: `# ${GENERATED_HEADER}\n# Disk layout of host ${host.name} (${describeLayout(host.layout)}), for disko.\n${nixValue({ disko: { devices: diskoDevices(host) } }, { collapsePaths: true })}\n`,
  }));

export function describeLayout(layout: Layout): string {
  switch (layout.kind) {
    case 'single': return `single disk ${layout.disk}`;
    case 'raid1': return `mdadm RAID1 over ${layout.disks.join(', ')}`;
    case 'zfs': return `ZFS ${layout.mode} pool ${layout.pool} over ${layout.disks.join(', ')}`;
    case 'lvm': return `LVM volume group ${layout.vg} on ${layout.disk}`;
  }
}

type Partitions = Record<string, Record<string, unknown>>;

const ESP_MOUNT_OPTIONS = ['umask=0077'];

export function diskoDevices(host: Host): Record<string, unknown> {
  const layout = host.layout;
  const uefi = host.firmware === 'uefi';
  const disk = (name: string, partitions: Partitions) => [name, { type: 'disk', device: host.disks[name]!.device, content: { type: 'gpt', partitions } }] as const;
  // Partitions are ordered by priority: boot first, the partition that takes the rest last.
  const bootPartition = (content: Record<string, unknown> | undefined): Partitions =>
    uefi
      ? { ESP: { priority: 1, size: layout.esp, type: 'EF00', content: content ?? espFilesystem() } }
      : { boot: { priority: 1, size: BIOS_BOOT_SIZE, type: 'EF02' } };

  switch (layout.kind) {
    case 'single':
      return {
        disk: Object.fromEntries([
          disk(layout.disk, {
            ...bootPartition(undefined),
            ...(layout.swap ? { swap: { priority: 2, size: layout.swap, content: { type: 'swap', discardPolicy: 'both' } } } : {}),
            root: { priority: 3, size: layout.root.size, content: rootFilesystem(layout.root) },
          }),
        ]),
      };
    case 'raid1':
      return {
        disk: Object.fromEntries(
          layout.disks.map((name) =>
            disk(name, {
              ...bootPartition({ type: 'mdraid', name: 'boot' }),
              ...(layout.swap ? { swap: { priority: 2, size: layout.swap, content: { type: 'swap', randomEncryption: true } } } : {}),
              root: { priority: 3, size: layout.root.size, content: { type: 'mdraid', name: 'root' } },
            }),
          ),
        ),
        mdadm: {
          // Metadata 1.0 sits at the end of the partition, so firmware sees each ESP half as plain FAT.
          ...(uefi ? { boot: { type: 'mdadm', level: 1, metadata: '1.0', content: espFilesystem() } } : {}),
          root: { type: 'mdadm', level: 1, content: rootFilesystem(layout.root) },
        },
      };
    case 'zfs':
      return {
        disk: Object.fromEntries(
          layout.disks.map((name, i) =>
            disk(name, {
              ...(uefi ? (i === 0 ? bootPartition(undefined) : {}) : bootPartition(undefined)),
              zfs: { priority: 2, size: '100%', content: { type: 'zfs', pool: layout.pool } },
            }),
          ),
        ),
        zpool: {
          [layout.pool]: {
            type: 'zpool',
            mode: layout.mode === 'stripe' ? '' : layout.mode,
            options: { ashift: '12' },
            rootFsOptions: { mountpoint: 'none', compression: 'zstd', acltype: 'posixacl', xattr: 'sa' },
            datasets: Object.fromEntries(
              Object.entries(layout.datasets).map(([name, dataset]) => [
                name,
                {
                  type: 'zfs_fs',
                  ...(dataset.mount !== undefined ? { mountpoint: dataset.mount } : {}),
                  options: { ...(dataset.mount !== undefined ? { mountpoint: 'legacy' } : {}), ...dataset.options },
                },
              ]),
            ),
          },
        },
      };
    case 'lvm':
      return {
        disk: Object.fromEntries([
          disk(layout.disk, {
            ...bootPartition(undefined),
            lvm: { priority: 2, size: '100%', content: { type: 'lvm_pv', vg: layout.vg } },
          }),
        ]),
        lvm_vg: {
          [layout.vg]: {
            type: 'lvm_vg',
            lvs: Object.fromEntries(
              Object.entries(layout.volumes).map(([name, volume]) => [
                name,
                {
                  // LVM spells "the rest of the volume group" as 100%FREE.
                  size: volume.size === '100%' ? '100%FREE' : volume.size,
                  content: volume.swap
                    ? { type: 'swap' }
                    : { type: 'filesystem', format: volume.fs!, ...(volume.mount !== undefined ? { mountpoint: volume.mount } : {}) },
                },
              ]),
            ),
          },
        },
      };
  }
}

function espFilesystem(): Record<string, unknown> {
  return { type: 'filesystem', format: 'vfat', mountpoint: '/boot', mountOptions: ESP_MOUNT_OPTIONS };
}

function rootFilesystem(root: RootFs): Record<string, unknown> {
  return { type: 'filesystem', format: root.fs, mountpoint: '/' };
}
