// What each plan action does to one host, written once on top of the transports: switch and
// health-check, boot and reboot, install through the BMC and nixos-anywhere, with rollback.
import type { Host } from '../model/fleet.ts';
import type { HostAction } from '../plan/types.ts';
import { installCredentialCommand, stageExtraFiles, type Credential } from './credentials.ts';
import type { EventSink, HostResult } from './events.ts';
import type { HealthCheck, HealthChecker } from './health.ts';
import type { BmcClient } from './transports/bmc.ts';
import { SWITCHED_WITH_FAILED_UNITS, type NixDeployer } from './transports/nix.ts';
import { pinnedTarget, type Ssh, type SshTarget } from './transports/ssh.ts';
import type { StopControl } from './stop.ts';
import type { RaftCoordinator } from './raft.ts';
import type { BootServerCheck } from './boot-server.ts';
import { pullBoot, pullUpdate, type PullSettings } from './pull-update.ts';

const ABORTED = 'stopped by a second signal';

export interface HostJob {
  name: string;
  action: HostAction;
  /** The host at head (at base for a decommission). */
  host: Host;
  checks: HealthCheck[];
  /** First-boot secrets apply delivers to this host, read before the rollout started. */
  credentials: Credential[];
  /** A decommission that is half of a rename: the machine lives on under this name, it is not powered off. */
  renamedTo?: string;
  /** Raft groups the host votes in ("cluster/service"): at head, or at base for a decommission. */
  raftGroups: readonly string[];
}

export interface StepContext {
  ssh: Ssh;
  nix: NixDeployer;
  health: HealthChecker;
  emit: EventSink;
  bmc: (host: Host) => BmcClient | undefined;
  /** Directory for per-host first-contact known_hosts files. */
  firstContactDir: string;
  healthTimeoutMs: number;
  rebootTimeoutMs: number;
  powerOffDecommissioned: boolean;
  dryRun: boolean;
  stop: StopControl;
  /** Pins a host's new key for the rest of the run (the known_hosts file every connection uses). */
  pinKey(host: string, key: string): Promise<void>;
  /** Membership changes of Raft voters, through the membership contract. */
  raft: RaftCoordinator;
  /** The fleet's boot server (boot.server), when it is a host of the fleet. */
  bootServer?: { name: string; check: BootServerCheck };
  /** With deploy.cache: the systems built once and pushed to the cache, pulled by the hosts. */
  pull?: PullSettings;
}

export interface JobOutcome {
  result: HostResult;
  error?: string;
  /** The host key apply generated and installed: recorded with the host's state. */
  hostKey?: string;
}

export async function runHostJob(job: HostJob, ctx: StepContext): Promise<JobOutcome> {
  const step = (name: string) => ctx.emit({ type: 'step', host: job.name, step: name });
  try {
    switch (job.action) {
      case 'update':
        return await update(job, ctx, step);
      case 'reboot-required':
        return await rebootUpdate(job, ctx, step);
      case 'provision':
      case 'replace':
        return await install(job, ctx, step, false);
      case 'destructive':
        return await install(job, ctx, step, true);
      case 'decommission': {
        if (job.raftGroups.length > 0) {
          step(`Raft: leave ${job.raftGroups.join(', ')} while the rest stay a majority`);
          const refused = await ctx.raft.leave(job.host, job.raftGroups);
          if (refused) return { result: 'blocked', error: refused };
        }
        const bmc = ctx.powerOffDecommissioned && !job.renamedTo ? ctx.bmc(job.host) : undefined;
        if (bmc) {
          step('power off through the BMC');
          await bmc.power('off');
        }
        return { result: 'recorded' };
      }
      case 'network-only': {
        // Recorded only once the boot server serves the change (it is deployed first, in its own wave).
        const waiting = ctx.bootServer?.check.notReady();
        return waiting ? { result: 'blocked', error: `${waiting}; not recorded` } : { result: 'recorded' };
      }
      case 'unchanged':
        return { result: 'recorded' };
    }
  } catch (error) {
    return { result: 'failed', error: (error as Error).message };
  }
}

type Step = (name: string) => void;

async function update(job: HostJob, ctx: StepContext, step: Step): Promise<JobOutcome> {
  const target = pinnedTarget(job.host);
  if (ctx.pull?.closures.has(job.name)) {
    const undelivered = await deliverCredentials(job, ctx, step, target);
    if (undelivered) return { result: 'failed', error: `${undelivered}; the running system did not change` };
    return pullUpdate(job, ctx, ctx.pull, step);
  }
  step('read the running generation');
  const before = await readLink(ctx, target, '/run/current-system');
  const undelivered = await deliverCredentials(job, ctx, step, target);
  if (undelivered) return { result: 'failed', error: `${undelivered}; the running system did not change` };
  step('nixos-rebuild switch');
  const switched = await ctx.nix.rebuild(target, 'switch');
  if (!switched.ok) {
    const reason = ctx.stop.aborted ? `${ABORTED}: nixos-rebuild switch was cut short` : switched.exitCode === SWITCHED_WITH_FAILED_UNITS ? `switched, but some units failed to start (exit ${SWITCHED_WITH_FAILED_UNITS})` : switched.timedOut ? 'nixos-rebuild switch timed out' : `nixos-rebuild switch failed (exit ${switched.exitCode})`;
    if ((await readLink(ctx, target, '/run/current-system')) === before) return { result: 'failed', error: `${reason}; the running system did not change` };
    return rollback(job, ctx, step, target, reason);
  }
  if (ctx.stop.aborted) return rollback(job, ctx, step, target, ABORTED);
  step('health check');
  const health = await ctx.health.waitHealthy(target, job.checks, ctx.healthTimeoutMs);
  if (ctx.stop.aborted) return rollback(job, ctx, step, target, ABORTED);
  if (!health.ok) return rollback(job, ctx, step, target, `health check failed: ${health.failures.join('; ')}`);
  return { result: 'deployed' };
}

async function rollback(job: HostJob, ctx: StepContext, step: Step, target: SshTarget, reason: string): Promise<JobOutcome> {
  step('roll back to the previous generation');
  const back = await ctx.nix.rebuild(target, 'switch', true);
  if (!back.ok) return { result: 'rollback-failed', error: `${reason}; rollback failed (exit ${back.exitCode})` };
  step('health check after rollback');
  const health = await ctx.health.waitHealthy(target, job.checks, ctx.healthTimeoutMs, undefined, false);
  if (!health.ok) return { result: 'rollback-failed', error: `${reason}; still unhealthy after rollback: ${health.failures.join('; ')}` };
  return { result: 'rolled-back', error: reason };
}

async function rebootUpdate(job: HostJob, ctx: StepContext, step: Step): Promise<JobOutcome> {
  const target = pinnedTarget(job.host);
  if (ctx.pull?.closures.has(job.name)) {
    const undelivered = await deliverCredentials(job, ctx, step, target);
    if (undelivered) return { result: 'failed', error: `${undelivered}; the boot entry did not change` };
    return pullBoot(job, ctx, ctx.pull, step, (t) => reboot(ctx, step, t));
  }
  const profile = '/nix/var/nix/profiles/system';
  step('read the boot generation');
  const before = await readLink(ctx, target, profile);
  const undelivered = await deliverCredentials(job, ctx, step, target);
  if (undelivered) return { result: 'failed', error: `${undelivered}; the boot entry did not change` };
  step('nixos-rebuild boot');
  const built = await ctx.nix.rebuild(target, 'boot');
  if (built.ok && ctx.stop.aborted) {
    step('restore the previous boot entry');
    const back = await ctx.nix.rebuild(target, 'boot', true);
    return back.ok ? { result: 'rolled-back', error: `${ABORTED}: the previous boot entry is restored, no reboot` } : { result: 'rollback-failed', error: `${ABORTED}; restoring the boot entry failed` };
  }
  if (!built.ok) {
    const reason = built.timedOut ? 'nixos-rebuild boot timed out' : `nixos-rebuild boot failed (exit ${built.exitCode})`;
    if ((await readLink(ctx, target, profile)) === before) return { result: 'failed', error: `${reason}; the boot entry did not change` };
    step('restore the previous boot entry');
    const back = await ctx.nix.rebuild(target, 'boot', true);
    return back.ok ? { result: 'rolled-back', error: reason } : { result: 'rollback-failed', error: `${reason}; restoring the boot entry failed` };
  }
  const rebooted = await reboot(ctx, step, target);
  if (!rebooted.ok) return { result: 'rollback-failed', error: rebooted.error };
  step('health check');
  const health = await ctx.health.waitHealthy(target, job.checks, ctx.healthTimeoutMs);
  if (health.ok) return { result: 'deployed' };
  const reason = `health check failed after reboot: ${health.failures.join('; ')}`;
  step('roll back: previous generation as boot entry, reboot');
  const back = await ctx.nix.rebuild(target, 'boot', true);
  if (!back.ok) return { result: 'rollback-failed', error: `${reason}; rollback failed (exit ${back.exitCode})` };
  const again = await reboot(ctx, step, target);
  if (!again.ok) return { result: 'rollback-failed', error: `${reason}; ${again.error}` };
  const after = await ctx.health.waitHealthy(target, job.checks, ctx.healthTimeoutMs, undefined, false);
  return after.ok ? { result: 'rolled-back', error: reason } : { result: 'rollback-failed', error: `${reason}; still unhealthy after rollback` };
}

/** Reboots and waits until the host answers with a new boot id. */
async function reboot(ctx: StepContext, step: Step, target: SshTarget): Promise<{ ok: boolean; error?: string }> {
  step('reboot');
  const bootId = (await ctx.ssh.run(target, ['cat', '/proc/sys/kernel/random/boot_id'])).stdout.trim();
  await ctx.ssh.run(target, ['systemctl', 'reboot'], 30_000);
  step('wait for the host to come back');
  const deadline = Date.now() + ctx.rebootTimeoutMs;
  do {
    const now = await ctx.ssh.run(target, ['cat', '/proc/sys/kernel/random/boot_id'], 15_000);
    if (ctx.dryRun || (now.ok && now.stdout.trim() !== '' && now.stdout.trim() !== bootId)) return { ok: true };
    await sleep(2_000);
  } while (Date.now() < deadline);
  return { ok: false, error: `the host did not come back within ${ctx.rebootTimeoutMs / 1000} s after reboot` };
}

/**
 * provision and replace: the machine boots the installer over PXE (set through its BMC) and is
 * installed by nixos-anywhere with a host key pair generated here, so the installed system is
 * pinned from its first connection; only the installer's key is accepted on first contact.
 * destructive (approved): nixos-anywhere reinstalls the running host, keeping its pinned host keys.
 */
async function install(job: HostJob, ctx: StepContext, step: Step, reinstall: boolean): Promise<JobOutcome> {
  const pinned = pinnedTarget(job.host);
  const firstContact = (phase: string): SshTarget => ({ ...pinned, trust: { kind: 'first-contact', knownHostsFile: `${ctx.firstContactDir}/${job.name}.${phase}.known_hosts` } });
  const installer = reinstall ? pinned : firstContact('installer');
  const isBootServer = ctx.bootServer?.name === job.name;
  if (!reinstall && isBootServer) step('the boot server does not boot from the network (it serves the boot): wait for an installer, or any Linux, on SSH (nixos-anywhere kexecs into its own)');
  if (!reinstall && !isBootServer) {
    if (ctx.bootServer) {
      step(`check that the boot server ${ctx.bootServer.name} serves this commit`);
      const stale = await ctx.bootServer.check.servesFor(job.host);
      if (stale) return { result: 'failed', error: stale };
    }
    const bmc = ctx.bmc(job.host);
    if (bmc) {
      step('BMC: boot from the network once, power on');
      await bmc.bootPxeOnce();
      await bmc.power((await bmc.powerStatus()) === 'on' ? 'cycle' : 'on');
    }
    step('wait for the installer');
    if (!(await waitForSsh(ctx, installer))) return { result: 'failed', error: `the installer did not answer on ${pinned.address}:${pinned.port} within ${ctx.rebootTimeoutMs / 1000} s` };
  }
  step(reinstall ? 'nixos-anywhere: repartition and reinstall' : 'nixos-anywhere: generate the host key, partition and install');
  const generateKey = !reinstall;
  const staged = (job.credentials.length > 0 || generateKey) && !ctx.dryRun ? await stageExtraFiles(job.credentials, generateKey ? job.name : undefined) : undefined;
  const placeholder = [generateKey ? 'a new host key' : '', job.credentials.length > 0 ? 'first-boot credentials' : ''].filter(Boolean).join(' and ');
  let installed;
  try {
    installed = await ctx.nix.install(installer, reinstall, staged?.dir ?? (placeholder ? `<${placeholder}>` : undefined));
  } finally {
    await staged?.cleanup();
  }
  if (!installed.ok) return { result: 'failed', error: ctx.stop.aborted ? `${ABORTED}: nixos-anywhere was cut short, the host needs a new install` : `nixos-anywhere failed (exit ${installed.exitCode})` };
  const hostKey = staged?.publicKey;
  if (hostKey) await ctx.pinKey(job.name, hostKey);
  const system = hostKey || job.host.ssh.hostKey || ctx.dryRun ? pinned : firstContact('system');
  step(hostKey ? 'wait for the installed system (pinned to its new host key)' : 'wait for the installed system');
  const keyed = (outcome: JobOutcome): JobOutcome => (hostKey ? { ...outcome, hostKey } : outcome);
  if (!(await waitForSsh(ctx, system))) return keyed({ result: 'failed', error: 'the installed system did not come up' });
  step('health check');
  const health = await ctx.health.waitHealthy(system, job.checks, ctx.healthTimeoutMs);
  if (!health.ok) return keyed({ result: 'failed', error: `health check failed: ${health.failures.join('; ')}` });
  if (job.raftGroups.length > 0) {
    step(`Raft: wait until it is a member of ${job.raftGroups.join(', ')}`);
    const notMember = await ctx.raft.join(job.host, job.raftGroups, ctx.healthTimeoutMs);
    if (notMember) return keyed({ result: 'failed', error: notMember });
  }
  return keyed({ result: 'deployed' });
}

/** Writes each first-boot credential on the running host (value on stdin); the first failure, or undefined. */
async function deliverCredentials(job: HostJob, ctx: StepContext, step: Step, target: SshTarget): Promise<string | undefined> {
  if (job.credentials.length === 0) return undefined;
  step(`deliver first-boot credentials (${job.credentials.map((c) => c.name).join(', ')})`);
  for (const { name, value } of job.credentials) {
    const result = await ctx.ssh.run(target, [installCredentialCommand(name)], 30_000, value);
    if (!result.ok) return `delivering secret ${name} failed (exit ${result.exitCode})`;
  }
  return undefined;
}

async function waitForSsh(ctx: StepContext, target: SshTarget): Promise<boolean> {
  const deadline = Date.now() + ctx.rebootTimeoutMs;
  do {
    if (ctx.stop.aborted) return false;
    if ((await ctx.ssh.run(target, ['true'], 15_000)).ok) return true;
    await sleep(2_000);
  } while (Date.now() < deadline);
  return false;
}

async function readLink(ctx: StepContext, target: SshTarget, path: string): Promise<string> {
  const result = await ctx.ssh.run(target, ['readlink', '-f', path]);
  if (!result.ok && !ctx.dryRun) throw new Error(`cannot reach ${target.address}:${target.port} over SSH (exit ${result.exitCode}): ${result.stderr.trim().split('\n').pop() ?? ''}`);
  return result.stdout.trim();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
