// A committed manifest whose host entries are parsed when read (plan/lazy-manifest.ts) reads as the
// manifest parsed whole (plan/committed.ts parseManifest) — for the text fleetc writes, over random
// host names (array indices, escapes, "__proto__") and entries; and any other text is either parsed
// whole by the caller (undefined) or gives the same entries, or refuses an entry it cannot read
// (MalformedEntry, after which the plan is made from the whole parse).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileRaw, outputLayout } from '../../src/compile/index.ts';
import { parseManifest } from '../../src/plan/committed.ts';
import { copyEntry, entryIdentity, lazyManifest, MalformedEntry } from '../../src/plan/lazy-manifest.ts';
import { readFleetDirSync } from '../../src/load/index.ts';
import { EXAMPLE_FLEET, EXAMPLE_GENERATED, EXAMPLE_NIX } from '../helpers/paths.ts';

const entry = fc.record({
  profile: fc.string(),
  artifacts: fc.dictionary(fc.string(), fc.record({ kind: fc.constantFrom('nixos', 'dhcp', 'disko'), sha256: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1, maxLength: 8 }) }), { maxKeys: 3 }),
  nix: fc.array(fc.string(), { maxLength: 2 }),
});
const hostName = fc.oneof(fc.string(), fc.constantFrom('10', '0', '__proto__', 'constructor', 'a"b', 'x\\y', 'é'), fc.nat(20).map(String));
const manifest = fc.record({
  files: fc.dictionary(fc.string(), fc.record({ kind: fc.constant('doc'), sha256: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), maxLength: 4 }) }), { maxKeys: 3 }),
  nix: fc.dictionary(fc.string(), fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), maxLength: 4 }), { maxKeys: 2 }),
  hosts: fc.dictionary(hostName, entry, { maxKeys: 6 }),
  server: fc.option(fc.string(), { nil: undefined }),
  source: fc.option(fc.string({ unit: fc.constantFrom(...'0123456789abcdef') }), { nil: undefined }),
});

/** The text as fleetc writes it: JSON.stringify's, two spaces, a line break at the end. */
function text(m: typeof manifest extends fc.Arbitrary<infer T> ? T : never): string {
  const { files, nix, hosts, server, source } = m;
  return `${JSON.stringify({ generator: 'fleetc', version: 3, fleet: 'f', ...(source !== undefined ? { source } : {}), files, nix, library: {}, ...(server !== undefined ? { bootServer: server } : {}), hosts }, null, 2)}\n`;
}

/** Every entry read, in key order; a MalformedEntry as 'malformed'. */
function read(m: ReturnType<typeof parseManifest>): unknown {
  if (!m) return undefined;
  try {
    return { ...m, hosts: Object.keys(m.hosts).map((name) => [name, m.hosts[name]]) };
  } catch (error) {
    if (error instanceof MalformedEntry) return 'malformed';
    throw error;
  }
}

test('the text fleetc writes reads lazily as parsed whole', () => {
  fc.assert(
    fc.property(manifest, (m) => {
      const bytes = Buffer.from(text(m));
      const lazy = lazyManifest(bytes);
      assert.ok(lazy, 'fleetc\'s layout is read lazily');
      assert.deepEqual(read(lazy), read(parseManifest(bytes)));
    }),
    { numRuns: 300 },
  );
});

test('a manifest fleetc built reads lazily as parsed whole', () => {
  const raw = readFleetDirSync(EXAMPLE_FLEET, EXAMPLE_NIX);
  const compiled = compileRaw(raw, outputLayout({ fleetDir: EXAMPLE_FLEET, outDir: EXAMPLE_GENERATED, nixDir: EXAMPLE_NIX }));
  const bytes = Buffer.from(compiled.artifacts!.find((a) => a.path === 'manifest.json')!.contents);
  assert.ok(Object.keys(parseManifest(bytes)!.hosts).length > 1);
  assert.deepEqual(read(lazyManifest(bytes)), read(parseManifest(bytes)));
});

test('other texts are parsed whole, or read as parsed whole, or refuse the entry read', () => {
  fc.assert(
    fc.property(manifest, fc.nat(), fc.constantFrom('', ' ', '\n', ',', '"', '{', '}', '\n    "', ',\n    "z": 1', '\n  }\n}\n', 'x'), fc.boolean(), (m, at, insert, cut) => {
      const original = text(m);
      const position = at % (original.length + 1);
      const bytes = Buffer.from(cut ? original.slice(0, position) + original.slice(position + insert.length) : original.slice(0, position) + insert + original.slice(position));
      const lazy = read(lazyManifest(bytes));
      const whole = read(parseManifest(bytes));
      if (lazy === undefined || lazy === 'malformed') return;
      assert.deepEqual(lazy, whole);
    }),
    { numRuns: 2000 },
  );
});

test('a host key read without JSON.parse is read as JSON.parse reads it, a lone quote refused', () => {
  const valid = text({ files: {}, nix: {}, hosts: { plain: { profile: 'p', artifacts: {}, nix: [] }, 'a"b\\c\u0001é': { profile: 'p', artifacts: {}, nix: [] } }, server: undefined, source: undefined });
  assert.deepEqual(read(lazyManifest(Buffer.from(valid))), read(parseManifest(Buffer.from(valid))));
  // The key's opening quote is the one `": {` ends: no key (the text is no JSON either).
  const lone = valid.replace('\n    "plain": {', '\n    ": {');
  assert.notEqual(lone, valid);
  assert.equal(lazyManifest(Buffer.from(lone)), undefined);
  assert.equal(parseManifest(Buffer.from(lone)), undefined);
});

test('a copied entry stays unread and keeps its identity', () => {
  const bytes = Buffer.from(`${JSON.stringify({ generator: 'fleetc', version: 3, fleet: 'f', files: {}, nix: {}, library: {}, hosts: { a: { profile: 'p', artifacts: {}, nix: [] }, b: { profile: 'p', artifacts: 'not artifacts', nix: [] } } }, null, 2)}\n`);
  const lazy = lazyManifest(bytes)!;
  const copy: typeof lazy.hosts = {};
  copyEntry(copy, lazy.hosts, 'b');
  assert.equal(entryIdentity(copy, 'b'), entryIdentity(lazy.hosts, 'b'));
  assert.notEqual(entryIdentity(copy, 'b'), undefined);
  assert.throws(() => copy.b, MalformedEntry);
  assert.equal(lazy.hosts.a, lazy.hosts.a);
  // Assigned over, unread, it is the value assigned.
  const replaced = { profile: 'q', artifacts: {}, nix: [] };
  copy.b = replaced;
  assert.equal(copy.b, replaced);
  assert.equal(parseManifest(bytes), undefined);
});
