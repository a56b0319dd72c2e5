// plan --closures: runs the closure comparison for a computed plan (hosts whose system changes) in a
// scratch directory, with Nix's own tools; a plan of the working tree has no commit for Nix to read.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rootDirOf, type Paths } from '../../compile/index.ts';
import { openRepository, repoRelative } from '../../git/repository.ts';
import { planClosures } from '../../apply/plan-closures.ts';
import { ProcessRunner } from '../../apply/transports/command.ts';
import type { Plan } from '../../plan/types.ts';
import { DEFAULT_EVAL_MAX_MEMORY_MIB, DEFAULT_EVAL_WORKERS } from '../../resolve/index.ts';
import type { ClosuresSection } from '../views/plan-closures.ts';

const SYSTEM_CHANGES = new Set(['update', 'reboot-required', 'provision', 'replace', 'destructive']);

export async function closuresOf(plan: Plan, paths: Paths, builders: string | undefined): Promise<ClosuresSection> {
  if (!plan.head.commit) return { diffs: [], problems: ['--closures evaluates committed revisions: plan with --head <commit>'] };
  const repo = await openRepository(process.cwd());
  const workDir = await mkdtemp(path.join(tmpdir(), 'fleetc-closures-'));
  try {
    return await planClosures({
      runner: new ProcessRunner(() => undefined),
      repoToplevel: repo.root,
      flakeDir: repoRelative(repo, rootDirOf(paths)),
      ...(plan.base.commit && plan.base.fleetExists ? { baseCommit: plan.base.commit } : {}),
      headCommit: plan.head.commit,
      hosts: plan.hosts.filter((h) => SYSTEM_CHANGES.has(h.action)).map((h) => ({ name: h.name, inBase: h.action !== 'provision' })),
      workDir,
      evaluation: { workers: DEFAULT_EVAL_WORKERS, maxMemoryMiB: DEFAULT_EVAL_MAX_MEMORY_MIB },
      ...(builders !== undefined ? { builders } : {}),
      timeoutMs: 3_600_000,
    });
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
