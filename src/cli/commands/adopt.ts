// fleetc adopt: record the deployment state from what the hosts run (read over SSH, pinned keys only).
import { randomBytes } from 'node:crypto';
import { Option, type Command } from 'commander';
import { adopt } from '../../apply/adopt.ts';
import { GitCommandError } from '../../apply/git-objects.ts';
import { GitError } from '../../git/repository.ts';
import { addPathOptions, pathsFrom } from '../arguments.ts';
import { EXIT } from '../exit-codes.ts';
import type { Io } from '../io.ts';

export function registerAdopt(program: Command, io: Io, setExit: (code: number) => void): void {
  const command = program
    .command('adopt')
    .description('record each host as deployed at the fleet commit it really runs (read over SSH with pinned keys); touches no host')
    .option('--only <host...>', 'adopt only these hosts')
    .option('--site <name>', 'adopt this site\'s hosts, into its own state (fleet.yaml sites:)')
    .option('--dry-run', 'show what would be recorded; write no ref')
    .option('--identity <file>', 'SSH private key to log in with')
    .option('--remote <name>', 'git remote holding the state and lock refs (default: origin, when it exists)')
    .option('--no-remote', 'keep the state in this repository only')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'));
  addPathOptions(command);
  command.action(async (options: Record<string, unknown>) => {
    try {
      const outcome = await adopt({
        cwd: process.cwd(),
        paths: pathsFrom(options),
        remote: options.remote === false ? '' : (options.remote as string | undefined),
        only: options.only as string[] | undefined,
        dryRun: Boolean(options.dryRun),
        identityFile: options.identity as string | undefined,
        ...(options.site !== undefined ? { site: String(options.site) } : {}),
        runId: `adopt-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(3).toString('hex')}`,
      });
      if (outcome.status === 'lock-held') {
        io.stderr(`fleetc adopt: the deploy lock is held${outcome.holder ? ` by run ${outcome.holder.id} (${outcome.holder.who}@${outcome.holder.machine})` : ''}; try again when it is free\n`);
        return setExit(EXIT.lockHeld);
      }
      if (options.format === 'json') io.stdout(`${JSON.stringify(outcome, null, 2)}\n`);
      else {
        const width = Math.max(4, ...outcome.hosts.map((h) => h.host.length));
        for (const h of outcome.hosts) io.stdout(`${h.host.padEnd(width)}  ${(options.dryRun && h.outcome === 'recorded' ? 'would record' : h.outcome).padEnd(16)}  ${h.detail}\n`);
      }
      setExit(outcome.status === 'done' ? EXIT.ok : EXIT.failed);
    } catch (error) {
      if (!(error instanceof GitError || error instanceof GitCommandError)) throw error;
      io.stderr(`fleetc adopt: ${error.message}\n`);
      setExit(EXIT.failed);
    }
  });
}
