// ISC dhcpd literals: quoted strings, declaration names, addresses and comments.
// Each function either returns text dhcpd reads back as exactly the given value, or throws: a throw
// means validate let through a value it should have refused (a bug), never a user error.
import { isIpv4 } from '../../model/ipv4.ts';

/**
 * A double-quoted dhcpd string. dhcpd's lexer reads `\"`, `\\` and octal `\ooo` escapes; every byte
 * outside printable ASCII is written in octal, so the file stays ASCII and no byte ends the string.
 */
export function dhcpdString(text: string): string {
  // Printable ASCII other than the quote and the backslash is written as it is (most names): no Buffer.
  if (PRINTABLE.test(text)) return `"${text}"`;
  let out = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return `${out}"`;
}

const PRINTABLE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

const DECLARATION_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/** The name of a host declaration: dot-separated DNS-label-like parts (dhcpd does not accept a quoted name). */
export function dhcpdName(name: string): string {
  if (!DECLARATION_NAME.test(name)) throw new Error(`dhcpd: not a declaration name: ${JSON.stringify(name)}`);
  return name;
}

/** Four decimal numbers 0–255 without leading zeros, as isIpv4 reads them: the test most addresses pass. */
const DOTTED_QUAD = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function dhcpdAddress(address: string): string {
  if (!DOTTED_QUAD.test(address) && !isIpv4(address)) throw new Error(`dhcpd: not an IPv4 address: ${JSON.stringify(address)}`);
  return address;
}

export function dhcpdAddresses(addresses: readonly string[]): string {
  if (addresses.length === 0) throw new Error('dhcpd: an empty address list');
  return addresses.map(dhcpdAddress).join(', ');
}

const NORMALISED_MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;

export function dhcpdMac(mac: string): string {
  if (!NORMALISED_MAC.test(mac)) throw new Error(`dhcpd: not a normalised MAC: ${JSON.stringify(mac)}`);
  return mac;
}

export function dhcpdNumber(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`dhcpd: not a non-negative integer: ${value}`);
  return String(value);
}

/** Text inside a # comment: a comment ends at the line break, so control characters become spaces. */
export function dhcpdComment(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
}
