// Compares what disko's _create made on loop devices with the layout's disk plan: the partition
// table sector by sector against the fit model, each partition's content as blkid sees it, the md
// and LVM stand-ins, and the calls the md and ZFS shims recorded.
import assert from 'node:assert/strict';
import type { LayoutPlan, PartitionContent } from '../../src/model/disk-plan.ts';
import { allocateVolumes, GPT_GEOMETRIES, LVM_EXTENT_BYTES, placePartitions } from '../../src/model/layout-fit.ts';
import type { CreateRun } from './loop-devices.ts';

/** What blkid reports for each kind of partition content after _create (undefined: nothing). */
function expectedType(content: PartitionContent): string | undefined {
  switch (content.kind) {
    case 'esp': return 'vfat';
    case 'boot': return 'ext4';
    case 'swap': return content.randomEncryption ? undefined : 'swap'; // encrypted at each boot, not before
    case 'filesystem': return content.fs;
    case 'lvm-pv': return 'LVM2_member';
    case 'bios-boot': // GRUB's core image is written by grub-install, later
    case 'md-member': // the md and ZFS shims write nothing to their members
    case 'zfs-member':
      return undefined;
  }
}

export function assertCreatedAsPlanned(run: CreateRun, plan: LayoutPlan, diskBytes: Readonly<Record<string, number>>, label: string): void {
  assert.equal(run.exitCode, 0, `${label}: disko's _create failed:\n${run.output.slice(-4000)}`);
  const memberDevices = new Map<string, string[]>();
  for (const disk of plan.disks) {
    const created = run.disks[disk.name]!;
    const geometry = GPT_GEOMETRIES.find((g) => g.sectorBytes === created.sectorBytes)!;
    const placement = placePartitions(diskBytes[disk.name]!, disk.partitions, geometry);
    assert.ok(placement.fits, `${label}: the fit model says disk ${disk.name} does not fit, yet the layout was created`);
    assert.equal(created.rows.length, disk.partitions.length, `${label}: partitions on disk ${disk.name}`);
    disk.partitions.forEach((partition, i) => {
      const row = created.rows[i]!;
      const where = `${label}: disk ${disk.name} partition ${partition.name}`;
      assert.deepEqual(
        { number: row.number, start: row.startSector, end: row.endSector, code: row.code, name: row.name },
        { number: i + 1, start: placement.partitions[i]!.startSector, end: placement.partitions[i]!.endSector, code: partition.typeCode, name: `disk-${disk.name}-${partition.name}` },
        where,
      );
      assert.equal(created.probes[row.number]!.TYPE, expectedType(partition.content), `${where}: content`);
      const device = `${created.device}p${row.number}`;
      if (partition.content.kind === 'md-member' || partition.content.kind === 'zfs-member') {
        const key = partition.content.kind === 'md-member' ? `md:${partition.content.array}` : `zfs:${partition.content.pool}`;
        memberDevices.set(key, [...(memberDevices.get(key) ?? []), device]);
      }
    });
  }
  for (const array of plan.mdadm) {
    const create = run.calls.find((c) => c[0] === 'mdadm' && c[1] === '--create' && c[2] === `/dev/md/${array.name}`);
    assert.ok(create, `${label}: mdadm --create /dev/md/${array.name} was not run`);
    assert.ok(create.includes('--level=1'), `${label}: RAID level`);
    assert.deepEqual(create.filter((a) => a.startsWith('/dev/loop')).sort(), [...memberDevices.get(`md:${array.name}`)!].sort(), `${label}: members of ${array.name}`);
    assert.equal(run.standins[`md-${array.name}`]?.probe.TYPE, array.fs, `${label}: file system on /dev/md/${array.name}`);
  }
  if (plan.pool) {
    const create = run.calls.find((c) => c[0] === 'zpool' && c[1] === 'create');
    assert.ok(create, `${label}: zpool create was not run`);
    const members = memberDevices.get(`zfs:${plan.pool.name}`)!;
    const vdev = create.slice(create.length - members.length - (plan.pool.mode === 'stripe' ? 0 : 1));
    assert.deepEqual(vdev, [...(plan.pool.mode === 'stripe' ? [] : [plan.pool.mode]), ...members], `${label}: the pool's vdev`);
    for (const dataset of Object.keys(plan.pool.datasets)) {
      assert.ok(run.calls.some((c) => c[0] === 'zfs' && c[1] === 'create' && c.includes(`${plan.pool!.name}/${dataset}`)), `${label}: dataset ${dataset}`);
    }
  }
  if (plan.volumeGroup) {
    const disk = plan.disks[0]!;
    const pv = disk.partitions.findIndex((p) => p.content.kind === 'lvm-pv');
    const geometry = GPT_GEOMETRIES.find((g) => g.sectorBytes === run.disks[disk.name]!.sectorBytes)!;
    const placed = placePartitions(diskBytes[disk.name]!, disk.partitions, geometry);
    assert.ok(placed.fits);
    const allocation = allocateVolumes(placed.partitions[pv]!.bytes, plan.volumeGroup.volumes);
    assert.ok(allocation.fits, `${label}: the fit model says the volumes do not fit, yet they were created`);
    for (const volume of plan.volumeGroup.volumes) {
      const standin: CreateRun['standins'][string] | undefined = run.standins[`lv-${plan.volumeGroup.name}-${volume.name}`];
      assert.ok(standin, `${label}: volume ${volume.name} was not created`);
      assert.equal(standin.bytes, allocation.extents.get(volume.name)! * LVM_EXTENT_BYTES, `${label}: size of volume ${volume.name}`);
      assert.equal(standin.probe.TYPE, volume.content.kind === 'swap' ? 'swap' : volume.content.fs, `${label}: content of volume ${volume.name}`);
    }
  }
}
