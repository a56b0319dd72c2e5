// Evaluate once: the system of every host of a run in one nix-eval-jobs pass (parallel workers, each
// restarted past a memory cap, one JSON line per host), never one evaluation per host.
import { nixAttrName, nixString } from '../emit/nix/printer.ts';
import type { CommandRunner } from './transports/command.ts';

/** The machine that runs apply, as commands and events name it. */
export const DEPLOYER = 'deployer';

export interface EvalSettings {
  /** The fleet's flake, locked to the planned commit (flake-ref.ts). */
  flake: string;
  workers: number;
  maxMemoryMiB: number;
  /** nix-eval-jobs roots every .drv it writes here, so no garbage collection races the build. */
  gcRootsDir: string;
  /** The expression file nix-eval-jobs reads (one argument per host would pass Linux's 128 KiB limit). */
  expressionFile: string;
  timeoutMs: number;
}

/** One host's system: its derivation, the store path it builds to, and the platform it builds on. */
export interface Toplevel {
  host: string;
  drvPath: string;
  outPath: string;
  system: string;
}

export interface Evaluation {
  toplevels: Map<string, Toplevel>;
  /** Hosts whose evaluation failed, with Nix's error. */
  errors: Map<string, string>;
}

/**
 * An attribute set host → config.system.build.toplevel, read from the flake at the locked commit
 * (pure evaluation accepts builtins.getFlake of a reference with a rev).
 */
export function evaluationExpression(flake: string, hosts: readonly string[]): string {
  const lines = hosts.map((name) => `  ${nixAttrName(name)} = toplevel ${nixString(name)};`);
  return [
    '# Written by fleetc apply for nix-eval-jobs: the system of each host this run deploys.',
    'let',
    `  configurations = (builtins.getFlake ${nixString(flake)}).nixosConfigurations;`,
    '  toplevel = name: configurations.${name}.config.system.build.toplevel;',
    'in',
    '{',
    ...lines,
    '}',
    '',
  ].join('\n');
}

/** nix-eval-jobs --workers N --max-memory-size MiB --gc-roots-dir DIR FILE */
export function evaluationArgv(settings: EvalSettings): string[] {
  return ['nix-eval-jobs', '--workers', String(settings.workers), '--max-memory-size', String(settings.maxMemoryMiB), '--gc-roots-dir', settings.gcRootsDir, settings.expressionFile];
}

/**
 * nix-eval-jobs' output: one JSON object per line, {attr, drvPath, outputs: {out}, system} or
 * {attr, error}. A host the output does not mention failed too (a worker that died with it).
 */
export function parseEvaluation(stdout: string, hosts: readonly string[]): Evaluation {
  const wanted = new Set(hosts);
  const toplevels = new Map<string, Toplevel>();
  const errors = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    let job: { attr?: string; drvPath?: string; outputs?: Record<string, string>; system?: string; error?: string };
    try {
      job = JSON.parse(line);
    } catch {
      continue;
    }
    if (!job.attr || !wanted.has(job.attr)) continue;
    if (job.error !== undefined) errors.set(job.attr, job.error.trim());
    else if (job.drvPath && job.outputs?.out && job.system) toplevels.set(job.attr, { host: job.attr, drvPath: job.drvPath, outPath: job.outputs.out, system: job.system });
    else errors.set(job.attr, 'nix-eval-jobs reported no derivation and no output path');
  }
  for (const host of hosts) if (!toplevels.has(host) && !errors.has(host)) errors.set(host, 'nix-eval-jobs did not report this host (its worker ended)');
  return { toplevels, errors };
}

export async function evaluateToplevels(runner: CommandRunner, settings: EvalSettings, hosts: readonly string[]): Promise<Evaluation & { failure?: string }> {
  const result = await runner.run({ host: DEPLOYER, argv: evaluationArgv(settings), timeoutMs: settings.timeoutMs });
  if (runner.dryRun) return { toplevels: new Map(hosts.map((host) => [host, { host, drvPath: `<${host}.drv>`, outPath: `<system of ${host}>`, system: '<system>' }])), errors: new Map() };
  const evaluation = parseEvaluation(result.stdout, hosts);
  // nix-eval-jobs exits non-zero when any job failed; a failure with no job line is its own.
  if (!result.ok && evaluation.errors.size === 0) return { ...evaluation, failure: `nix-eval-jobs failed (exit ${result.exitCode}): ${result.stderr.trim().split('\n').pop() ?? ''}` };
  return evaluation;
}
