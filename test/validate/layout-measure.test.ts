// Layouts are measured once per spelling (validate/checks/hardware.ts measureLayout): hosts whose
// layout is spelled the same but whose disks or firmware differ must still each get their own verdict.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFleet, diagnosticLines, makeFleet } from '../helpers/fleet.ts';
import { tempDir } from '../helpers/tmp.ts';

// 1G ESP + 17G swap + root: fits a 19G disk under UEFI, not an 18G one (sgdisk's geometry,
// test/disko/fit-defects.test.ts); under BIOS (no ESP, a 1M BIOS boot partition) it fits 18G.
const host = (n: number, size: string, firmware: string) => `profile: worker
hardware:
  firmware: ${firmware}
  disks:
    main: { device: /dev/disk/by-id/nvme-w${n}, size: ${size} }
  layout: { kind: single, disk: main, esp: 1G, swap: 17G, root: { fs: ext4, size: 100% } }
interfaces:
  - { name: eno1, mac: "52:54:00:00:00:${20 + n}", network: prov, address: 10.0.0.${20 + n}, boot: true }
`;

test('the same layout on disks of other sizes and under other firmware: each host measured on its own', async (t) => {
  const hosts = { 'hosts/wk-1.yaml': null, 'hosts/w1.yaml': host(1, '19G', 'uefi'), 'hosts/w2.yaml': host(2, '18G', 'uefi'), 'hosts/w3.yaml': host(3, '19G', 'uefi'), 'hosts/w4.yaml': host(4, '18G', 'uefi'), 'hosts/w5.yaml': host(5, '18G', 'bios') };
  const paths = makeFleet(tempDir(t), hosts);
  const tooLarge = (lines: string[]) => lines.filter((l) => l.endsWith('LAYOUT_TOO_LARGE')).map((l) => l.split(':')[0]).sort();
  assert.deepEqual(tooLarge(diagnosticLines(await compileFleet(paths), paths.fleetDir)), ['hosts/w2.yaml', 'hosts/w4.yaml']);
  // Measured again in the same process, the other way round: the verdicts follow the disks.
  const swapped = makeFleet(tempDir(t), { ...hosts, 'hosts/w1.yaml': host(1, '18G', 'uefi'), 'hosts/w2.yaml': host(2, '19G', 'uefi') });
  assert.deepEqual(tooLarge(diagnosticLines(await compileFleet(swapped), swapped.fleetDir)), ['hosts/w1.yaml', 'hosts/w4.yaml']);
});
