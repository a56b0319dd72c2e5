// fleetc status and fleetc unlock: the deployment state and the lock, read from git refs.
import { Option, type Command } from 'commander';
import { breakLock } from '../../apply/lock.ts';
import { defaultRemote } from '../../apply/remote.ts';
import { fleetStatus } from '../../apply/status.ts';
import { refNamespace } from '../../apply/site.ts';
import { GitCommandError } from '../../apply/git-objects.ts';
import { GitError, openRepository } from '../../git/repository.ts';
import { addPathOptions, pathsFrom } from '../arguments.ts';
import { EXIT } from '../exit-codes.ts';
import type { Io } from '../io.ts';
import { renderStatus, renderStatusJson } from '../views/status.ts';

export function registerStatus(program: Command, io: Io, setExit: (code: number) => void): void {
  const status = program
    .command('status')
    .description('show per host the deployed commit, pending changes and the last result, and the deploy lock')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--remote <name>', 'git remote holding the state and lock refs (default: origin, when it exists)')
    .option('--no-remote', 'read the state in this repository only')
    .option('--no-fetch', 'do not fetch the state refs from the remote first')
    .option('--probe', 'also read what each host runs over SSH (pinned host keys only) and report drift; exits 1 when a host drifts')
    .option('--identity <file>', 'SSH private key for --probe')
    .option('--site <name>', 'the hosts, state and lock of this site (fleet.yaml sites:)');
  addPathOptions(status);
  status.action(async (options: Record<string, unknown>) => {
    await guarded(io, setExit, async () => {
      const probe = options.probe ? { ...(options.identity ? { identityFile: String(options.identity) } : {}) } : undefined;
      const result = await fleetStatus(process.cwd(), pathsFrom(options), options.remote === false ? '' : (options.remote as string | undefined), options.fetch !== false, probe, options.site as string | undefined);
      io.stdout(options.format === 'json' ? renderStatusJson(result) : renderStatus(result));
      setExit(result.hosts.some((h) => h.probe?.state === 'drift') ? EXIT.failed : EXIT.ok);
    });
  });

  program
    .command('unlock')
    .description('break a stale deploy lock; only with the id of the lock (fleetc status shows it)')
    .argument('<lock-id>', 'the id of the lock to break')
    .option('--remote <name>', 'git remote holding the lock ref (default: origin, when it exists)')
    .option('--no-remote', 'the lock in this repository only')
    .option('--site <name>', 'the lock of this site (fleet.yaml sites:)')
    .action(async (lockId: string, options: Record<string, unknown>) => {
      await guarded(io, setExit, async () => {
        const repo = await openRepository(process.cwd());
        const remote = await defaultRemote(repo, options.remote === false ? '' : (options.remote as string | undefined));
        const result = await breakLock(repo, remote, lockId, refNamespace(options.site as string | undefined).lockRef);
        const whose = (l: NonNullable<typeof result.lock>) => `run ${l.id} of ${l.who}@${l.machine} (pid ${l.pid}), taken ${l.startedAt} to deploy ${l.commit.slice(0, 12)}`;
        if (result.broken) {
          io.stdout(`broke the deploy lock: ${whose(result.lock!)}\n`);
          setExit(EXIT.ok);
        } else {
          io.stderr(result.lock ? `fleetc unlock: the lock is held by ${whose(result.lock)}, not by ${lockId}; nothing changed\n` : 'fleetc unlock: no deploy lock is held\n');
          setExit(EXIT.failed);
        }
      });
    });
}

async function guarded(io: Io, setExit: (code: number) => void, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (!(error instanceof GitError || error instanceof GitCommandError)) throw error;
    io.stderr(`fleetc: ${error.message}\n`);
    setExit(EXIT.failed);
  }
}
