// What changed on a host, in fleet terms: a structural diff of its resolved model before and after.
import type { Host } from '../model/fleet.ts';

type Json = unknown;

const MAX_VALUE_LENGTH = 60;

/** "profile worker → control-plane", "services +chainfire −novanet", "interface eno1: mac a → b". */
export function describeHostChanges(base: Host, head: Host): string[] {
  // The same object (an unchanged host on both sides of a plan): nothing can differ.
  if (base === head) return [];
  const reasons: string[] = [];
  const scalar = (label: string, a: Json, b: Json) => {
    if (!same(a, b)) reasons.push(`${label} ${show(a)} → ${show(b)}`);
  };
  scalar('profile', base.profile, head.profile);
  scalar('cluster', base.cluster, head.cluster);
  scalar('architecture', base.arch, head.arch);
  scalar('firmware', base.firmware, head.firmware);
  list('services', base.services, head.services, reasons);
  list('Nix modules', base.modules, head.modules, reasons);
  list('packages', base.packages, head.packages, reasons);
  list('kernel params', base.kernel.params, head.kernel.params, reasons);
  list('kernel modules', base.kernel.modules, head.kernel.modules, reasons);
  scalar('kernel package', base.kernel.package, head.kernel.package);
  keyed('interface', byKey(base.interfaces, (i) => i.device), byKey(head.interfaces, (i) => i.device), reasons, (i) => `${i.network}${i.address ? `, ${i.address}` : ', DHCP'}`);
  scalar('default gateway', base.gateway && `${base.gateway.address} via ${base.gateway.device}`, head.gateway && `${head.gateway.address} via ${head.gateway.device}`);
  list('nameservers', base.nameservers, head.nameservers, reasons);
  keyed('disk', base.disks, head.disks, reasons, (d) => `${d.device}, ${d.size}`);
  if (base.layout.kind !== head.layout.kind) reasons.push(`disk layout ${base.layout.kind} → ${head.layout.kind}`);
  else generic(`disk layout (${head.layout.kind})`, base.layout, head.layout, reasons);
  if (!same(base.bmc, head.bmc)) {
    if (!base.bmc || !head.bmc) reasons.push(`BMC ${base.bmc ? 'removed' : 'added'}`);
    else generic('BMC', base.bmc, head.bmc, reasons);
  }
  keyed('label', base.labels, head.labels, reasons, (v) => v);
  list('authorized SSH keys', base.authorizedKeys, head.authorizedKeys, reasons, true);
  scalar('SSH host key', base.ssh.hostKey && 'pinned', head.ssh.hostKey && (base.ssh.hostKey && base.ssh.hostKey !== head.ssh.hostKey ? 'replaced' : 'pinned'));
  scalar('SSH port', base.ssh.port, head.ssh.port);
  scalar('SSH user', base.ssh.user, head.ssh.user);
  for (const key of ['domain', 'timezone', 'stateVersion', 'description'] as const) scalar(key, base[key], head[key]);
  return reasons;
}

function list(label: string, a: readonly string[], b: readonly string[], out: string[], countOnly = false): void {
  const added = b.filter((x) => !a.includes(x));
  const removed = a.filter((x) => !b.includes(x));
  if (added.length === 0 && removed.length === 0) {
    if (!same(a, b)) out.push(`${label} reordered`);
    return;
  }
  if (countOnly) out.push(`${label}: ${added.length} added, ${removed.length} removed`);
  else out.push(`${label} ${[...added.map((x) => `+${x}`), ...removed.map((x) => `−${x}`)].join(' ')}`);
}

function keyed<T>(label: string, a: Record<string, T>, b: Record<string, T>, out: string[], summary: (value: T) => string): void {
  for (const key of Object.keys(b)) if (!(key in a)) out.push(`${label} ${key} added (${summary(b[key]!)})`);
  for (const key of Object.keys(a)) if (!(key in b)) out.push(`${label} ${key} removed (${summary(a[key]!)})`);
  for (const key of Object.keys(b)) {
    if (!(key in a) || same(a[key], b[key])) continue;
    if (typeof b[key] === 'object') generic(`${label} ${key}`, a[key], b[key], out);
    else out.push(`${label} ${key}: ${show(a[key])} → ${show(b[key])}`);
  }
}

/** One line per changed leaf of any structure: "prefix: path a → b" (lists of strings: +added −removed). */
export function describeValueChanges(prefix: string, a: unknown, b: unknown): string[] {
  const out: string[] = [];
  generic(prefix, a, b, out);
  return out;
}

/** Any other structure: one line per changed leaf, "prefix: path a → b". */
function generic(prefix: string, a: Json, b: Json, out: string[], path = ''): void {
  if (same(a, b)) return;
  if (isObject(a) && isObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) generic(prefix, a[key], b[key], out, path ? `${path}.${key}` : key);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && [...a, ...b].every((x) => typeof x === 'string')) {
    list(`${prefix}: ${path}`, a as string[], b as string[], out);
    return;
  }
  out.push(`${prefix}: ${path ? `${path} ` : ''}${show(a)} → ${show(b)}`);
}

function byKey<T>(items: readonly T[], key: (item: T) => string): Record<string, T> {
  return Object.fromEntries(items.map((item) => [key(item), item]));
}

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function same(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function show(value: Json): string {
  if (value === undefined || value === null) return '(none)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

/**
 * What says another machine now stands under this name: the boot NIC's MAC, the BMC's address, or
 * the serial of a disk (a /dev/disk/by-id/ name, which carries the serial). Empty: the same machine.
 */
export function hardwareIdentityChanges(base: Host, head: Host): string[] {
  const out: string[] = [];
  const bootMac = (host: Host) => host.interfaces.find((i) => i.boot)?.mac;
  if (bootMac(base) !== bootMac(head)) out.push(`boot MAC ${show(bootMac(base))} → ${show(bootMac(head))}`);
  if (base.bmc && head.bmc && base.bmc.address !== head.bmc.address) out.push(`BMC ${base.bmc.address} → ${head.bmc.address}`);
  for (const [name, disk] of Object.entries(head.disks)) {
    const before = base.disks[name]?.device;
    if (before && before !== disk.device && before.startsWith(BY_ID) && disk.device.startsWith(BY_ID)) out.push(`disk ${name} ${before.slice(BY_ID.length)} → ${disk.device.slice(BY_ID.length)}`);
  }
  return out;
}

const BY_ID = '/dev/disk/by-id/';
