// The git repository fleetc runs in: its root, the working directory's place in it, revisions.
import path from 'node:path';
import type { SimpleGit } from 'simple-git';
import { LIBRARY_DIR } from '../library/index.ts';

export class GitError extends Error {}

export interface Repository {
  git: SimpleGit;
  /** Absolute path of the work tree's top level. */
  root: string;
}

export async function openRepository(cwd: string): Promise<Repository> {
  // Loaded by the commands that read git (plan, apply, status), not by build or watch.
  const { simpleGit } = await import('simple-git');
  const git = simpleGit({ baseDir: cwd });
  let root: string;
  try {
    root = (await git.revparse(['--show-toplevel'])).trim();
  } catch {
    throw new GitError(`${cwd} is not inside a git repository`);
  }
  return { git: simpleGit({ baseDir: root }), root };
}

/** The full commit id a revision names (a branch, tag, HEAD~1, an abbreviated id). */
export async function resolveCommit(repo: Repository, revision: string): Promise<string> {
  if (revision.startsWith('-')) throw new GitError(`"${revision}" is not a revision`);
  const commit = await repo.git.revparse(['--verify', '--quiet', '--end-of-options', `${revision}^{commit}`]).then((out) => out.trim(), () => '');
  if (!/^[0-9a-f]{40}$/.test(commit)) throw new GitError(`unknown revision "${revision}"`);
  return commit;
}

/** A directory given relative to the working directory, as a '/'-separated path inside the repository. */
export function repoRelative(repo: Repository, dir: string): string {
  const relative = path.relative(repo.root, path.resolve(dir)).split(path.sep).join('/');
  if (relative.startsWith('..') || path.isAbsolute(relative)) throw new GitError(`${dir} is outside the repository ${repo.root}`);
  return relative;
}

/** The output directory's fleetc/ (where build writes fleetc's own Nix), relative to the repository. */
export function libraryDirOf(repo: Repository, paths: { outDir: string }): string {
  return `${repoRelative(repo, paths.outDir)}/${LIBRARY_DIR}`;
}
