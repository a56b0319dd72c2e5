// hosts/<host>/disko.nix: the host's disk layout in disko's format (disko.devices), from its disk plan.
import type { Host, Layout } from '../model/fleet.ts';
import { TYPE_CODES, type LayoutPlan, type PartitionContent, type PlannedPartition } from '../model/disk-plan.ts';
import { hostDiskPlan } from './disk-plans.ts';
import type { Artifact, Emitter } from './artifact.ts';
import { GENERATED_HEADER } from './artifact.ts';
import { nixCode, nixFile, nixValue, type NixCode } from './nix/printer.ts';

export const emitDisko: Emitter = (fleet) =>
  fleet.hosts.map((host): Artifact => ({
    path: `hosts/${host.name}/disko.nix`,
    kind: 'disko',
    host: host.name,
    contents: nixFile(`# ${GENERATED_HEADER}\n# Disk layout of host ${host.name} (${describeLayout(host.layout)}), for disko.\n`, { disko: { devices: devices(host, printedParts(hostDiskPlan(host))) } }, { collapsePaths: true }),
  }));
emitDisko.perHost = true;

export function describeLayout(layout: Layout): string {
  switch (layout.kind) {
    case 'single': return `single disk ${layout.disk}`;
    case 'raid1': return `mdadm RAID1 over ${layout.disks.join(', ')}`;
    case 'zfs': return `ZFS ${layout.mode} pool ${layout.pool} over ${layout.disks.join(', ')}`;
    case 'lvm': return `LVM volume group ${layout.vg} on ${layout.disk}`;
  }
}

export function diskoDevices(host: Host): Record<string, unknown> {
  return devices(host, planParts(hostDiskPlan(host)));
}

/**
 * What of disko.devices comes from the disk plan alone: each disk's partition table, each md
 * array, the pool and the volume group, by name. Each is a set of two keys or more, never printed
 * as a dotted path, so it prints the same on its own as in place.
 */
interface PlanParts<Part> {
  contents: Part[];
  more: Record<string, Record<string, Part>>;
}

/** The host's disks (their devices are the host's own) around the plan's parts. */
function devices(host: Host, parts: PlanParts<unknown>): Record<string, unknown> {
  const disk: Record<string, unknown> = {};
  hostDiskPlan(host).disks.forEach((d, i) => (disk[d.name] = { type: 'disk', device: host.disks[d.name]!.device, content: parts.contents[i] }));
  return { disk, ...parts.more };
}

/** The plan's parts printed, once per plan (hosts of one layout share a plan): most of each file. */
const printed = new WeakMap<LayoutPlan, PlanParts<NixCode>>();

function printedParts(plan: LayoutPlan): PlanParts<NixCode> {
  let parts = printed.get(plan);
  if (!parts) {
    const print = (value: unknown) => nixCode(nixValue(value, { collapsePaths: true }));
    const plain = planParts(plan);
    const more: Record<string, Record<string, NixCode>> = {};
    for (const [kind, byName] of Object.entries(plain.more)) more[kind] = Object.fromEntries(Object.entries(byName).map(([name, part]) => [name, print(part)]));
    printed.set(plan, (parts = { contents: plain.contents.map(print), more }));
  }
  return parts;
}

function planParts(plan: LayoutPlan): PlanParts<unknown> {
  return {
    contents: plan.disks.map((disk) => ({ type: 'gpt', partitions: Object.fromEntries(disk.partitions.map((p) => [p.name, partition(p)])) })),
    more: {
      ...(plan.mdadm.length > 0 ? { mdadm: Object.fromEntries(plan.mdadm.map((array) => [array.name, { type: 'mdadm', level: 1, content: filesystem(array.fs, array.mount) }])) } : {}),
      ...(plan.pool
        ? {
            zpool: {
              [plan.pool.name]: {
                type: 'zpool',
                mode: plan.pool.mode === 'stripe' ? '' : plan.pool.mode,
                options: { ashift: '12' },
                rootFsOptions: { mountpoint: 'none', compression: 'zstd', acltype: 'posixacl', xattr: 'sa' },
                datasets: Object.fromEntries(
                  Object.entries(plan.pool.datasets).map(([name, dataset]) => [
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
          }
        : {}),
      ...(plan.volumeGroup
        ? {
            lvm_vg: {
              [plan.volumeGroup.name]: {
                type: 'lvm_vg',
                lvs: Object.fromEntries(
                  plan.volumeGroup.volumes.map((volume) => [
                    volume.name,
                    {
                      // LVM spells "the rest of the volume group" as 100%FREE.
                      size: volume.size === '100%' ? '100%FREE' : volume.size,
                      content: volume.content.kind === 'swap' ? { type: 'swap' } : filesystem(volume.content.fs, volume.content.mount),
                    },
                  ]),
                ),
              },
            },
          }
        : {}),
    },
  };
}

function partition(p: PlannedPartition): Record<string, unknown> {
  const content = partitionContent(p.content);
  // disko's default type is 8300, or 8200 for swap: write only the others.
  const defaultType = p.content.kind === 'swap' ? TYPE_CODES.swap : TYPE_CODES.linux;
  return { priority: p.priority, size: p.size, ...(p.typeCode !== defaultType ? { type: p.typeCode } : {}), ...(content ? { content } : {}) };
}

function partitionContent(content: PartitionContent): Record<string, unknown> | undefined {
  switch (content.kind) {
    case 'esp': return { type: 'filesystem', format: 'vfat', mountpoint: content.mount, mountOptions: content.mountOptions };
    case 'boot': return { type: 'filesystem', format: 'ext4', mountpoint: content.mount, ...(content.mountOptions.length > 0 ? { mountOptions: content.mountOptions } : {}) };
    case 'bios-boot': return undefined;
    case 'swap': return { type: 'swap', ...(content.randomEncryption ? { randomEncryption: true } : { discardPolicy: 'both' }) };
    case 'filesystem': return filesystem(content.fs, content.mount);
    case 'md-member': return { type: 'mdraid', name: content.array };
    case 'zfs-member': return { type: 'zfs', pool: content.pool };
    case 'lvm-pv': return { type: 'lvm_pv', vg: content.vg };
  }
}

function filesystem(format: string, mountpoint: string | undefined): Record<string, unknown> {
  return { type: 'filesystem', format, ...(mountpoint !== undefined ? { mountpoint } : {}) };
}
