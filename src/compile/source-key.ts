// The key of a build's inputs, recorded in manifest.json as "source": every fleet file by its git blob
// id, every nix/ file and every file of fleetc's own Nix (the library) by its sha256, the output
// layout and fleetc's version. plan computes the same
// key from a commit's tree alone (git names every blob), so it knows whether the output committed
// there is the build of exactly that commit's fleet (src/plan/committed.ts).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { blobIdOfFile } from '../load/parse-cache.ts';
import type { Library } from '../library/index.ts';
import type { RawFile, RawFleet } from '../load/types.ts';
import { packageFile } from '../package-root.ts';
import type { OutputLayout } from './index.ts';

export const FLEETC_VERSION = (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;

/** Bumped when what the key covers changes. */
const KEY_VERSION = 2;

/**
 * Needs every file read (no problems): a fleet with unreadable files never builds. `library` is the
 * one the build writes: the revision's committed one, or the running fleetc's.
 */
export function sourceKey(raw: RawFleet, layout: OutputLayout, library: Library): string {
  // A plan asks for the key of each side more than once (its committed output, its emit context).
  const kept = keys.get(raw);
  if (kept && kept.files === raw.files && kept.nixFiles === raw.nixFiles && kept.library === library && kept.out === layout.outDirFromRoot && kept.nix === layout.nixDirFromOut) return kept.key;
  const key = computeKey(raw, layout, library);
  keys.set(raw, { files: raw.files, nixFiles: raw.nixFiles, library, out: layout.outDirFromRoot, nix: layout.nixDirFromOut, key });
  return key;
}

/** The last key of each raw fleet, with what it was computed from (a RawFleet's files are replaced, never changed, by whoever edits one). */
const keys = new WeakMap<RawFleet, { files: RawFleet['files']; nixFiles: RawFleet['nixFiles']; library: Library; out: string; nix: string; key: string }>();

function computeKey(raw: RawFleet, layout: OutputLayout, library: Library): string {
  const hash = createHash('sha256').update(`fleetc-source ${KEY_VERSION}\nfleetc ${FLEETC_VERSION}\nout ${layout.outDirFromRoot}\nnix ${layout.nixDirFromOut}\n`);
  const files = raw.files.every((f, i) => i === 0 || raw.files[i - 1]!.relPath < f.relPath) ? raw.files : [...raw.files].sort((a, b) => (a.relPath < b.relPath ? -1 : 1));
  // One update for all the files' lines (the same bytes as one update each, without 5,000 calls into the hash).
  let lines = '';
  for (const file of files) lines += lineOf(file);
  hash.update(lines);
  for (const [file, sha] of [...raw.nixFiles].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) hash.update(`nix ${file} ${sha}\n`);
  for (const [file, sha] of [...library.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) hash.update(`library ${file} ${sha}\n`);
  return hash.digest('hex');
}

/** A file's line of the key, made once per file object (fleetc watch hands the unchanged ones again). */
const lines = new WeakMap<RawFile, string>();

function lineOf(file: RawFile): string {
  let line = lines.get(file);
  if (line === undefined) lines.set(file, (line = `fleet ${file.relPath} ${blobIdOfFile(file)}\n`));
  return line;
}
