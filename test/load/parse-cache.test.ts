// The parse cache never changes a result: the same diagnostics at the same lines and columns, the
// same output, whether a file was parsed or served from the cache; a damaged, stale or foreign
// cache file is ignored; an entry is deserialized only when asked for (its host facts are known before).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { compileFromDisk, type Compilation } from '../../src/compile/index.ts';
import { blobIdOfFile, loadParseCache, ParseCache, parseFleet, readFleetDirSync, saveParseCache } from '../../src/load/index.ts';
import { hostFactsOf } from '../../src/load/parse-cache.ts';
import { SourceRegistry } from '../../src/diagnostics/source.ts';
import { renderDiagnostics } from '../../src/cli/views/diagnostics.ts';
import { EXAMPLE_PATHS } from '../helpers/example.ts';
import { makeFleet, type FleetFiles } from '../helpers/fleet.ts';
import { FIXTURES } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Everything a user sees of a compile: located, rendered diagnostics (source line and caret) and files. */
const seen = (c: Compilation) => JSON.stringify([renderDiagnostics('json', c.diagnostics, c.sources), renderDiagnostics('text', c.diagnostics, c.sources), c.artifacts?.map((a) => [a.path, a.contents])]);

function overlayOf(dir: string): FleetFiles {
  const overlay: FleetFiles = {};
  const visit = (abs: string, rel: string): void => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) visit(path.join(abs, entry.name), relPath);
      else if (relPath !== 'expected') overlay[relPath] = readFileSync(path.join(abs, entry.name), 'utf8');
    }
  };
  visit(dir, '');
  return overlay;
}

test('cold, warm and uncached compiles agree on every diagnostic fixture and the example fleet', async (t) => {
  const casesDir = `${FIXTURES}/diagnostics`;
  const fleets = [EXAMPLE_PATHS, ...readdirSync(casesDir).filter((n) => existsSync(path.join(casesDir, n, 'expected'))).map((n) => makeFleet(tempDir(t), overlayOf(path.join(casesDir, n))))];
  for (const paths of fleets) {
    const cacheDir = path.join(tempDir(t), 'cache');
    const plain = seen(await compileFromDisk(paths));
    const cold = seen(await compileFromDisk(paths, { cacheDir }));
    const warmCache = loadParseCache(cacheDir);
    assert.equal(warmCache.ignored, undefined);
    assert.ok(warmCache.cache.size > 0, 'the cold run filled the cache');
    const warm = seen(await compileFromDisk(paths, { cacheDir }));
    assert.equal(cold, plain, paths.fleetDir);
    assert.equal(warm, plain, paths.fleetDir);
  }
});

test('a damaged, stale or foreign cache file is ignored', async (t) => {
  const paths = makeFleet(tempDir(t), {});
  const cacheDir = path.join(tempDir(t), 'cache');
  const expected = seen(await compileFromDisk(paths, { cacheDir }));
  const file = path.join(cacheDir, 'parse.bin');
  const good = readFileSync(file);
  const newline = good.indexOf(10);
  const flipped = Buffer.from(good);
  flipped[flipped.length - 5] = flipped[flipped.length - 5]! ^ 0xff;
  const damages: Record<string, Buffer> = {
    truncated: good.subarray(0, good.length - 7),
    'a flipped byte': flipped,
    garbage: Buffer.from('not a cache at all'),
    empty: Buffer.alloc(0),
    'another parser version': Buffer.concat([Buffer.from(good.subarray(0, newline).toString().replace(/"parser":"\d+ /, '"parser":"0 ')), good.subarray(newline)]),
  };
  for (const [name, bytes] of Object.entries(damages)) {
    writeFileSync(file, bytes);
    assert.notEqual(loadParseCache(cacheDir).ignored, undefined, `${name} is reported as ignored`);
    assert.equal(seen(await compileFromDisk(paths, { cacheDir })), expected, `${name}: same result`);
    assert.equal(loadParseCache(cacheDir).ignored, undefined, `${name}: rewritten whole by the next run`);
  }
  assert.equal(readFileSync(path.join(cacheDir, '.gitignore'), 'utf8'), '*\n');
});

test('an entry is served by content, not by file name', async (t) => {
  const paths = makeFleet(tempDir(t), {});
  const cacheDir = path.join(tempDir(t), 'cache');
  await compileFromDisk(paths, { cacheDir });
  const wk1 = path.join(paths.fleetDir, 'hosts/wk-1.yaml');
  writeFileSync(wk1, readFileSync(wk1, 'utf8').replace('profile: worker', 'profile: wrker'));
  const result = await compileFromDisk(paths, { cacheDir });
  assert.deepEqual(result.diagnostics.map((d) => d.code), ['PROFILE_UNKNOWN']);
});

test('a stored entry is read only when asked for, tells its host facts unread, and is written back as it was read', async (t) => {
  const paths = makeFleet(tempDir(t), { 'hosts/wk-1.yaml': 'name: renamed\nprofile: worker\ncluster: east\nfirstBoot: { bootstrap: true }\nhardware: { disks: { main: { device: /dev/sda } }, layout: { kind: single, disk: main } }\ninterfaces:\n  - { name: eno1, mac: "52:54:00:00:00:31", network: prov, address: 10.0.0.31, boot: true }\n' });
  const cacheDir = path.join(tempDir(t), 'cache');
  await compileFromDisk(paths, { cacheDir });
  const raw = readFleetDirSync(paths.fleetDir, paths.nixDir);
  const ids = raw.files.map((f) => blobIdOfFile(f));
  const fresh = new ParseCache();
  parseFleet(raw, new SourceRegistry(), fresh);
  const stored = loadParseCache(cacheDir).cache;
  // Facts, asked of entries not yet read, are what the data says.
  for (const id of ids) assert.deepEqual(stored.facts(id), hostFactsOf(fresh.get(id)), id);
  const wk1 = ids[raw.files.findIndex((f) => f.relPath === 'hosts/wk-1.yaml')]!;
  assert.deepEqual(stored.facts(wk1), { name: 'renamed', cluster: 'east', profile: 'worker', bootstrap: true });
  assert.equal(stored.hits, 0, 'no entry was read');
  assert.deepEqual(stored.get(wk1), fresh.get(wk1));
  // Written again after one more entry (the rest unread): every entry reads back the same.
  stored.set('0'.repeat(40), { profile: 'p' });
  assert.ok(saveParseCache(cacheDir, stored));
  const again = loadParseCache(cacheDir);
  assert.equal(again.ignored, undefined);
  for (const id of ids) assert.deepEqual(again.cache.get(id), fresh.get(id), id);
  assert.deepEqual(again.cache.facts('0'.repeat(40)), { profile: 'p', bootstrap: false });
});
