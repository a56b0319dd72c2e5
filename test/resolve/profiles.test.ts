// Profile merge rules: maps merge deeply, lists join in order without repeats, scalars of the child win.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeLayers } from '../../src/resolve/merge.ts';
import { compileFleet, makeFleet } from '../helpers/fleet.ts';
import { tempDir } from '../helpers/tmp.ts';

test('mergeLayers', () => {
  assert.deepEqual(
    mergeLayers<Record<string, unknown>>(
      { services: ['a', 'b'], kernel: { params: ['x'], package: 'linuxPackages_6_1' }, labels: { tier: 'base', keep: 'yes' } },
      { services: ['b', 'c'], kernel: { params: ['y', 'x'], package: 'linuxPackages_6_6' }, labels: { tier: 'child' } },
    ),
    { services: ['a', 'b', 'c'], kernel: { params: ['x', 'y'], package: 'linuxPackages_6_6' }, labels: { tier: 'child', keep: 'yes' } },
  );
});

test('a three-level chain merges into the host, whose own kernel params and labels come last', async (t) => {
  const paths = makeFleet(tempDir(t), {
    'profiles/base.yaml': 'modules: [profiles/base.nix]\nkernel: { params: [console=tty0], package: linuxPackages_6_1 }\nlabels: { tier: base, team: infra }\npackages: [htop]\n',
    'profiles/worker.yaml': 'extends: base\nservices: [novanet]\nkernel: { params: [iommu=pt] }\nlabels: { tier: compute }\n',
    'profiles/gpu-worker.yaml': 'extends: worker\nservices: [chainfire]\nkernel: { params: [console=tty0, nvidia-drm.modeset=1], package: linuxPackages_6_6 }\npackages: [nvtopPackages.full, htop]\n',
    'hosts/wk-1.yaml': 'profile: gpu-worker\nhardware:\n  disks: { main: { device: /dev/disk/by-id/x, size: 100G } }\n  layout: { kind: single, disk: main }\ninterfaces:\n  - { name: eno1, mac: "52:54:00:00:00:21", network: prov, address: 10.0.0.21, boot: true }\nkernel: { params: [panic=30] }\nlabels: { tier: special }\n',
  });
  const { fleet, diagnostics } = await compileFleet(paths);
  if (!fleet) return assert.fail(JSON.stringify(diagnostics));
  const host = fleet.hosts.find((h) => h.name === 'wk-1')!;
  assert.deepEqual(host.profiles, ['base', 'worker', 'gpu-worker']);
  assert.deepEqual(host.services, ['novanet', 'chainfire']);
  assert.deepEqual(host.kernel.params, ['console=tty0', 'iommu=pt', 'nvidia-drm.modeset=1', 'panic=30']);
  assert.equal(host.kernel.package, 'linuxPackages_6_6');
  assert.deepEqual(host.packages, ['htop', 'nvtopPackages.full']);
  assert.deepEqual(host.labels, { tier: 'special', team: 'infra' });
  assert.deepEqual(host.modules, ['profiles/base.nix']);
});
