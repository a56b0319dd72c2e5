// Before any host is touched, with deploy.cache: evaluate every host of the run in one pass, build
// each platform's systems on the builders, push the results once, signed, to the cache. Any failure
// stops the run here, with nothing changed on a host.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Fleet, Host } from '../model/fleet.ts';
import type { EventSink } from './events.ts';
import { evaluateToplevels, evaluationExpression, type Toplevel } from './evaluate.ts';
import { buildToplevels, nixSystemOf, publishToCache } from './closures.ts';
import { readSecret } from './secrets.ts';
import type { CommandRunner } from './transports/command.ts';

export interface PipelineRequest {
  runner: CommandRunner;
  fleet: Fleet;
  /** The hosts whose system changes in this run (update, reboot-required). */
  hosts: readonly Host[];
  flake: string;
  /** The run's directory: the evaluation expression and its GC roots go there. */
  runDir: string;
  builders?: string;
  timeoutMs: number;
  emit: EventSink;
}

export type Prepared = { ok: true; closures: Map<string, string> } | { ok: false; message: string };

export async function prepareClosures(request: PipelineRequest): Promise<Prepared> {
  const cache = request.fleet.deploy.cache!;
  const { runner, hosts } = request;
  const names = hosts.map((h) => h.name);
  if (names.length === 0) return { ok: true, closures: new Map() };
  // The key is checked before anything runs: a run that cannot sign must not build first.
  if (!runner.dryRun && !('host' in cache.signingKey)) {
    const unreadable = await readSecret(cache.signingKey).then(() => undefined, (error: Error) => error.message);
    if (unreadable) return { ok: false, message: `refused: the cache signing key (deploy.cache.signingKey) cannot be read: ${unreadable}` };
  }
  if ('host' in cache.signingKey) return { ok: false, message: 'refused: the cache signing key must be readable by apply (a file or environment variable), not kept on a host' };

  const expressionFile = path.resolve(request.runDir, 'evaluate.nix');
  const gcRootsDir = path.resolve(request.runDir, 'gcroots');
  if (!runner.dryRun) {
    await mkdir(gcRootsDir, { recursive: true });
    await writeFile(expressionFile, evaluationExpression(request.flake, names));
  }
  request.emit({ type: 'notice', message: `evaluating ${names.length} host(s) in one nix-eval-jobs pass (${request.fleet.deploy.evaluation.workers} workers, ${request.fleet.deploy.evaluation.maxMemoryMiB} MiB each)` });
  const evaluation = await evaluateToplevels(runner, { flake: request.flake, ...request.fleet.deploy.evaluation, gcRootsDir, expressionFile, timeoutMs: request.timeoutMs }, names);
  if (evaluation.failure) return { ok: false, message: `${evaluation.failure}; no host was changed` };
  if (evaluation.errors.size > 0) return { ok: false, message: `evaluation failed for ${[...evaluation.errors].map(([h, e]) => `${h}: ${e.split('\n').pop()}`).join('; ')}; no host was changed` };
  // A dry run evaluates nothing: each host's platform is the one its hardware.arch gives.
  const toplevels = hosts.map((h) => (runner.dryRun ? { ...evaluation.toplevels.get(h.name)!, system: h.system } : evaluation.toplevels.get(h.name)!));
  const wrongPlatform = runner.dryRun ? [] : hosts.filter((h) => evaluation.toplevels.get(h.name)!.system !== h.system);
  if (wrongPlatform.length > 0) return { ok: false, message: `refused: ${wrongPlatform.map((h) => `${h.name} is ${h.system} but its system builds for ${evaluation.toplevels.get(h.name)!.system}`).join('; ')}; no host was changed` };

  request.emit({ type: 'notice', message: `building ${describePlatforms(toplevels)} on the builders` });
  const buildFailure = await buildToplevels(runner, toplevels, { ...(request.builders !== undefined ? { builders: request.builders } : {}), localSystem: nixSystemOf(), timeoutMs: request.timeoutMs });
  if (buildFailure) return { ok: false, message: `${buildFailure}; no host was changed` };
  const unique = [...new Set(toplevels.map((t) => t.outPath))];
  request.emit({ type: 'notice', message: `pushing ${unique.length} system(s) once, signed, to ${cache.url}` });
  const pushFailure = await publishToCache(runner, unique, { url: cache.url, signingKey: cache.signingKey, timeoutMs: request.timeoutMs });
  if (pushFailure) return { ok: false, message: `${pushFailure}; no host was changed` };
  return { ok: true, closures: new Map(toplevels.map((t) => [t.host, t.outPath])) };
}

function describePlatforms(toplevels: readonly Toplevel[]): string {
  const counts = new Map<string, number>();
  for (const t of toplevels) counts.set(t.system, (counts.get(t.system) ?? 0) + 1);
  return [...counts].sort().map(([system, n]) => `${n} ${system} system(s)`).join(', ');
}
