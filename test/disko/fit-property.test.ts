// Property: a layout that validates is created by disko's own _create on loop devices of exactly
// its declared sizes ("valid but fails in sgdisk, lvcreate or mkfs" never happens), and the same
// layout on a disk one MiB smaller is refused. Random layouts of every kind, firmware and sector
// size, with sizes in M and K, each on the smallest disks (to 4 KiB) that validation accepts: the
// edge, where sgdisk's last usable sector, LVM's last extent and the file systems' floors bind.
// sgdisk sleeps a second per write, so the runs are few and the disks small.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { Filesystem, Firmware, LayoutInput } from '../../src/model/input.ts';
import { planLayout } from '../../src/model/disk-plan.ts';
import { layoutDiskNames } from '../../src/model/layout-defaults.ts';
import { layoutFitProblems, undersizedProblems } from '../../src/model/layout-fit.ts';
import { unpackNixSources, type NixSources } from '../helpers/disko.ts';
import { compileFleet, diagnosticLines, makeFleet } from '../helpers/fleet.ts';
import { assertCreatedAsPlanned } from '../helpers/layout-check.ts';
import { createOnLoopDevices } from '../helpers/loop-devices.ts';
import { LOOP_TOOLS } from '../helpers/loop-tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { requireTools } from '../helpers/tools.ts';

const KIB = 1024;
const STEP = 4 * KIB; // disks come in whole 4 KiB, so a 4096-byte-sector disk has whole sectors

/** A size between lo and hi MiB, written in M or in K (K sizes are not whole sectors of 4 KiB). */
const size = (lo: number, hi: number) => fc.oneof(fc.integer({ min: lo, max: hi }).map((n) => `${n}M`), fc.integer({ min: lo * 1024, max: hi * 1024 }).map((n) => `${n}K`));
const fs = fc.constantFrom<Filesystem>('ext4', 'xfs', 'btrfs');
const esp = fc.option(size(256, 400), { nil: undefined });
const swap = fc.option(size(1, 200), { nil: undefined });
const root = fc.record({ fs, size: fc.oneof(fc.constant('100%'), size(512, 900)) });

const layout: fc.Arbitrary<LayoutInput> = fc.oneof(
  fc.record({ esp, swap, root }).map(({ esp, swap, root }) => ({ kind: 'single' as const, disk: 'a', ...(esp ? { esp } : {}), ...(swap ? { swap } : {}), root })),
  fc.record({ esp, swap, root: fc.record({ fs, size: fc.oneof(fc.constant('100%'), size(642, 900)) }) }).map(({ esp, swap, root }) => ({ kind: 'raid1' as const, disks: ['a', 'b'], ...(esp ? { esp } : {}), ...(swap ? { swap } : {}), root })),
  fc.record({ esp, disks: fc.constantFrom<string[]>(['a'], ['a', 'b']), stripe: fc.boolean() }).map(({ esp, disks, stripe }) => ({
    kind: 'zfs' as const,
    disks,
    mode: disks.length === 1 || stripe ? ('stripe' as const) : ('mirror' as const),
    ...(esp ? { esp } : {}),
    datasets: { root: { mount: '/' } },
  })),
  fc.record({
    esp,
    root: fc.record({ fs, size: fc.oneof(fc.constant('100%'), size(512, 900)) }),
    swap,
    data: fc.option(fc.record({ fs, size: size(512, 700) }), { nil: undefined }),
  }).map(({ esp, root, swap, data }) => ({
    kind: 'lvm' as const,
    disk: 'a',
    ...(esp ? { esp } : {}),
    volumes: {
      root: { size: root.size, fs: root.fs, mount: '/' },
      ...(swap ? { swap: { size: swap, swap: true } } : {}),
      ...(data ? { data: { size: data.size, fs: data.fs, mount: '/data' } } : {}),
    },
  })),
);

const sample = fc.record({
  layout,
  firmware: fc.constantFrom<Firmware>('uefi', 'bios'),
  sectorBytes: fc.constantFrom(512, 4096),
  /** The second disk's extra size over the smallest (unequal mirrors). */
  extraSteps: fc.nat({ max: 300 }),
});

function diskSizes(layout: LayoutInput, smallest: number, extra: number): Record<string, number> {
  return Object.fromEntries(layoutDiskNames(layout).map((name, i) => [name, smallest + (i === 1 ? extra : 0)]));
}

/** The smallest disk (in STEPs) that the fit model accepts, by bisection (fit only grows with the disk). */
function smallestDisk(layout: LayoutInput, firmware: Firmware, extra: number): number {
  const plan = planLayout(layout, firmware);
  if (undersizedProblems(plan).length > 0) throw new Error(`generated an undersized layout: ${JSON.stringify(layout)}`);
  const fits = (steps: number) => layoutFitProblems(plan, diskSizes(layout, steps * STEP, extra)).length === 0;
  let lo = 1;
  let hi = (16 * 2 ** 30) / STEP;
  assert.ok(fits(hi));
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo * STEP;
}

async function compileHost(t: { after: (fn: () => void) => void }, layout: LayoutInput, firmware: Firmware, disks: Record<string, number>) {
  const hardware = { firmware, disks: Object.fromEntries(Object.entries(disks).map(([name, bytes]) => [name, { device: `/dev/disk/by-id/prop-${name}`, size: `${bytes / KIB}K` }])), layout };
  const paths = makeFleet(tempDir(t), { 'hosts/wk-2.yaml': stringify({ profile: 'worker', hardware, interfaces: [{ name: 'eno1', mac: '52:54:00:00:00:22', network: 'prov', address: '10.0.0.22', boot: true }] }) });
  const compiled = await compileFleet(paths);
  return { diagnostics: diagnosticLines(compiled, paths.fleetDir), disko: compiled.artifacts?.find((a) => a.path === 'hosts/wk-2/disko.nix')?.contents };
}

test('layouts that validate are created by disko on disks of exactly their sizes; one MiB less is refused', async (t) => {
  if (!requireTools(t, ...LOOP_TOOLS)) return;
  const sources: NixSources = unpackNixSources(t);
  const work = tempDir(t);
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(sample, async ({ layout, firmware, sectorBytes, extraSteps }) => {
      const extra = extraSteps * STEP;
      const smallest = smallestDisk(layout, firmware, extra);
      const disks = diskSizes(layout, smallest, extra);
      const label = `${firmware} ${sectorBytes}-byte sectors, disks ${JSON.stringify(disks)}, layout ${JSON.stringify(layout)}`;

      const accepted = await compileHost(t, layout, firmware, disks);
      assert.deepEqual(accepted.diagnostics, [], label);
      const file = path.join(work, `disko-${runs++}.nix`);
      writeFileSync(file, accepted.disko!);
      const run = await createOnLoopDevices(t, sources, file, disks, sectorBytes);
      assertCreatedAsPlanned(run, planLayout(layout, firmware), disks, label);

      const refused = await compileHost(t, layout, firmware, diskSizes(layout, smallest - 1024 * KIB, extra));
      assert.ok(refused.diagnostics.length > 0 && refused.diagnostics.every((d) => d.endsWith('error LAYOUT_TOO_LARGE')), `${label}, 1 MiB smaller: ${refused.diagnostics.join('; ')}`);
    }),
    { numRuns: 14, endOnFailure: true },
  );
});
