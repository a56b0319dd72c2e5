// A committed manifest.json with its host entries parsed one at a time, when first read: a plan reads
// the entries of the hosts a change touches, and the rest of a 12 MB text at 5,000 hosts is skipped.
import type { Manifest } from '../emit/manifest.ts';

/**
 * A host entry that is not what a manifest's entry must be (found when it is read): the plan is
 * made again from the manifest parsed whole (plan/revisions.ts), which is what it would have been.
 */
export class MalformedEntry extends Error {}

/** Where fleetc's manifest text (emit/manifest.ts) opens and closes `files`, at the top level. */
export const FILES = '\n  "files": {\n';
export const AFTER_FILES = '\n  },\n  "nix": ';
const HOSTS = '\n  "hosts": {';
const ENTRY = '\n    "';
const KEY_END = '": {\n';
/** How the text ends: after the last host's entry, or for a fleet without hosts. */
const SUFFIX = '\n  }\n}\n';
const EMPTY = '}\n}\n';

/**
 * The manifest, its `files` empty and its hosts' entries read on first access (each a getter that
 * parses its slice of the text once), when the text has the layout fleetc writes (emit/manifest.ts
 * buildManifest: JSON.stringify's, two spaces, `hosts` the last key); undefined otherwise — then
 * the caller parses it whole. Only the top-level keys before `hosts` are parsed here.
 */
export function lazyManifest(bytes: Uint8Array): Manifest | undefined {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hostsAt = text.indexOf(HOSTS);
  if (hostsAt < 0 || text.indexOf(HOSTS, hostsAt + 1) >= 0) return undefined;
  const filesAt = text.indexOf(FILES);
  const afterFiles = filesAt < 0 ? -1 : text.indexOf(AFTER_FILES, filesAt);
  // Between "files" and "nix" only the files' own lines (a JSON string holds no line break); skipped.
  // The keys before hosts, their last one's comma dropped.
  if (text[hostsAt - 1] !== 0x2c) return undefined;
  const top = filesAt >= 0 && afterFiles >= 0 && afterFiles < hostsAt
    ? `${text.toString('utf8', 0, filesAt)}\n  "files": {${text.toString('utf8', afterFiles + 3, hostsAt - 1)}\n}`
    : `${text.toString('utf8', 0, hostsAt - 1)}\n}`;
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(top) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest) || Object.hasOwn(manifest, 'hosts')) return undefined;
  const hosts = lazyHosts(text, hostsAt + HOSTS.length);
  return hosts && ({ ...(manifest as unknown as Manifest), files: {}, hosts });
}

/** The hosts object from its text on (after `"hosts": {`), or undefined when it is not laid out as fleetc writes it. */
function lazyHosts(text: Buffer, from: number): Manifest['hosts'] | undefined {
  const hosts: Manifest['hosts'] = {};
  if (text.length - from === EMPTY.length) return text.toString('latin1', from) === EMPTY ? hosts : undefined;
  const end = text.length - SUFFIX.length;
  if (end <= from || text.toString('latin1', end) !== SUFFIX || text.indexOf(ENTRY, from) !== from) return undefined;
  for (let at = from; at < end; ) {
    // at: the line break before an entry's key; the key's closing quote is followed by `: {` and a line break.
    const keyEnd = text.indexOf(KEY_END, at + ENTRY.length - 1);
    if (keyEnd < 0 || keyEnd > end) return undefined;
    const name = keyOf(text, at + ENTRY.length - 1, keyEnd + 1);
    if (name === undefined) return undefined;
    // The next entry's key is the next line indented by four spaces (a nested line is by six or more).
    const next = text.indexOf(`,${ENTRY}`, keyEnd);
    const valueEnd = next < 0 || next > end ? end : next;
    defineEntry(hosts, name, text, keyEnd + 3, valueEnd);
    at = valueEnd + 1;
  }
  return hosts;
}

/**
 * A JSON string's value (its text from quote to quote): the bytes between them when no escape or
 * control byte is there to decode. The two quotes are two bytes: `"` alone is no string.
 */
function keyOf(text: Buffer, start: number, end: number): string | undefined {
  let plain = end - start >= 2;
  for (let i = start + 1; i < end - 1 && plain; i++) plain = text[i]! >= 0x20 && text[i] !== 0x22 && text[i] !== 0x5c;
  if (plain) return text.toString('utf8', start + 1, end - 1);
  try {
    const name: unknown = JSON.parse(text.toString('utf8', start, end));
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

function defineEntry(hosts: Manifest['hosts'], name: string, text: Buffer, start: number, end: number): void {
  let entry: Manifest['hosts'][string] | undefined;
  // One getter per entry, shared by whoever copies it (copyEntry): the same object on every read.
  const get = () => (entry ??= parseEntry(text.toString('utf8', start, end)));
  Object.defineProperty(hosts, name, { get, set: replaceEntry(name), enumerable: true, configurable: true });
}

/** Assigning over an unread entry replaces it, as for any other property. */
function replaceEntry(name: string): (this: Manifest['hosts'], value: Manifest['hosts'][string]) => void {
  return function (this: Manifest['hosts'], value) {
    Object.defineProperty(this, name, { value, writable: true, enumerable: true, configurable: true });
  };
}

function parseEntry(text: string): Manifest['hosts'][string] {
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch {
    throw new MalformedEntry('not JSON');
  }
  if (!isHostEntry(entry)) throw new MalformedEntry('not a host entry');
  return entry;
}

/** What a plan and its reference read of a host's entry: an object of artifacts, each with a sha256. */
export function isHostEntry(value: unknown): value is Manifest['hosts'][string] {
  return isObject(value) && isObject(value.artifacts) && Object.values(value.artifacts).every((a) => isObject(a) && typeof a.sha256 === 'string');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Copies a host's entry from one hosts object to another without reading it (a lazy entry stays unparsed). */
export function copyEntry(to: Manifest['hosts'], from: Manifest['hosts'], name: string): void {
  const descriptor = Object.getOwnPropertyDescriptor(from, name);
  if (descriptor?.get) Object.defineProperty(to, name, { get: descriptor.get, set: replaceEntry(name), enumerable: true, configurable: true });
  else to[name] = from[name]!;
}

/** What a host's entry is, by identity, without reading it: the same for a copy (copyEntry) and its original. */
export function entryIdentity(hosts: Manifest['hosts'] | undefined, name: string): unknown {
  if (!hosts || !Object.hasOwn(hosts, name)) return undefined;
  const descriptor = Object.getOwnPropertyDescriptor(hosts, name)!;
  return descriptor.get ?? descriptor.value;
}
