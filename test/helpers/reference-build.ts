// A reference build of a fleet: the same fleet and nix/ in a root of their own, built into
// <root>/generated, so its tree can be compared with a build of the same fleet elsewhere (the output
// directory's name is part of what fleetc writes: the flake at the root names it).
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { runFleetc } from './cli.ts';
import { treeHash } from './tree-hash.ts';

/** Builds <root>/<fleet> with <root>/nix as <root>/<name>/generated; returns that tree's hash. */
export async function referenceTree(root: string, fleet: string, name: string): Promise<string> {
  const refRoot = path.join(root, name);
  cpSync(path.join(root, fleet), path.join(refRoot, 'fleet'), { recursive: true });
  cpSync(path.join(root, 'nix'), path.join(refRoot, 'nix'), { recursive: true });
  const result = await runFleetc(['build', '--fleet', 'fleet', '--out', 'generated', '--nix', 'nix', '--no-cache'], { cwd: refRoot });
  assert.equal(result.exitCode, 0, result.stderr);
  return treeHash(path.join(refRoot, 'generated'));
}
