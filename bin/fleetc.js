#!/usr/bin/env node
// Entry point. Runs the bundle dist/fleetc.cjs, which ships with fleetc (committed, rebuilt by
// `npm run build:cli`): an installed fleetc has no src/ and needs no install script. In a checkout
// whose src/ differs from the sources the bundle was built from (the hash in dist/build-info.json),
// it runs the TypeScript sources through tsx instead, so an edited checkout never runs stale code.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { sourceHash } from './source-hash.js';

const bundle = new URL('../dist/fleetc.cjs', import.meta.url);
const sources = fileURLToPath(new URL('../src', import.meta.url));

function bundleIsCurrent() {
  if (!existsSync(fileURLToPath(bundle))) return false;
  if (!existsSync(sources)) return true;
  try {
    const info = JSON.parse(readFileSync(new URL('../dist/build-info.json', import.meta.url), 'utf8'));
    return info.sourceHash === sourceHash(sources);
  } catch {
    return false;
  }
}

let main;
if (process.env.FLEETC_FROM_SOURCE !== '1' && bundleIsCurrent()) {
  ({ main } = createRequire(import.meta.url)(fileURLToPath(bundle)));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv);
