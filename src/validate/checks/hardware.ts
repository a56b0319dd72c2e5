// Host hardware: firmware fits the architecture, the layout's disks exist and it fits on them.
import type { HostInput, LayoutInput } from '../../model/input.ts';
import { planLayout } from '../../model/disk-plan.ts';
import { layoutDiskNames, ZFS_MIN_DISKS } from '../../model/layout-defaults.ts';
import { layoutFitProblems, undersizedProblems, type FitProblem } from '../../model/layout-fit.ts';
import { sizeBytes } from '../../model/size.ts';
import type { Checked, HostContext } from '../context.ts';
import type { Reporter } from '../../diagnostics/reporter.ts';
import { closestMatch } from '../suggest.ts';
import { canonicalDevice, canonicalMount } from './spellings.ts';

export function checkHostHardware(host: Checked<HostInput>, context: HostContext, report: Reporter): void {
  const defaults = context.fleet?.data.defaults ?? {};
  const hardware = host.data.hardware;
  const arch = hardware.arch ?? defaults.arch ?? 'x86_64';
  const firmware = hardware.firmware ?? defaults.firmware ?? 'uefi';
  if (arch === 'aarch64' && firmware === 'bios') {
    report.at(host.document, hardware.firmware ? ['hardware', 'firmware'] : ['hardware'], { code: 'FIRMWARE_ARCH_MISMATCH', message: `host ${host.name} is aarch64 with BIOS firmware`, hint: 'aarch64 servers boot through UEFI: set firmware: uefi' });
  }
  checkDevices(host, report);
  if (checkLayoutDisks(host, report)) checkLayout(host, firmware, report);
}

function checkDevices(host: Checked<HostInput>, report: Reporter): void {
  // A host has a few disks: their canonical devices in a list, by name.
  const disks = host.data.hardware.disks;
  const names: string[] = [];
  const devices: string[] = [];
  for (const name of Object.keys(disks)) {
    // Compared as spelled canonically (spellings.ts): /dev/disk/by-id//x is /dev/disk/by-id/x.
    const device = canonicalDevice(disks[name]!.device);
    const other = devices.indexOf(device);
    if (other >= 0) report.at(host.document, ['hardware', 'disks', name, 'device'], { code: 'DISK_DUPLICATE_DEVICE', message: `disks ${names[other]} and ${name} are the same device ${disks[name]!.device}`, hint: 'each disk entry is one physical disk' });
    else {
      names.push(name);
      devices.push(device);
    }
  }
}

/** Reports layout references to undeclared disks; true when every reference resolves. */
function checkLayoutDisks(host: Checked<HostInput>, report: Reporter): boolean {
  const layout = host.data.hardware.layout;
  const disks = host.data.hardware.disks;
  const used = layoutDiskNames(layout);
  // The usual case, every disk declared, without listing them.
  if (used.every((disk) => Object.hasOwn(disks, disk))) return true;
  const declared = Object.keys(disks);
  used.forEach((disk, i) => {
    if (declared.includes(disk)) return;
    const path = layout.kind === 'single' || layout.kind === 'lvm' ? ['hardware', 'layout', 'disk'] : ['hardware', 'layout', 'disks', i];
    const suggestion = closestMatch(disk, declared);
    report.at(host.document, path, { code: 'DISK_UNKNOWN', message: `the layout uses disk "${disk}", which host ${host.name} does not declare`, hint: suggestion ? `did you mean "${suggestion}"?` : `declared disks: ${declared.join(', ')}` });
  });
  return false;
}

function checkLayout(host: Checked<HostInput>, firmware: 'uefi' | 'bios', report: Reporter): void {
  const layout = host.data.hardware.layout;
  let consistent = true;
  const at = (path: (string | number)[], message: string, hint: string) => {
    consistent = false;
    report.at(host.document, ['hardware', 'layout', ...path], { code: 'LAYOUT_INVALID', message, hint });
  };
  const mounts = layoutMounts(layout);
  if (mounts && !mounts.some(([, mount]) => mount !== undefined && canonicalMount(mount) === '/')) {
    at([layout.kind === 'zfs' ? 'datasets' : 'volumes'], `the ${layout.kind} layout of host ${host.name} mounts nothing at /`, 'give one dataset or volume mount: /');
  }
  const seenMounts = new Map<string, string>();
  for (const [name, mount] of mounts ?? []) {
    if (mount === undefined) continue;
    const other = seenMounts.get(canonicalMount(mount));
    if (other) at([layout.kind === 'zfs' ? 'datasets' : 'volumes', name, 'mount'], `${name} and ${other} both mount at ${mount}`, 'each mount point once');
    else seenMounts.set(canonicalMount(mount), name);
  }
  if (layout.kind === 'lvm') {
    const rest = Object.entries(layout.volumes).filter(([, v]) => v.size === '100%').map(([name]) => name);
    if (rest.length > 1) at(['volumes', rest[1]!, 'size'], `volumes ${rest.join(' and ')} both take 100% of the free space`, 'only one volume can take the rest');
    for (const [name, volume] of Object.entries(layout.volumes)) {
      if (volume.swap && (volume.fs || volume.mount)) at(['volumes', name], `volume ${name} is swap and also has a file system or mount`, 'a swap volume has neither fs nor mount');
    }
  }
  if (layout.kind === 'zfs') {
    const mode = layout.mode ?? (layout.disks.length > 1 ? 'mirror' : 'stripe');
    const needed = ZFS_MIN_DISKS[mode]!;
    if (layout.disks.length < needed) at(['mode'], `ZFS ${mode} needs at least ${needed} disks, the layout has ${layout.disks.length}`, 'add disks or choose another mode');
  }

  // Sizes are measured only on a layout that makes sense (two 100% volumes cannot both get the rest).
  if (!consistent) return;
  const { undersized, tooLarge } = measureLayout(layout, firmware, host.data.hardware.disks);
  for (const problem of undersized) {
    report.at(host.document, ['hardware', 'layout', ...problem.at], { code: 'PARTITION_TOO_SMALL', message: `host ${host.name}: ${problem.message}`, hint: 'give it at least that much (docs/disks.md lists the floors)' });
  }
  for (const problem of tooLarge) {
    report.at(host.document, ['hardware', 'layout', ...problem.at], { code: 'LAYOUT_TOO_LARGE', message: `host ${host.name}: ${problem.message}`, hint: 'shrink this or an earlier partition or volume; docs/disks.md shows how the space is counted' });
  }
}

interface Measured {
  undersized: FitProblem[];
  tooLarge: FitProblem[];
}

/** Racks of one machine model share their layout and disks: each spelling is measured once (bounded, for watch). */
const measured = new Map<string, Measured>();
const MEASURED_MAX = 4096;

function measureLayout(layout: LayoutInput, firmware: 'uefi' | 'bios', disks: HostInput['hardware']['disks']): Measured {
  // The sizes as written decide the bytes: they key the measure as well as the bytes would.
  const names = layoutDiskNames(layout);
  let key = `${firmware}\0${JSON.stringify(layout)}`;
  for (const name of names) key += `\0${disks[name]!.size}`;
  let found = measured.get(key);
  if (!found) {
    const diskBytes = Object.fromEntries(names.map((name) => [name, sizeBytes(disks[name]!.size)!]));
    const plan = planLayout(layout, firmware);
    found = { undersized: undersizedProblems(plan), tooLarge: layoutFitProblems(plan, diskBytes) };
    if (measured.size >= MEASURED_MAX) measured.clear();
    measured.set(key, found);
  }
  return found;
}

function layoutMounts(layout: LayoutInput): Array<[string, string | undefined]> | undefined {
  if (layout.kind === 'zfs') return Object.entries(layout.datasets).map(([name, d]) => [name, d.mount]);
  if (layout.kind === 'lvm') return Object.entries(layout.volumes).map(([name, v]) => [name, v.mount]);
  return undefined;
}
