// Files fleetc writes at the fleet repository root (the generated flake and its lock) sit beside the
// user's own files: fleetc overwrites one only when it wrote it — a file whose first line carries
// fleetc's generated header, or a flake.lock beside such a flake.nix.
import fs from 'node:fs';
import path from 'node:path';
import { GENERATED_HEADER } from '../emit/artifact.ts';
import { WriteRefused } from './errors.ts';

/** The root file at target, as it is now: absent, fleetc's, or not fleetc's (and why). */
export type RootFileState = { kind: 'absent' } | { kind: 'ours' } | { kind: 'foreign'; reason: string };

export function rootFileState(target: string): RootFileState {
  const stat = fs.lstatSync(target, { throwIfNoEntry: false });
  if (!stat) return { kind: 'absent' };
  if (!stat.isFile()) return { kind: 'foreign', reason: stat.isDirectory() ? 'it is a directory' : stat.isSymbolicLink() ? 'it is a symbolic link' : 'it is not a regular file' };
  const contents = fs.readFileSync(target, 'utf8');
  if (hasGeneratedHeader(contents)) return { kind: 'ours' };
  if (path.basename(target) === 'flake.lock') {
    const flake = path.join(path.dirname(target), 'flake.nix');
    const beside = fs.lstatSync(flake, { throwIfNoEntry: false });
    if (beside?.isFile() && hasGeneratedHeader(fs.readFileSync(flake, 'utf8'))) return { kind: 'ours' };
    return { kind: 'foreign', reason: beside ? 'the flake.nix beside it was not written by fleetc' : 'there is no fleetc flake.nix beside it' };
  }
  return { kind: 'foreign', reason: "its first line is not fleetc's generated header" };
}

/** Refuses, before anything is written, to replace a root file that is not fleetc's and would change. */
export function refuseForeignRootFile(target: string, contents: string): void {
  const state = rootFileState(target);
  if (state.kind !== 'foreign') return;
  const current = fs.lstatSync(target).isFile() ? fs.readFileSync(target, 'utf8') : undefined;
  if (current === contents) return;
  throw new WriteRefused(`${target} was not written by fleetc (${state.reason}); refusing to overwrite it`);
}

function hasGeneratedHeader(text: string): boolean {
  const end = text.indexOf('\n');
  return (end === -1 ? text : text.slice(0, end)).includes(GENERATED_HEADER);
}

/** A root artifact (relative to the fleet root) that would land in or over the output directory: an emitter's defect. */
export function refuseRootFileInOutput(rootDir: string, outDir: string, relPath: string): void {
  const file = path.join(rootDir, relPath);
  if (file === outDir || file.startsWith(`${outDir}${path.sep}`) || outDir.startsWith(`${file}${path.sep}`)) throw new Error(`root artifact ${relPath} would land in the output directory ${outDir}`);
}
