// The repository as GitHub holds it, for the workflow runner: a bare repository with fleetc's own
// files (workflows, actions, package, sources) and, in examples/photon-lab, a fleet whose hosts are a
// test lab's real sshd targets. A developer's clone makes branches and commits (building the fleet
// with the real fleetc, as an operator does); pull requests get GitHub's refs/pull/<n>/head and a
// test-merge commit in refs/pull/<n>/merge; each event comes with the payload GitHub sends.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { FLEETC_BIN, REPO_ROOT } from '../helpers/paths.ts';
import type { WorkflowSpec } from './runner.ts';

/** What a fleetc checkout needs to run its own workflows (no node_modules: the job runs npm ci). */
const FLEETC_FILES = ['.github', 'actions', 'bin', 'dist', 'src', 'schema', 'nix', 'templates', 'package.json', 'package-lock.json', '.npmrc', 'tsconfig.json'];

export const REPOSITORY = 'photon/fleet';
const FORK = 'mallory/fleet';

export interface Event {
  eventName: string;
  ref: string;
  sha: string;
  payload: Record<string, unknown>;
}

export class Hub {
  readonly bare: string;
  readonly dev: string;
  readonly fleetRoot: string;

  constructor(
    readonly root: string,
    fleet: { fleetDir: string; nixDir: string },
  ) {
    this.bare = path.join(root, 'github', `${REPOSITORY}.git`);
    this.dev = path.join(root, 'dev');
    this.fleetRoot = path.join(this.dev, 'examples/photon-lab');
    execFileSync('git', ['init', '-q', '--bare', '--initial-branch=main', this.bare]);
    // GitHub serves any reachable commit by its id (checkout fetches a pull request's head that way).
    execFileSync('git', ['-C', this.bare, 'config', 'uploadpack.allowAnySHA1InWant', 'true']);
    mkdirSync(this.fleetRoot, { recursive: true });
    for (const file of FLEETC_FILES) cpSync(path.join(REPO_ROOT, file), path.join(this.dev, file), { recursive: true });
    cpSync(fleet.fleetDir, path.join(this.fleetRoot, 'fleet'), { recursive: true });
    cpSync(fleet.nixDir, path.join(this.fleetRoot, 'nix'), { recursive: true });
    writeFileSync(path.join(this.fleetRoot, 'fleetc.json'), '{ "fleet": "fleet", "nix": "nix", "out": "generated" }\n');
    writeFileSync(path.join(this.dev, '.gitignore'), 'node_modules/\n.fleetc-cache/\n');
    this.git('init', '-q', '--initial-branch=main');
    this.git('remote', 'add', 'origin', this.bare);
  }

  git(...args: string[]): string {
    return execFileSync('git', ['-c', 'user.name=dev', '-c', 'user.email=dev@fleet.invalid', ...args], { cwd: this.dev, encoding: 'utf8' }).trim();
  }

  /** fleetc build in the fleet root, as an operator runs it before committing. */
  build(): void {
    execFileSync(process.execPath, [FLEETC_BIN, 'build'], { cwd: this.fleetRoot, stdio: 'pipe' });
  }

  /** Commits the working tree on a branch (built first unless told) and pushes it; returns the commit. */
  commit(branch: string, message: string, edits: Record<string, string> = {}, options: { build?: boolean; from?: string } = {}): string {
    const born = spawnSync('git', ['rev-parse', '--verify', '-q', 'HEAD'], { cwd: this.dev }).status === 0;
    if (born) this.git('checkout', '-q', '-B', branch, ...(options.from ? [options.from] : []));
    for (const [file, text] of Object.entries(edits)) {
      mkdirSync(path.dirname(path.join(this.fleetRoot, file)), { recursive: true });
      writeFileSync(path.join(this.fleetRoot, file), text);
    }
    if (options.build !== false) this.build();
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message);
    this.git('push', '-q', '-f', 'origin', `${branch}:refs/heads/${branch}`);
    return this.git('rev-parse', 'HEAD');
  }

  read(file: string, at = 'HEAD'): string {
    return this.git('show', `${at}:examples/photon-lab/${file}`);
  }

  /**
   * Opens (or updates) pull request <number> from a branch: GitHub's refs/pull/<n>/head and the
   * test-merge commit refs/pull/<n>/merge; a fork's head exists only there, not as a branch here.
   */
  pullRequest(number: number, branch: string, options: { fork?: boolean; action?: string } = {}): Event {
    const head = this.git('rev-parse', branch);
    const base = this.git('rev-parse', 'origin/main');
    this.git('push', '-q', '-f', 'origin', `${head}:refs/pull/${number}/head`);
    if (options.fork) this.git('push', '-q', 'origin', `:refs/heads/${branch}`);
    this.git('checkout', '-q', '--detach', base);
    this.git('merge', '-q', '--no-ff', '-m', `Merge ${head} into ${base}`, head);
    const merge = this.git('rev-parse', 'HEAD');
    this.git('push', '-q', '-f', 'origin', `${merge}:refs/pull/${number}/merge`);
    this.git('checkout', '-q', branch);
    const repo = (fullName: string, id: number) => ({ id, full_name: fullName, name: 'fleet', owner: { login: fullName.split('/')[0] }, fork: fullName !== REPOSITORY, default_branch: 'main' });
    const payload = {
      action: options.action ?? 'synchronize',
      number,
      pull_request: {
        number,
        state: 'open',
        head: { ref: branch, sha: head, repo: repo(options.fork ? FORK : REPOSITORY, options.fork ? 2 : 1) },
        base: { ref: 'main', sha: base, repo: repo(REPOSITORY, 1) },
        merge_commit_sha: merge,
      },
      repository: repo(REPOSITORY, 1),
      sender: { login: options.fork ? 'mallory' : 'dev' },
    };
    return { eventName: 'pull_request', ref: `refs/pull/${number}/merge`, sha: merge, payload };
  }

  /** Merges a branch into main (as the merge button does) and returns the push event. */
  merge(branch: string): Event {
    const before = this.git('rev-parse', 'origin/main');
    this.git('checkout', '-q', '-B', 'main', 'origin/main');
    this.git('merge', '-q', '--no-ff', '-m', `Merge branch ${branch}`, branch);
    this.git('push', '-q', 'origin', 'main');
    this.git('fetch', '-q', 'origin');
    const after = this.git('rev-parse', 'HEAD');
    return { eventName: 'push', ref: 'refs/heads/main', sha: after, payload: { ref: 'refs/heads/main', before, after, repository: { full_name: REPOSITORY, default_branch: 'main' }, pusher: { name: 'dev' } } };
  }

  /** A run of a workflow by hand on a branch (workflow_dispatch). */
  dispatch(branch: string, workflow: string, inputs: Record<string, string> = {}): Event {
    const sha = this.git('rev-parse', `origin/${branch}`);
    return { eventName: 'workflow_dispatch', ref: `refs/heads/${branch}`, sha, payload: { ref: `refs/heads/${branch}`, inputs, repository: { full_name: REPOSITORY, default_branch: 'main' }, sender: { login: 'dev' }, workflow: `.github/workflows/${workflow}` } };
  }

  /** The permissions GitHub gives a job's token: the job's, else the workflow's; a fork's pull request reads only. */
  static tokenPermissions(workflowFile: string, job: string, fork: boolean): Record<string, string> {
    const workflow = parse(readFileSync(workflowFile, 'utf8')) as WorkflowSpec;
    const declared = workflow.jobs[job]!.permissions ?? workflow.permissions ?? { contents: 'read' };
    const permissions = typeof declared === 'string' ? {} : { ...declared };
    if (fork) for (const key of Object.keys(permissions)) if (permissions[key] === 'write') permissions[key] = 'read';
    return permissions;
  }
}
