// Deployment state in the git repository itself: refs/fleetc/deployed/<host> points to a commit whose
// tree holds state.json — what is deployed on the host (the fleet commit and artifact hashes) and the
// last result. Each update is a new commit on that ref, so `git log` of the ref is the host's history.
import type { Repository } from '../git/repository.ts';
import type { HostResult } from './events.ts';
import { gitWithIdentity, ZERO_OID } from './git-objects.ts';
import type { RecordedHostKey } from './host-keys.ts';

/** The single-site state; a site's is refs/fleetc/sites/<site>/deployed/ (site.ts). */
export const STATE_REF_PREFIX = 'refs/fleetc/deployed/';

export interface HostState {
  host: string;
  deployed?: { commit: string; artifacts: Record<string, string>; at: string; run: string };
  decommissioned?: { commit: string; at: string; run: string };
  last?: { result: HostResult; commit: string; at: string; run: string; error?: string };
  /** The host key fleetc generated and installed (provision, replace): later deploys pin it. */
  hostKey?: RecordedHostKey;
}

export interface StoredState {
  oid: string;
  state: HostState;
}

/** The states under prefix (default: this repository's own state refs). */
export async function readStates(repo: Repository, prefix = STATE_REF_PREFIX): Promise<Map<string, StoredState>> {
  const listing = await repo.git.raw(['for-each-ref', '--format=%(refname) %(objectname)', prefix]);
  const states = new Map<string, StoredState>();
  for (const line of listing.split('\n').filter(Boolean)) {
    const [ref, oid] = line.split(' ') as [string, string];
    const text = await repo.git.raw(['cat-file', 'blob', `${oid}:state.json`]);
    states.set(ref.slice(prefix.length), { oid, state: JSON.parse(text) as HostState });
  }
  return states;
}

/**
 * Records a host's new state: a commit on top of the previous one, moved in with compare-and-swap
 * (git update-ref <ref> <new> <old>), so two writers can never both win.
 */
export async function writeState(repo: Repository, state: HostState, previous: string | undefined, prefix = STATE_REF_PREFIX): Promise<string> {
  const git = gitWithIdentity(repo);
  const blob = (await git(['hash-object', '-w', '--stdin'], `${JSON.stringify(state, null, 2)}\n`)).trim();
  const tree = (await git(['mktree'], `100644 blob ${blob}\tstate.json\n`)).trim();
  const summary = state.last ? `${state.last.result} at ${state.last.commit.slice(0, 12)}` : 'state';
  const commit = (await git(['commit-tree', tree, ...(previous ? ['-p', previous] : []), '-m', `fleetc: ${state.host} ${summary} (run ${state.last?.run ?? ''})`])).trim();
  await git(['update-ref', `${prefix}${state.host}`, commit, previous ?? ZERO_OID]);
  return commit;
}
