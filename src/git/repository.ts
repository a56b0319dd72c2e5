// The git repository fleetc runs in: its root, the working directory's place in it, revisions.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { SimpleGit } from 'simple-git';
import { LIBRARY_DIR } from '../library/index.ts';

export class GitError extends Error {}

const execFileAsync = promisify(execFile);

export interface Repository extends GitRoot {
  git: SimpleGit;
}

/** What git's own processes need of a repository (plan runs git itself). */
export interface GitRoot {
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

/**
 * The repository's root and the commits some revisions name, by one git process (a plan's first
 * step: each process costs the main thread a few ms); failing as openRepository and resolveCommit do.
 */
export async function resolveRevisions(cwd: string, revisions: readonly string[]): Promise<{ repo: GitRoot; commits: string[] }> {
  if (!revisions.some((r) => r.startsWith('-'))) {
    // No --end-of-options (git 2.39's rev-parse prints it back): no revision here starts with "-".
    const lines = await execFileAsync('git', ['rev-parse', '--show-toplevel', ...revisions.map((r) => `${r}^{commit}`)], { cwd, encoding: 'utf8' }).then(({ stdout }) => stdout.split('\n'), () => []);
    const commits = lines.slice(1, 1 + revisions.length);
    if (lines.length === revisions.length + 2 && lines[0] !== '' && commits.every((c) => /^[0-9a-f]{40}$/.test(c))) return { repo: { root: lines[0]! }, commits };
  }
  // Something is wrong: the error as the one-at-a-time path gives it.
  const repo = await openRepository(cwd);
  const commits: string[] = [];
  for (const revision of revisions) commits.push(await resolveCommit(repo, revision));
  return { repo, commits };
}

/** A directory given relative to the working directory, as a '/'-separated path inside the repository. */
export function repoRelative(repo: GitRoot, dir: string): string {
  const relative = path.relative(repo.root, path.resolve(dir)).split(path.sep).join('/');
  if (relative.startsWith('..') || path.isAbsolute(relative)) throw new GitError(`${dir} is outside the repository ${repo.root}`);
  return relative;
}

/** The output directory's fleetc/ (where build writes fleetc's own Nix), relative to the repository. */
export function libraryDirOf(repo: GitRoot, paths: { outDir: string }): string {
  return `${repoRelative(repo, paths.outDir)}/${LIBRARY_DIR}`;
}
