// disko's own _create for every host of the disk-layouts fixture fleet (every layout kind on UEFI
// and BIOS, one to three disks, disks of unequal size, ext4, xfs and btrfs, swap, fixed and 100%
// sizes) on loop devices of exactly the declared sizes, compared with the layout as
// loop-example.test.ts does; one host of each kind again with 4096-byte logical sectors, where GPT
// and alignment take other sector counts. (sgdisk sleeps a second after each write: hosts run four at a time.)
import { test } from 'node:test';
import path from 'node:path';
import { unpackNixSources } from '../helpers/disko.ts';
import { assertCreatedAsPlanned } from '../helpers/layout-check.ts';
import { compiledLayoutHosts, DISK_LAYOUTS_FLEET } from '../helpers/layout-fleets.ts';
import { createOnLoopDevices, eachConcurrently } from '../helpers/loop-devices.ts';
import { LOOP_TOOLS } from '../helpers/loop-tools.ts';
import { requireTools } from '../helpers/tools.ts';

const WITH_4K_SECTORS = ['cp-2', 'cp-3', 'wk-4', 'wk-6'];

for (const sectorBytes of [512, 4096]) {
  test(`the disk-layouts fleet's layouts are created on disks of their declared sizes, ${sectorBytes}-byte sectors`, async (t) => {
    if (!requireTools(t, ...LOOP_TOOLS)) return;
    const sources = unpackNixSources(t);
    const hosts = (await compiledLayoutHosts(t, DISK_LAYOUTS_FLEET)).filter((h) => sectorBytes === 512 || WITH_4K_SECTORS.includes(h.name));
    await eachConcurrently(hosts, 4, async (host) => {
      const run = await createOnLoopDevices(t, sources, path.join(host.dir, 'disko.nix'), host.diskBytes, sectorBytes);
      assertCreatedAsPlanned(run, host.plan, host.diskBytes, `disk-layouts ${host.name} (${sectorBytes})`);
    });
  });
}
