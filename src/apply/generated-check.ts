// Apply deploys the commit's generated/ (the flake nixos-rebuild builds). It must be exactly what the
// commit's fleet compiles to, or the rollout would deploy something no reviewer saw in the plan.
// Root artifacts (the flake at the fleet repository root) are compared where they live.
import { createHash } from 'node:crypto';
import type { Artifact } from '../emit/artifact.ts';
import type { Repository } from '../git/repository.ts';
import { listTree } from '../git/tree-reader.ts';
import { KEPT_FILES } from '../write/compare.ts';

/** The git blob id of a text: sha1 of "blob <length>\0<bytes>". */
export function blobId(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/**
 * Paths that differ between the commit and the compiled artifacts: the output directory's files
 * (outDir, repository-relative) and the root files (under rootDir, repository-relative, '' for the
 * repository's top level).
 */
export async function staleGeneratedFiles(repo: Repository, commit: string, outDir: string, artifacts: readonly Artifact[], rootDir = ''): Promise<string[]> {
  const committed = new Map((await listTree(repo, commit, [outDir])).filter((e) => e.type === 'blob').map((e) => [e.path.slice(outDir.length + 1), e.id]));
  const stale: string[] = [];
  const rootFiles = artifacts.filter((a) => a.root).map((a) => (rootDir ? `${rootDir}/${a.path}` : a.path));
  const committedRoot = new Map(rootFiles.length === 0 ? [] : (await listTree(repo, commit, rootFiles)).filter((e) => e.type === 'blob').map((e) => [e.path, e.id]));
  for (const artifact of artifacts) {
    if (!artifact.root) {
      if (committed.get(artifact.path) !== blobId(artifact.contents)) stale.push(artifact.path);
      continue;
    }
    const at = rootDir ? `${rootDir}/${artifact.path}` : artifact.path;
    if (committedRoot.get(at) !== blobId(artifact.contents)) stale.push(at);
  }
  const emitted = new Set(artifacts.filter((a) => !a.root).map((a) => a.path));
  for (const path of committed.keys()) if (!emitted.has(path) && !KEPT_FILES.has(path)) stale.push(path);
  return stale.sort();
}
