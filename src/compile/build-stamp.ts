// The record of the last clean build, kept in the cache directory: a build whose inputs are the same
// bytes (fleet, nix/, fleetc itself, the paths) and whose output files — the output directory and
// the root files — are as that build left them has nothing to do, and skips validate, resolve and
// emit. Anything else — an edit, a new fleetc, a touched or missing output file, a damaged stamp —
// builds. `build --check` never uses it.
//
// "As that build left them": the same size, modification and change times and inode. The change
// time cannot be set by hand (an edit that restores the modification time still moves it); an edit
// in the same clock tick as the build's own write can leave both times equal, so, as git does for
// its index, a file whose times are not older than the stamp itself is "racy": the stamp keeps its
// expected content hash and the check reads and hashes it. The inputs are recorded the same way
// (input-stamp.ts): a warm build whose inputs all match their record knows its key unread.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Artifact } from '../emit/artifact.ts';
import { blobIdOf } from '../load/parse-cache.ts';
import { PARSER_VERSION } from '../load/parse.ts';
import type { RawFleet } from '../load/types.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import { walkFiles } from '../util/walk-files.ts';
import type { InputEntry } from './input-stamp.ts';

const FILE_NAME = 'build-stamp.json';
const STAMP_VERSION = 3;

/** [size, mtime ms, ctime ms, inode] and, for a racy file, the sha256 of what it must hold. */
export type StampEntry = [number, number, number, number] | [number, number, number, number, string];

export interface BuildStamp {
  version: number;
  key: string;
  hosts: number;
  /** Output directory files, by relative path. */
  files: Record<string, StampEntry>;
  /** Root files (relative to the fleet repository root). */
  root: Record<string, StampEntry>;
  /** The inputs as the build found them before reading them (input-stamp.ts), with the key of everything else the build's key holds. */
  inputs?: { context: string; files: Record<string, InputEntry> };
}

let codeId: string | undefined;

/** What identifies this fleetc: its version, parser, and the size and time of every file of its code and schemas. */
function fleetcCode(): string {
  if (codeId) return codeId;
  const hash = createHash('sha256').update(PARSER_VERSION);
  for (const dir of ['src', 'schema', 'nix', 'dist', 'package.json']) {
    const root = path.join(PACKAGE_ROOT, dir);
    const files = fs.statSync(root, { throwIfNoEntry: false })?.isFile() ? [''] : walkFiles(root);
    for (const file of files) {
      const stat = fs.statSync(path.join(root, file), { throwIfNoEntry: false });
      if (stat) hash.update(`${dir}/${file}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  }
  return (codeId = hash.digest('hex'));
}

/** The key of a build: fleetc, the output, root and nix paths, and every input file's content. */
export function buildKey(raw: RawFleet, outDir: string, nixDirFromOut: string, rootDir = path.dirname(path.resolve(outDir))): string | undefined {
  if (raw.problems.length > 0 || raw.files.some((f) => f.problem)) return undefined;
  const hash = createHash('sha256').update(`${contextKey(outDir, nixDirFromOut, raw.displayDir, rootDir)}\n`);
  // The blob id is kept on the file: the parse cache that reads these files next looks entries up by it.
  for (const file of raw.files) hash.update(`${file.relPath}\0${(file.blobId ??= blobIdOf(file.bytes!))}\n`);
  for (const [file, sha] of raw.nixFiles) hash.update(`nix/${file}\0${sha}\n`);
  return hash.digest('hex');
}

/** What a build's key holds besides the input files: fleetc, the output, root and nix paths, the fleet directory as named. */
export function contextKey(outDir: string, nixDirFromOut: string, displayDir: string, rootDir = path.dirname(path.resolve(outDir))): string {
  return `${STAMP_VERSION}\0${fleetcCode()}\0${path.resolve(outDir)}\0${path.resolve(rootDir)}\0${nixDirFromOut}\0${displayDir}`;
}

export function readStamp(cacheDir: string): BuildStamp | undefined {
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(cacheDir, FILE_NAME), 'utf8')) as BuildStamp;
    const ok = stamp.version === STAMP_VERSION && typeof stamp.key === 'string' && isRecord(stamp.files) && isRecord(stamp.root);
    return ok ? stamp : undefined;
  } catch {
    return undefined;
  }
}

/** True when the output directory and the root files are exactly as the stamp recorded them. */
export function outputMatches(stamp: BuildStamp, outDir: string, rootDir = path.dirname(path.resolve(outDir))): boolean {
  const files = walkFiles(outDir);
  if (files.length !== Object.keys(stamp.files).length) return false;
  for (const file of files) {
    const recorded = stamp.files[file];
    if (!recorded || !entryMatches(recorded, path.join(outDir, file))) return false;
  }
  return Object.entries(stamp.root).every(([file, recorded]) => entryMatches(recorded, path.join(rootDir, file)));
}

function entryMatches(recorded: StampEntry, file: string): boolean {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat || !Array.isArray(recorded) || stat.size !== recorded[0] || stat.mtimeMs !== recorded[1] || stat.ctimeMs !== recorded[2] || stat.ino !== recorded[3]) return false;
  if (recorded[4] === undefined) return true;
  try {
    return sha256(fs.readFileSync(file)) === recorded[4];
  } catch {
    return false;
  }
}

/**
 * Records a clean build, given the artifacts it wrote (or, from a streamed build, their sha256); best effort (a stamp that cannot be written
 * only costs the next build time). Call it holding the output lock, right after the write.
 */
export function writeStamp(cacheDir: string, key: string, hosts: number, outDir: string, artifacts: ReadonlyArray<Pick<Artifact, 'path' | 'root' | 'kind'> & ({ contents: string } | { sha256: string })>, rootDir = path.dirname(path.resolve(outDir)), inputs?: BuildStamp['inputs']): void {
  saveStamp(cacheDir, (temp) => {
    fs.mkdirSync(cacheDir, { recursive: true });
    // The stamp's own time, taken before any output file is looked at: a file not older is racy.
    fs.writeFileSync(temp, '');
    const now = fs.statSync(temp).mtimeMs;
    const expected = new Map(artifacts.map((a) => [`${a.root ? 'root' : 'out'}\0${a.path}`, a]));
    const entry = (base: string, relPath: string, file: string): StampEntry | undefined => {
      const stat = fs.statSync(file, { throwIfNoEntry: false });
      if (!stat) return undefined;
      const basic: [number, number, number, number] = [stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino];
      if (stat.mtimeMs < now && stat.ctimeMs < now) return basic;
      const emitted = expected.get(`${base}\0${relPath}`);
      if (emitted && 'sha256' in emitted) return [...basic, emitted.sha256];
      // A racy file fleetc did not emit (a kept flake.lock): its current content is what it must hold.
      return [...basic, sha256(emitted === undefined ? fs.readFileSync(file) : Buffer.from(emitted.contents, 'utf8'))];
    };
    const files: BuildStamp['files'] = {};
    for (const file of walkFiles(outDir)) {
      const recorded = entry('out', file, path.join(outDir, file));
      if (recorded) files[file] = recorded;
    }
    const root: BuildStamp['root'] = {};
    for (const artifact of artifacts) {
      if (!artifact.root) continue;
      const recorded = entry('root', artifact.path, path.join(rootDir, artifact.path));
      if (recorded) root[artifact.path] = recorded;
    }
    return { version: STAMP_VERSION, key, hosts, files, root, ...(inputs ? { inputs } : {}) };
  });
}

/**
 * The stamp again with the inputs as they are now: a build that found the same content under other
 * times (a checkout, a touch) and its output current. Best effort, as writeStamp.
 */
export function restampInputs(cacheDir: string, stamp: BuildStamp, inputs: NonNullable<BuildStamp['inputs']>): void {
  saveStamp(cacheDir, () => ({ ...stamp, inputs }));
}

/** The stamp `make` gives (handed its temporary file, which it may use first) in place of the old one, by a rename; best effort. */
function saveStamp(cacheDir: string, make: (temp: string) => BuildStamp): void {
  const temp = path.join(cacheDir, `.${FILE_NAME}.${randomBytes(4).toString('hex')}`);
  try {
    fs.writeFileSync(temp, JSON.stringify(make(temp)));
    fs.renameSync(temp, path.join(cacheDir, FILE_NAME));
  } catch {
    // Nothing to do but tidy up: the next build compiles.
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // a read-only cache directory holds no temporary file
    }
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
