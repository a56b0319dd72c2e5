// plan --closures: the hosts whose system changes, evaluated at base and at head (one nix-eval-jobs
// pass per revision), built (on the builders; a base system already deployed comes from the cache
// as a substitute), and compared closure by closure (closure-diff.ts).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildToplevels, chunks, nixSystemOf, NIX } from './closures.ts';
import { diffClosures, parsePathInfo, type ClosureDiff, type PathInfo } from './closure-diff.ts';
import { DEPLOYER, evaluateToplevels, evaluationExpression, type Toplevel } from './evaluate.ts';
import { flakeReference } from './flake-ref.ts';
import type { CommandRunner } from './transports/command.ts';

export interface ClosuresRequest {
  runner: CommandRunner;
  repoToplevel: string;
  /** The flake's directory relative to the repository's top level. */
  flakeDir: string;
  baseCommit?: string;
  headCommit: string;
  /** Hosts whose system changes; inBase: the host has a system at base. */
  hosts: ReadonlyArray<{ name: string; inBase: boolean }>;
  workDir: string;
  evaluation: { workers: number; maxMemoryMiB: number };
  builders?: string;
  timeoutMs: number;
}

export async function planClosures(request: ClosuresRequest): Promise<{ diffs: ClosureDiff[]; problems: string[] }> {
  const problems: string[] = [];
  const evaluate = async (side: 'base' | 'head', rev: string, names: string[]): Promise<Map<string, Toplevel>> => {
    if (names.length === 0) return new Map();
    const dir = path.join(request.workDir, side);
    await mkdir(path.join(dir, 'gcroots'), { recursive: true });
    const flake = flakeReference({ repoToplevel: request.repoToplevel, flakeDir: request.flakeDir, rev });
    const expressionFile = path.join(dir, 'evaluate.nix');
    await writeFile(expressionFile, evaluationExpression(flake, names));
    const result = await evaluateToplevels(request.runner, { flake, ...request.evaluation, gcRootsDir: path.join(dir, 'gcroots'), expressionFile, timeoutMs: request.timeoutMs }, names);
    if (result.failure) problems.push(`${side}: ${result.failure}`);
    for (const [host, error] of result.errors) problems.push(`${host} at ${side}: ${error.split('\n')[0]}`);
    return result.toplevels;
  };
  const head = await evaluate('head', request.headCommit, request.hosts.map((h) => h.name));
  const base = request.baseCommit ? await evaluate('base', request.baseCommit, request.hosts.filter((h) => h.inBase).map((h) => h.name)) : new Map<string, Toplevel>();
  const all = [...head.values(), ...base.values()];
  if (all.length === 0) return { diffs: [], problems };
  const failure = await buildToplevels(request.runner, all, { ...(request.builders !== undefined ? { builders: request.builders } : {}), localSystem: nixSystemOf(), timeoutMs: request.timeoutMs });
  if (failure) return { diffs: [], problems: [...problems, failure] };
  const infos = new Map<string, PathInfo>();
  for (const part of chunks([...new Set(all.map((t) => t.outPath))])) {
    const listed = await request.runner.run({ host: DEPLOYER, argv: [...NIX, 'path-info', '--json', '--recursive', '--closure-size', ...part], timeoutMs: request.timeoutMs });
    if (!listed.ok) return { diffs: [], problems: [...problems, `nix path-info failed (exit ${listed.exitCode}): ${listed.stderr.trim().split('\n').pop() ?? ''}`] };
    for (const [p, info] of parsePathInfo(listed.stdout)) infos.set(p, info);
  }
  const diffs = request.hosts.filter((h) => head.has(h.name)).map((h) => diffClosures(h.name, base.get(h.name)?.outPath, head.get(h.name)!.outPath, infos));
  return { diffs, problems };
}
