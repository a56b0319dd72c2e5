// The fit model on cases whose sectors were read from sgdisk 1.0.9 and LVM 2.03 on loop devices
// (the loop-device tests check every layout against the real tools; these pin the edges found).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PartitionContent, PlannedVolume } from '../../src/model/disk-plan.ts';
import { allocateVolumes, GPT_GEOMETRIES, placePartitions, volumeGroupExtents } from '../../src/model/layout-fit.ts';

const [SECTORS_512, SECTORS_4K] = GPT_GEOMETRIES as [(typeof GPT_GEOMETRIES)[0], (typeof GPT_GEOMETRIES)[0]];
const MIB = 2 ** 20;
const part = (name: string, size: string, content: PartitionContent = { kind: 'filesystem', fs: 'ext4', mount: '/' }) => ({ name, size, content });
const sectors = (placement: ReturnType<typeof placePartitions>) => (placement.fits ? placement.partitions.map((p) => [p.startSector, p.endSector]) : placement);

test('512-byte sectors: 1 MiB alignment, 34 sectors before and 33 after the usable ones', () => {
  // 18G: sgdisk puts the 1G ESP at 2048..2099199 and cannot fit 17G after it (issue 11, item 12).
  const esp = part('ESP', '1G', { kind: 'esp', mount: '/boot', mountOptions: [] });
  assert.deepEqual(sectors(placePartitions(18 * 2 ** 30, [esp], SECTORS_512)), [[2048, 2099199]]);
  const refused = placePartitions(18 * 2 ** 30, [esp, part('swap', '17G', { kind: 'swap', randomEncryption: false })], SECTORS_512);
  assert.equal(refused.fits, false);
  // A 100M disk: the last usable sector is 204766; a 100% partition ends on the last MiB boundary.
  assert.deepEqual(sectors(placePartitions(100 * MIB, [part('a', '1K', { kind: 'bios-boot' }), part('rest', '100%', { kind: 'lvm-pv', vg: 'v' })], SECTORS_512)), [[2048, 2049], [4096, 202751]]);
  assert.deepEqual(sectors(placePartitions(100 * MIB, [part('a', '101359K', { kind: 'bios-boot' })], SECTORS_512)), [[2048, 204765]]);
  assert.equal(placePartitions(100 * MIB, [part('a', '101360K', { kind: 'bios-boot' })], SECTORS_512).fits, false);
});

test('4096-byte sectors: sizes cut to whole sectors, 6 sectors before and 5 after the usable ones', () => {
  assert.deepEqual(sectors(placePartitions(100 * MIB, [part('a', '5K', { kind: 'bios-boot' }), part('b', '98303K', { kind: 'bios-boot' })], SECTORS_4K)), [[256, 256], [512, 25086]]);
  // 132101 sectors: the last usable one (132095) is followed by a MiB boundary, so 100% ends on it
  // (found by fit-property.test.ts).
  const disk = 132101 * 4096;
  const placed = placePartitions(disk, [part('boot', '1M', { kind: 'bios-boot' }), part('swap', '1027K', { kind: 'swap', randomEncryption: false }), part('root', '100%')], SECTORS_4K);
  assert.deepEqual(sectors(placed), [[256, 511], [512, 767], [768, 132095]]);
});

test('LVM: 4 MiB extents after 1 MiB of metadata; a size rounds up to whole extents', () => {
  // 10G BIOS disk: the PV partition is 10237 MiB, 2559 extents; 10239M needs 2560.
  const pv = (20969471 - 4096 + 1) * 512;
  assert.equal(volumeGroupExtents(pv), 2559);
  const root = (size: string): PlannedVolume => ({ name: 'root', size, content: { kind: 'filesystem', fs: 'ext4', mount: '/' }, at: [] });
  assert.deepEqual(allocateVolumes(pv, [root('10239M')]), { fits: false, index: 0, freeExtents: 2559, neededExtents: 2560 });
  const fits = allocateVolumes(pv, [root('10236M')]);
  assert.ok(fits.fits && fits.extents.get('root') === 2559);
});
