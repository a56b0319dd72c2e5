// What every fleetc command loads before it starts: the bundle's static imports of packages. A
// dependency that only some commands need (diff for plans, chokidar for watch, yaml, ajv, execa…)
// is loaded when first used (src/util/lazy-modules.ts), so a cold build does not pay for it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/paths.ts';

test('the bundle imports at start only the packages every command needs', () => {
  const bundle = readFileSync(path.join(REPO_ROOT, 'dist/fleetc.cjs'), 'utf8');
  // esbuild's CommonJS output: each static import is a top-level `var import_x = require("x");` (or __toESM(require("x"), 1)).
  const packages = new Set([...bundle.matchAll(/^var [\w$]+ = (?:__toESM\()?require\("([^"]+)"\)/gm)].map((m) => m[1]!).filter((name) => !name.startsWith('node:')));
  // esbuild writes every require with double quotes; none at the top level escapes the pattern above.
  const unmatched = bundle.split('\n').filter((line) => /^\S.*\brequire\("/.test(line) && !/^var [\w$]+ = (?:__toESM\()?require\("/.test(line) && !line.startsWith('var __bundleUrl = require("node:url")'));
  assert.deepEqual(unmatched, []);
  // commander parses every command line; ipaddr.js is the address arithmetic of validate and emit.
  assert.deepEqual([...packages].sort(), ['commander', 'ipaddr.js']);
});
