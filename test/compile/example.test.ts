// The committed generated/ is exactly what the example fleet compiles to, without warnings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareWithDisk } from '../../src/write/index.ts';
import { compileExample, EXAMPLE_PATHS } from '../helpers/example.ts';

test('the example fleet is valid, warning-free, and generated/ is up to date', async () => {
  const result = await compileExample();
  assert.deepEqual(result.diagnostics, []);
  assert.ok(result.fleet && result.artifacts);
  assert.equal(result.fleet.hosts.length, 7);
  assert.deepEqual(await compareWithDisk(EXAMPLE_PATHS.outDir, result.artifacts), [], 'run `npx fleetc build` and commit generated/');
});

test('the example covers the platform: profiles, firmware, arch, layouts, BMC kinds, Raft quorum', async () => {
  const { fleet } = await compileExample();
  if (!fleet) return assert.fail('invalid example');
  const hosts = fleet.hosts;
  const kinds = (f: (h: (typeof hosts)[number]) => string) => [...new Set(hosts.map(f))].sort();
  assert.deepEqual(Object.keys(fleet.profiles).sort(), ['all-in-one', 'base', 'control-plane', 'worker']);
  assert.deepEqual(kinds((h) => h.firmware), ['bios', 'uefi']);
  assert.deepEqual(kinds((h) => h.arch), ['aarch64', 'x86_64']);
  assert.deepEqual(kinds((h) => h.layout.kind), ['lvm', 'raid1', 'single', 'zfs']);
  assert.deepEqual(kinds((h) => h.bmc?.kind ?? 'none'), ['ipmi', 'redfish']);
  const core = fleet.clusters.core!;
  assert.deepEqual(core.raft.map((g) => [g.service, g.voters.length, g.bootstrap]), [['chainfire', 3, 'cp-1'], ['flaredb', 3, 'cp-1']]);
  assert.equal(Object.keys(fleet.services).length, 8);
});
