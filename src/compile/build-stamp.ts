// The record of the last clean build, kept in the cache directory: a build whose inputs are the same
// bytes (fleet, nix/, fleetc itself, the paths) and whose output files are as that build left them
// (same names, sizes and modification times) has nothing to do, and skips validate, resolve and emit.
// Anything else — an edit, a new fleetc, a touched or missing output file, a damaged stamp — builds.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { blobIdOf } from '../load/parse-cache.ts';
import { PARSER_VERSION } from '../load/parse.ts';
import type { RawFleet } from '../load/types.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import { walkFiles } from '../util/walk-files.ts';

const FILE_NAME = 'build-stamp.json';
const STAMP_VERSION = 1;

export interface BuildStamp {
  version: number;
  key: string;
  hosts: number;
  /** Output files: relative path → [size, mtime in ms]. */
  files: Record<string, [number, number]>;
}

let codeId: string | undefined;

/** What identifies this fleetc: its version, parser, and the size and time of every file of its code and schemas. */
function fleetcCode(): string {
  if (codeId) return codeId;
  const hash = createHash('sha256').update(PARSER_VERSION);
  for (const dir of ['src', 'schema', 'dist', 'package.json']) {
    const root = path.join(PACKAGE_ROOT, dir);
    const files = fs.statSync(root, { throwIfNoEntry: false })?.isFile() ? [''] : walkFiles(root);
    for (const file of files) {
      const stat = fs.statSync(path.join(root, file), { throwIfNoEntry: false });
      if (stat) hash.update(`${dir}/${file}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  }
  return (codeId = hash.digest('hex'));
}

/** The key of a build: fleetc, the output and nix paths, and every input file's content. */
export function buildKey(raw: RawFleet, outDir: string, nixDirFromOut: string): string | undefined {
  if (raw.problems.length > 0 || raw.files.some((f) => f.problem)) return undefined;
  const hash = createHash('sha256').update(`${STAMP_VERSION}\0${fleetcCode()}\0${path.resolve(outDir)}\0${nixDirFromOut}\0${raw.displayDir}\n`);
  // The blob id is kept on the file: the parse cache that reads these files next looks entries up by it.
  for (const file of raw.files) hash.update(`${file.relPath}\0${(file.blobId ??= blobIdOf(file.bytes!))}\n`);
  for (const [file, sha] of raw.nixFiles) hash.update(`nix/${file}\0${sha}\n`);
  return hash.digest('hex');
}

export function readStamp(cacheDir: string): BuildStamp | undefined {
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(cacheDir, FILE_NAME), 'utf8')) as BuildStamp;
    return stamp.version === STAMP_VERSION && typeof stamp.key === 'string' && stamp.files && typeof stamp.files === 'object' ? stamp : undefined;
  } catch {
    return undefined;
  }
}

/** True when the output directory holds exactly the files the stamp recorded, untouched since. */
export function outputMatches(stamp: BuildStamp, outDir: string): boolean {
  const files = walkFiles(outDir);
  const expected = Object.keys(stamp.files);
  if (files.length !== expected.length) return false;
  for (const file of files) {
    const recorded = stamp.files[file];
    const stat = fs.statSync(path.join(outDir, file), { throwIfNoEntry: false });
    if (!recorded || !stat || stat.size !== recorded[0] || stat.mtimeMs !== recorded[1]) return false;
  }
  return true;
}

/** Records a clean build; best effort (a stamp that cannot be written only costs the next build time). */
export function writeStamp(cacheDir: string, key: string, hosts: number, outDir: string): void {
  try {
    const files: BuildStamp['files'] = {};
    for (const file of walkFiles(outDir)) {
      const stat = fs.statSync(path.join(outDir, file));
      files[file] = [stat.size, stat.mtimeMs];
    }
    fs.mkdirSync(cacheDir, { recursive: true });
    const temp = path.join(cacheDir, `.${FILE_NAME}.${randomBytes(4).toString('hex')}`);
    fs.writeFileSync(temp, JSON.stringify({ version: STAMP_VERSION, key, hosts, files } satisfies BuildStamp));
    fs.renameSync(temp, path.join(cacheDir, FILE_NAME));
  } catch {
    // Nothing to do: the next build compiles.
  }
}
