// Build on the fleet's builders and push once: one `nix build` per platform (the operator's nix.conf
// builders or --builders; a platform the deployer is not is built only on builders), then the
// results signed with the cache key and copied once to deploy.cache, which every host pulls from.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SecretRef } from '../model/input.ts';
import { readSecret } from './secrets.ts';
import type { CommandRunner } from './transports/command.ts';
import { DEPLOYER, type Toplevel } from './evaluate.ts';

/** Every nix command names the features it needs, whatever the operator's nix.conf enables. */
export const NIX = ['nix', '--extra-experimental-features', 'nix-command'] as const;

/** Store paths per command: thousands of arguments stay far below Linux's 2 MiB argument limit. */
export const PATHS_PER_COMMAND = 1000;

export interface BuildSettings {
  /** --builders: a machines specification; absent: the builders of the operator's nix.conf. */
  builders?: string;
  /** The deployer's own platform (e.g. x86_64-linux): only it may build locally. */
  localSystem: string;
  timeoutMs: number;
}

/** nix build --no-link --print-out-paths [--builders …] [--max-jobs 0] <drv>^out … */
export function buildArgv(drvPaths: readonly string[], system: string, settings: BuildSettings): string[] {
  return [...NIX, 'build', '--no-link', '--print-out-paths', ...(settings.builders !== undefined ? ['--builders', settings.builders] : []), ...(system !== settings.localSystem ? ['--max-jobs', '0'] : []), ...drvPaths.map((d) => `${d}^out`)];
}

/** The platform Node runs on, as Nix names it. */
export function nixSystemOf(arch: string = process.arch): string {
  return `${arch === 'arm64' ? 'aarch64' : arch === 'x64' ? 'x86_64' : arch}-linux`;
}

export function chunks<T>(items: readonly T[], size = PATHS_PER_COMMAND): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Builds every toplevel, grouped by platform; returns the failure of the first build that failed. */
export async function buildToplevels(runner: CommandRunner, toplevels: readonly Toplevel[], settings: BuildSettings): Promise<string | undefined> {
  const bySystem = new Map<string, Toplevel[]>();
  for (const t of toplevels) bySystem.set(t.system, [...(bySystem.get(t.system) ?? []), t]);
  for (const [system, group] of [...bySystem].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const part of chunks(group)) {
      const result = await runner.run({ host: DEPLOYER, argv: buildArgv(part.map((t) => t.drvPath), system, settings), timeoutMs: settings.timeoutMs });
      if (!result.ok) return `building ${part.length} ${system} system(s) failed (exit ${result.exitCode}): ${result.stderr.trim().split('\n').pop() ?? ''}`;
      const built = new Set(result.stdout.split('\n').map((l) => l.trim()));
      const missing = runner.dryRun ? [] : part.filter((t) => !built.has(t.outPath));
      if (missing.length > 0) return `nix build did not produce the system of ${missing.map((t) => t.host).join(', ')}`;
    }
  }
  return undefined;
}

export interface CacheSettings {
  url: string;
  signingKey: SecretRef;
  timeoutMs: number;
}

/**
 * nix store sign --key-file KEY --recursive PATHS, then nix copy --to CACHE PATHS: the signatures
 * travel with the paths, so any store type is signed alike. A key given as an environment variable
 * is written to a private file for the signing only (Nix reads keys from files), then removed.
 */
export async function publishToCache(runner: CommandRunner, outPaths: readonly string[], cache: CacheSettings): Promise<string | undefined> {
  const key = await keyFile(cache.signingKey, runner.dryRun);
  try {
    for (const part of chunks(outPaths)) {
      const signed = await runner.run({ host: DEPLOYER, argv: [...NIX, 'store', 'sign', '--key-file', key.file, '--recursive', ...part], timeoutMs: cache.timeoutMs });
      if (!signed.ok) return `signing the systems failed (exit ${signed.exitCode}): ${signed.stderr.trim().split('\n').pop() ?? ''}`;
    }
    for (const part of chunks(outPaths)) {
      const copied = await runner.run({ host: DEPLOYER, argv: [...NIX, 'copy', '--to', cache.url, ...part], timeoutMs: cache.timeoutMs });
      if (!copied.ok) return `pushing the systems to ${cache.url} failed (exit ${copied.exitCode}): ${copied.stderr.trim().split('\n').pop() ?? ''}`;
    }
    return undefined;
  } finally {
    await key.cleanup();
  }
}

async function keyFile(ref: SecretRef, dryRun: boolean): Promise<{ file: string; cleanup: () => Promise<void> }> {
  if ('file' in ref) return { file: ref.file, cleanup: async () => undefined };
  if (dryRun) return { file: `<a private file holding ${'env' in ref ? `$${ref.env}` : 'the key'}>`, cleanup: async () => undefined };
  const value = await readSecret(ref);
  const dir = await mkdtemp(path.join(tmpdir(), 'fleetc-cache-key-'));
  const file = path.join(dir, 'key');
  await writeFile(file, `${value}\n`, { mode: 0o600 });
  return { file, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
