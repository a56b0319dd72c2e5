// Disk sizes written as 512M, 1G, 4T (binary units), and the special 100% meaning "the rest".

const UNIT_BYTES: Record<string, number> = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

export const REST = '100%';

/** Bytes of a size string, or undefined for 100%. */
export function sizeBytes(size: string): number | undefined {
  if (size === REST) return undefined;
  const match = /^([1-9][0-9]*)([KMGT])$/.exec(size);
  if (!match) throw new Error(`not a size: ${size}`);
  return Number(match[1]) * UNIT_BYTES[match[2]!]!;
}

export function formatBytes(bytes: number): string {
  for (const unit of ['T', 'G', 'M', 'K'] as const) {
    const value = bytes / UNIT_BYTES[unit]!;
    if (value >= 1) return `${Number.isInteger(value) ? value : value.toFixed(1)}${unit}`;
  }
  return `${bytes}B`;
}

/** Bytes without rounding up: in whole T, G or M when they divide, else in MiB with two decimals cut off. */
export function formatBytesExact(bytes: number): string {
  for (const unit of ['T', 'G', 'M'] as const) {
    if (bytes >= UNIT_BYTES[unit]! && bytes % UNIT_BYTES[unit]! === 0) return `${bytes / UNIT_BYTES[unit]!}${unit}`;
  }
  return `${(Math.floor((bytes / UNIT_BYTES.M!) * 100) / 100).toFixed(2)}M`;
}
