// Reads a fleet directory from the file system into raw files; the only I/O of the load stage.
import { createHash } from 'node:crypto';
import { promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { NO_RANGE } from '../diagnostics/diagnostic.ts';
import type { DiagnosticCode } from '../diagnostics/codes.ts';
import type { RawFile, RawFleet } from './types.ts';

export const MAX_FILE_BYTES = 1024 * 1024;

const YAML_EXTENSION = /\.ya?ml$/;

export async function readFleetDir(displayDir: string, nixDir?: string): Promise<RawFleet> {
  const problems: Diagnostic[] = [];
  const files: RawFile[] = [];
  const root = path.resolve(displayDir);
  const rootStat = await fs.stat(root).catch(() => undefined);
  if (!rootStat?.isDirectory()) {
    problems.push(fileProblem('FLEET_DIR_MISSING', displayDir, `fleet directory ${displayDir} does not exist or is not a directory`, 'pass the fleet directory with --fleet DIR'));
  } else {
    await walk(root, '', new Set([await fs.realpath(root)]), displayDir, files);
  }
  files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  const nixTree = nixDir ? await readTree(path.resolve(nixDir)) : new Map<string, Buffer>();
  const nixFiles = new Map([...nixTree].map(([file, bytes]) => [file, createHash('sha256').update(bytes).digest('hex')]));
  const nixSources = new Map([...nixTree].map(([file, bytes]) => [file, bytes.toString('utf8')]));
  return { displayDir, files, problems, nixFiles, nixSources };
}

async function walk(absDir: string, relDir: string, visited: Set<string>, displayDir: string, out: RawFile[]): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await fs.readdir(absDir, { withFileTypes: true });
  } catch (error) {
    out.push(unreadable(relDir || '.', displayDir, error));
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const relPath = relDir ? `${relDir}/${entry.name}` : entry.name;
    const absPath = path.join(absDir, entry.name);
    const isYaml = YAML_EXTENSION.test(entry.name);
    let stat;
    try {
      stat = await fs.stat(absPath);
    } catch (error) {
      if (isYaml || entry.isSymbolicLink()) out.push(unreadable(relPath, displayDir, error));
      continue;
    }
    if (stat.isDirectory()) {
      if (isYaml) {
        out.push(rawProblem(relPath, displayDir, 'FILE_NOT_REGULAR', `${relPath} is a directory, not a YAML file`, 'rename the directory so its name does not end in .yaml'));
        continue;
      }
      const real = await fs.realpath(absPath);
      if (visited.has(real)) {
        out.push(rawProblem(relPath, displayDir, 'FILE_UNREADABLE', `${relPath} is a symbolic link back into the fleet directory (a loop)`, 'the fleet directory must be a tree: remove the link'));
        continue;
      }
      await walk(absPath, relPath, new Set([...visited, real]), displayDir, out);
      continue;
    }
    if (!isYaml) continue;
    if (!stat.isFile()) {
      out.push(rawProblem(relPath, displayDir, 'FILE_NOT_REGULAR', `${relPath} is not a regular file`, 'fleet files must be regular files'));
      continue;
    }
    if (stat.size > MAX_FILE_BYTES) {
      out.push(rawProblem(relPath, displayDir, 'FILE_TOO_LARGE', `${relPath} is ${stat.size} bytes, over the ${MAX_FILE_BYTES}-byte limit`, 'a host or profile file is a few dozen lines; split or fix this file'));
      continue;
    }
    try {
      out.push({ relPath, displayPath: joinDisplay(displayDir, relPath), bytes: await fs.readFile(absPath) });
    } catch (error) {
      out.push(unreadable(relPath, displayDir, error));
    }
  }
}

/** Every file under a directory, by '/'-separated relative path; a missing directory is empty. */
export async function readTree(absDir: string): Promise<Map<string, Buffer>> {
  const texts = new Map<string, Buffer>();
  const visit = async (dir: string, rel: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => [] as Dirent[]);
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) await visit(abs, relPath);
      else if (entry.isFile()) texts.set(relPath, await fs.readFile(abs));
    }
  };
  await visit(absDir, '');
  return new Map([...texts].sort(([a], [b]) => (a < b ? -1 : 1)));
}

export function joinDisplay(displayDir: string, relPath: string): string {
  return path.posix.join(displayDir.split(path.sep).join('/'), relPath);
}

function unreadable(relPath: string, displayDir: string, error: unknown): RawFile {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ELOOP' ? 'it is a symbolic link loop' :
    code === 'ENOENT' ? 'it is a dangling symbolic link' :
    code === 'EACCES' ? 'permission denied' :
    String((error as Error).message ?? error);
  return rawProblem(relPath, displayDir, 'FILE_UNREADABLE', `cannot read ${relPath}: ${reason}`, 'fix or remove the file');
}

function rawProblem(relPath: string, displayDir: string, code: DiagnosticCode, message: string, hint: string): RawFile {
  const displayPath = joinDisplay(displayDir, relPath);
  return { relPath, displayPath, problem: fileProblem(code, displayPath, message, hint) };
}

function fileProblem(code: DiagnosticCode, file: string, message: string, hint: string): Diagnostic {
  return { severity: 'error', code, message, hint, file, range: NO_RANGE };
}
