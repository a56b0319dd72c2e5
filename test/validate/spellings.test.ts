// The quick forms of the checks agree with the slow ones they stand in for: isIpv4's one regular
// expression with ipaddr.js's isValidFourPartDecimal, ipv4ToInt's own reading with ipaddr.js's parse,
// canonicalDevice and canonicalMount's "already plain" test with path.posix.normalize, on every
// string of a small alphabet up to a length.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import ipaddr from 'ipaddr.js';
import fc from 'fast-check';
import { ipv4ToInt, isIpv4 } from '../../src/model/ipv4.ts';
import { canonicalDevice, canonicalMount } from '../../src/validate/checks/spellings.ts';

/** Every string of these characters up to this length. */
function allStrings(alphabet: string, maxLength: number): string[] {
  const out = [''];
  for (let start = 0, length = 1; length <= maxLength; length++) {
    const end = out.length;
    for (let i = start; i < end; i++) for (const c of alphabet) out.push(out[i]! + c);
    start = end;
  }
  return out;
}

test('isIpv4 is ipaddr.js\'s isValidFourPartDecimal', () => {
  const edge = ['0.0.0.0', '255.255.255.255', '256.1.1.1', '1.1.1.256', '01.1.1.1', '1.1.1.01', '1.1.1', '1.1.1.1.1', '1..1.1', '0x1.1.1.1', '1.1.1.1 ', ' 1.1.1.1', '10.0.1.1\n', '199.249.250.255', '1000.1.1.1', '00.0.0.0', '+1.1.1.1', '１.1.1.1', '١.1.1.1'];
  for (const text of edge) assert.equal(isIpv4(text), ipaddr.IPv4.isValidFourPartDecimal(text), text);
  fc.assert(fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('0', '00', '010', '', 'x', '25', '2555')), { minLength: 1, maxLength: 5 }), (parts) => {
    const text = parts.join('.');
    assert.equal(isIpv4(text), ipaddr.IPv4.isValidFourPartDecimal(text), text);
  }), { numRuns: 5000 });
});

test('canonicalDevice and canonicalMount are what normalising gives, for every short path of /, . and a', () => {
  for (const text of allStrings('/.a', 8)) {
    const normalized = path.posix.normalize(text);
    assert.equal(canonicalDevice(text), normalized.replace(/\/$/, ''), text);
    assert.equal(canonicalMount(text), normalized.length > 1 ? normalized.replace(/\/$/, '') : normalized, text);
  }
  for (const text of ['/dev/disk/by-id/nvme-INTEL_SSDPF2KX038T-a0', '/dev/disk/by-id/..x', '/dev/./sda', '/var/lib/', '/...', '/dev/sda/..']) {
    assert.equal(canonicalDevice(text), path.posix.normalize(text).replace(/\/$/, ''), text);
  }
});

test('ipv4ToInt reads every address as ipaddr.js does', () => {
  const octet = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('0', '00', '01', '010', '0x1f', '255', '256', '1000', ''));
  fc.assert(fc.property(fc.array(octet, { minLength: 1, maxLength: 5 }), (parts) => {
    const text = parts.join('.');
    let expected: number | undefined;
    try {
      const bytes = ipaddr.IPv4.parse(text).toByteArray();
      expected = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
    } catch {
      expected = undefined;
    }
    let actual: number | undefined;
    try {
      actual = ipv4ToInt(text);
    } catch {
      actual = undefined;
    }
    assert.equal(actual, expected, text);
  }), { numRuns: 5000 });
  assert.equal(ipv4ToInt('255.255.255.255'), 0xffffffff);
  assert.equal(ipv4ToInt('10.0.1.1'), 0x0a000101);
});
