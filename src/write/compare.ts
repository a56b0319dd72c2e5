// What a build would change in the output directory: added, modified and removed files.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Artifact } from '../emit/artifact.ts';

export type FileChangeKind = 'added' | 'modified' | 'removed';

export interface FileChange {
  path: string;
  change: FileChangeKind;
}

/** Files the writer keeps although no emitter produces them (written by other tools). */
export const KEPT_FILES = new Set(['flake.lock']);

export async function compareWithDisk(outDir: string, artifacts: readonly Artifact[]): Promise<FileChange[]> {
  const existing = await listFiles(outDir);
  const changes: FileChange[] = [];
  const emitted = new Set<string>();
  for (const artifact of artifacts) {
    emitted.add(artifact.path);
    const current = await fs.readFile(path.join(outDir, artifact.path), 'utf8').catch(() => undefined);
    if (current === undefined) changes.push({ path: artifact.path, change: 'added' });
    else if (current !== artifact.contents) changes.push({ path: artifact.path, change: 'modified' });
  }
  for (const file of existing) if (!emitted.has(file) && !KEPT_FILES.has(file)) changes.push({ path: file, change: 'removed' });
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Every regular file under dir, as '/'-separated relative paths; empty when dir does not exist. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (abs: string, rel: string): Promise<void> => {
    const entries = await fs.readdir(abs, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await visit(path.join(abs, entry.name), relPath);
      else out.push(relPath);
    }
  };
  await visit(dir, '');
  return out.sort();
}
