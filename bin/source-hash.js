// The hash of a source tree (every file's path and bytes, in sorted order): what dist/build-info.json
// records for the sources its bundle was built from. Shared by bin/fleetc.js and scripts/build-cli.mjs.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function sourceHash(dir) {
  const hash = createHash('sha256');
  const visit = (abs, rel) => {
    for (const entry of readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) visit(path.join(abs, entry.name), relPath);
      else if (entry.isFile()) hash.update(`${relPath}\0`).update(readFileSync(path.join(abs, entry.name))).update('\0');
    }
  };
  visit(dir, '');
  return hash.digest('hex');
}
