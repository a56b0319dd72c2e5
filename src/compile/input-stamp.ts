// The build stamp's record of its inputs by their file-system times (what git's index does for a
// work tree): every entry (directories too) under the fleet directory and nix/ with its size, modification and change
// times and inode, taken before the build read them. A warm build whose inputs all still match
// knows its key without reading and hashing them (~5,000 files at 5,000 hosts); any difference —
// an entry added, removed or touched, a file not older than the snapshot ("racy": it could change
// again within the same clock tick) — sends it the usual way: read everything, compare the key.
import fs from 'node:fs';
import path from 'node:path';
import { walkFiles } from '../util/walk-files.ts';

/** [size, mtime ms, ctime ms, inode], or null for a racy entry (never trusted). */
export type InputEntry = [number, number, number, number] | null;

/** Every entry (a link as itself) under the two directories, by "fleet/…" and "nix/…"; undefined when the clock could not be read. */
export function inputSnapshot(fleetDir: string, nixDir: string, cacheDir: string): Record<string, InputEntry> | undefined {
  const now = clockNow(cacheDir);
  if (now === undefined) return undefined;
  const entries: Record<string, InputEntry> = {};
  for (const [prefix, root] of [['fleet', fleetDir], ['nix', nixDir]] as const) {
    // A directory is an entry too (an empty one named x.yaml is an error of the fleet), by "…/".
    for (const relPath of walkFiles(root, { directories: true })) {
      const stat = fs.lstatSync(path.join(root, relPath), { throwIfNoEntry: false });
      if (stat) entries[`${prefix}/${relPath}`] = stat.mtimeMs < now && stat.ctimeMs < now ? [stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino] : null;
    }
  }
  return entries;
}

/** True when the snapshot holds exactly the recorded entries, each as recorded, none racy. */
export function sameInputs(recorded: Record<string, InputEntry>, now: Record<string, InputEntry>): boolean {
  const names = Object.keys(now);
  if (names.length !== Object.keys(recorded).length) return false;
  for (const name of names) {
    const was = recorded[name];
    const is = now[name];
    if (!was || !is || was[0] !== is[0] || was[1] !== is[1] || was[2] !== is[2] || was[3] !== is[3]) return false;
  }
  return true;
}

/** The file system's time now, as a new file's modification time in the cache directory (the clock input times are compared with). */
function clockNow(cacheDir: string): number | undefined {
  const probe = path.join(cacheDir, `.clock-${process.pid}`);
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(probe, '');
    return fs.statSync(probe).mtimeMs;
  } catch {
    return undefined;
  } finally {
    try {
      fs.rmSync(probe, { force: true });
    } catch {
      // a probe that cannot be removed is left: it is no input and no stamp
    }
  }
}
