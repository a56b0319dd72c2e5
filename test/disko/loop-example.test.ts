// disko's own _create script for every host of the example fleet, run on loop devices of exactly
// the disk sizes its host file declares (sparse files, 447G to 3576G), and what it made compared
// with the layout: every partition's sectors (the fit model's, so the model is sgdisk's), type code
// and label, every file system and swap area, the LVM volumes' sizes, the md and ZFS calls.
import { test } from 'node:test';
import path from 'node:path';
import { unpackNixSources } from '../helpers/disko.ts';
import { assertCreatedAsPlanned } from '../helpers/layout-check.ts';
import { exampleLayoutHosts } from '../helpers/layout-fleets.ts';
import { createOnLoopDevices, eachConcurrently } from '../helpers/loop-devices.ts';
import { LOOP_TOOLS } from '../helpers/loop-tools.ts';
import { requireTools } from '../helpers/tools.ts';

test('every layout of the example fleet is created by disko on disks of its declared sizes', async (t) => {
  if (!requireTools(t, ...LOOP_TOOLS)) return;
  const sources = unpackNixSources(t);
  await eachConcurrently(await exampleLayoutHosts(), 4, async (host) => {
    const run = await createOnLoopDevices(t, sources, path.join(host.dir, 'disko.nix'), host.diskBytes);
    assertCreatedAsPlanned(run, host.plan, host.diskBytes, `example ${host.name}`);
  });
});
