// Runs the waves: hosts of a wave in parallel, waves in order; a Raft voter starts only while every
// other voter of its groups is healthy; after any failure, or once the run is asked to stop, no new
// host starts (hosts in flight finish).
import type { HostAction, Wave } from '../plan/types.ts';
import type { EventSink, HostResult } from './events.ts';
import type { JobOutcome } from './steps.ts';
import type { StopControl } from './stop.ts';

export interface RolloutJob {
  name: string;
  action: HostAction;
  raftGroups: readonly string[];
}

export interface RolloutDeps {
  /** Runs one host's job (its steps and the state record). */
  run(job: RolloutJob): Promise<JobOutcome>;
  /** The other voters of the job's Raft groups that fail their health check now. */
  unhealthyPeers(job: RolloutJob): Promise<string[]>;
  emit: EventSink;
  /** Dry runs go host by host so the printed commands come in a stable order. */
  sequential?: boolean;
  /** Once it has a reason, no further host starts. */
  stop?: StopControl;
}

/** Results that stop the rollout. */
export const FAILURES: ReadonlySet<HostResult> = new Set(['rolled-back', 'rollback-failed', 'failed', 'blocked']);

/**
 * waves: the rollout order (from planWaves). after: jobs with nothing to roll out (network-only,
 * decommission), recorded once every wave has succeeded.
 */
export async function runRollout(waves: readonly Wave[], jobs: ReadonlyMap<string, RolloutJob>, after: readonly RolloutJob[], deps: RolloutDeps): Promise<Record<string, HostResult>> {
  const results: Record<string, HostResult> = {};
  let halted = false;
  let stopped = false;
  const stopNow = (): boolean => {
    if (stopped || !deps.stop?.reason) return stopped;
    stopped = halted = true;
    deps.emit({ type: 'halted', reason: `${deps.stop.reason}: no further host is started` });
    return true;
  };
  const runOne = async (job: RolloutJob, changesHost: boolean): Promise<void> => {
    const started = performance.now();
    deps.emit({ type: 'host-started', host: job.name, action: job.action });
    let outcome: JobOutcome;
    const unhealthy = changesHost && job.raftGroups.length > 0 ? await deps.unhealthyPeers(job) : [];
    if (unhealthy.length > 0) outcome = { result: 'blocked', error: `other voters are unhealthy: ${unhealthy.join(', ')}; not touching a second voter` };
    else if (deps.stop?.reason) outcome = { result: 'skipped', error: `not started: ${deps.stop.reason}` };
    else outcome = await deps.run(job);
    results[job.name] = outcome.result;
    deps.emit({ type: 'host-finished', host: job.name, action: job.action, result: outcome.result, durationMs: performance.now() - started, ...(outcome.error ? { error: outcome.error } : {}) });
  };

  for (const wave of waves) {
    const wavejobs = wave.hosts.map((name) => jobs.get(name)!);
    if (halted || stopNow()) {
      for (const job of wavejobs) results[job.name] = 'skipped';
      continue;
    }
    deps.emit({ type: 'wave-started', index: wave.index, profile: wave.profile, hosts: wave.hosts });
    if (deps.sequential) for (const job of wavejobs) await runOne(job, true);
    else await Promise.all(wavejobs.map((job) => runOne(job, true)));
    const failed = wavejobs.filter((job) => FAILURES.has(results[job.name]!));
    if (failed.length > 0 && !stopped) {
      halted = true;
      deps.emit({ type: 'halted', reason: `${failed.map((j) => `${j.name} ${results[j.name]}`).join(', ')}: no further host is started` });
    }
  }
  for (const job of after) {
    if (halted || stopNow()) results[job.name] = 'skipped';
    else await runOne(job, false);
  }
  return results;
}
