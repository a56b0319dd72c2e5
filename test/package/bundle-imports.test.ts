// What every fleetc command loads before it starts: the bundle's static imports of packages. A
// dependency that only some commands need (diff for plans, chokidar for watch, yaml, ajv, execa…)
// is loaded when first used (src/util/lazy-modules.ts), so a cold build does not pay for it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/paths.ts';

test('the bundle imports at start only the packages every command needs', () => {
  const bundle = readFileSync(path.join(REPO_ROOT, 'dist/fleetc.mjs'), 'utf8');
  const packages = new Set([...bundle.matchAll(/^import\s[^;]*?\sfrom\s"([^"]+)";?$/gm)].map((m) => m[1]!).filter((name) => !name.startsWith('node:')));
  // commander parses every command line; ipaddr.js is the address arithmetic of validate and emit.
  assert.deepEqual([...packages].sort(), ['commander', 'ipaddr.js']);
});
