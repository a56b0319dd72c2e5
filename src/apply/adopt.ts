// fleetc adopt: records the deployment state from what the hosts really run — each host's fleet
// commit as its running system reports it (probe.ts, pinned keys only) — touching no host. For a
// fleet whose state refs were lost, or that was deployed by other means; see docs/lifecycle.md.
import { outputLayout, type Paths } from '../compile/index.ts';
import { libraryDirOf, openRepository, repoRelative, resolveCommit } from '../git/repository.ts';
import { ManifestReader } from './drift.ts';
import { acquireLock, newLockInfo, releaseLock, type LockInfo } from './lock.ts';
import { RevisionCompiler, sameArtifacts } from './plan-from-state.ts';
import { probeHosts } from './probe.ts';
import { defaultRemote } from './remote.ts';
import { readStates, writeState, type HostState } from './state.ts';
import { refNamespace, siteOf } from './site.ts';

export interface AdoptRequest {
  cwd: string;
  paths: Paths;
  remote?: string;
  only?: readonly string[];
  dryRun: boolean;
  identityFile?: string;
  runId: string;
  /** A site's hosts only, under its own lock and state (site.ts). */
  site?: string;
}

export interface AdoptedHost {
  host: string;
  outcome: 'recorded' | 'already recorded' | 'not adopted';
  commit?: string;
  detail: string;
}

export type AdoptOutcome = { status: 'done' | 'partial'; hosts: AdoptedHost[] } | { status: 'lock-held'; holder?: LockInfo };

export async function adopt(request: AdoptRequest): Promise<AdoptOutcome> {
  const repo = await openRepository(request.cwd);
  const remote = await defaultRemote(repo, request.remote);
  const head = await resolveCommit(repo, 'HEAD');
  const ns = refNamespace(request.site);
  let lock: string | undefined;
  if (!request.dryRun) {
    const attempt = await acquireLock(repo, remote, newLockInfo(request.runId, head, `fleetc adopt`, 300), ns.lockRef);
    if (!attempt.acquired) return { status: 'lock-held', ...(attempt.holder ? { holder: attempt.holder } : {}) };
    lock = attempt.oid;
  }
  try {
    const states = remote ? (request.dryRun ? await remote.observeStates((prefix) => readStates(repo, prefix), ns.statePrefix) : await remote.fetchStates(ns.statePrefix).then(() => readStates(repo, ns.statePrefix))) : await readStates(repo, ns.statePrefix);
    const compiler = new RevisionCompiler(repo, { fleetDir: repoRelative(repo, request.paths.fleetDir), nixDir: repoRelative(repo, request.paths.nixDir), layout: outputLayout(request.paths), libraryDir: libraryDirOf(repo, request.paths) });
    const compiled = await compiler.compile(head, 'HEAD');
    const fleetHosts = (compiled.side.fleet?.hosts ?? []).filter((h) => (!request.only?.length || request.only.includes(h.name)) && (request.site === undefined || siteOf(h) === request.site));
    const probes = await probeHosts(fleetHosts, states, { ...(request.identityFile ? { identityFile: request.identityFile } : {}) });
    const manifests = new ManifestReader(repo, compiler);
    const results: AdoptedHost[] = [];
    for (const host of fleetHosts) {
      const probe = probes.get(host.name)!;
      if (probe.outcome !== 'runs') {
        results.push({ host: host.name, outcome: 'not adopted', detail: probe.outcome === 'no-key' ? 'no pinned or recorded SSH host key: pin ssh.hostKey in its host file' : probe.detail });
        continue;
      }
      const artifacts = await manifests.hostAt(probe.commit, host.name);
      if (!artifacts) {
        results.push({ host: host.name, outcome: 'not adopted', commit: probe.commit, detail: `runs ${probe.commit.slice(0, 12)}, which is not a commit of this repository with this host (git fetch it, then adopt again)` });
        continue;
      }
      const previous = states.get(host.name);
      const deployed = previous?.state.deployed;
      if (deployed?.commit === probe.commit && sameArtifacts(deployed.artifacts, artifacts)) {
        results.push({ host: host.name, outcome: 'already recorded', commit: probe.commit, detail: `runs ${probe.commit.slice(0, 12)}, as recorded` });
        continue;
      }
      const detail = deployed ? `runs ${probe.commit.slice(0, 12)}; was recorded at ${deployed.commit.slice(0, 12)}` : `runs ${probe.commit.slice(0, 12)}`;
      if (!request.dryRun) {
        const at = new Date().toISOString();
        const state: HostState = { ...(previous?.state ?? {}), host: host.name, deployed: { commit: probe.commit, artifacts, at, run: request.runId }, last: { result: 'recorded', commit: probe.commit, at, run: request.runId } };
        delete state.decommissioned;
        const oid = await writeState(repo, state, previous?.oid, ns.statePrefix);
        if (remote && !(await remote.compareAndSwap(`${ns.statePrefix}${host.name}`, oid, previous?.oid))) {
          results.push({ host: host.name, outcome: 'not adopted', commit: probe.commit, detail: `the remote's state of ${host.name} moved meanwhile; adopt again` });
          continue;
        }
      }
      results.push({ host: host.name, outcome: 'recorded', commit: probe.commit, detail });
    }
    return { status: results.some((r) => r.outcome === 'not adopted') ? 'partial' : 'done', hosts: results };
  } finally {
    if (lock) await releaseLock(repo, remote, lock, ns.lockRef);
  }
}
