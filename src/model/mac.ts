// MAC addresses: every accepted spelling normalised to lower case, colon-separated.

/** Already normalised: the spelling almost every fleet file uses. */
const CANONICAL = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;

export function normalizeMac(text: string): string {
  if (CANONICAL.test(text)) return text;
  const hex = text.toLowerCase().replace(/[^0-9a-f]/g, '');
  return hex.match(/../g)!.join(':');
}

/** Multicast (group bit set) or all-zero MACs cannot belong to a NIC. */
export function macProblem(normalized: string): string | undefined {
  if (normalized === '00:00:00:00:00:00') return 'is all zeros';
  if (parseInt(normalized.slice(0, 2), 16) & 1) return 'is a multicast address (its first octet is odd)';
  return undefined;
}
