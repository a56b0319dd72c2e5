// Reads the fleet and nix directories of a commit straight from git objects: no checkout, no
// change to the working tree. One `git cat-file --batch` process serves every blob.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { NO_RANGE } from '../diagnostics/diagnostic.ts';
import { MAX_FILE_BYTES } from '../load/index.ts';
import { symlinkProblem } from '../load/read-dir.ts';
import type { RawFile, RawFleet } from '../load/types.ts';
import type { GitRoot } from './repository.ts';
import { libraryFrom } from '../library/index.ts';

const execFileAsync = promisify(execFile);

interface TreeEntry {
  mode: string;
  type: string;
  id: string;
  size: number;
  path: string;
}

export async function listTree(repo: GitRoot, commit: string, dirs: readonly string[]): Promise<TreeEntry[]> {
  // git itself, not through simple-git: a plan lists three trees, and simple-git's own work per call outweighed git's.
  const { stdout: output } = await execFileAsync('git', ['ls-tree', '-r', '-z', '--long', '--full-tree', commit, '--', ...dirs], { cwd: repo.root, encoding: 'utf8', maxBuffer: 1 << 30 });
  return output.split('\0').filter(Boolean).map((line) => {
    // `<mode> <type> <id> <size, padded to 7 columns>\t<path>`
    const tab = line.indexOf('\t');
    const typeAt = line.indexOf(' ') + 1;
    const idAt = line.indexOf(' ', typeAt) + 1;
    const sizeAt = line.indexOf(' ', idAt) + 1;
    const size = line.slice(sizeAt, tab).trim();
    return { mode: line.slice(0, typeAt - 1), type: line.slice(typeAt, idAt - 1), id: line.slice(idAt, sizeAt - 1), size: size === '-' ? 0 : Number(size), path: line.slice(tab + 1) };
  });
}

/** Reads many blobs through one cat-file --batch process; returns contents by object id. */
export async function readBlobs(repo: GitRoot, ids: readonly string[]): Promise<Map<string, Buffer>> {
  const blobs = new Map<string, Buffer>();
  for (const [id, object] of await readObjects(repo, ids)) {
    if (object?.id !== id) throw new Error(`git cat-file: unexpected answer for ${id}`);
    blobs.set(id, object.bytes);
  }
  return blobs;
}

/**
 * A blob named by commit and path (`<commit>:<path>`), with its id; undefined when there is none
 * (as readBlobs, it rejects an answer that is not cat-file's).
 * Git writes it to an unlinked temporary file rather than a pipe: a 12 MB manifest through a pipe
 * goes at the pace the (busy) main thread drains it, 64 KB at a time; into a file, at git's.
 */
export async function readBlobAt(repo: GitRoot, commit: string, file: string): Promise<{ id: string; bytes: Buffer } | undefined> {
  if (/[\n\r]/.test(file)) return undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fleetc-blob-'));
  const fd = openSync(path.join(dir, 'blob'), 'w+');
  rmSync(dir, { recursive: true, force: true });
  try {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: repo.root, stdio: ['pipe', fd, 'ignore'] });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
      child.stdin!.end(`${commit}:${file}\n`);
    });
    if (code !== 0) return undefined;
    const output = Buffer.allocUnsafe(fstatSync(fd).size);
    readSync(fd, output, 0, output.length, 0);
    const object = batchAnswers(output, [`${commit}:${file}`]).get(`${commit}:${file}`);
    return object?.type === 'blob' ? object : undefined;
  } finally {
    closeSync(fd);
  }
}

/** Objects by name (an id, or `<commit>:<path>`) through one cat-file --batch process; undefined: missing. */
async function readObjects(repo: GitRoot, names: readonly string[]): Promise<Map<string, { id: string; type: string; bytes: Buffer } | undefined>> {
  const unique = [...new Set(names)];
  if (unique.length === 0) return new Map();
  const child = spawn('git', ['cat-file', '--batch'], { cwd: repo.root, stdio: ['pipe', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git cat-file exited with ${code}`))));
  });
  child.stdin.end(unique.join('\n') + '\n');
  await done;
  return batchAnswers(Buffer.concat(chunks), unique);
}

/** What `git cat-file --batch` printed for these names, in order; undefined for a missing one. */
function batchAnswers(output: Buffer, names: readonly string[]): Map<string, { id: string; type: string; bytes: Buffer } | undefined> {
  const objects = new Map<string, { id: string; type: string; bytes: Buffer } | undefined>();
  let offset = 0;
  for (const name of names) {
    const headerEnd = output.indexOf(10, offset);
    const header = output.subarray(offset, headerEnd).toString('utf8');
    // `<name> missing` names nothing; otherwise `<id> <type> <size>`, the contents and a line break.
    if (header === `${name} missing`) {
      objects.set(name, undefined);
      offset = headerEnd + 1;
      continue;
    }
    const [id, type, size] = header.split(' ');
    const start = headerEnd + 1;
    if (id === undefined || type === undefined || size === undefined || headerEnd < 0 || start + Number(size) >= output.length) throw new Error(`git cat-file: unexpected answer for ${name}`);
    objects.set(name, { id, type, bytes: output.subarray(start, start + Number(size)) });
    offset = start + Number(size) + 1;
  }
  return objects;
}

/**
 * The RawFleet of a commit, as readFleetDir would see it had the commit been checked out. With
 * libraryDir (the output directory's fleetc/, repository-relative), fleetc's own Nix as committed
 * there: the commit compiles with the library it was built with, when it has one. Blobs in `known`
 * (by id: the other side of a plan holds most of them; they may still be coming) are not read again.
 */
export async function readFleetAt(repo: GitRoot, commit: string, fleetDir: string, nixDir: string, displayDir: string, libraryDir?: string, knownSoon?: ReadonlyMap<string, Uint8Array> | Promise<ReadonlyMap<string, Uint8Array>>, extraFile?: ExtraFile, later?: Later): Promise<RawFleet & { existed: boolean; extra?: { id: string; bytes: Buffer } }> {
  const entries = await listTree(repo, commit, [fleetDir, nixDir, ...(libraryDir ? [libraryDir] : []), ...(extraFile ? [extraFile.path] : [])]);
  later?.listed(entries.filter((e) => e.path.startsWith(`${fleetDir}/`)).map((e) => ({ relPath: e.path.slice(fleetDir.length + 1), id: e.id })));
  const defer = await later?.defer;
  // One more regular file (a plan's committed manifest.json): read with the rest, or taken from its early read.
  const extra = extraFile === undefined ? undefined : entries.find((e) => e.path === extraFile.path && e.type === 'blob' && e.mode !== '120000');
  // Awaited once the tree is listed: a plan lists the base while the head's blobs are read.
  const known = await knownSoon;
  const underLibrary = libraryDir ? entries.filter((e) => e.path.startsWith(`${libraryDir}/`) && e.type === 'blob' && e.mode !== '120000' && !hidden(e.path.slice(libraryDir.length + 1))) : [];
  const underFleet = entries.filter((e) => e.path.startsWith(`${fleetDir}/`));
  // Regular files only, as the working-tree reader takes them: a link's blob is its target's name.
  const underNix = entries.filter((e) => e.path.startsWith(`${nixDir}/`) && e.mode !== '120000');
  // Every link is reported, as the working-tree reader does: a link to a directory is not a YAML name.
  const yaml = underFleet.filter((e) => (/\.ya?ml$/.test(e.path) || e.mode === '120000') && !hidden(e.path.slice(fleetDir.length + 1)));
  const readable = yaml.filter((e) => e.type === 'blob' && e.mode !== '120000' && e.size <= MAX_FILE_BYTES);
  const deferred = new Set(defer ? readable.filter((e) => defer(e.path.slice(fleetDir.length + 1), e.id)).map((e) => e.id) : []);
  const wanted = [...readable.filter((e) => !deferred.has(e.id)).map((e) => e.id), ...underNix.filter((e) => e.type === 'blob').map((e) => e.id), ...underLibrary.map((e) => e.id), ...(extra && !extraFile?.early ? [extra.id] : [])];
  const blobs: Map<string, Uint8Array> = await readBlobs(repo, known ? wanted.filter((id) => !known.has(id)) : wanted);
  for (const id of wanted) if (!blobs.has(id)) blobs.set(id, known!.get(id)!);
  if (extra && extraFile?.early) {
    // The listing's file is the one read early when it has its blob id (the same commit, so it has).
    const early = await extraFile.early;
    blobs.set(extra.id, early?.id === extra.id ? early.bytes : (await readBlobs(repo, [extra.id])).get(extra.id)!);
  }
  const files: RawFile[] = yaml.map((entry) => {
    const relPath = entry.path.slice(fleetDir.length + 1);
    const displayPath = `${displayDir}/${relPath}`;
    const problem = (code: Diagnostic['code'], message: string): RawFile => ({ relPath, displayPath, problem: { severity: 'error', code, message, file: displayPath, range: NO_RANGE } });
    if (entry.mode === '120000') return { relPath, displayPath, problem: { ...symlinkProblem(relPath, displayDir).problem!, file: displayPath } };
    if (entry.type !== 'blob') return problem('FILE_NOT_REGULAR', `${relPath} is not a regular file in commit ${commit.slice(0, 12)}`);
    if (entry.size > MAX_FILE_BYTES) return problem('FILE_TOO_LARGE', `${relPath} is ${entry.size} bytes, over the ${MAX_FILE_BYTES}-byte limit`);
    if (deferred.has(entry.id)) {
      const file: RawFile = { relPath, displayPath, blobId: entry.id };
      unread.add(file);
      return file;
    }
    return { relPath, displayPath, bytes: blobs.get(entry.id)!, blobId: entry.id };
  });
  const nixFiles = new Map<string, string>();
  const nixSources = new Map<string, string>();
  for (const entry of underNix.filter((e) => e.type === 'blob' && !hidden(e.path.slice(nixDir.length + 1)))) {
    const relPath = entry.path.slice(nixDir.length + 1);
    const bytes = blobs.get(entry.id)!;
    nixFiles.set(relPath, createHash('sha256').update(bytes).digest('hex'));
    nixSources.set(relPath, asBuffer(bytes).toString('utf8'));
  }
  const library = underLibrary.length > 0 ? libraryFrom(new Map(underLibrary.map((e) => [e.path.slice(libraryDir!.length + 1), asBuffer(blobs.get(e.id)!)]))) : undefined;
  return { displayDir, files, problems: [], nixFiles, nixSources, ...(library ? { library } : {}), existed: underFleet.length > 0, ...(extra ? { extra: { id: extra.id, bytes: asBuffer(blobs.get(extra.id)!) } } : {}) };
}

/** One more regular file read with a commit's fleet; `early`, its blob being read already (readBlobAt). */
export interface ExtraFile {
  path: string;
  early?: Promise<{ id: string; bytes: Buffer } | undefined>;
}

/**
 * Files a reader may leave unread (a plan between clean builds reads only the host files it
 * resolves): `listed` is told the fleet directory's files (path, blob id) once the tree is listed,
 * and `defer` then says which regular YAML files to leave for readUnread.
 */
export interface Later {
  listed: (files: Array<{ relPath: string; id: string }>) => void;
  defer: Promise<((relPath: string, id: string) => boolean) | undefined>;
}

/** Files left unread (Later): a RawFile with its blob id and no bytes yet. */
const unread = new WeakSet<RawFile>();

export function isUnread(file: RawFile): boolean {
  return unread.has(file);
}

/** Reads the bytes of files left unread, by one cat-file process; each is then as if read with the rest. */
export async function readUnread(repo: GitRoot, files: readonly RawFile[]): Promise<void> {
  const pending = files.filter((f) => unread.has(f));
  if (pending.length === 0) return;
  const blobs = await readBlobs(repo, pending.map((f) => f.blobId!));
  for (const file of pending) {
    file.bytes = blobs.get(file.blobId!)!;
    unread.delete(file);
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Some segment of the path starts with a dot. */
function hidden(relPath: string): boolean {
  return relPath.startsWith('.') || relPath.includes('/.');
}
