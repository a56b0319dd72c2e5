// The parse cache: a file's parsed data by the git blob id of its bytes, so a file whose content was
// parsed before (in this process, or in an earlier run through the cache store) is not parsed again.
import { createHash } from 'node:crypto';
import type { RawFile } from './types.ts';

/** The git blob id of some bytes: sha1 of "blob <length>\0" and the bytes, as `git hash-object` prints. */
export function blobIdOf(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** Blob ids computed for files read from disk, by the file object (the bytes of a RawFile never change). */
const computedIds = new WeakMap<RawFile, string>();

/** A raw file's blob id: known from git, or computed once per file object. */
export function blobIdOfFile(file: RawFile): string {
  if (file.blobId !== undefined) return file.blobId;
  let id = computedIds.get(file);
  if (id === undefined) computedIds.set(file, (id = blobIdOf(file.bytes ?? new Uint8Array())));
  return id;
}

export class ParseCache {
  private readonly entries: Map<string, unknown>;
  /** Ids asked for or added during this process's use, which a store keeps first. */
  readonly used = new Set<string>();
  hits = 0;
  misses = 0;
  /** True when an entry was added since the cache was created or loaded. */
  changed = false;

  constructor(entries: Map<string, unknown> = new Map()) {
    this.entries = entries;
  }

  get(id: string): unknown {
    const data = this.entries.get(id);
    if (data === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.used.add(id);
    return data;
  }

  /** Data is frozen on the way in: every compile that is served the entry shares it. */
  set(id: string, data: unknown): void {
    this.entries.set(id, deepFreeze(data));
    this.used.add(id);
    this.changed = true;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Entries for a store: those used in this process first, then the rest. */
  *ordered(): Iterable<[string, unknown]> {
    for (const id of this.used) yield [id, this.entries.get(id)];
    for (const entry of this.entries) if (!this.used.has(entry[0])) yield entry;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
