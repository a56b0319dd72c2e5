// fleetc apply: deploy the changed hosts in safe waves; state and lock live in git refs.
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { apply, ApplyError, type ApplyStatus } from '../../apply/apply.ts';
import { PlanFileError } from '../../apply/plan-file.ts';
import { GitCommandError } from '../../apply/git-objects.ts';
import { GitError } from '../../git/repository.ts';
import { StopControl } from '../../apply/stop.ts';
import type { EventSink } from '../../apply/events.ts';
import { HANDLED_SIGNALS } from '../signals.ts';
import { addPathOptions, parsePositiveInteger, pathsFrom } from '../arguments.ts';
import { EXIT } from '../exit-codes.ts';
import type { Io } from '../io.ts';
import { fanOut, isLiveTerminal, logFiles, terminalMonitor, type MonitorFormat } from '../views/monitor.ts';
import { renderPlanText } from '../views/plan-text.ts';
import { renderApplySummary, renderResultLine, type ApplyReport } from '../views/apply-summary.ts';

const STATUS_EXIT: Record<ApplyStatus, number> = {
  ok: EXIT.ok,
  'nothing-to-do': EXIT.ok,
  error: EXIT.failed,
  'failed-rolled-back': EXIT.applyFailedRolledBack,
  'rollback-failed': EXIT.applyRollbackFailed,
  'lock-held': EXIT.lockHeld,
  refused: EXIT.refused,
  'partly-refused': EXIT.applyPartlyRefused,
  stopped: EXIT.applyStopped,
};

export function registerApply(program: Command, io: Io, setExit: (code: number) => void): void {
  const command = program
    .command('apply')
    .description('deploy the hosts whose configuration differs from what is recorded as deployed, in safe waves')
    .option('--plan <file>', 'execute this plan (fleetc plan --format json --head <commit>) instead of planning')
    .option('--base <rev>', 'hosts never deployed by fleetc count as deployed at this revision (adopting a running fleet)')
    .option('--dry-run', 'print every command that would run, in order; touch nothing')
    .option('--approve-destructive <host...>', 'allow the destructive (repartitioning) change of these hosts')
    .option('--max-parallel <n>', 'most hosts changed at once (0: unlimited); default: the fleet deploy.maxParallel', parsePositiveInteger)
    .option('--only <host...>', 'deploy only these hosts; the others stay pending')
    .option('--remote <name>', 'git remote holding the state and lock refs (default: origin, when it exists)')
    .option('--no-remote', 'keep the state and lock in this repository only')
    .addOption(new Option('--first-contact <policy>', 'new machines: accept the first SSH host key their installer shows, or refuse (default: the fleet\'s deploy.firstContact, else refuse)').choices(['refuse', 'accept-new']))
    .option('--identity <file>', 'SSH private key to log in with')
    .option('--lock-timeout <seconds>', 'wait this long for a lock held by another run (0: fail at once)', parsePositiveInteger, 0)
    .option('--lock-lease <seconds>', 'the deploy lock\'s lease, renewed while the run lasts: a lock not renewed for this long is stale and may be taken over', parsePositiveInteger, 300)
    .option('--deploy-branch <branch>', 'the remote branch a deployed commit must be on (default: the remote\'s HEAD branch, else main)')
    .option('--allow-off-branch', 'deploy a commit that is not on the deploy branch')
    .option('--site <name>', 'deploy this site (fleet.yaml sites:) only, under its own lock and state: one CI job per site')
    .option('--builders <spec>', 'with deploy.cache: Nix builders for the run\'s one build (nix --builders; default: those of nix.conf)')
    .option('--step-timeout <seconds>', 'timeout of each nixos-rebuild / nixos-anywhere command', parsePositiveInteger, 3600)
    .option('--health-timeout <seconds>', 'how long a host may take to become healthy (default: fleet deploy.healthTimeoutSeconds)', parsePositiveInteger)
    .option('--reboot-timeout <seconds>', 'how long a host may take to come back after a reboot or to boot its installer', parsePositiveInteger, 900)
    .option('--log-dir <dir>', 'per-run directory of host logs and known_hosts files', '.fleetc/runs')
    .addOption(new Option('--output <format>', 'progress as text lines or JSON lines').choices(['text', 'json']).default('text'))
    .option('--verbose', 'also show successful command exits')
    .option('--summary-file <file>', 'also append a Markdown report of the outcome to this file (in GitHub Actions: $GITHUB_STEP_SUMMARY)');
  addPathOptions(command);
  command.action(async (options: Record<string, unknown>) => {
    const runId = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(3).toString('hex')}`;
    const logDir = String(options.logDir);
    if (!options.dryRun) ignoredByGit(logDir);
    const emit = fanOut(terminalMonitor(io, options.output as MonitorFormat, { verbose: Boolean(options.verbose), live: isLiveTerminal(io.isTty, process.env), columns: process.stdout.columns }), ...(options.dryRun ? [] : [logFiles(path.join(logDir, runId))]));
    const stop = new StopControl();
    const release = stopOnSignals(stop, emit);
    const finish = (report: ApplyReport) => {
      if (options.output === 'json') io.stdout(renderResultLine(report));
      if (options.summaryFile) appendFileSync(String(options.summaryFile), renderApplySummary(report));
      setExit(report.exitCode);
    };
    try {
      const outcome = await apply({
        cwd: process.cwd(),
        paths: pathsFrom(options),
        planFile: options.plan as string | undefined,
        base: options.base as string | undefined,
        dryRun: Boolean(options.dryRun),
        approveDestructive: (options.approveDestructive as string[] | undefined) ?? [],
        maxParallel: options.maxParallel as number | undefined,
        only: options.only as string[] | undefined,
        remote: options.remote === false ? '' : (options.remote as string | undefined),
        firstContact: options.firstContact as 'refuse' | 'accept-new' | undefined,
        identityFile: options.identity as string | undefined,
        lockTimeoutSeconds: Number(options.lockTimeout),
        stepTimeoutSeconds: Number(options.stepTimeout),
        healthTimeoutSeconds: options.healthTimeout as number | undefined,
        rebootTimeoutSeconds: Number(options.rebootTimeout),
        logDir,
        runId,
        emit,
        lockLeaseSeconds: Math.max(1, Number(options.lockLease)),
        stop,
        deployBranch: options.deployBranch as string | undefined,
        allowOffBranch: Boolean(options.allowOffBranch),
        ...(options.site !== undefined ? { site: String(options.site) } : {}),
        ...(options.builders !== undefined ? { builders: String(options.builders) } : {}),
        // In a GitHub Actions job, the ref the job runs for must be the deploy branch too.
        ...(process.env.GITHUB_ACTIONS === 'true' && process.env.GITHUB_REF ? { ciRef: process.env.GITHUB_REF } : {}),
      });
      if (outcome.plan && (options.dryRun || outcome.status === 'refused') && options.output !== 'json') io.stderr(renderPlanText(outcome.plan, { diffs: false }));
      io.stderr(`fleetc apply: ${outcome.message}\n`);
      finish({ status: outcome.status, exitCode: STATUS_EXIT[outcome.status], message: outcome.message, ...(outcome.plan?.head.commit ? { commit: outcome.plan.head.commit } : {}), results: outcome.results, refused: outcome.refused ?? {} });
    } catch (error) {
      if (!(error instanceof ApplyError || error instanceof GitError || error instanceof GitCommandError || error instanceof PlanFileError)) throw error;
      io.stderr(`fleetc apply: ${error.message}\n`);
      finish({ status: 'error', exitCode: EXIT.failed, message: error.message, results: {}, refused: {} });
    } finally {
      release();
    }
  });
}

/**
 * The first SIGINT, SIGTERM or SIGHUP stops the run: no new host starts, the hosts in flight finish
 * and are recorded, the lock is released. A second one aborts: the commands in flight are ended and
 * their hosts rolled back. Returns the function that removes the handlers.
 */
function stopOnSignals(stop: StopControl, emit: EventSink): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    if (stop.reason === undefined) {
      stop.stop(`stopped by ${signal}`);
      emit({ type: 'notice', message: `${signal}: stopping — no new host starts; the hosts in flight finish and are recorded (a second signal rolls them back)` });
    } else if (!stop.aborted) {
      stop.abort(`stopped by ${signal}`);
      emit({ type: 'notice', message: `${signal} again: ending the commands in flight and rolling their hosts back` });
    }
  };
  for (const signal of HANDLED_SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of HANDLED_SIGNALS) process.off(signal, handler);
  };
}

/** Run logs and known_hosts files never show up as untracked files in the fleet repository. */
function ignoredByGit(logDir: string): void {
  mkdirSync(logDir, { recursive: true });
  writeFileSync(path.join(logDir, '.gitignore'), '# Written by fleetc apply: run logs and known_hosts files are not part of the fleet.\n*\n');
}
