// An update through the cache: the host pulls its system (nix copy --substitute-on-destination),
// the system profile is set, a dead-man timer is started, switch-to-configuration runs; apply
// confirms only after the health checks pass over new SSH connections. A configuration that cuts
// the host off (sshd or the network gone) is reactivated away by the host's own timer.
import { confirmCommand, deadManCommand, reactivationScript, setProfile, switchCommand, SYSTEM_PROFILE } from './activation.ts';
import { shellWord } from '../util/shell-word.ts';
import type { JobOutcome, HostJob, StepContext } from './steps.ts';
import { SWITCHED_WITH_FAILED_UNITS } from './transports/nix.ts';
import { pinnedTarget, type SshTarget } from './transports/ssh.ts';

/** ssh's own exit status when the connection failed or dropped (not the remote command's). */
const SSH_CONNECTION_LOST = 255;

export interface PullSettings {
  /** Each host's system, built and in the cache. */
  closures: ReadonlyMap<string, string>;
  runId: string;
  confirmTimeoutMs: number;
}

type Step = (name: string) => void;

export async function pullUpdate(job: HostJob, ctx: StepContext, pull: PullSettings, step: Step): Promise<JobOutcome> {
  const target = pinnedTarget(job.host);
  const system = pull.closures.get(job.name)!;
  step('read the running generation');
  const running = await currentSystem(ctx, target);
  const before = ctx.dryRun ? '<the running system>' : running;
  if (before === undefined) return { result: 'failed', error: `cannot reach ${target.address}:${target.port} over SSH; the running system did not change` };
  step('pull the system from the cache (nix copy --substitute-on-destination)');
  const copied = await ctx.nix.copyToHost(target, system);
  if (!copied.ok) return { result: 'failed', error: `copying the system to the host failed (exit ${copied.exitCode}); the running system did not change` };
  step('set the system profile');
  const profiled = await ctx.ssh.run(target, setProfile(system));
  if (!profiled.ok) return { result: 'failed', error: `setting the system profile failed (exit ${profiled.exitCode}); the running system did not change` };
  step(`start the dead-man timer (${pull.confirmTimeoutMs / 1000} s)`);
  const timerStarted = Date.now();
  const armed = await ctx.ssh.run(target, deadManCommand(pull.runId, before, pull.confirmTimeoutMs / 1000));
  if (!armed.ok) return restore(ctx, step, target, job, pull.runId, before, `starting the dead-man timer failed (exit ${armed.exitCode})`, false);
  step('switch-to-configuration switch');
  const switched = await ctx.ssh.run(target, switchCommand(system, 'switch'), ctx.healthTimeoutMs + 600_000);
  if (!switched.ok && switched.exitCode !== SSH_CONNECTION_LOST) {
    const reason = switched.exitCode === SWITCHED_WITH_FAILED_UNITS ? `switched, but some units failed to start (exit ${SWITCHED_WITH_FAILED_UNITS})` : `switch-to-configuration failed (exit ${switched.exitCode})`;
    return restore(ctx, step, target, job, pull.runId, before, reason, true);
  }
  step('health check over a new SSH connection');
  const health = await ctx.health.waitHealthy(target, job.checks, Math.min(ctx.healthTimeoutMs, Math.max(0, timerStarted + pull.confirmTimeoutMs - Date.now() - 5_000)));
  const reachable = (await ctx.ssh.run(target, ['true'], 15_000)).ok;
  if (!reachable) return awaitSelfHealing(ctx, step, target, job, before, timerStarted, pull.confirmTimeoutMs, switched.exitCode === SSH_CONNECTION_LOST ? 'the switch cut the SSH connection and the host stayed unreachable' : 'the host became unreachable after the switch');
  if (!health.ok) return restore(ctx, step, target, job, pull.runId, before, `health check failed: ${health.failures.join('; ')}`, true);
  step('confirm: stop the dead-man timer');
  const confirmed = await ctx.ssh.run(target, confirmCommand(pull.runId));
  const now = await currentSystem(ctx, target);
  if (confirmed.ok && (now === system || ctx.dryRun)) return { result: 'deployed' };
  if (now === before) return { result: 'rolled-back', error: 'the dead-man timer fired before apply could confirm (raise deploy.confirmTimeoutSeconds); the host runs its previous generation' };
  return { result: 'rollback-failed', error: `confirming failed (exit ${confirmed.exitCode}) and the host runs ${now ?? 'an unknown system'}` };
}

/** The host is reachable: apply reactivates the previous generation itself, at once. */
async function restore(ctx: StepContext, step: Step, target: SshTarget, job: HostJob, runId: string, before: string, reason: string, armed: boolean): Promise<JobOutcome> {
  step('roll back to the previous generation');
  // The timer first: it must not fire in the middle of this rollback.
  if (armed) await ctx.ssh.run(target, confirmCommand(runId));
  const back = await ctx.ssh.run(target, ['/bin/sh', '-c', shellWord(reactivationScript(before))], ctx.healthTimeoutMs + 600_000);
  if (!back.ok) return { result: 'rollback-failed', error: `${reason}; rollback failed (exit ${back.exitCode})` };
  step('health check after rollback');
  const health = await ctx.health.waitHealthy(target, job.checks, ctx.healthTimeoutMs, undefined, false);
  if (!health.ok) return { result: 'rollback-failed', error: `${reason}; still unhealthy after rollback: ${health.failures.join('; ')}` };
  return { result: 'rolled-back', error: reason };
}

/** The host is cut off: its dead-man timer reactivates the previous generation; apply waits to see it. */
async function awaitSelfHealing(ctx: StepContext, step: Step, target: SshTarget, job: HostJob, before: string, timerStarted: number, confirmTimeoutMs: number, reason: string): Promise<JobOutcome> {
  step('unreachable: wait for the host\'s dead-man timer to reactivate the previous generation');
  const deadline = timerStarted + confirmTimeoutMs + ctx.rebootTimeoutMs;
  let running: string | undefined;
  while (Date.now() < deadline) {
    running = await currentSystem(ctx, target, 15_000);
    if (running === before) break;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  if (running !== before) return { result: 'rollback-failed', error: `${reason}; it did not come back on its previous generation within ${(deadline - timerStarted) / 1000} s: it needs its console` };
  step('health check after the self-rollback');
  const health = await ctx.health.waitHealthy(target, job.checks, ctx.healthTimeoutMs, undefined, false);
  if (!health.ok) return { result: 'rollback-failed', error: `${reason}; back on its previous generation but unhealthy: ${health.failures.join('; ')}` };
  return { result: 'rolled-back', error: `${reason}; its dead-man timer reactivated the previous generation` };
}

/** /run/current-system resolved, or undefined when the host does not answer. */
async function currentSystem(ctx: StepContext, target: SshTarget, timeoutMs = 60_000): Promise<string | undefined> {
  const result = await ctx.ssh.run(target, ['readlink', '-f', '/run/current-system'], timeoutMs);
  return result.ok || ctx.dryRun ? result.stdout.trim() : undefined;
}

/**
 * A change that needs a reboot, through the cache: the host pulls its system, the profile is set and
 * switch-to-configuration boot makes it the boot entry; then reboot (reboot() of steps.ts) and health.
 * A transient timer does not survive a reboot, so the rollback here is apply's own: the previous
 * generation back as the boot entry, and a reboot into it.
 */
export async function pullBoot(job: HostJob, ctx: StepContext, pull: PullSettings, step: Step, reboot: (target: SshTarget) => Promise<{ ok: boolean; error?: string }>): Promise<JobOutcome> {
  const target = pinnedTarget(job.host);
  const system = pull.closures.get(job.name)!;
  step('read the boot generation');
  const profile = await ctx.ssh.run(target, ['readlink', '-f', SYSTEM_PROFILE]);
  if (!profile.ok && !ctx.dryRun) return { result: 'failed', error: `cannot reach ${target.address}:${target.port} over SSH; the boot entry did not change` };
  const before = profile.stdout.trim();
  step('pull the system from the cache (nix copy --substitute-on-destination)');
  const copied = await ctx.nix.copyToHost(target, system);
  if (!copied.ok) return { result: 'failed', error: `copying the system to the host failed (exit ${copied.exitCode}); the boot entry did not change` };
  step('set the system profile; switch-to-configuration boot');
  const profiled = await ctx.ssh.run(target, setProfile(system));
  if (!profiled.ok) return { result: 'failed', error: `setting the system profile failed (exit ${profiled.exitCode}); the boot entry did not change` };
  const restoreEntry = async (reason: string, thenReboot: boolean): Promise<JobOutcome> => {
    step(thenReboot ? 'roll back: previous generation as boot entry, reboot' : 'restore the previous boot entry');
    const back = await ctx.ssh.run(target, ['/bin/sh', '-c', shellWord(reactivationScript(before, 'boot'))], 600_000);
    if (!back.ok) return { result: 'rollback-failed', error: `${reason}; restoring the boot entry failed (exit ${back.exitCode})` };
    if (!thenReboot) return { result: 'rolled-back', error: reason };
    const again = await reboot(target);
    if (!again.ok) return { result: 'rollback-failed', error: `${reason}; ${again.error}` };
    const after = await ctx.health.waitHealthy(target, job.checks, ctx.healthTimeoutMs, undefined, false);
    return after.ok ? { result: 'rolled-back', error: reason } : { result: 'rollback-failed', error: `${reason}; still unhealthy after rollback` };
  };
  const entry = await ctx.ssh.run(target, switchCommand(system, 'boot'), 600_000);
  if (!entry.ok) return restoreEntry(`switch-to-configuration boot failed (exit ${entry.exitCode})`, false);
  if (ctx.stop.aborted) return restoreEntry('stopped by a second signal: the previous boot entry is restored, no reboot', false);
  const rebooted = await reboot(target);
  if (!rebooted.ok) return { result: 'rollback-failed', error: rebooted.error };
  step('health check');
  const health = await ctx.health.waitHealthy(target, job.checks, ctx.healthTimeoutMs);
  if (health.ok) return { result: 'deployed' };
  return restoreEntry(`health check failed after reboot: ${health.failures.join('; ')}`, true);
}
