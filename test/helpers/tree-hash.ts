// A hash of everything under a directory — names, kinds, link targets and contents, hidden files
// included — to assert that a command touched nothing.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';

export function treeHash(root: string, options: { skip?: (relPath: string) => boolean } = {}): string {
  const hash = createHash('sha256');
  const visit = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const relPath = rel ? `${rel}/${name}` : name;
      if (options.skip?.(relPath)) continue;
      const abs = path.join(dir, name);
      const stat = lstatSync(abs);
      if (stat.isDirectory()) {
        hash.update(`d ${relPath}\n`);
        visit(abs, relPath);
      } else if (stat.isSymbolicLink()) hash.update(`l ${relPath} ${readlinkSync(abs)}\n`);
      else hash.update(`f ${relPath} ${stat.mode & 0o777} `).update(readFileSync(abs)).update('\n');
    }
  };
  visit(root, '');
  return hash.digest('hex');
}

/** Every entry under a directory (hidden ones too), sorted: what a test expects to find and nothing else. */
export function entriesOf(dir: string): string[] {
  return readdirSync(dir).sort();
}
