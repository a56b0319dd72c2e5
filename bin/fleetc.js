#!/usr/bin/env node
// Entry point. Runs the bundle that `npm ci` builds (dist/fleetc.mjs, see `npm run build:cli`) when
// it is newer than every source file, which starts several times faster; otherwise the TypeScript
// sources through tsx's loader, so an edited checkout never runs stale code.
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/fleetc.mjs', import.meta.url);

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  try {
    return statSync(bundle).mtimeMs >= newestSource(fileURLToPath(new URL('../src', import.meta.url)));
  } catch {
    return false;
  }
}

let main;
if (process.env.FLEETC_FROM_SOURCE !== '1' && bundleIsFresh()) {
  ({ main } = await import(bundle.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv);
