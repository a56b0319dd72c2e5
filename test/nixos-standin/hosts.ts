// Generated host modules under the NixOS stand-in: compiles a fleet (the example by default) into a
// temporary tree laid out like the repository (generated/ beside nix/) and builds the Nix expression
// that evaluates one host's nixosSystem with disko's option and a platform overlay stubbed.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { compileFleet, makeFleet, type FleetFiles } from '../helpers/fleet.ts';
import { REPO_ROOT } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';
import type { Fleet } from '../../src/model/fleet.ts';

export interface CompiledTree {
  root: string;
  fleet: Fleet;
}

/** Compiles the example fleet (plus an overlay of fleet files) into <tmp>/generated, with nix/ copied beside it. */
export async function compiledTree(t: TestContext, overlay: FleetFiles = {}): Promise<CompiledTree> {
  const root = tempDir(t, 'fleetc-hosts-');
  const paths = makeFleet(root, overlay, path.join(REPO_ROOT, 'fleet'));
  cpSync(path.join(REPO_ROOT, 'nix'), path.join(root, 'nix'), { recursive: true });
  const result = await compileFleet({ ...paths, nixDir: path.join(root, 'nix') });
  if (!result.fleet || !result.artifacts) throw new Error(`the fleet does not compile: ${result.diagnostics.map((d) => d.code).join(', ')}`);
  for (const artifact of result.artifacts) {
    const file = path.join(root, 'generated', artifact.path);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, artifact.contents);
  }
  return { root, fleet: result.fleet };
}

/**
 * `let s = <host's nixosSystem>; in READ`. disko is replaced by its one option (its types are checked
 * elsewhere); the platform's packages by an overlay of writeShellApplication stand-ins, as the platform
 * flake's overlay would provide them.
 */
export function hostExpr(tree: CompiledTree, host: string, read: string): string {
  const services = Object.keys(tree.fleet.services).map((s) => JSON.stringify(s)).join(' ');
  return `let
  disko = { lib, ... }: { options.disko.devices = lib.mkOption { type = lib.types.attrs; default = { }; }; };
  platform = { nixpkgs.overlays = [ (final: prev: lib.genAttrs [ ${services} ] (name: final.writeShellApplication { inherit name; text = "exec sleep infinity"; })) ]; };
  s = lib.nixosSystem { modules = [ ${tree.root}/generated/hosts/${host}/default.nix disko platform ]; };
  c = s.config;
in
${read}`;
}
