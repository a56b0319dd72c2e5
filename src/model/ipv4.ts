// IPv4 arithmetic on top of ipaddr.js: addresses as unsigned 32-bit integers, networks as ranges.
import ipaddr from 'ipaddr.js';

export interface Ipv4Network {
  /** Network address as an unsigned 32-bit integer. */
  network: number;
  broadcast: number;
  prefixLength: number;
}

/**
 * Four decimal numbers 0–255 without leading zeros: what ipaddr.js's isValidFourPartDecimal accepts
 * (test/model/ipv4.test.ts compares them), read by one regular expression instead of its parser.
 */
const FOUR_PART_DECIMAL = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;

export function isIpv4(text: string): boolean {
  return FOUR_PART_DECIMAL.test(text);
}

/** Four decimal numbers 0–255 without leading zeros: read directly, as ipaddr.js reads them. */
const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function ipv4ToInt(text: string): number {
  const parts = DOTTED.exec(text);
  if (parts && parts.slice(1).every((p) => (p === '0' || p[0] !== '0') && Number(p) <= 255)) {
    return ((Number(parts[1]) << 24) | (Number(parts[2]) << 16) | (Number(parts[3]) << 8) | Number(parts[4])) >>> 0;
  }
  const bytes = ipaddr.IPv4.parse(text).toByteArray();
  return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}

export function intToIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

export type CidrParse = { ok: true; value: Ipv4Network; canonical: string } | { ok: false; reason: string; canonical?: string };

/** Parses a.b.c.d/n; rejects host bits (with the canonical form as a hint) and prefixes outside 8–30. */
export function parseCidr(text: string): CidrParse {
  let parsed: [ipaddr.IPv4, number];
  try {
    parsed = ipaddr.IPv4.parseCIDR(text);
  } catch {
    return { ok: false, reason: 'is not a valid IPv4 CIDR' };
  }
  const [address, prefixLength] = parsed;
  if (!isIpv4(address.toString()) || text.split('/')[0] !== address.toString()) return { ok: false, reason: 'is not a valid IPv4 CIDR' };
  if (prefixLength < 8 || prefixLength > 30) return { ok: false, reason: `has prefix /${prefixLength}; fleet networks are /8 to /30` };
  const mask = prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
  const network = (ipv4ToInt(address.toString()) & mask) >>> 0;
  const canonical = `${intToIpv4(network)}/${prefixLength}`;
  if (canonical !== text) return { ok: false, reason: 'has host bits set', canonical };
  return { ok: true, value: { network, broadcast: (network | ~mask) >>> 0, prefixLength }, canonical };
}

export function contains(net: Ipv4Network, address: number): boolean {
  return address >= net.network && address <= net.broadcast;
}

export function overlaps(a: Ipv4Network, b: Ipv4Network): boolean {
  return a.network <= b.broadcast && b.network <= a.broadcast;
}

export function netmask(prefixLength: number): string {
  return intToIpv4((0xffffffff << (32 - prefixLength)) >>> 0);
}
