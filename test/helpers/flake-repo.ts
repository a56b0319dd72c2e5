// A git repository holding the example fleet's flake as Nix reads it (flake.nix and flake.lock at the
// root, generated/, nix/, the platform flake), readable by this machine's Nix 2.8.
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { EXAMPLE_ROOT } from './paths.ts';
import { tempDir } from './tmp.ts';

/** What the example repository holds that the flake reads. */
export const FLAKE_TREE = ['flake.nix', 'flake.lock', 'generated', 'nix'];

/**
 * Nix 2.8 predates lock entries of relative path inputs (Nix 2.26, NixOS/nix#10089, written with
 * `parent`): they are dropped, and the caller passes those inputs with --override-input, which is
 * how Nix >= 2.26 resolves them by itself. Returns the dropped input names.
 */
export function dropRelativeLocks(lockFile: string): string[] {
  const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as { nodes: Record<string, { parent?: unknown; inputs?: Record<string, unknown> }> };
  const relative = Object.keys(lock.nodes).filter((name) => lock.nodes[name]!.parent !== undefined);
  for (const name of relative) {
    delete lock.nodes[name];
    delete lock.nodes.root!.inputs![name];
  }
  writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
  return relative;
}

export function commitAll(repo: string, message: string): void {
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...args]);
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', message);
}

/** The example's flake in a fresh git repository, relative locks dropped for Nix 2.8. */
export function exampleFlakeRepository(t: TestContext): { repo: string; relative: string[] } {
  const repo = tempDir(t);
  for (const entry of FLAKE_TREE) cpSync(path.join(EXAMPLE_ROOT, entry), path.join(repo, entry), { recursive: true });
  const relative = dropRelativeLocks(path.join(repo, 'flake.lock'));
  commitAll(repo, 'example');
  return { repo, relative };
}
