// Apply deploys the commit's flake (flake.nix and flake.lock at the fleet root, and generated/). It
// must be exactly what the commit's fleet compiles to, or the rollout would deploy something no
// reviewer saw in the plan.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Artifact } from '../emit/artifact.ts';
import type { Repository } from '../git/repository.ts';
import { listTree } from '../git/tree-reader.ts';

/** The git blob id of a text: sha1 of "blob <length>\0<bytes>". */
export function blobId(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/**
 * Paths (relative to the repository) that differ between the commit and the compiled artifacts:
 * outDir and rootDir are relative to the repository's top level ('' for the top level itself).
 */
export async function staleGeneratedFiles(repo: Repository, commit: string, dirs: { outDir: string; rootDir: string }, artifacts: readonly Artifact[]): Promise<string[]> {
  const repoPath = (artifact: Artifact) => path.posix.join(artifact.root ? dirs.rootDir : dirs.outDir, artifact.path);
  const rootFiles = artifacts.filter((a) => a.root).map(repoPath);
  const entries = await listTree(repo, commit, [dirs.outDir, ...rootFiles]);
  const committed = new Map(entries.filter((e) => e.type === 'blob').map((e) => [e.path, e.id]));
  const stale: string[] = [];
  for (const artifact of artifacts) if (committed.get(repoPath(artifact)) !== blobId(artifact.contents)) stale.push(repoPath(artifact));
  const emitted = new Set(artifacts.map(repoPath));
  for (const file of committed.keys()) if (!emitted.has(file)) stale.push(file);
  return stale.sort();
}
