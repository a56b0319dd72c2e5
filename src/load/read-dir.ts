// Reads a fleet directory from the file system into raw files; the only I/O of the load stage.
import { createHash } from 'node:crypto';
import fs, { type Dirent } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { NO_RANGE } from '../diagnostics/diagnostic.ts';
import type { DiagnosticCode } from '../diagnostics/codes.ts';
import type { RawFile, RawFleet } from './types.ts';
import { walkFiles } from '../util/walk-files.ts';

export const MAX_FILE_BYTES = 1024 * 1024;

const YAML_EXTENSION = /\.ya?ml$/;

export async function readFleetDir(displayDir: string, nixDir?: string): Promise<RawFleet> {
  return readFleetDirSync(displayDir, nixDir);
}

/**
 * The same, synchronously. Reading thousands of small files one synchronous call after another is
 * several times faster than through the thread pool, and nothing else waits on the event loop.
 */
export function readFleetDirSync(displayDir: string, nixDir?: string): RawFleet {
  const problems: Diagnostic[] = [];
  const files: RawFile[] = [];
  const root = path.resolve(displayDir);
  const rootStat = statOrUndefined(root);
  if (!rootStat?.isDirectory()) {
    problems.push(fileProblem('FLEET_DIR_MISSING', displayDir, `fleet directory ${displayDir} does not exist or is not a directory`, 'pass the fleet directory with --fleet DIR, or run fleetc inside a fleet repository (a directory with fleetc.json, which fleetc init writes)'));
  } else {
    walk(root, '', displayDir, files);
  }
  files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  return { displayDir, files, problems, ...readNixDir(nixDir) };
}

/**
 * The fleet as git stores it: files and directories, never followed through a symbolic link (git
 * keeps a link as a link, so plan, reading commits, could never see what it points to — and a link
 * may lead anywhere, /etc/passwd included). Every link is refused, its target never opened.
 */
function walk(absDir: string, relDir: string, displayDir: string, out: RawFile[]): void {
  let entries: Dirent[];
  try {
    entries = fs.readdirSync(absDir, { withFileTypes: true });
  } catch (error) {
    out.push(unreadable(relDir || '.', displayDir, error));
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const relPath = relDir ? `${relDir}/${entry.name}` : entry.name;
    const absPath = path.join(absDir, entry.name);
    const isYaml = YAML_EXTENSION.test(entry.name);
    if (entry.isSymbolicLink()) {
      out.push(symlinkProblem(relPath, displayDir));
      continue;
    }
    if (entry.isDirectory()) {
      if (isYaml) out.push(rawProblem(relPath, displayDir, 'FILE_NOT_REGULAR', `${relPath} is a directory, not a YAML file`, 'rename the directory so its name does not end in .yaml'));
      else walk(absPath, relPath, displayDir, out);
      continue;
    }
    if (!isYaml) continue;
    out.push(entry.isFile() ? readRegularFile(absPath, relPath, displayDir) : rawProblem(relPath, displayDir, 'FILE_NOT_REGULAR', `${relPath} is not a regular file`, 'fleet files must be regular files'));
  }
}

// Never through a link, and never waiting on a FIFO swapped in since the directory was listed.
const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;

/**
 * A file the directory listing showed as regular, read through one descriptor (open, fstat, read:
 * no lstat by path first, ~5 µs a file); what it is now is checked on the descriptor.
 */
function readRegularFile(absPath: string, relPath: string, displayDir: string): RawFile {
  let fd: number;
  try {
    fd = fs.openSync(absPath, OPEN_FLAGS);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ELOOP' ? symlinkProblem(relPath, displayDir) : unreadable(relPath, displayDir, error);
  }
  try {
    const stat = fs.fstatSync(fd);
    const problem = fileProblemOf(stat, relPath, displayDir);
    if (problem) return problem;
    const bytes = Buffer.allocUnsafe(stat.size);
    let read = 0;
    while (read < bytes.length) {
      const n = fs.readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return { relPath, displayPath: joinDisplay(displayDir, relPath), bytes: read === bytes.length ? bytes : bytes.subarray(0, read) };
  } catch (error) {
    return unreadable(relPath, displayDir, error);
  } finally {
    fs.closeSync(fd);
  }
}

function fileProblemOf(stat: fs.Stats, relPath: string, displayDir: string): RawFile | undefined {
  if (!stat.isFile()) return rawProblem(relPath, displayDir, 'FILE_NOT_REGULAR', `${relPath} is not a regular file`, 'fleet files must be regular files');
  if (stat.size > MAX_FILE_BYTES) {
    return rawProblem(relPath, displayDir, 'FILE_TOO_LARGE', `${relPath} is ${stat.size} bytes, over the ${MAX_FILE_BYTES}-byte limit`, 'a host or profile file is a few dozen lines; split or fix this file');
  }
  return undefined;
}

/** One YAML file of the fleet directory as the walk reads it; fleetc watch reads a changed file so. */
export function readFleetFile(displayDir: string, relPath: string): RawFile {
  const absPath = path.join(path.resolve(displayDir), relPath);
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(absPath);
  } catch (error) {
    return unreadable(relPath, displayDir, error);
  }
  if (stat.isSymbolicLink()) return symlinkProblem(relPath, displayDir);
  if (stat.isDirectory()) return rawProblem(relPath, displayDir, 'FILE_NOT_REGULAR', `${relPath} is a directory, not a YAML file`, 'rename the directory so its name does not end in .yaml');
  return yamlEntry(absPath, relPath, displayDir, stat);
}

function yamlEntry(absPath: string, relPath: string, displayDir: string, stat: fs.Stats): RawFile {
  const problem = fileProblemOf(stat, relPath, displayDir);
  if (problem) return problem;
  try {
    return { relPath, displayPath: joinDisplay(displayDir, relPath), bytes: fs.readFileSync(absPath) };
  } catch (error) {
    return unreadable(relPath, displayDir, error);
  }
}

/** A symbolic link in the fleet directory, as the working tree and as a commit show it. */
export function symlinkProblem(relPath: string, displayDir: string): RawFile {
  return rawProblem(relPath, displayDir, 'FILE_SYMLINK', `${relPath} is a symbolic link; fleetc reads fleet files as git stores them and does not follow links`, 'replace the link by the file (or directory) itself');
}

/** The hand-written Nix files: path → sha256, and their contents. */
export function readNixDir(nixDir: string | undefined): Pick<RawFleet, 'nixFiles' | 'nixSources'> {
  const nixTree = nixDir ? readTreeSync(path.resolve(nixDir)) : new Map<string, Buffer>();
  const nixFiles = new Map([...nixTree].map(([file, bytes]) => [file, createHash('sha256').update(bytes).digest('hex')]));
  const nixSources = new Map([...nixTree].map(([file, bytes]) => [file, bytes.toString('utf8')]));
  return { nixFiles, nixSources };
}

/** Every file under a directory, by '/'-separated relative path; a missing directory is empty. */
export async function readTree(absDir: string): Promise<Map<string, Buffer>> {
  return readTreeSync(absDir);
}

export function readTreeSync(absDir: string): Map<string, Buffer> {
  return new Map(walkFiles(absDir, { skipHidden: true, regularOnly: true }).map((rel) => [rel, fs.readFileSync(path.join(absDir, rel))]));
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

export function joinDisplay(displayDir: string, relPath: string): string {
  if (displayDir !== display.dir) display = { dir: displayDir, base: path.posix.normalize(displayDir.split(path.sep).join('/')).replace(/(.)\/$/, '$1') };
  // A path the walk made (no empty, "." or ".." segment, not absolute): joining it is appending it.
  if (!isPlainRelative(relPath)) return path.posix.join(displayDir.split(path.sep).join('/'), relPath);
  const { base } = display;
  return base === '.' ? relPath : base === '/' ? `/${relPath}` : `${base}/${relPath}`;
}

/** The last display directory, normalised, without a trailing slash: a walk joins thousands of paths to one. */
let display: { dir: string | undefined; base: string } = { dir: undefined, base: '' };

function isPlainRelative(p: string): boolean {
  return p !== '' && p !== '.' && p !== '..' && p[0] !== '/' && !p.startsWith('./') && !p.startsWith('../') && !p.includes('//') && !p.includes('/./') && !p.includes('/../') && !p.endsWith('/') && !p.endsWith('/.') && !p.endsWith('/..');
}

function unreadable(relPath: string, displayDir: string, error: unknown): RawFile {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'EACCES' ? 'permission denied' : code === 'ENOENT' ? 'it disappeared while fleetc read the directory' : String((error as Error).message ?? error);
  return rawProblem(relPath, displayDir, 'FILE_UNREADABLE', `cannot read ${relPath}: ${reason}`, 'fix or remove the file');
}

export function rawProblem(relPath: string, displayDir: string, code: DiagnosticCode, message: string, hint: string): RawFile {
  const displayPath = joinDisplay(displayDir, relPath);
  return { relPath, displayPath, problem: fileProblem(code, displayPath, message, hint) };
}

function fileProblem(code: DiagnosticCode, file: string, message: string, hint: string): Diagnostic {
  return { severity: 'error', code, message, hint, file, range: NO_RANGE };
}
