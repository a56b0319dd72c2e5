// What the rollout reports as it goes. Workers never print: they emit these to one monitor.
import type { HostAction } from '../plan/types.ts';

export type HostResult =
  | 'deployed' // changed and healthy, state recorded
  | 'recorded' // nothing to run on the host (network-only, decommission): state recorded
  | 'rolled-back' // failed, rolled back to the previous generation, healthy again
  | 'rollback-failed' // failed, and the rollback failed too: needs a human
  | 'failed' // failed with nothing to roll back (provision, or before any change)
  | 'blocked' // not started: another voter of its Raft group is unhealthy
  | 'skipped'; // not started: the rollout halted earlier

export type RolloutEvent =
  | { type: 'run-started'; runId: string; hosts: number; waves: number; dryRun: boolean }
  | { type: 'wave-started'; index: number; profile: string; hosts: string[] }
  | { type: 'host-started'; host: string; action: HostAction }
  | { type: 'step'; host: string; step: string }
  | { type: 'command'; host: string; argv: readonly string[]; env?: readonly string[] }
  /** A piece of a running command's output (stdout and stderr interleaved), as it is printed. */
  | { type: 'output'; host: string; text: string }
  | { type: 'command-finished'; host: string; argv: readonly string[]; exitCode: number; durationMs: number; timedOut: boolean; output: string }
  | { type: 'host-finished'; host: string; action: HostAction; result: HostResult; durationMs: number; error?: string }
  | { type: 'halted'; reason: string }
  | { type: 'notice'; message: string }
  | { type: 'run-finished'; results: Record<string, HostResult>; durationMs: number };

export type EventSink = (event: RolloutEvent) => void;
