// disko's own code for tests: its 1.13.0 release and nixpkgs' lib unpacked from shared/nix-src
// (test/helpers/nix-src.ts finds it) into a temporary directory, and a generated disko.nix evaluated through disko's types with them.
import { execFile, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { DISKO_TARBALL, nixSourcesDir, NIXPKGS_LIB_TARBALL } from './nix-src.ts';
import { REPO_ROOT } from './paths.ts';
import { tempDir } from './tmp.ts';
import { NIX_ENV } from './tools.ts';

const run = promisify(execFile);

const DISKO_EVAL = path.join(REPO_ROOT, 'test', 'disko', 'nix', 'disko-eval.nix');
export const BOOT_EVAL = path.join(REPO_ROOT, 'test', 'disko', 'nix', 'boot-eval.nix');

export interface NixSources {
  /** disko-1.13.0/ (nix-community/disko at v1.13.0). */
  disko: string;
  /** nixpkgs-lib/ (its lib/ is nixpkgs' lib at de42d442). */
  nixpkgsLib: string;
}

/** Unpacks both tarballs into a directory removed after the test (or suite). */
export function unpackNixSources(t: { after: (fn: () => void) => void }): NixSources {
  const sources = nixSourcesDir();
  if (!sources) throw new Error('the real Nix sources (shared/nix-src) were not found: set FLEETC_NIX_SRC to the folder that holds them');
  const dir = tempDir(t, 'fleetc-nix-src-');
  for (const tarball of [DISKO_TARBALL, NIXPKGS_LIB_TARBALL]) execFileSync('tar', ['-xzf', path.join(sources, tarball), '-C', dir]);
  return { disko: path.join(dir, 'disko-1.13.0'), nixpkgsLib: path.join(dir, 'nixpkgs-lib') };
}

/** What disko-eval.nix returns for a disko.nix. */
export interface DiskoEvaluation {
  create: string;
  mount: string;
  unmount: string;
  config: Record<string, unknown>;
  partitions: Record<string, Record<string, { _index: number; label: string; type: string; size: string }>>;
  mdadm: string[];
  lvs: Record<string, string[]>;
}

/** Where a loop-device run points each disk, partition and stand-in device (see disko-eval.nix). */
export interface LoopOverrides {
  disk?: Record<string, { device: string; partitions: Record<string, true> }>;
  mdadm?: Record<string, string>;
  lvm_vg?: Record<string, Record<string, string>>;
}

export type EvalOutcome<T> = { ok: true; value: T } | { ok: false; stderr: string };

/** Evaluates a Nix file with arguments to JSON; a failed evaluation is returned, not thrown. */
export async function evalNixFile<T>(file: string, args: Record<string, string>, paths: Record<string, string> = {}): Promise<EvalOutcome<T>> {
  const argv = ['--eval', '--strict', '--json', file];
  for (const [name, value] of Object.entries(args)) argv.push('--argstr', name, value);
  for (const [name, value] of Object.entries(paths)) argv.push('--arg', name, value);
  try {
    const { stdout } = await run('nix-instantiate', argv, { env: NIX_ENV, maxBuffer: 64 * 1024 * 1024 });
    return { ok: true, value: JSON.parse(stdout) as T };
  } catch (error) {
    return { ok: false, stderr: String((error as { stderr?: string }).stderr ?? error) };
  }
}

/** A disko.nix through disko's toplevel type, optionally with its devices pointed at loop devices. */
export async function evalDisko(sources: NixSources, diskoFile: string, overrides?: LoopOverrides, workDir?: string): Promise<EvalOutcome<DiskoEvaluation>> {
  let loops = '';
  if (overrides) {
    loops = path.join(workDir!, 'loops.json');
    writeFileSync(loops, JSON.stringify(overrides));
  }
  return evalNixFile<DiskoEvaluation>(DISKO_EVAL, { diskoSrc: sources.disko, nixpkgsLib: sources.nixpkgsLib, loops }, { configFile: nixPath(diskoFile) });
}

/** An absolute path as a Nix path literal. */
export function nixPath(file: string): string {
  if (!path.isAbsolute(file) || /[^A-Za-z0-9._/+-]/.test(file)) throw new Error(`not a plain absolute path: ${file}`);
  return file;
}

/** Like evalDisko, but a failure is an exception carrying Nix's error. */
export async function evalDiskoOrThrow(sources: NixSources, diskoFile: string, overrides?: LoopOverrides, workDir?: string): Promise<DiskoEvaluation> {
  const result = await evalDisko(sources, diskoFile, overrides, workDir);
  if (!result.ok) throw new Error(`disko evaluation of ${diskoFile} failed:\n${result.stderr}`);
  return result.value;
}
