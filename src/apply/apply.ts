// fleetc apply: lock, plan from the deployed state (or run a given plan), refuse what is not approved,
// roll the changes out in waves, record each host's state as soon as it succeeds, release the lock.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { outputLayout, rootDirOf, type Paths } from '../compile/index.ts';
import { libraryDirOf } from '../git/repository.ts';
import { GitError, openRepository, repoRelative, resolveCommit } from '../git/repository.ts';
import type { Host } from '../model/fleet.ts';
import type { HostPlan, Plan } from '../plan/types.ts';
import { planWaves } from '../plan/waves.ts';
import { bootServerFirst } from '../plan/build.ts';
import type { EventSink, HostResult } from './events.ts';
import { healthChecksFor, HealthChecker } from './health.ts';
import { acquireLock, newLockInfo, releaseLock, renewLock, type LockInfo } from './lock.ts';
import { StopControl } from './stop.ts';
import { loadPlanFile, referencedHashes } from './plan-file.ts';
import { planFromState, RevisionCompiler, type CompiledRevision } from './plan-from-state.ts';
import { planDifferences } from './plan-verify.ts';
import { flakeReference } from './flake-ref.ts';
import { defaultRemote, type Remote } from './remote.ts';
import { FAILURES, runRollout, type RolloutJob } from './rollout.ts';
import { staleGeneratedFiles } from './generated-check.ts';
import { deliveredSecrets, readCredentials, type Credential } from './credentials.ts';
import { readStates, writeState, type HostState, type StoredState } from './state.ts';
import { refNamespace, siteOf, sitePlan, siteRefusal, unmigratedState } from './site.ts';
import { runHostJob, type HostJob, type JobOutcome, type StepContext } from './steps.ts';
import { bmcFor } from './transports/bmc.ts';
import { DryRunRunner, ProcessRunner, type CommandRunner } from './transports/command.ts';
import { NixDeployer } from './transports/nix.ts';
import { knownHostsFor, pinnedTarget, Ssh, type FirstContact } from './transports/ssh.ts';
import { effectiveHostKey, withHostKey } from './host-keys.ts';
import { fingerprintOf } from '../model/ssh-key.ts';
import { RaftCoordinator } from './raft.ts';
import { heldBack, runWide, type Refusal } from './refusals.ts';
import { BootServerCheck } from './boot-server.ts';
import { prepareClosures } from './pipeline.ts';

export interface ApplyRequest {
  cwd: string;
  paths: Paths;
  /** Execute this plan (fleetc plan --format json) instead of planning from the deployed state. */
  planFile?: string;
  /** Hosts without recorded state count as deployed at this revision (adopting a running fleet). */
  base?: string;
  dryRun: boolean;
  approveDestructive: readonly string[];
  maxParallel?: number;
  only?: readonly string[];
  /** A git remote for state and lock; undefined: origin when it exists; '': none. */
  remote?: string;
  /** How new machines are met; undefined: the fleet's deploy.firstContact. */
  firstContact?: FirstContact;
  identityFile?: string;
  lockTimeoutSeconds: number;
  stepTimeoutSeconds: number;
  healthTimeoutSeconds?: number;
  rebootTimeoutSeconds: number;
  logDir: string;
  runId: string;
  emit: EventSink;
  /** The deploy lock's lease: apply renews the lock at least this often, so a dead run's lock goes stale. */
  lockLeaseSeconds: number;
  /** Signals and a lost lock stop the run through this. */
  stop?: StopControl;
  /** The remote's branch a deployed commit must be on (default: the remote's HEAD branch, else main). */
  deployBranch?: string;
  /** Deploy a commit that is not on the deploy branch. */
  allowOffBranch?: boolean;
  /** The site this run deploys (fleet.yaml sites:): its hosts only, under its own lock and state. */
  site?: string;
  /** With deploy.cache: Nix's --builders for the one build of the run (default: the nix.conf builders). */
  builders?: string;
  /** The ref a CI job runs for (GITHUB_REF): it must be the deploy branch too, since an old commit is on it as well. */
  ciRef?: string;
}

export type ApplyStatus = 'ok' | 'nothing-to-do' | 'error' | 'lock-held' | 'refused' | 'partly-refused' | 'failed-rolled-back' | 'rollback-failed' | 'stopped';

export interface ApplyOutcome {
  status: ApplyStatus;
  message: string;
  plan?: Plan;
  results: Record<string, HostResult>;
  lockHolder?: LockInfo;
  /** Hosts refused and skipped, with why (the run went on with the others). */
  refused?: Record<string, string>;
}

export class ApplyError extends Error {}

export async function apply(request: ApplyRequest): Promise<ApplyOutcome> {
  const repo = await openRepository(request.cwd);
  const remote = await defaultRemote(repo, request.remote);
  const compiler = new RevisionCompiler(repo, { fleetDir: repoRelative(repo, request.paths.fleetDir), nixDir: repoRelative(repo, request.paths.nixDir), layout: outputLayout(request.paths), libraryDir: libraryDirOf(repo, request.paths) });
  const given = request.planFile ? await loadPlanFile(request.planFile) : undefined;
  const headCommit = given ? await planCommit(repo, given, request.planFile!) : await resolveCommit(repo, 'HEAD');
  const stop = request.stop ?? new StopControl();
  const offBranch = remote && !request.allowOffBranch ? await offBranchRefusal(remote, headCommit, request.deployBranch, request.ciRef) : undefined;
  if (offBranch) return { status: 'refused', message: offBranch, results: {} };

  const ns = refNamespace(request.site);
  const lock = request.dryRun ? undefined : await takeLock(request, repo, remote, headCommit, stop, ns.lockRef);
  if (lock && !lock.held) return lock.refusal;
  try {
    // A dry run reads the remote's state without changing a ref here; a run makes it the local copy.
    const statesAt = (prefix: string) => (!remote ? readStates(repo, prefix) : request.dryRun ? remote.observeStates((p) => readStates(repo, p), prefix) : remote.fetchStates(prefix).then(() => readStates(repo, prefix)));
    const states = await statesAt(ns.statePrefix);
    const head = await compiler.compile(headCommit, given ? headCommit : 'HEAD');
    if (head.errors) throw new ApplyError(`the fleet at ${headCommit.slice(0, 12)} has errors (${head.errors}); run fleetc validate`);
    const siteProblem = siteRefusal(head.side.fleet!, request.site);
    if (siteProblem) return { status: 'refused', message: siteProblem, results: {} };
    // A site's hosts: at head by their label; removed ones by their state in the site's refs.
    const siteHosts = new Set(head.side.fleet!.hosts.filter((h) => siteOf(h) === request.site).map((h) => h.name));
    const inSite = (name: string) => request.site === undefined || siteHosts.has(name) || (!head.side.fleet!.hosts.some((h) => h.name === name) && states.has(name));
    if (ns.site && states.size === 0) {
      const legacy = await (remote ? remote.observeStates((p) => readStates(repo, p)) : readStates(repo));
      const stranded = unmigratedState(ns.site, [...siteHosts], new Set(legacy.keys()), remote?.name);
      if (stranded) return { status: 'refused', message: stranded, results: {} };
    }
    // The plan is always the one the commit and the recorded state give; a plan file must say the same.
    const planned = await planFromState(compiler, head, states, request.base === undefined ? undefined : await resolveCommit(repo, request.base));
    const plan = request.site === undefined ? planned : sitePlan(planned, inSite);
    showRecordedKeys(plan, head, states);
    const givenPlan = given && (request.site === undefined ? given : sitePlan(given, inSite));
    // The unchanged hosts the file lists by reference are checked against the manifest it refers to.
    const referenced = givenPlan ? await referencedHashes(repo, givenPlan) : new Map();
    const differences = typeof referenced === 'string' ? [referenced] : givenPlan ? planDifferences(givenPlan, plan, referenced) : [];
    if (differences.length > 0) {
      const message = `refused: the plan in ${request.planFile} is not the plan of ${headCommit.slice(0, 12)} and the recorded deployment state:\n${differences.map((d) => `  - ${d}`).join('\n')}\nplan again (fleetc plan --head ${headCommit.slice(0, 12)} --format json) and review the new plan`;
      return { status: 'refused', message, plan, results: {} };
    }
    return await execute(request, { repo, remote, compiler, head, states, plan, headCommit, stop, statePrefix: ns.statePrefix });
  } finally {
    if (lock?.held) await lock.release();
  }
}

type TakenLock = { held: true; release: () => Promise<void> } | { held: false; refusal: ApplyOutcome };

/**
 * Takes the deploy lock (a stale one — its holder stopped renewing it — is taken over, and said so)
 * and renews its lease while the run lasts; a lease that cannot be renewed (the lock was broken or
 * taken over) stops the run: no new host starts.
 */
async function takeLock(request: ApplyRequest, repo: Run['repo'], remote: Remote | undefined, commit: string, stop: StopControl, lockRef: string): Promise<TakenLock> {
  const info = newLockInfo(request.runId, commit, process.argv.slice(2).join(' ') + (process.env.GITHUB_RUN_ID ? ` (GitHub run ${process.env.GITHUB_RUN_ID})` : ''), request.lockLeaseSeconds);
  const attempt = await lockWithTimeout(repo, remote, info, request.lockTimeoutSeconds, lockRef);
  if (!attempt.acquired) return { held: false, refusal: { status: 'lock-held', message: describeHolder(attempt.holder), results: {}, ...(attempt.holder ? { lockHolder: attempt.holder } : {}) } };
  if (attempt.tookOver) request.emit({ type: 'notice', message: `took over the stale deploy lock of run ${attempt.tookOver.id} (${attempt.tookOver.who}@${attempt.tookOver.machine}, pid ${attempt.tookOver.pid}): its lease ran out at ${staleSince(attempt.tookOver)}` });
  let oid: string | undefined = attempt.oid;
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = renewing.then(async () => {
      if (!oid) return;
      const next = await renewLock(repo, remote, oid, info, lockRef).catch(() => undefined);
      if (next) oid = next;
      else {
        oid = undefined;
        stop.stop('the deploy lock was lost (broken with fleetc unlock, or taken over after its lease ran out)');
      }
    });
  }, Math.max(500, (request.lockLeaseSeconds * 1000) / 3));
  return {
    held: true,
    release: async () => {
      clearInterval(timer);
      await renewing;
      if (oid) await releaseLock(repo, remote, oid, lockRef);
    },
  };
}

function staleSince(info: LockInfo): string {
  return new Date(Date.parse(info.renewedAt ?? info.startedAt) + (info.leaseSeconds ?? 0) * 1000).toISOString();
}

/** A commit that is not on the remote's deploy branch is refused: deploys follow what was merged. */
async function offBranchRefusal(remote: Remote, commit: string, requested: string | undefined, ciRef: string | undefined): Promise<string | undefined> {
  const branch = requested ?? (await remote.defaultBranch()) ?? 'main';
  // An older commit of the deploy branch is on it too: a CI job run for another ref (a dispatch of a
  // stale branch) would roll the fleet back, so the job's ref itself must be the deploy branch.
  if (ciRef !== undefined && ciRef !== `refs/heads/${branch}`) return `refused: this CI job runs for ${ciRef}, not for the deploy branch ${branch} (refs/heads/${branch}); apply deploys only what is merged there. Run the workflow on ${branch}, or deploy it anyway with --allow-off-branch`;
  const contains = await remote.branchContains(branch, commit);
  if (contains) return undefined;
  const where = contains === undefined ? `the remote ${remote.name} has no branch ${branch}` : `${commit.slice(0, 12)} is not on ${remote.name}/${branch}`;
  return `refused: ${where}; apply deploys what is merged to the deploy branch. Push or merge the commit first, name the branch with --deploy-branch, or deploy it anyway with --allow-off-branch`;
}

interface Run {
  repo: Awaited<ReturnType<typeof openRepository>>;
  remote: Remote | undefined;
  compiler: RevisionCompiler;
  head: CompiledRevision;
  states: Map<string, StoredState>;
  plan: Plan;
  headCommit: string;
  stop: StopControl;
  /** Where the hosts' state refs live: refs/fleetc/deployed/, or a site's. */
  statePrefix: string;
}

async function execute(request: ApplyRequest, run: Run): Promise<ApplyOutcome> {
  const { plan, head } = run;
  const fleet = head.side.fleet!;
  // With --base, hosts never deployed by fleetc and already at the plan's head are adopted: recorded.
  const adopting = (h: HostPlan) => request.base !== undefined && h.action === 'unchanged' && !run.states.get(h.name)?.state.deployed;
  let selected = plan.hosts.filter((h) => (h.action !== 'unchanged' || adopting(h)) && (!request.only?.length || request.only.includes(h.name)));
  const unknownOnly = (request.only ?? []).filter((name) => !plan.hosts.some((h) => h.name === name));
  if (unknownOnly.length > 0) throw new ApplyError(`--only names hosts that are not in the fleet: ${unknownOnly.join(', ')}`);
  if (selected.length === 0) return { status: 'nothing-to-do', message: 'nothing to deploy: every host matches the recorded state', plan, results: {} };

  const outDir = repoRelative(run.repo, request.paths.outDir);
  const rootDir = repoRelative(run.repo, rootDirOf(request.paths));
  const stale = await staleGeneratedFiles(run.repo, run.headCommit, { outDir, rootDir }, head.side.artifacts ?? []);
  if (stale.length > 0) throw new ApplyError(`the flake at ${run.headCommit.slice(0, 12)} (flake.nix, flake.lock, ${outDir}/) is not what its fleet compiles to (${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ', …' : ''}); run fleetc build and commit what it wrote`);

  // Every host as apply connects to it: with the key it pins (the fleet's, or the one fleetc recorded).
  const keyed = (host: Host) => withHostKey(host, effectiveHostKey(host, run.states.get(host.name)?.state).key);
  const fleetHosts = new Map(fleet.hosts.map((h) => [h.name, keyed(h)]));
  // The keys the fleet's files pin (recorded beside a key apply installs), found per host in O(1).
  const fleetPins = new Map(fleet.hosts.map((h) => [h.name, h.ssh.hostKey]));
  const models = new Map<string, Host>();
  for (const hostPlan of selected) models.set(hostPlan.name, keyed(await hostModel(hostPlan, run)));
  const refusals = refuse(selected, models, request, plan, fleet.deploy.firstContact);
  // First-boot secrets are read now, before anything is touched: one that cannot be read refuses the run.
  const needed = deliveredSecrets(fleet);
  const credentials = new Map<string, Credential[]>();
  for (const hostPlan of selected.filter((h) => ['provision', 'replace', 'update', 'reboot-required', 'destructive'].includes(h.action))) {
    const names = needed.get(hostPlan.name) ?? [];
    // A dry run shows the deliveries without reading a value.
    const read = request.dryRun ? { credentials: names.map((name) => ({ name, value: '' })), problems: [] } : await readCredentials(fleet, names);
    credentials.set(hostPlan.name, read.credentials);
    for (const problem of read.problems) refusals.push({ message: `refused: ${hostPlan.name} needs first-boot ${problem}`, hosts: [hostPlan.name] });
  }
  // The membership contract takes the join token too: read now, like the first-boot secrets.
  let joinToken: string | undefined;
  const raftJobs = selected.filter((h) => h.raftGroups.length > 0 && ['provision', 'replace', 'destructive', 'decommission'].includes(h.action)).map((h) => h.name);
  if (raftJobs.length > 0 && fleet.firstBoot.joinToken && !request.dryRun) {
    const read = await readCredentials(fleet, [fleet.firstBoot.joinToken]);
    joinToken = read.credentials[0]?.value;
    for (const problem of read.problems) refusals.push({ message: `refused: Raft membership changes need the join ${problem}`, hosts: raftJobs });
  }
  // A refusal of the run stops everything; a host's refusal skips it (and what depends on it), and
  // the other hosts' reviewed changes still deploy. Waves are planned over the hosts that go ahead.
  const held = heldBack(selected, refusals, fleet.boot.server);
  const refusalText = held.refusals.map((r) => r.message).join('\n');
  if (runWide(refusals).length > 0 || selected.every((h) => held.hosts.has(h.name))) return { status: 'refused', message: refusalText, plan, results: {} };
  const refused = Object.fromEntries([...held.hosts].sort().map((name) => [name, held.refusals.filter((r) => r.hosts.includes(name)).map((r) => r.message).join('; ')]));
  for (const refusal of held.refusals) request.emit({ type: 'notice', message: `${refusal.message} — skipped, the other hosts go ahead` });
  selected = selected.filter((h) => !held.hosts.has(h.name));

  // Which voters run now: deployed before and not being reinstalled here, or deployed in this run.
  const reinstalling = new Set(selected.filter((h) => ['provision', 'replace', 'destructive'].includes(h.action)).map((h) => h.name));
  const deployedNow = new Set<string>();
  const running = (name: string) => deployedNow.has(name) || (run.states.get(name)?.state.deployed !== undefined && !reinstalling.has(name));

  const runDir = path.join(request.logDir, request.runId);
  if (/\s/.test(path.resolve(runDir))) throw new ApplyError(`the log directory ${runDir} contains whitespace, which NIX_SSHOPTS cannot carry`);
  const knownHostsFile = path.resolve(runDir, 'known_hosts');
  if (!request.dryRun) {
    await mkdir(path.join(runDir, 'first-contact'), { recursive: true });
  }
  const pinned = new Map([...fleetHosts, ...[...models].filter(([name]) => !fleetHosts.has(name))]);
  const writeKnownHosts = async () => {
    if (!request.dryRun) await writeFile(knownHostsFile, knownHostsFor([...pinned.values()]));
  };
  await writeKnownHosts();

  const runner: CommandRunner = request.dryRun ? new DryRunRunner(request.emit) : new ProcessRunner(request.emit, run.stop);
  const ssh = new Ssh(runner, { knownHostsFile, identityFile: request.identityFile, connectTimeoutSeconds: 10 });
  // The fleet's flake lives at the fleet root (flake.nix beside generated/), pinned to the commit.
  const flake = flakeReference({ repoToplevel: run.repo.root, flakeDir: rootDir, rev: run.headCommit });
  const context: StepContext = {
    ssh,
    nix: new NixDeployer(runner, ssh, { flake, timeoutMs: request.stepTimeoutSeconds * 1000 }),
    health: new HealthChecker(ssh, request.emit, request.dryRun, run.stop),
    emit: request.emit,
    bmc: (host) => (host.bmc ? bmcFor(host, host.bmc, { runner, emit: request.emit, timeoutMs: 60_000 }) : undefined),
    firstContactDir: path.resolve(runDir, 'first-contact'),
    healthTimeoutMs: (request.healthTimeoutSeconds ?? fleet.deploy.healthTimeoutSeconds) * 1000,
    rebootTimeoutMs: request.rebootTimeoutSeconds * 1000,
    powerOffDecommissioned: fleet.deploy.powerOffDecommissioned,
    dryRun: request.dryRun,
    stop: run.stop,
    ...(fleet.boot.server && fleet.hosts.some((h) => h.name === fleet.boot.server)
      ? { bootServer: { name: fleet.boot.server, check: new BootServerCheck({ name: fleet.boot.server, url: fleet.boot.http, manifest: plan.hosts.find((h) => h.name === fleet.boot.server)!.headManifest, artifacts: head.side.artifacts ?? [], states: run.states, emit: request.emit, dryRun: request.dryRun }) } }
      : {}),
    raft: new RaftCoordinator({ fleet, host: (name) => fleetHosts.get(name) ?? models.get(name), running, ...(joinToken !== undefined ? { token: joinToken } : {}), emit: request.emit, dryRun: request.dryRun, requestTimeoutMs: fleet.firstBoot.retry.timeoutSeconds * 1000 }),
    pinKey: async (name, key) => {
      for (const map of [pinned, models, fleetHosts]) if (map.has(name)) map.set(name, withHostKey(map.get(name)!, key));
      await writeKnownHosts();
    },
  };

  const jobs = new Map<string, RolloutJob>(selected.map((h) => [h.name, { name: h.name, action: h.action, raftGroups: h.raftGroups }]));
  const rolledOut = selected.filter((h) => ['provision', 'replace', 'update', 'reboot-required', 'destructive'].includes(h.action));
  const policy = { order: plan.policy.order, maxParallel: request.maxParallel ?? plan.policy.maxParallel, ...bootServerFirst(fleet) };
  const waves = planWaves(rolledOut.map((h) => ({ name: h.name, profile: h.profile, raftGroups: h.raftGroups })), policy);
  const rolledOutNames = new Set(rolledOut.map((h) => h.name));
  const after = selected.filter((h) => !rolledOutNames.has(h.name)).map((h) => jobs.get(h.name)!);
  const planned = new Map(selected.map((h) => [h.name, h]));
  // deploy.cache: every changed system is evaluated, built and pushed once before any host is touched.
  const pulling = fleet.deploy.cache ? rolledOut.filter((h) => h.action === 'update' || h.action === 'reboot-required').map((h) => models.get(h.name)!) : [];
  if (pulling.length > 0) {
    const prepared = await prepareClosures({ runner, fleet, hosts: pulling, flake, runDir, ...(request.builders !== undefined ? { builders: request.builders } : {}), timeoutMs: request.stepTimeoutSeconds * 1000, emit: request.emit });
    if (!prepared.ok) return { status: prepared.message.startsWith('refused') ? 'refused' : 'error', message: prepared.message, plan, results: {} };
    context.pull = { closures: prepared.closures, runId: request.runId, confirmTimeoutMs: fleet.deploy.confirmTimeoutSeconds * 1000 };
  }

  request.emit({ type: 'run-started', runId: request.runId, hosts: selected.length, waves: waves.length, dryRun: request.dryRun });
  const started = performance.now();
  const results = await runRollout(waves, jobs, after, {
    sequential: request.dryRun,
    emit: request.emit,
    stop: run.stop,
    run: async (job) => {
      const host = models.get(job.name)!;
      const checks = job.action === 'decommission' ? [] : healthChecksFor(host, fleet);
      const outcome = await runHostJob({ name: job.name, action: job.action, host, checks, credentials: credentials.get(job.name) ?? [], renamedTo: planned.get(job.name)!.renamedTo, raftGroups: job.raftGroups } satisfies HostJob, context);
      if (outcome.result === 'deployed') deployedNow.add(job.name);
      reinstalling.delete(job.name);
      if (request.dryRun) return outcome;
      try {
        await record(run, planned.get(job.name)!, outcome, request.runId, fleetPins.get(job.name));
      } catch (error) {
        return { result: 'failed', error: `${outcome.error ? `${outcome.error}; ` : ''}recording the state failed: ${(error as Error).message}` };
      }
      return outcome;
    },
    unhealthyPeers: async (job) => {
      const peers = new Set<string>();
      for (const group of job.raftGroups) {
        const [cluster, service] = group.split('/') as [string, string];
        for (const voter of fleet.clusters[cluster]?.raft.find((g) => g.service === service)?.voters ?? []) {
          // A peer that runs now: deployed (or adopted) and not being reinstalled, or deployed in this run.
          if (voter !== job.name && running(voter)) peers.add(voter);
        }
      }
      const unhealthy: string[] = [];
      for (const name of [...peers].sort()) {
        const peer = fleetHosts.get(name)!;
        const report = await context.health.check(pinnedTarget(peer), healthChecksFor(peer, fleet));
        if (!report.ok) unhealthy.push(`${name} (${report.failures.join('; ')})`);
      }
      return unhealthy;
    },
  });
  request.emit({ type: 'run-finished', results, durationMs: performance.now() - started });

  const values = Object.values(results);
  if (run.stop.reason && !values.includes('rollback-failed')) return { status: 'stopped', message: stoppedMessage(run.stop.reason, results), plan, results };
  const failed: ApplyStatus = values.includes('rollback-failed') ? 'rollback-failed' : values.some((r) => FAILURES.has(r)) ? 'failed-rolled-back' : 'ok';
  const status: ApplyStatus = failed === 'ok' && held.hosts.size > 0 ? 'partly-refused' : failed;
  const done = failed === 'ok' ? `${request.dryRun ? 'dry run: ' : ''}${values.length} host(s) done` : `halted: ${Object.entries(results).filter(([, r]) => FAILURES.has(r)).map(([h, r]) => `${h} ${r}`).join(', ')}`;
  const message = held.hosts.size > 0 ? `${done}; refused and skipped: ${[...held.hosts].sort().join(', ')}\n${refusalText}` : done;
  return { status, message, plan, results, ...(held.hosts.size > 0 ? { refused } : {}) };
}

/** What a stopped run did and what it left undone. */
function stoppedMessage(reason: string, results: Record<string, HostResult>): string {
  const hosts = (wanted: (r: HostResult) => boolean) => Object.entries(results).filter(([, r]) => wanted(r)).map(([h, r]) => (r === 'skipped' ? h : `${h} ${r}`)).sort();
  const done = hosts((r) => r !== 'skipped');
  const undone = hosts((r) => r === 'skipped');
  return [
    `stopped (${reason}); the deploy lock is released.`,
    `  finished and recorded: ${done.join(', ') || 'none'}`,
    `  left undone, not started: ${undone.join(', ') || 'none'}`,
    undone.length > 0 || done.some((d) => !d.endsWith(' deployed') && !d.endsWith(' recorded')) ? '  run fleetc apply again to deploy what is left' : '',
  ].filter(Boolean).join('\n');
}

/** What the host looks like: at head, or at its deployed commit when it was removed. */
async function hostModel(hostPlan: HostPlan, run: Run): Promise<Host> {
  const atHead = run.head.side.fleet?.hosts.find((h) => h.name === hostPlan.name);
  if (atHead) return atHead;
  const commit = run.states.get(hostPlan.name)?.state.deployed?.commit ?? run.plan.base.commit;
  if (!commit) throw new ApplyError(`no revision describes the removed host ${hostPlan.name}`);
  const base = await run.compiler.compile(commit);
  const host = base.side.fleet?.hosts.find((h) => h.name === hostPlan.name);
  if (!host) throw new ApplyError(`host ${hostPlan.name} is not in the fleet at ${commit.slice(0, 12)}`);
  return host;
}

/** Actions that erase a host's disks: each needs its host approved by name (--approve-destructive). */
function erasesDisks(host: HostPlan): boolean {
  return host.action === 'destructive' || host.action === 'replace' || (host.action === 'provision' && host.renamedFrom !== undefined);
}

function refuse(selected: readonly HostPlan[], models: ReadonlyMap<string, Host>, request: ApplyRequest, plan: Plan, fleetPolicy: FirstContact): Refusal[] {
  const refusals: Refusal[] = [];
  const erasing = selected.filter(erasesDisks);
  const why = (h: HostPlan) => (h.action === 'destructive' ? 'repartitioned' : h.action === 'replace' ? 'new hardware, installed from scratch; the old disks are lost' : `renamed from ${h.renamedFrom}: the machine is reinstalled`);
  const unapproved = erasing.filter((h) => !request.approveDestructive.includes(h.name));
  if (unapproved.length > 0) refusals.push({ message: `refused: changes that erase disks need approval by name: ${unapproved.map((h) => `${h.name} (${why(h)})`).join(', ')}; approve with --approve-destructive ${unapproved.map((h) => h.name).join(' ')}`, hosts: unapproved.map((h) => h.name) });
  const stray = request.approveDestructive.filter((name) => !erasing.some((h) => h.name === name));
  if (stray.length > 0) refusals.push({ message: `refused: --approve-destructive names hosts without a destructive change in this plan: ${stray.join(', ')}`, hosts: [] });
  const installing = selected.filter((h) => h.action === 'provision' || h.action === 'replace');
  if (installing.length > 0 && (request.firstContact ?? fleetPolicy) !== 'accept-new') {
    const all = plan.hosts.length > 1 && plan.hosts.every((h) => h.action === 'provision' || h.action === 'decommission');
    refusals.push({
      hosts: installing.map((h) => h.name),
      message:
      `refused: installing ${installing.map((h) => h.name).join(', ')} means talking to ${installing.length === 1 ? 'its installer, whose key' : 'their installers, whose keys'} cannot be known in advance. ` +
        `For new machines (or replaced hardware), set deploy.firstContact: accept-new in fleet.yaml (CI provisions then) or pass --first-contact accept-new: apply then accepts the installer's first key, installs the host (erasing its disks) with a host key it generates, and records that key. ` +
        `For machines that already run (the deployment state was lost, or never recorded), do not: record them with fleetc adopt, which reads what each host runs over SSH and touches nothing` +
        (all ? `. Every host of the fleet is planned as new: if the fleet already runs, its state refs (refs/fleetc/deployed/*) are missing here — see the recovery runbook (docs/lifecycle.md)` : ''),
    });
  }
  for (const host of selected) {
    const pinned = models.get(host.name)!.ssh.hostKey !== undefined;
    if (['update', 'reboot-required', 'destructive'].includes(host.action) && !pinned) {
      refusals.push({ hosts: [host.name], message: `refused: ${host.name} has no pinned SSH host key: fleetc connects only to hosts it can authenticate. fleetc records the key it installs when it provisions a host; for a host it did not install, pin its public key in ssh.hostKey of its host file — from the machine itself (cat /etc/ssh/ssh_host_ed25519_key.pub on its console) or ssh-keyscan -t ed25519 ${host.address ?? host.name} over a network you trust` });
    }
  }
  return refusals;
}

async function record(run: Run, hostPlan: HostPlan, outcome: JobOutcome, runId: string, fleetPin: string | undefined): Promise<void> {
  const { result, error } = outcome;
  const at = new Date().toISOString();
  const previous = run.states.get(hostPlan.name);
  const state: HostState = { ...(previous?.state ?? {}), host: hostPlan.name, last: { result, commit: run.headCommit, at, run: runId, ...(error ? { error } : {}) } };
  if (result === 'deployed' || result === 'recorded') {
    if (hostPlan.action === 'decommission') state.decommissioned = { commit: run.headCommit, at, run: runId };
    else {
      state.deployed = { commit: run.headCommit, artifacts: hostPlan.headManifest, at, run: runId };
      delete state.decommissioned;
    }
  }
  // A key apply installed is the machine's key from now on, even if the rest of the install failed.
  if (outcome.hostKey) state.hostKey = { key: outcome.hostKey, ...(fleetPin ? { fleetPin } : {}), commit: run.headCommit, at, run: runId };
  const oid = await writeState(run.repo, state, previous?.oid, run.statePrefix);
  const ref = `${run.statePrefix}${hostPlan.name}`;
  if (run.remote && !(await run.remote.compareAndSwap(ref, oid, previous?.oid))) throw new Error(`the remote's ${ref} moved during the run`);
  run.states.set(hostPlan.name, { oid, state });
}

/** The commit a plan file names, which must be in this repository. */
async function planCommit(repo: Run['repo'], plan: Plan, file: string): Promise<string> {
  try {
    return await resolveCommit(repo, plan.head.commit!);
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    throw new ApplyError(`the plan in ${file} is of commit ${plan.head.commit}, which is not in this repository (fetch it, or plan again)`);
  }
}

async function lockWithTimeout(repo: Run['repo'], remote: Remote | undefined, info: LockInfo, timeoutSeconds: number, lockRef: string) {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const attempt = await acquireLock(repo, remote, info, lockRef);
    if (attempt.acquired || Date.now() >= deadline) return attempt;
    await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, Math.max(100, deadline - Date.now()))));
  }
}

function describeHolder(holder: LockInfo | undefined): string {
  if (!holder) return 'the deploy lock is held by another run (its details could not be read)';
  return `the deploy lock is held by run ${holder.id}: ${holder.who}@${holder.machine} (pid ${holder.pid}) since ${holder.startedAt}, deploying ${holder.commit.slice(0, 12)} (${holder.run}). If that run is gone, break the lock with: fleetc unlock ${holder.id}`;
}

/** The plan shows the key apply will pin where fleetc recorded it (the pure plan knows only the fleet's pins). */
function showRecordedKeys(plan: Plan, head: CompiledRevision, states: ReadonlyMap<string, StoredState>): void {
  for (const hostPlan of plan.hosts) {
    const host = head.side.fleet?.hosts.find((h) => h.name === hostPlan.name);
    if (!host || hostPlan.hostKey?.source === 'new') continue;
    const effective = effectiveHostKey(host, states.get(host.name)?.state);
    if (effective.source === 'recorded') hostPlan.hostKey = { source: 'recorded', fingerprint: fingerprintOf(effective.key!)! };
  }
}
