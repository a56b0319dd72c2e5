// The real Nix sources the tests evaluate against (disko 1.13.0, nixpkgs' lib): tarballs kept beside
// the project (shared/nix-src), unpacked by each test into a temporary directory.
import { execFileSync } from 'node:child_process';
import { existsSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { REPO_ROOT } from './paths.ts';
import { tempDir } from './tmp.ts';
import { NIX_ENV } from './tools.ts';

export const DISKO_TARBALL = 'disko-1.13.0.tar.gz';
export const NIXPKGS_LIB_TARBALL = 'nixpkgs-lib-de42d442.tar.gz';

/** FLEETC_NIX_SRC, or shared/nix-src beside the project (../shared from a checkout in /work/main). */
export function nixSourcesDir(): string | undefined {
  const candidates = [process.env.FLEETC_NIX_SRC, path.join(REPO_ROOT, '../shared/nix-src'), '/work/shared/nix-src'];
  return candidates.find((dir): dir is string => dir !== undefined && existsSync(path.join(dir, DISKO_TARBALL)));
}

/** The directory, or undefined after failing (CI) or skipping the test when the tarballs are missing. */
export function requireNixSources(t: TestContext): string | undefined {
  const dir = nixSourcesDir();
  if (dir) return dir;
  const message = 'the real Nix sources (disko, nixpkgs lib tarballs) are missing: set FLEETC_NIX_SRC to their directory';
  if (process.env.FLEETC_REQUIRE_TOOLS === '1') throw new Error(message);
  t.skip(message);
  return undefined;
}

/** Unpacks disko and nixpkgs' lib into a temporary directory: { disko, nixpkgsLib } (lib is nixpkgsLib/lib). */
export function unpackNixSources(t: TestContext, dir: string): { disko: string; nixpkgsLib: string } {
  const into = tempDir(t, 'fleetc-nix-src-');
  execFileSync('tar', ['-xzf', path.join(dir, DISKO_TARBALL), '-C', into]);
  execFileSync('tar', ['-xzf', path.join(dir, NIXPKGS_LIB_TARBALL), '-C', into]);
  return { disko: path.join(into, 'disko-1.13.0'), nixpkgsLib: path.join(into, 'nixpkgs-lib') };
}

/**
 * Adds disko's source to the Nix store as a fetched tree is stored (name "source", NAR hash): a
 * flake.lock node with disko's narHash then resolves to it offline. Returns its store path.
 */
export function addDiskoToStore(t: TestContext, dir: string): string {
  const { disko } = unpackNixSources(t, dir);
  const source = path.join(path.dirname(disko), 'source');
  renameSync(disko, source);
  return execFileSync('nix-store', ['--add-fixed', '--recursive', 'sha256', source], { env: NIX_ENV, encoding: 'utf8' }).trim();
}
