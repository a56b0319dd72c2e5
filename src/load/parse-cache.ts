// The parse cache: a file's parsed data by the git blob id of its bytes, so a file whose content was
// parsed before (in this process, or in an earlier run through the cache store) is not parsed again.
import { createHash } from 'node:crypto';
import v8 from 'node:v8';
import type { FileKind, RawFile } from './types.ts';

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

/**
 * What a host file's data says of its place in the fleet, known without reading the data whole: its
 * name: (when it has one), cluster:, profile: and whether it claims to bootstrap its cluster. A plan
 * between two clean builds places every host by these (plan/shallow.ts) and reads only the few it resolves.
 */
export interface HostFacts {
  name?: string;
  cluster?: string;
  profile?: string;
  bootstrap: boolean;
}

export function hostFactsOf(data: unknown): HostFacts {
  const record = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const { name, cluster, profile, firstBoot } = record(data);
  return { ...(text(name) !== undefined ? { name: text(name) } : {}), ...(text(cluster) !== undefined ? { cluster: text(cluster) } : {}), ...(text(profile) !== undefined ? { profile: text(profile) } : {}), bootstrap: record(firstBoot).bootstrap === true };
}

/** An entry as the store read it: its serialized data, deserialized when first asked for, and its facts. */
export class StoredEntry {
  constructor(readonly bytes: Buffer, readonly facts: HostFacts) {}
}

export class ParseCache {
  /** Parsed data, or an entry not yet read from the store (StoredEntry). */
  private readonly entries: Map<string, unknown>;
  /** Ids asked for or added during this process's use, which a store keeps first. */
  readonly used = new Set<string>();
  hits = 0;
  misses = 0;
  /** True when an entry was added since the cache was created or loaded. */
  changed = false;
  /**
   * Files (by blob id) known to pass their kind's JSON Schema, under the schemas of `schemas` (a
   * fingerprint of the schema files; validate/schemas.ts): validate does not check them again.
   */
  private validated: Map<string, FileKind>;
  private schemas: string | undefined;

  constructor(entries: Map<string, unknown> = new Map(), validated?: { schemas: string; kinds: Map<string, FileKind> }) {
    this.entries = entries;
    this.schemas = validated?.schemas;
    this.validated = validated?.kinds ?? new Map();
  }

  passedSchema(id: string, kind: FileKind, schemas: string): boolean {
    return this.schemas === schemas && this.validated.get(id) === kind;
  }

  markPassed(id: string, kind: FileKind, schemas: string): void {
    if (this.schemas !== schemas) {
      this.schemas = schemas;
      this.validated = new Map();
    }
    if (this.validated.get(id) === kind) return;
    this.validated.set(id, kind);
    this.changed = true;
  }

  /** The schema record, for a store: kept for entries the store keeps. */
  validatedFor(ids: ReadonlySet<string>): { schemas: string; kinds: Array<[string, FileKind]> } | undefined {
    if (this.schemas === undefined) return undefined;
    return { schemas: this.schemas, kinds: [...this.validated].filter(([id]) => ids.has(id)) };
  }

  get(id: string): unknown {
    let data = this.entries.get(id);
    if (data === undefined) {
      this.misses++;
      return undefined;
    }
    if (data instanceof StoredEntry) this.entries.set(id, (data = v8.deserialize(data.bytes) as unknown));
    this.hits++;
    this.used.add(id);
    // Entries read from the store arrive unfrozen: frozen on first use (the top object, which is what
    // says "shared data" to later stages; nothing writes to parsed data), they are shared like the rest.
    return Object.isFrozen(data) ? data : Object.freeze(data);
  }

  /** Data is frozen on the way in: every compile that is served the entry shares it. */
  set(id: string, data: unknown): void {
    this.entries.set(id, deepFreeze(data));
    this.used.add(id);
    this.changed = true;
  }

  /** A cached file's HostFacts, without reading its data (a stored entry stays unread); undefined when not cached. */
  facts(id: string): HostFacts | undefined {
    const data = this.entries.get(id);
    if (data === undefined) return undefined;
    this.used.add(id);
    return data instanceof StoredEntry ? data.facts : hostFactsOf(data);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Entries for a store (data, or a StoredEntry still unread): those used in this process first, then the rest. */
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
