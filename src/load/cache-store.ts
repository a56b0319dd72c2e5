// The parse cache on disk: one file in the cache directory (which git ignores), checked by a
// checksum and the parser's version, read whole at start and rewritten atomically when it grew.
// Each entry is serialized on its own, after an index of ids, lengths and HostFacts: an entry's data
// is deserialized only when a run asks for it (a plan between clean builds reads few).
// A missing, stale, truncated or corrupted file is an empty cache, never an error.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { hostFactsOf, ParseCache, StoredEntry, type HostFacts } from './parse-cache.ts';
import type { FileKind } from './types.ts';
import { PARSER_VERSION } from './parse.ts';

export const CACHE_DIR_NAME = '.fleetc-cache';
const FILE_NAME = 'parse.bin';
const MAGIC = 'fleetc-parse-cache';
/** Entries kept beyond those this run used: enough for a plan's two revisions and a branch switch. */
const EXTRA_ENTRIES = 2000;

interface Header {
  magic: string;
  parser: string;
  /** The schemas' fingerprint under which the files of `validated` passed (ParseCache.passedSchema). */
  schemas?: string;
  bytes: number;
  /** The payload's first `index` bytes: [[id, length, HostFacts]…] and the validated ids; the entries follow, in that order. */
  index: number;
  sha256: string;
}

export interface LoadedCache {
  cache: ParseCache;
  /** Why an existing cache file was ignored, for FLEETC_DEBUG and tests. */
  ignored?: string;
}

/** The default cache directory: beside the fleet directory, i.e. the repository root for fleet/. */
export function defaultCacheDir(fleetDir: string): string {
  return path.join(path.dirname(path.resolve(fleetDir)), CACHE_DIR_NAME);
}

export function loadParseCache(cacheDir: string): LoadedCache {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path.join(cacheDir, FILE_NAME));
  } catch {
    return { cache: new ParseCache() };
  }
  try {
    const newline = bytes.indexOf(10);
    if (newline < 0) throw new Error('no header');
    const header = JSON.parse(bytes.subarray(0, newline).toString('utf8')) as Header;
    if (header.magic !== MAGIC) throw new Error('not a fleetc parse cache');
    if (header.parser !== PARSER_VERSION) throw new Error(`written by another parser (${header.parser})`);
    const payload = bytes.subarray(newline + 1);
    if (payload.length !== header.bytes) throw new Error('truncated');
    if (createHash('sha256').update(payload).digest('hex') !== header.sha256) throw new Error('checksum mismatch');
    if (typeof header.index !== 'number' || header.index > payload.length) throw new Error('not an indexed cache');
    const stored = v8.deserialize(payload.subarray(0, header.index)) as unknown;
    const [entries, validated] = (Array.isArray(stored) && stored.length === 2 ? stored : [undefined, undefined]) as [unknown, unknown];
    if (!Array.isArray(entries) || !Array.isArray(validated)) throw new Error('not a list of entries');
    const map = new Map<string, unknown>();
    let offset = header.index;
    for (const entry of entries) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'number' || typeof entry[2] !== 'object' || entry[2] === null) throw new Error('malformed entry');
      if (offset + entry[1] > payload.length) throw new Error('truncated entry');
      map.set(entry[0], new StoredEntry(payload.subarray(offset, offset + entry[1]), entry[2] as HostFacts));
      offset += entry[1];
    }
    if (offset !== payload.length) throw new Error('entries do not fill the file');
    const kinds = new Map<string, FileKind>();
    for (const entry of validated) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !['fleet', 'profile', 'host'].includes(entry[1])) throw new Error('malformed schema record');
      kinds.set(entry[0], entry[1] as FileKind);
    }
    return { cache: new ParseCache(map, header.schemas === undefined ? undefined : { schemas: header.schemas, kinds }) };
  } catch (error) {
    return { cache: new ParseCache(), ignored: (error as Error).message };
  }
}

/**
 * Writes the cache when this run added entries: every entry it used, and a bounded number of
 * others. Best effort: a cache that cannot be written only makes the next run slower.
 */
export function saveParseCache(cacheDir: string, cache: ParseCache): boolean {
  if (!cache.changed) return false;
  const entries: Array<[string, unknown]> = [];
  const limit = cache.used.size + EXTRA_ENTRIES;
  for (const entry of cache.ordered()) {
    if (entries.length >= limit) break;
    entries.push(entry);
  }
  const validated = cache.validatedFor(new Set(entries.map(([id]) => id)));
  // An entry still unread keeps the bytes it was read with.
  const stored = entries.map(([, data]) => (data instanceof StoredEntry ? data : new StoredEntry(v8.serialize(data), hostFactsOf(data))));
  const index = v8.serialize([entries.map(([id], i) => [id, stored[i]!.bytes.length, stored[i]!.facts]), validated?.kinds ?? []]);
  const payload = Buffer.concat([index, ...stored.map((entry) => entry.bytes)]);
  const header: Header = { magic: MAGIC, parser: PARSER_VERSION, ...(validated ? { schemas: validated.schemas } : {}), bytes: payload.length, index: index.length, sha256: createHash('sha256').update(payload).digest('hex') };
  const target = path.join(cacheDir, FILE_NAME);
  const temp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    // Ignored by git even where the repository's .gitignore does not name the directory.
    const ignore = path.join(cacheDir, '.gitignore');
    if (!fs.existsSync(ignore)) fs.writeFileSync(ignore, '*\n');
    fs.writeFileSync(temp, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), payload]));
    fs.renameSync(temp, target);
    cache.changed = false;
    return true;
  } catch {
    fs.rmSync(temp, { force: true });
    return false;
  }
}
