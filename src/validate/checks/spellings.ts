// One thing, one spelling: disk devices, mount points and BMC addresses are compared in a canonical
// form, so that two spellings of the same device, mount point or BMC are caught as the duplicates
// they are — and a spelling that leaves /dev, or that tools read in two ways (010.0.1.11 is octal
// to inet_aton), is refused where it is written.
import path from 'node:path';
import { isIpv4 } from '../../model/ipv4.ts';
import type { HostInput } from '../../model/input.ts';
import type { Checked } from '../context.ts';
import type { Reporter } from '../../diagnostics/reporter.ts';

/**
 * An absolute path with no empty, "." or ".." segment and no trailing slash: what normalising
 * leaves as it is (the spelling nearly every file uses), known without normalising it.
 */
function isPlainAbsolute(p: string): boolean {
  return p.charCodeAt(0) === 47 && !p.includes('//') && !p.includes('/./') && !p.includes('/../') && !p.endsWith('/') && !p.endsWith('/.') && !p.endsWith('/..');
}

/** /dev/disk/by-id//x and /dev/disk/by-id/./x are /dev/disk/by-id/x. */
export function canonicalDevice(device: string): string {
  return isPlainAbsolute(device) ? device : path.posix.normalize(device).replace(/\/$/, '');
}

/** /var/ and /var/. are /var. */
export function canonicalMount(mount: string): string {
  if (isPlainAbsolute(mount)) return mount;
  const normalized = path.posix.normalize(mount);
  return normalized.length > 1 ? normalized.replace(/\/$/, '') : normalized;
}

/** BMC.example. is bmc.example; 10.0.1.11 is itself. */
export function canonicalBmcAddress(address: string): string {
  return address.toLowerCase().replace(/\.$/, '');
}

export function checkHostSpellings(host: Checked<HostInput>, report: Reporter): void {
  for (const [name, disk] of Object.entries(host.data.hardware.disks)) {
    const canonical = canonicalDevice(disk.device);
    if (!canonical.startsWith('/dev/') || canonical === '/dev') {
      report.at(host.document, ['hardware', 'disks', name, 'device'], { code: 'DISK_DEVICE_INVALID', message: `disk ${name}'s device ${disk.device} is ${canonical} once its "." and ".." are read: not under /dev`, hint: 'name the disk by its /dev/disk/by-id/… path' });
    } else if (canonical !== disk.device) {
      report.at(host.document, ['hardware', 'disks', name, 'device'], { code: 'DISK_DEVICE_INVALID', message: `disk ${name}'s device ${disk.device} is spelled unusually; it is ${canonical}`, hint: `write ${canonical}` });
    }
  }
  const layout = host.data.hardware.layout;
  const mounts = layout.kind === 'zfs' ? Object.entries(layout.datasets).map(([n, d]) => [['datasets', n, 'mount'], d.mount] as const) : layout.kind === 'lvm' ? Object.entries(layout.volumes).map(([n, v]) => [['volumes', n, 'mount'], v.mount] as const) : [];
  for (const [where, mount] of mounts) {
    if (mount === undefined || canonicalMount(mount) === mount) continue;
    report.at(host.document, ['hardware', 'layout', ...where], { code: 'LAYOUT_INVALID', message: `mount point ${mount} is spelled unusually; it is ${canonicalMount(mount)}`, hint: `write ${canonicalMount(mount)}` });
  }
  const bmc = host.data.bmc;
  if (bmc && /^[0-9.]+$/.test(bmc.address) && !isIpv4(bmc.address)) {
    report.at(host.document, ['bmc', 'address'], { code: 'SCHEMA_FORMAT', message: `BMC address ${bmc.address} is not an IPv4 address in its usual form; tools read such numbers differently (inet_aton takes 010 as octal 8)`, hint: 'write four numbers 0–255 without leading zeros, e.g. 10.20.1.11' });
  }
}
