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

export function ipv4ToInt(text: string): number {
  const value = dottedDecimal(text);
  if (value !== undefined) return value;
  const bytes = ipaddr.IPv4.parse(text).toByteArray();
  return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}

/** Four decimal numbers 0–255 without leading zeros, read directly (as ipaddr.js reads them); else undefined. */
function dottedDecimal(text: string): number | undefined {
  let value = 0;
  let i = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0 && text.charCodeAt(i++) !== 46) return undefined;
    const start = i;
    let octet = 0;
    for (let code = text.charCodeAt(i); code >= 48 && code <= 57 && i - start < 3; code = text.charCodeAt(++i)) octet = octet * 10 + code - 48;
    if (i === start || octet > 255 || (i - start > 1 && text.charCodeAt(start) === 48)) return undefined;
    value = value * 256 + octet;
  }
  return i === text.length ? value : undefined;
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
