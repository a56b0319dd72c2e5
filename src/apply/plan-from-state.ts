// The plan apply executes when it is not given one: from what each host last had deployed (its state
// ref) to the head commit. Hosts never deployed by fleetc count as deployed at --base when given
// (adopting a running fleet), else as new.
import { hasErrors } from '../diagnostics/diagnostic.ts';
import { compileRaw, type OutputLayout } from '../compile/index.ts';
import type { Repository } from '../git/repository.ts';
import { readFleetAt } from '../git/tree-reader.ts';
import { installedLibrary } from '../library/index.ts';
import { bootServerFirst, buildPlan, detectRenames, type PlanSide } from '../plan/build.ts';
import type { Host } from '../model/fleet.ts';
import type { HostPlan, Plan, SharedChange } from '../plan/types.ts';
import { HOST_ACTIONS } from '../plan/types.ts';
import { planWaves } from '../plan/waves.ts';
import type { StoredState } from './state.ts';

export interface CompiledRevision {
  side: PlanSide;
  errors?: string;
}

export interface RevisionSource {
  fleetDir: string;
  nixDir: string;
  layout: OutputLayout;
  /** The output directory's fleetc/ (repository-relative): the library a commit was built with. */
  libraryDir: string;
}

/** Compiles the fleet at a commit from git objects; cached per commit. */
export class RevisionCompiler {
  private readonly cache = new Map<string, Promise<CompiledRevision>>();

  constructor(
    private readonly repo: Repository,
    private readonly source: RevisionSource,
  ) {}

  compile(commit: string, ref = commit): Promise<CompiledRevision> {
    let entry = this.cache.get(commit);
    if (!entry) this.cache.set(commit, (entry = this.load(commit, ref)));
    return entry;
  }

  private async load(commit: string, ref: string): Promise<CompiledRevision> {
    const raw = await readFleetAt(this.repo, commit, this.source.fleetDir, this.source.nixDir, `${ref.slice(0, 12)}:${this.source.fleetDir}`, this.source.libraryDir);
    const info = { ref, commit, fleetExists: raw.existed };
    if (!raw.existed) return { side: { info, nixSources: new Map(), nixDir: this.source.nixDir, librarySources: new Map() } };
    const compiled = compileRaw(raw, this.source.layout);
    const side: PlanSide = { info, fleet: compiled.fleet, artifacts: compiled.artifacts, nixSources: raw.nixSources, nixDir: this.source.nixDir, librarySources: (raw.library ?? installedLibrary()).sources };
    if (hasErrors(compiled.diagnostics)) {
      const first = compiled.diagnostics.find((d) => d.severity === 'error')!;
      return { side, errors: `${compiled.diagnostics.filter((d) => d.severity === 'error').length} error(s), first: ${first.file}: ${first.code} ${first.message}` };
    }
    return { side };
  }
}

export async function planFromState(compiler: RevisionCompiler, head: CompiledRevision, states: ReadonlyMap<string, StoredState>, adoptAt: string | undefined): Promise<Plan> {
  const headSide = head.side;
  const headPlan = buildPlan(headSide, headSide);
  const headManifest = new Map(headPlan.hosts.map((h) => [h.name, h.headManifest]));
  const empty: PlanSide = { info: { ref: 'nothing deployed', fleetExists: false }, nixSources: new Map(), nixDir: headSide.nixDir, librarySources: new Map() };

  // Hosts grouped by the commit they are deployed at ('' = nothing deployed).
  const groups = new Map<string, string[]>();
  const add = (commit: string, host: string) => groups.set(commit, [...(groups.get(commit) ?? []), host]);
  const unchanged: HostPlan[] = [];
  for (const host of headSide.fleet?.hosts ?? []) {
    const deployed = states.get(host.name)?.state.deployed;
    if (deployed && sameArtifacts(deployed.artifacts, headManifest.get(host.name)!)) unchanged.push(headPlan.hosts.find((h) => h.name === host.name)!);
    else add(deployed?.commit ?? adoptAt ?? '', host.name);
  }
  for (const [name, stored] of states) {
    const { deployed, decommissioned } = stored.state;
    if (deployed && !decommissioned && !headManifest.has(name)) add(deployed.commit, name);
  }

  const hosts: HostPlan[] = [...unchanged];
  const shared = new Map<string, SharedChange>();
  const baseCommits = new Set<string>();
  // Each host as it was deployed: a rename pairs a host removed since its commit with one never deployed.
  const deployedHosts = new Map<string, Host>();
  for (const [commit, names] of groups) {
    const base = commit ? await compiler.compile(commit) : { side: empty };
    for (const host of base.side.fleet?.hosts ?? []) if (names.includes(host.name)) deployedHosts.set(host.name, host);
    if (commit) baseCommits.add(commit);
    const plan = buildPlan(base.side, headSide);
    for (const name of names) {
      const hostPlan = plan.hosts.find((h) => h.name === name)!;
      const recorded = states.get(name)?.state.deployed;
      // The base recompiles to the head's output, but what was recorded differs (fleetc itself changed).
      if (hostPlan.action === 'unchanged' && recorded && !sameArtifacts(recorded.artifacts, hostPlan.headManifest)) {
        hostPlan.action = 'update';
        hostPlan.reasons.push('the generated configuration differs from what was recorded as deployed');
      }
      hosts.push(hostPlan);
    }
    for (const change of plan.shared) shared.set(`${change.path}\0${change.diff}`, change);
  }
  hosts.sort((a, b) => (a.name < b.name ? -1 : 1));
  detectRenames(hosts, (name) => deployedHosts.get(name), (name) => headSide.fleet?.hosts.find((h) => h.name === name));
  const policy = { order: headSide.fleet?.deploy.order ?? [], maxParallel: headSide.fleet?.deploy.maxParallel ?? 1 };
  const rolledOut = new Set(['provision', 'replace', 'update', 'reboot-required', 'destructive']);
  const only = baseCommits.size === 1 ? [...baseCommits][0] : undefined;
  return {
    formatVersion: headPlan.formatVersion,
    fleet: headPlan.fleet,
    base: { ref: 'deployed state', ...(only ? { commit: only } : {}), fleetExists: states.size > 0 || adoptAt !== undefined },
    head: headSide.info,
    summary: Object.fromEntries(HOST_ACTIONS.map((a) => [a, hosts.filter((h) => h.action === a).length])) as Plan['summary'],
    waves: planWaves(hosts.filter((h) => rolledOut.has(h.action)).map((h) => ({ name: h.name, profile: h.profile, raftGroups: h.raftGroups })), { ...policy, ...bootServerFirst(headSide.fleet) }),
    policy,
    hosts,
    shared: [...shared.values()].sort((a, b) => (a.path < b.path ? -1 : 1)),
  };
}

export function sameArtifacts(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
