// Drift: what a host runs (probe.ts) against what is recorded as deployed on it. A host that runs
// another commit whose configuration for it is the same as the recorded one is in sync.
import type { Repository } from '../git/repository.ts';
import { resolveCommit } from '../git/repository.ts';
import { buildPlan } from '../plan/build.ts';
import { RevisionCompiler, sameArtifacts } from './plan-from-state.ts';
import type { Probe } from './probe.ts';
import type { HostState } from './state.ts';

export type DriftState = 'in sync' | 'drift' | 'not recorded' | 'unreachable' | 'not probed';

export interface Drift {
  state: DriftState;
  /** The fleet commit the host runs, when it says. */
  runs?: string;
  detail: string;
}

/** Each host's artifact hashes at a commit, compiled from git objects (cached per commit). */
export class ManifestReader {
  private readonly cache = new Map<string, Promise<Map<string, Record<string, string>> | undefined>>();

  constructor(
    private readonly repo: Repository,
    private readonly compiler: RevisionCompiler,
  ) {}

  /** The host's artifacts at commit; undefined when the commit is not here, has errors, or lacks the host. */
  async hostAt(commit: string, host: string): Promise<Record<string, string> | undefined> {
    let entry = this.cache.get(commit);
    if (!entry) this.cache.set(commit, (entry = this.load(commit)));
    return (await entry)?.get(host);
  }

  private async load(commit: string): Promise<Map<string, Record<string, string>> | undefined> {
    try {
      await resolveCommit(this.repo, commit);
    } catch {
      return undefined;
    }
    const compiled = await this.compiler.compile(commit);
    if (compiled.errors || !compiled.side.fleet) return undefined;
    return new Map(buildPlan(compiled.side, compiled.side).hosts.map((h) => [h.name, h.headManifest]));
  }
}

export async function driftOf(probe: Probe, state: HostState | undefined, manifests: ManifestReader): Promise<Drift> {
  switch (probe.outcome) {
    case 'no-key':
      return { state: 'not probed', detail: 'no pinned or recorded SSH host key to check it by' };
    case 'unreachable':
      return { state: 'unreachable', detail: probe.detail };
    case 'no-revision':
      return { state: state?.deployed ? 'drift' : 'not recorded', detail: probe.detail };
  }
  const runs = probe.commit;
  const deployed = state?.deployed;
  if (!deployed) return { state: 'not recorded', runs, detail: `runs ${runs.slice(0, 12)}, nothing recorded (fleetc adopt records it)` };
  if (deployed.commit === runs) return { state: 'in sync', runs, detail: `runs ${runs.slice(0, 12)}, as recorded` };
  const running = await manifests.hostAt(runs, probe.host);
  if (!running) return { state: 'drift', runs, detail: `runs ${runs.slice(0, 12)}, which is not a commit of this repository's fleet with this host; recorded ${deployed.commit.slice(0, 12)}` };
  if (sameArtifacts(running, deployed.artifacts)) return { state: 'in sync', runs, detail: `runs ${runs.slice(0, 12)}: the same configuration as recorded at ${deployed.commit.slice(0, 12)}` };
  return { state: 'drift', runs, detail: `runs ${runs.slice(0, 12)}, recorded ${deployed.commit.slice(0, 12)}: another configuration` };
}
