// Apply deploys the commit's generated/ (the flake nixos-rebuild builds). It must be exactly what the
// commit's fleet compiles to, or the rollout would deploy something no reviewer saw in the plan.
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

/** Paths that differ between the committed output directory and the compiled artifacts. */
export async function staleGeneratedFiles(repo: Repository, commit: string, outDir: string, artifacts: readonly Artifact[]): Promise<string[]> {
  const committed = new Map((await listTree(repo, commit, [outDir])).filter((e) => e.type === 'blob').map((e) => [e.path.slice(outDir.length + 1), e.id]));
  const stale: string[] = [];
  for (const artifact of artifacts) if (committed.get(artifact.path) !== blobId(artifact.contents)) stale.push(artifact.path);
  const emitted = new Set(artifacts.map((a) => a.path));
  for (const path of committed.keys()) if (!emitted.has(path) && !KEPT_FILES.has(path)) stale.push(path);
  return stale.sort();
}
