// Every file below a directory, as sorted '/'-separated relative paths; a missing directory has none.
import fs, { type Dirent } from 'node:fs';
import path from 'node:path';

export interface WalkOptions {
  /** Leave out files and directories whose name starts with a dot. */
  skipHidden?: boolean;
  /** Only regular files (not sockets, links to nowhere, …). */
  regularOnly?: boolean;
  /** The directories too, each with a trailing "/" (before what is in it). */
  directories?: boolean;
}

export function walkFiles(root: string, options: WalkOptions = {}): string[] {
  const out: string[] = [];
  const visit = (dir: string, rel: string): void => {
    let entries: Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (options.skipHidden && entry.name.startsWith('.')) continue;
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (options.directories) out.push(`${relPath}/`);
        visit(path.join(dir, entry.name), relPath);
      }
      else if (!options.regularOnly || entry.isFile()) out.push(relPath);
    }
  };
  visit(root, '');
  return out.sort();
}
