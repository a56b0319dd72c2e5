// The NixOS stand-in for tests: copies this folder to a temporary directory, unpacks nixpkgs' real lib
// (../shared/nix-src/, the tarball beside the repository) into it, and evaluates Nix expressions against
// it with nix-instantiate, or hands the directory out as the stub nixpkgs flake. README.md says what is
// real and what is a stand-in.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import { NIXPKGS_LIB_TARBALL as NIXPKGS_LIB_FILE, nixSourcesDir } from '../helpers/nix-src.ts';
import { REPO_ROOT } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';
import { NIX_ENV } from '../helpers/tools.ts';

const run = promisify(execFile);
const HERE = path.join(REPO_ROOT, 'test', 'nixos-standin');

/** A fresh copy of the stand-in with the real lib unpacked as nixpkgs-lib/lib; removed after the test. */
export function standinDir(t: TestContext): string {
  const sources = nixSourcesDir();
  if (!sources) throw new Error('the nixpkgs lib tarball (shared/nix-src) was not found: set FLEETC_NIX_SRC to the folder that holds it');
  const NIXPKGS_LIB_TARBALL = path.join(sources, NIXPKGS_LIB_FILE);
  const dir = path.join(tempDir(t, 'fleetc-nixos-standin-'), 'nixpkgs');
  cpSync(HERE, dir, { recursive: true, filter: (source) => !source.endsWith('.ts') && !source.endsWith('.md') });
  execFileSync('tar', ['-xzf', NIXPKGS_LIB_TARBALL, '-C', dir]);
  return dir;
}

export interface EvalResult {
  ok: boolean;
  value?: unknown;
  stderr: string;
}

/**
 * Evaluates `expr` strictly to JSON, with `lib` (the real lib plus nixosSystem) and `repo` (a path to the
 * repository root) in scope. A failed evaluation is returned, not thrown, so negative tests can read it.
 */
export async function evalWithStandin(dir: string, expr: string): Promise<EvalResult> {
  const file = path.join(dir, `eval-${process.pid}-${Math.random().toString(36).slice(2)}.nix`);
  writeFileSync(file, `let\n  inherit (import ${dir}/default.nix) lib;\n  repo = ${REPO_ROOT.replace(/\/$/, '')};\nin\n${expr}\n`);
  try {
    // --readonly-mode: store paths (the agent, etc files) are computed, nothing is written to the store.
    const { stdout, stderr } = await run('nix-instantiate', ['--readonly-mode', '--eval', '--strict', '--json', file], { env: NIX_ENV, maxBuffer: 64 * 1024 * 1024 });
    return { ok: true, value: JSON.parse(stdout), stderr };
  } catch (error) {
    return { ok: false, stderr: String((error as { stderr?: string }).stderr ?? error) };
  }
}

/** Like evalWithStandin, but a failure is an exception carrying Nix's error. */
export async function evalJson<T = unknown>(dir: string, expr: string): Promise<T> {
  const result = await evalWithStandin(dir, expr);
  if (!result.ok) throw new Error(`nix evaluation failed:\n${result.stderr}`);
  return result.value as T;
}
