// The actions fleetc's workflows pin, simulated from their own sources at the pinned commit, as far
// as a job here depends on them. Each is keyed by the full commit it was read at, so a new pin fails
// until its behaviour is read again.
// - actions/checkout v7.0.1 (src/input-helper.ts, src/git-source-provider.ts, src/ref-helper.ts):
//   ref and commit from the event (or a `ref:` input, a 40-hex one taken as a bare commit); a real
//   git init and fetch from the repository with its refspecs: fetch-depth 0 fetches
//   +refs/heads/*:refs/remotes/origin/* and +refs/tags/*:refs/tags/* (plus the pull ref), then the
//   commit by itself if that did not bring it; otherwise --depth=N of the commit alone; always with
//   --no-tags --prune --no-recurse-submodules; then the checkout of the commit (detached), of
//   -B <branch> refs/remotes/origin/<branch>, or of refs/remotes/pull/<n>/merge.
// - actions/setup-node v7.0.0 (action.yml, src/main.ts): node-version must be the Node that runs
//   here (nothing is downloaded); cache: npm needs the lock file and restores npm's cache, which is
//   this machine's warm ~/.npm.
// - actions/upload-artifact v7.0.0 (action.yml, src/shared/search.ts): the paths' files, hidden
//   files (below a search path, a name starting with a dot) left out unless include-hidden-files, the least common
//   ancestor of the search paths as the artifact's root, if-no-files-found
//   warn (default) | error | ignore; an artifact name used twice in a run fails.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Value } from './expressions.ts';

export interface ActionHost {
  /** The local REST stand-in's base URL (github.api_url). */
  apiUrl: string;
  /** Where checkout clones a repository from: owner/name → a local bare repository. */
  cloneUrl: (repository: string) => string;
  /** Uploaded artifacts: name → directory. */
  artifactsDir: string;
}

export interface ActionCall {
  inputs: Record<string, string>;
  workspace: string;
  temp: string;
  env: Record<string, string>;
  host: ActionHost;
  github: Record<string, Value>;
  event: Record<string, unknown>;
}

export type SimulatedAction = (call: ActionCall) => Promise<{ ok: boolean; output: string }>;

const CHECKOUT = 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1';
const SETUP_NODE = 'actions/setup-node@820762786026740c76f36085b0efc47a31fe5020';
const UPLOAD_ARTIFACT = 'actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f';

export function simulatedAction(uses: string): SimulatedAction {
  const action = { [CHECKOUT]: checkout, [SETUP_NODE]: setupNode, [UPLOAD_ARTIFACT]: uploadArtifact }[uses];
  if (!action) throw new Error(`${uses} is not simulated (only ${[CHECKOUT, SETUP_NODE, UPLOAD_ARTIFACT].join(', ')}): pin one of these or read the new version's source`);
  return action;
}

async function checkout(call: ActionCall): Promise<{ ok: boolean; output: string }> {
  const log: string[] = [];
  const git = (...args: string[]) => {
    log.push(`[command]git ${args.join(' ')}`);
    return execFileSync('git', args, { cwd: call.workspace, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...call.env, GIT_TERMINAL_PROMPT: '0' } });
  };
  try {
    const repository = call.inputs.repository || String(call.github.repository);
    let ref = call.inputs.ref ?? '';
    let commit = '';
    if (!ref) {
      ref = String(call.github.ref);
      commit = String(call.github.sha);
      if (commit && ref && !ref.startsWith('refs/')) ref = `refs/heads/${ref}`;
    } else if (/^[0-9a-fA-F]{40}$/.test(ref)) {
      commit = ref;
      ref = '';
    }
    const depth = Number(call.inputs['fetch-depth'] ?? '1');
    git('init', '-q');
    git('remote', 'add', 'origin', call.host.cloneUrl(repository));
    const fetch = (refspecs: string[], fetchDepth?: number) => git('-c', 'protocol.version=2', 'fetch', '--no-tags', '--prune', '--no-recurse-submodules', ...(fetchDepth ? [`--depth=${fetchDepth}`] : []), 'origin', ...refspecs);
    const pullBranch = ref.toUpperCase().startsWith('REFS/PULL/') ? ref.slice('refs/pull/'.length) : undefined;
    const targeted = (): string[] => {
      if (!commit) throw new Error('only a commit, or a ref with its commit, is simulated');
      if (ref.toUpperCase().startsWith('REFS/HEADS/')) return [`+${commit}:refs/remotes/origin/${ref.slice('refs/heads/'.length)}`];
      if (pullBranch) return [`+${commit}:refs/remotes/pull/${pullBranch}`];
      return [commit];
    };
    const refIsAtCommit = () => {
      if (!ref) return shaExists(git, commit);
      if (ref.toUpperCase().startsWith('REFS/HEADS/')) {
        const branch = ref.slice('refs/heads/'.length);
        try {
          return git('rev-parse', `refs/remotes/origin/${branch}`).trim() === commit;
        } catch {
          return false;
        }
      }
      return true;
    };
    if (depth <= 0) {
      fetch(['+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*', ...(pullBranch ? [`+${commit || ref}:refs/remotes/pull/${pullBranch}`] : [])]);
      if (!refIsAtCommit()) {
        fetch(targeted());
        if (!refIsAtCommit()) throw new Error(`The ref '${ref}' does not point to the expected commit '${commit}'.`);
      }
    } else fetch(targeted(), depth);
    if (!ref) git('checkout', '--progress', '--force', commit);
    else if (ref.toUpperCase().startsWith('REFS/HEADS/')) {
      const branch = ref.slice('refs/heads/'.length);
      git('checkout', '--progress', '--force', '-B', branch, `refs/remotes/origin/${branch}`);
    } else if (pullBranch) git('checkout', '--progress', '--force', `refs/remotes/pull/${pullBranch}`);
    else throw new Error(`checkout of ${ref} is not simulated`);
    return { ok: true, output: `${log.join('\n')}\n` };
  } catch (error) {
    return { ok: false, output: `${log.join('\n')}\n::error::${(error as Error).message}\n` };
  }
}

function shaExists(git: (...args: string[]) => string, commit: string): boolean {
  try {
    git('rev-parse', '--verify', '--quiet', `${commit}^{object}`);
    return true;
  } catch {
    return false;
  }
}

async function setupNode(call: ActionCall): Promise<{ ok: boolean; output: string }> {
  const wanted = call.inputs['node-version'] ?? '';
  const running = process.versions.node;
  if (wanted && running.split('.')[0] !== wanted.split('.')[0]) return { ok: false, output: `::error::node-version ${wanted} is not the Node here (${running}); nothing can be downloaded\n` };
  if (call.inputs.cache === 'npm' && !existsSync(path.join(call.workspace, 'package-lock.json'))) {
    return { ok: false, output: '::error::Dependencies lock file is not found in the workspace. Supported file patterns: package-lock.json,npm-shrinkwrap.json,yarn.lock\n' };
  }
  return { ok: true, output: `Found in cache @ ${running}\n${call.inputs.cache === 'npm' ? 'Cache restored (npm)\n' : ''}` };
}

const uploaded = new Set<string>();

async function uploadArtifact(call: ActionCall): Promise<{ ok: boolean; output: string }> {
  const name = call.inputs.name || 'artifact';
  const key = `${call.host.artifactsDir}:${name}`;
  if (uploaded.has(key)) return { ok: false, output: `::error::an artifact named ${name} was uploaded already in this run\n` };
  const includeHidden = call.inputs['include-hidden-files'] === 'true';
  const files: string[] = [];
  const searchRoots: string[] = [];
  for (const entry of (call.inputs.path ?? '').split('\n').map((l) => l.trim()).filter(Boolean)) {
    const full = path.resolve(call.workspace, entry);
    if (!existsSync(full)) continue;
    searchRoots.push(statSync(full).isDirectory() ? full : path.dirname(full));
    // @actions/glob's excludeHiddenFiles: an item (below the search path) whose name starts with a dot.
    const walk = (p: string) => {
      if (!includeHidden && p !== full && path.basename(p).startsWith('.')) return;
      if (statSync(p).isDirectory()) for (const child of readdirSync(p)) walk(path.join(p, child));
      else files.push(p);
    };
    walk(full);
  }
  const ifNone = call.inputs['if-no-files-found'] || 'warn';
  if (files.length === 0) {
    const message = `No files were found with the provided path: ${call.inputs.path}. No artifacts will be uploaded.`;
    return ifNone === 'error' ? { ok: false, output: `::error::${message}\n` } : { ok: true, output: `${ifNone === 'warn' ? `::warning::${message}` : message}\n` };
  }
  uploaded.add(key);
  const target = path.join(call.host.artifactsDir, name);
  mkdirSync(target, { recursive: true });
  // The artifact's root is the least common ancestor of the search paths.
  const root = searchRoots.reduce((common, dir) => {
    while (path.relative(common, dir).startsWith('..')) common = path.dirname(common);
    return common;
  });
  for (const file of files) cpSync(file, path.join(target, path.relative(root, file)));
  return { ok: true, output: `uploaded ${files.length} file(s) as ${name}\n` };
}
