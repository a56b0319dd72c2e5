// Every generated .nix file of the example fleet is accepted by Nix: all parse, the pure-data files
// evaluate, and disko.nix carries each layout kind the way disko expects it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { EXAMPLE_GENERATED, EXAMPLE_NIX, LIBRARY_NIX } from '../helpers/paths.ts';
import { NIX_ENV, requireTools } from '../helpers/tools.ts';

const GENERATED = EXAMPLE_GENERATED;

function nixFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.nix'))
    .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    .sort();
}

function evalJson(file: string): any {
  return JSON.parse(execFileSync('nix-instantiate', ['--eval', '--strict', '--json', file], { env: NIX_ENV, encoding: 'utf8' }));
}

test('every generated and hand-written .nix file parses', (t) => {
  if (!requireTools(t, 'nix-instantiate')) return;
  const files = [...nixFiles(GENERATED), ...nixFiles(EXAMPLE_NIX), ...nixFiles(LIBRARY_NIX)];
  assert.ok(files.length > 20);
  // One nix-instantiate for all files: it parses each argument and stops at the first error.
  execFileSync('nix-instantiate', ['--parse', ...files], { env: NIX_ENV, stdio: ['ignore', 'ignore', 'pipe'] });
});

test('every host.nix and disko.nix evaluates strictly', (t) => {
  if (!requireTools(t, 'nix-instantiate')) return;
  const files = nixFiles(GENERATED).filter((f) => f.endsWith('/host.nix') || f.endsWith('/disko.nix'));
  assert.equal(files.length, 14);
  for (const file of files) assert.equal(typeof evalJson(file), 'object');
});

test('disko layouts: single, mdadm mirror, ZFS mirror, LVM, and BIOS boot partitions', (t) => {
  if (!requireTools(t, 'nix-instantiate')) return;
  const devices = (host: string) => evalJson(path.join(GENERATED, 'hosts', host, 'disko.nix')).disko.devices;

  const single = devices('cp-1');
  assert.deepEqual(Object.keys(single.disk.main.content.partitions).sort(), ['ESP', 'root', 'swap']);
  assert.equal(single.disk.main.content.partitions.ESP.type, 'EF00');
  assert.equal(single.disk.main.content.partitions.root.content.mountpoint, '/');

  // Firmware reads no md device: each disk of the mirror has a plain ESP of its own (docs/disks.md).
  const mirror = devices('cp-2');
  assert.deepEqual(Object.keys(mirror.mdadm), ['root']);
  assert.equal(mirror.mdadm.root.level, 1);
  assert.equal(mirror.mdadm.root.content.format, 'xfs');
  for (const [disk, mount] of [['a', '/boot'], ['b', '/boot-b']] as const) {
    assert.equal(mirror.disk[disk].content.partitions.root.content.name, 'root');
    assert.equal(mirror.disk[disk].content.partitions.ESP.content.format, 'vfat');
    assert.equal(mirror.disk[disk].content.partitions.ESP.content.mountpoint, mount);
  }

  const biosMirror = devices('cp-3');
  for (const disk of ['a', 'b']) assert.equal(biosMirror.disk[disk].content.partitions.boot.type, 'EF02');
  assert.equal(biosMirror.mdadm.boot, undefined);

  const zfs = devices('wk-1');
  assert.equal(zfs.zpool.rpool.mode, 'mirror');
  assert.equal(zfs.zpool.rpool.datasets.root.mountpoint, '/');
  assert.equal(zfs.zpool.rpool.datasets.nix.options.atime, 'off');
  assert.equal(zfs.disk.nvme1.content.partitions.ESP.content.mountpoint, '/boot-nvme1', 'every disk of the pool carries an ESP');

  const lvm = devices('wk-2');
  assert.equal(lvm.lvm_vg.vg0.lvs.vms.size, '100%FREE');
  assert.equal(lvm.lvm_vg.vg0.lvs.swap.content.type, 'swap');
  assert.equal(lvm.disk.sda.content.partitions.boot.type, 'EF02');
});
