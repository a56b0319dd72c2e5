// The remote that holds the shared state and lock refs. Every ref update there is a compare-and-swap:
// a push with an explicit --force-with-lease=<ref>:<expected> (empty: the ref must not exist yet).
// The bare --force-with-lease is never used: a background fetch would make it lose its meaning.
import type { Repository } from '../git/repository.ts';
import { gitWithIdentity, GitCommandError, type Git } from './git-objects.ts';

export class Remote {
  private readonly git: Git;

  constructor(
    repo: Repository,
    readonly name: string,
  ) {
    this.git = gitWithIdentity(repo);
  }

  /** The remote's deployment state replaces the local copy (the remote is the authority). */
  async fetchStates(prefix = 'refs/fleetc/deployed/'): Promise<void> {
    await this.git(['fetch', '--quiet', '--no-tags', '--prune', this.name, `+${prefix}*:${prefix}*`]);
  }

  /**
   * Read-only (apply --dry-run): the remote's state refs are fetched into a private namespace, read
   * with read(prefix), and removed again, so no ref of this repository changes.
   */
  async observeStates<T>(read: (prefix: string) => Promise<T>, statePrefix = 'refs/fleetc/deployed/'): Promise<T> {
    const prefix = `refs/fleetc/observed/${process.pid}/deployed/`;
    try {
      await this.git(['fetch', '--quiet', '--no-tags', this.name, `+${statePrefix}*:${prefix}*`]);
      return await read(prefix);
    } finally {
      await this.deleteRefs(prefix);
    }
  }

  /** The branch the remote's HEAD points to (its default branch), if it says. */
  async defaultBranch(): Promise<string | undefined> {
    const listing = await this.git(['ls-remote', '--symref', this.name, 'HEAD']).catch(() => '');
    return /^ref: refs\/heads\/(\S+)\s+HEAD$/m.exec(listing)?.[1];
  }

  /** Whether commit is on the remote's branch (the branch's tip or one of its ancestors); undefined: no such branch. */
  async branchContains(branch: string, commit: string): Promise<boolean | undefined> {
    const scratch = `refs/fleetc/observed/${process.pid}/branch`;
    const tip = await this.fetchRef(`refs/heads/${branch}`, scratch);
    if (!tip) return undefined;
    try {
      return await this.git(['merge-base', '--is-ancestor', commit, scratch]).then(() => true, () => false);
    } finally {
      await this.git(['update-ref', '-d', scratch]).catch(() => undefined);
    }
  }

  private async deleteRefs(prefix: string): Promise<void> {
    const refs = (await this.git(['for-each-ref', '--format=%(refname)', prefix]).catch(() => '')).split('\n').filter(Boolean);
    if (refs.length > 0) await this.git(['update-ref', '--stdin'], refs.map((r) => `delete ${r}\n`).join('')).catch(() => undefined);
  }

  /** Moves ref on the remote to oid if it is still at expected (undefined: absent). False when it was not. */
  async compareAndSwap(ref: string, oid: string, expected: string | undefined): Promise<boolean> {
    return this.push([`--force-with-lease=${ref}:${expected ?? ''}`, `${oid}:${ref}`]);
  }

  /** Deletes ref on the remote if it is still at expected. */
  async compareAndDelete(ref: string, expected: string): Promise<boolean> {
    return this.push([`--force-with-lease=${ref}:${expected}`, `:${ref}`]);
  }

  /** The object a ref points to on the remote, fetched into a private local ref so it can be read. */
  async fetchRef(ref: string, into: string): Promise<string | undefined> {
    const listing = (await this.git(['ls-remote', this.name, ref])).trim();
    if (!listing) return undefined;
    await this.git(['fetch', '--quiet', '--no-tags', this.name, `+${ref}:${into}`]).catch(() => undefined);
    return listing.split(/\s+/)[0];
  }

  private async push(args: string[]): Promise<boolean> {
    try {
      await this.git(['push', '--quiet', '--porcelain', this.name, ...args]);
      return true;
    } catch (error) {
      if (error instanceof GitCommandError && /stale info|rejected|fetch first|non-fast-forward|failed to push/i.test(error.stderr + error.message)) return false;
      throw error;
    }
  }
}

export async function defaultRemote(repo: Repository, requested: string | undefined): Promise<Remote | undefined> {
  if (requested === '') return undefined;
  const remotes = (await repo.git.raw(['remote'])).split('\n').filter(Boolean);
  if (requested !== undefined) {
    if (!remotes.includes(requested)) throw new GitCommandError(`no git remote named ${requested}`, '');
    return new Remote(repo, requested);
  }
  return remotes.includes('origin') ? new Remote(repo, 'origin') : undefined;
}
