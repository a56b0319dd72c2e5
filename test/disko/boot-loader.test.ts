// Every host boots from any one of its disks. Evaluated as NixOS would merge it (test/disko/nix/
// boot-eval.nix: disko's real _config with the generated host module's boot settings, nixpkgs'
// real lib, the rules of nixpkgs' grub.nix): UEFI hosts with several disks get an ESP on each and
// GRUB installed to every ESP on the removable path; BIOS hosts get GRUB on every disk, each
// exactly once; BIOS with ZFS keeps /boot on ext4 outside the pool; no assertion fails.
// The mdadm alert program logs a degraded array at priority alert, through the real logger.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { before, test } from 'node:test';
import { BOOT_EVAL, evalNixFile, nixPath, unpackNixSources, type NixSources } from '../helpers/disko.ts';
import { compiledLayoutHosts, DISK_LAYOUTS_FLEET, exampleLayoutHosts, type LayoutHost } from '../helpers/layout-fleets.ts';
import { tempDir } from '../helpers/tmp.ts';
import { requireTools } from '../helpers/tools.ts';

interface BootEvaluation {
  failedAssertions: string[];
  loader: {
    systemdBoot: boolean;
    canTouchEfiVariables: boolean;
    grub: { enable: boolean; devices: string[]; efiSupport: boolean; efiInstallAsRemovable: boolean; zfsSupport: boolean; mirroredBoots: { path: string; devices: string[] }[] };
  };
  fileSystems: Record<string, { fsType: string; device: string; options: string[] }>;
  swraid: { enable: boolean; mdadmConf: string; program: string | null };
}

let sources: NixSources;
let example: LayoutHost[];
let hosts: LayoutHost[];
const suite = { after: (fn: () => void) => process.on('exit', fn) };

before(async () => {
  sources = unpackNixSources(suite);
  example = await exampleLayoutHosts();
  hosts = [...example, ...(await compiledLayoutHosts(suite, DISK_LAYOUTS_FLEET))];
});

async function bootOf(host: LayoutHost, utilLinux = '/usr'): Promise<BootEvaluation> {
  const result = await evalNixFile<BootEvaluation>(
    BOOT_EVAL,
    { diskoSrc: sources.disko, nixpkgsLib: sources.nixpkgsLib, utilLinux },
    { configFile: nixPath(path.join(host.dir, 'disko.nix')), hostModule: nixPath(path.join(host.dir, 'default.nix')) },
  );
  assert.ok(result.ok, `${host.dir}: ${result.ok ? '' : result.stderr}`);
  return result.value;
}

const bootPartitions = (host: LayoutHost) =>
  host.plan.disks.flatMap((disk) => disk.partitions.flatMap((p) => (p.content.kind === 'esp' || p.content.kind === 'boot' ? [{ disk: disk.name, mount: p.content.mount, kind: p.content.kind }] : [])));

/** What every host's boot must be, from its firmware and disk plan. */
async function assertBootsFromEveryDisk(host: LayoutHost, label: string): Promise<void> {
  const boot = await bootOf(host);
  const { grub } = boot.loader;
  assert.deepEqual(boot.failedAssertions, [], label);
  const disks = host.plan.disks.map((d) => d.name);
  const boots = bootPartitions(host);
  if (host.host.firmware === 'uefi') {
    // An ESP on every disk, a plain vfat file system (firmware cannot read an md device).
    assert.deepEqual(boots.map((b) => b.disk), disks, `${label}: an ESP on every disk`);
    for (const b of boots) assert.equal(boot.fileSystems[b.mount]?.fsType, 'vfat', `${label}: ${b.mount}`);
    if (disks.length === 1) {
      assert.deepEqual([boot.loader.systemdBoot, grub.enable], [true, false], `${label}: systemd-boot`);
      return;
    }
    assert.deepEqual([boot.loader.systemdBoot, grub.enable, grub.efiSupport, grub.efiInstallAsRemovable, boot.loader.canTouchEfiVariables], [false, true, true, true, false], `${label}: GRUB on the removable path`);
    assert.deepEqual(grub.mirroredBoots, boots.map((b) => ({ path: b.mount, devices: ['nodev'] })), `${label}: GRUB on every ESP`);
    for (const b of boots) assert.ok(boot.fileSystems[b.mount]!.options.includes('nofail'), `${label}: a dead disk's ESP does not stop the boot`);
    return;
  }
  assert.equal(grub.enable, true, label);
  assert.equal(grub.zfsSupport, false, `${label}: GRUB never reads ZFS`);
  const installed = grub.mirroredBoots.flatMap((b) => b.devices).sort();
  assert.deepEqual(installed, disks.map((d) => host.host.disks[d]!.device).sort(), `${label}: GRUB on every disk, once`);
  // /boot must be a file system GRUB reads: never the ZFS pool.
  assert.notEqual(boot.fileSystems['/boot']?.fsType ?? boot.fileSystems['/']!.fsType, 'zfs', `${label}: /boot outside the pool`);
  if (host.host.layout.kind === 'zfs') {
    assert.deepEqual(boots.map((b) => [b.disk, b.kind]), disks.map((d) => [d, 'boot']), `${label}: an ext4 /boot on every disk`);
    for (const b of boots) assert.equal(boot.fileSystems[b.mount]?.fsType, 'ext4', `${label}: ${b.mount}`);
    assert.deepEqual(grub.mirroredBoots.map((b) => b.path), boots.map((b) => b.mount), `${label}: each disk's GRUB reads its own /boot`);
  }
}

test('every host boots from each of its disks, and no boot loader assertion fails', async (t) => {
  if (!requireTools(t, 'nix-instantiate')) return;
  for (const host of hosts) {
    const label = `${example.includes(host) ? 'example' : 'disk-layouts'} ${host.name} (${host.host.firmware}, ${host.host.layout.kind} over ${host.plan.disks.length})`;
    await t.test(label, () => assertBootsFromEveryDisk(host, label));
  }
});

test('the example\'s cp-2 (mdadm) and wk-1 (ZFS mirror): an ESP on each disk, none on md', () => {
  const disko = (name: string) => readFileSync(path.join(example.find((h) => h.name === name)!.dir, 'disko.nix'), 'utf8');
  assert.doesNotMatch(disko('cp-2'), /type = "mdraid";\s*name = "boot";/, 'no md array for the ESP');
  assert.equal((disko('cp-2').match(/format = "vfat";/g) ?? []).length, 2);
  assert.equal((disko('wk-1').match(/type = "EF00";/g) ?? []).length, 2);
});

test('mdadm reports array events to the journal: a degraded array at priority alert', async (t) => {
  if (!requireTools(t, 'nix-instantiate', 'logger')) return;
  const raid = hosts.filter((h) => h.host.layout.kind === 'raid1');
  assert.ok(raid.length >= 4);
  const work = tempDir(t);
  // The script's util-linux: its logger is the real one, writing to this test's socket.
  mkdirSync(path.join(work, 'util-linux', 'bin'), { recursive: true });
  const socket = path.join(work, 'log.sock');
  writeFileSync(path.join(work, 'util-linux', 'bin', 'logger'), `#!/bin/sh\nexec logger -u ${socket} "$@"\n`);
  chmodSync(path.join(work, 'util-linux', 'bin', 'logger'), 0o755);
  const received: string[] = [];
  const server = createServer((connection) => connection.on('data', (data) => received.push(String(data))));
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  t.after(() => server.close());
  for (const host of raid) {
    const { swraid } = await bootOf(host, path.join(work, 'util-linux'));
    assert.equal(swraid.enable, true);
    // swraid.nix warns (and mdmonitor crashes) unless mdadm.conf has MAILADDR or PROGRAM; MAILADDR
    // needs a mail transfer agent, which these hosts do not run.
    assert.match(swraid.mdadmConf, /^PROGRAM \/nix\/store\/[a-z0-9]{32}-mdadm-alert$/, `${host.dir}: one program, by its store path`);
    const program = path.join(work, `${host.name}-mdadm-alert`);
    writeFileSync(program, `#!/usr/bin/env bash\n${swraid.program}`);
    received.length = 0;
    // mdadm --monitor runs PROGRAM with the event, the array and (for some events) the member.
    execFileSync('bash', [program, 'DegradedArray', '/dev/md/root']);
    execFileSync('bash', [program, 'Fail', '/dev/md/root', '/dev/sdb2']);
    execFileSync('bash', [program, 'RebuildFinished', '/dev/md/root']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const lines = received.join('').split('\n').filter(Boolean);
    // <25> is daemon.alert, <29> daemon.notice (facility 3 × 8 + severity).
    assert.match(lines[0]!, /^<25>.* mdadm: DegradedArray on \/dev\/md\/root/);
    assert.match(lines[1]!, /^<25>.* mdadm: Fail on \/dev\/md\/root \/dev\/sdb2/);
    assert.match(lines[2]!, /^<29>.* mdadm: RebuildFinished on \/dev\/md\/root/);
  }
});
