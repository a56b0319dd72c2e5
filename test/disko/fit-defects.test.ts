// The two layouts of issue 11, item 12, that passed validation and failed in disko's own _create on
// disks of exactly the declared size: rendered anyway, they fail there for real (sgdisk, lvcreate);
// validation now refuses them at the size that overflows, and the largest sizes it accepts are
// created. One MiB more than that is refused. (test/fixtures/diagnostics/layout-too-large-gpt and
// -lvm hold the same two hosts as diagnostic fixtures.)
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { diskoDevices } from '../../src/emit/disko.ts';
import { nixValue } from '../../src/emit/nix/printer.ts';
import type { Host } from '../../src/model/fleet.ts';
import { planLayout } from '../../src/model/disk-plan.ts';
import { sizeBytes } from '../../src/model/size.ts';
import { unpackNixSources } from '../helpers/disko.ts';
import { compileFleet, diagnosticLines, makeFleet } from '../helpers/fleet.ts';
import { assertCreatedAsPlanned } from '../helpers/layout-check.ts';
import { createOnLoopDevices } from '../helpers/loop-devices.ts';
import { LOOP_TOOLS } from '../helpers/loop-tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { requireTools } from '../helpers/tools.ts';

const GIB = 2 ** 30;

function gptHost(swap: string) {
  return { firmware: 'uefi' as const, disks: { main: { device: '/dev/disk/by-id/nvme-wk2', size: '18G' } }, layout: { kind: 'single' as const, disk: 'main', esp: '1G', swap, root: { fs: 'ext4' as const, size: '100%' } } };
}
function lvmHost(root: string) {
  return { firmware: 'bios' as const, disks: { main: { device: '/dev/disk/by-id/ata-wk2', size: '10G' } }, layout: { kind: 'lvm' as const, disk: 'main', volumes: { root: { size: root, mount: '/' } } } };
}
type Hardware = ReturnType<typeof gptHost> | ReturnType<typeof lvmHost>;

/** disko.nix for the hardware as fleetc's emitter renders it, whether or not validation accepts it. */
function rendered(dir: string, hardware: Hardware): string {
  const host = { name: 'wk-2', firmware: hardware.firmware, disks: hardware.disks, layout: { esp: '1G', vg: 'vg0', ...hardware.layout } } as unknown as Host;
  const file = path.join(dir, `disko-${Math.random().toString(36).slice(2)}.nix`);
  writeFileSync(file, `${nixValue({ disko: { devices: diskoDevices(host) } })}\n`);
  return file;
}

/**
 * The diagnostics of the minimal fleet with this hardware as host wk-2, and where in its file the
 * value of the first `key: value` line holding `needle` starts (line:column).
 */
async function validate(t: { after: (fn: () => void) => void }, hardware: Hardware, needle = ''): Promise<{ diagnostics: string[]; at: string }> {
  const yaml = stringify({ profile: 'worker', hardware, interfaces: [{ name: 'eno1', mac: '52:54:00:00:00:22', network: 'prov', address: '10.0.0.22', boot: true }] });
  const paths = makeFleet(tempDir(t), { 'hosts/wk-2.yaml': yaml });
  const lines = yaml.split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  return { diagnostics: diagnosticLines(await compileFleet(paths), paths.fleetDir), at: `${line + 1}:${lines[line]!.indexOf(': ', lines[line]!.indexOf(needle)) + 3}` };
}

async function assertRefusedAt(t: { after: (fn: () => void) => void }, hardware: Hardware, needle: string): Promise<void> {
  const { diagnostics, at } = await validate(t, hardware, needle);
  assert.deepEqual(diagnostics, [`hosts/wk-2.yaml:${at} error LAYOUT_TOO_LARGE`], `refused at ${needle}`);
}

test('18G disk, 1G ESP, 17G swap, root 100%: sgdisk refuses partition 2, and so does validation', async (t) => {
  if (!requireTools(t, ...LOOP_TOOLS)) return;
  const sources = unpackNixSources(t);
  const dir = tempDir(t);
  const tooLarge = await createOnLoopDevices(t, sources, rendered(dir, gptHost('17G')), { main: 18 * GIB });
  assert.notEqual(tooLarge.exitCode, 0);
  assert.match(tooLarge.output, /Could not create partition 2 from 2099200 to 37750783/);
  await assertRefusedAt(t, gptHost('17G'), 'swap: 17G');

  // The most swap that leaves root its 512M: 18432M less GPT's first MiB, the ESP, root and the
  // last MiB that the 100% partition's end alignment leaves out.
  assert.deepEqual((await validate(t, gptHost('16894M'))).diagnostics, []);
  const largest = await createOnLoopDevices(t, sources, rendered(dir, gptHost('16894M')), { main: 18 * GIB });
  const hardware = gptHost('16894M');
  assertCreatedAsPlanned(largest, planLayout(hardware.layout, 'uefi'), { main: sizeBytes(hardware.disks.main.size)! }, '18G, swap 16894M');
  await assertRefusedAt(t, gptHost('16895M'), 'size: 100%');
});

test('10G BIOS disk, LVM root 10239M: lvcreate refuses 2560 extents of the 2559, and so does validation', async (t) => {
  if (!requireTools(t, ...LOOP_TOOLS)) return;
  const sources = unpackNixSources(t);
  const dir = tempDir(t);
  const tooLarge = await createOnLoopDevices(t, sources, rendered(dir, lvmHost('10239M')), { main: 10 * GIB });
  assert.notEqual(tooLarge.exitCode, 0);
  assert.match(tooLarge.output, /Volume group "vg0" has insufficient free space \(2559 extents\): 2560 required/);
  await assertRefusedAt(t, lvmHost('10239M'), 'size: 10239M');

  // 2559 extents of 4M: the BIOS boot partition and GPT take 2M, LVM's metadata 1M, and the last
  // MiB of the disk is lost to the 100% partition's end alignment.
  assert.deepEqual((await validate(t, lvmHost('10236M'))).diagnostics, []);
  const largest = await createOnLoopDevices(t, sources, rendered(dir, lvmHost('10236M')), { main: 10 * GIB });
  const hardware = lvmHost('10236M');
  assertCreatedAsPlanned(largest, planLayout(hardware.layout, 'bios'), { main: 10 * GIB }, '10G, root 10236M');
  await assertRefusedAt(t, lvmHost('10237M'), 'size: 10237M');
});
