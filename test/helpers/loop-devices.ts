// Runs disko's own _create script for a disko.nix on loop devices of exactly the declared disk sizes,
// then reads back what it made: `sgdisk -p` of every disk and `blkid -p` of every partition and of
// the md and LVM stand-ins. What this kernel lacks (md, device-mapper, ZFS) is shimmed
// (test/disko/shims/, each file says what it stands in for); every loop device is detached by name.
import { execFile, execFileSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { MD_RESERVE_BYTES } from '../../src/model/layout-fit.ts';
import { evalDiskoOrThrow, type LoopOverrides, type NixSources } from './disko.ts';
import { REPO_ROOT } from './paths.ts';
import { tempDir } from './tmp.ts';

const run = promisify(execFile);
const SHIMS = path.join(REPO_ROOT, 'test', 'disko', 'shims');
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** One row of `sgdisk -p`. */
export interface GptRow {
  number: number;
  startSector: number;
  endSector: number;
  code: string;
  name: string;
}

export interface CreatedDisk {
  device: string;
  sectorBytes: number;
  rows: GptRow[];
  /** `blkid -p -o export` of each partition by number ({} when it carries nothing blkid knows). */
  probes: Record<number, Record<string, string>>;
}

export interface CreateRun {
  exitCode: number;
  output: string;
  script: string;
  /** The shims' calls: tool name, then its arguments. */
  calls: string[][];
  disks: Record<string, CreatedDisk>;
  /** blkid of each stand-in (md-<array>, lv-<vg>-<lv>) and its size in bytes. */
  standins: Record<string, { bytes: number; probe: Record<string, string> }>;
}

/**
 * Creates the layout of `diskoFile` on fresh sparse files of `diskBytes` (by disk name) attached as
 * loop devices with `sectorBytes` logical sectors. Never throws for a failing script: the exit code
 * and output are in the result, so tests can also show that a layout does not fit.
 */
export async function createOnLoopDevices(t: { after: (fn: () => void) => void }, sources: NixSources, diskoFile: string, diskBytes: Readonly<Record<string, number>>, sectorBytes = 512): Promise<CreateRun> {
  const work = tempDir(t, 'fleetc-loop-');
  const standinDir = path.join(work, 'standin');
  mkdirSync(standinDir);
  const attached: string[] = [];
  try {
    const devices: Record<string, string> = {};
    for (const [name, bytes] of Object.entries(diskBytes)) {
      const image = path.join(work, `disk-${name}.img`);
      const fd = openSync(image, 'w');
      ftruncateSync(fd, bytes);
      closeSync(fd);
      const device = execFileSync('losetup', ['-f', '--show', '-P', '-b', String(sectorBytes), image], { encoding: 'utf8' }).trim();
      attached.push(device);
      devices[name] = device;
    }
    const shape = await evalDiskoOrThrow(sources, diskoFile);
    const overrides: LoopOverrides = {
      disk: Object.fromEntries(Object.entries(shape.partitions).map(([disk, partitions]) => [disk, { device: devices[disk]!, partitions: Object.fromEntries(Object.keys(partitions).map((p) => [p, true as const])) }])),
      mdadm: Object.fromEntries(shape.mdadm.map((array) => [array, path.join(standinDir, `md-${array}`)])),
      lvm_vg: Object.fromEntries(Object.entries(shape.lvs).map(([vg, lvs]) => [vg, Object.fromEntries(lvs.map((lv) => [lv, path.join(standinDir, `lv-${vg}-${lv}`)]))])),
    };
    const script = (await evalDiskoOrThrow(sources, diskoFile, overrides, work)).create;
    const scriptFile = path.join(work, 'disko-create');
    writeFileSync(scriptFile, `#!/usr/bin/env bash\n${script}`);
    const env = {
      PATH: `${SHIMS}:${SYSTEM_PATH}`,
      REAL_PATH: SYSTEM_PATH,
      SHIM_LOG: path.join(work, 'shim.log'),
      STANDIN_DIR: standinDir,
      MD_RESERVE_BYTES: String(MD_RESERVE_BYTES),
      // LVM sees only this run's loop devices, keeps its state here and never calls device-mapper.
      LVM_SYSTEM_DIR: lvmConfig(work, Object.values(devices)),
      LVM_SUPPRESS_FD_WARNINGS: '1',
      BLKID_FILE: path.join(work, 'blkid.tab'),
      TMPDIR: work,
    };
    writeFileSync(env.SHIM_LOG, '');
    let exitCode = 0;
    let output = '';
    try {
      const result = await run('bash', [scriptFile], { env, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
      output = result.stdout + result.stderr;
    } catch (error) {
      const failure = error as { code?: number; stdout?: string; stderr?: string };
      exitCode = typeof failure.code === 'number' ? failure.code : -1;
      output = `${failure.stdout ?? ''}${failure.stderr ?? String(error)}`;
    }
    const disks = Object.fromEntries(Object.entries(devices).map(([name, device]) => [name, readDisk(device, sectorBytes)]));
    const standins = Object.fromEntries(
      readdirSync(standinDir)
        .filter((entry) => entry.startsWith('md-') || entry.startsWith('lv-'))
        .filter((entry) => !entry.endsWith('.img'))
        .map((entry) => {
          const device = path.join(standinDir, entry);
          return [entry, { bytes: Number(execFileSync('blockdev', ['--getsize64', device], { encoding: 'utf8' }).trim()), probe: probe(device) }];
        }),
    );
    const calls = readFileSync(env.SHIM_LOG, 'utf8').split('\n').filter(Boolean).map((line) => line.split('\t'));
    return { exitCode, output, script, calls, disks, standins };
  } finally {
    const standinLoops = existsSync(path.join(standinDir, 'loops')) ? readFileSync(path.join(standinDir, 'loops'), 'utf8').split('\n').filter(Boolean) : [];
    for (const device of [...standinLoops, ...attached]) {
      try {
        execFileSync('losetup', ['-d', device], { stdio: 'ignore' });
      } catch {
        // Already gone; nothing of ours is left attached.
      }
    }
  }
}

/** An lvm.conf that accepts only the partitions of this run's loop devices and disables activation. */
function lvmConfig(work: string, devices: string[]): string {
  const dir = path.join(work, 'lvm');
  mkdirSync(dir);
  const accept = devices.map((d) => `"a|^${d}p[0-9]+$|"`).join(', ');
  writeFileSync(
    path.join(dir, 'lvm.conf'),
    [
      `devices { filter = [ ${accept}, "r|.*|" ] global_filter = [ ${accept}, "r|.*|" ] obtain_device_list_from_udev = 0 use_devicesfile = 0 }`,
      'activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }',
      `global { activation = 0 locking_dir = "${dir}/lock" }`,
      'backup { backup = 0 archive = 0 }',
      '',
    ].join('\n'),
  );
  return dir;
}

function readDisk(device: string, sectorBytes: number): CreatedDisk {
  const table = execFileSync('sgdisk', ['-p', device], { encoding: 'utf8' });
  const rows: GptRow[] = [];
  for (const line of table.split('\n')) {
    const match = /^\s+(\d+)\s+(\d+)\s+(\d+)\s+\S+\s+\S+\s+([0-9A-F]{4})\s+(.*)$/.exec(line);
    if (match) rows.push({ number: Number(match[1]), startSector: Number(match[2]), endSector: Number(match[3]), code: match[4]!, name: match[5]!.trim() });
  }
  return { device, sectorBytes, rows, probes: Object.fromEntries(rows.map((row) => [row.number, probe(`${device}p${row.number}`)])) };
}

/** `blkid -p -o export` as a record; {} when blkid finds nothing (exit 2). */
function probe(device: string): Record<string, string> {
  try {
    const text = execFileSync('blkid', ['-p', '-o', 'export', device], { encoding: 'utf8' });
    return Object.fromEntries(text.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  } catch {
    return {};
  }
}

/**
 * Runs `fn` over the items, `limit` at a time. Loop-device runs mostly wait (sgdisk sleeps a second
 * after every write), so several at once cost little CPU; each run has its own devices and LVM.
 */
export async function eachConcurrently<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
