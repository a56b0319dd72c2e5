// Generated host modules under the NixOS stand-in: compiles a fleet (the example by default) into a
// temporary tree laid out like the repository (generated/ beside nix/) and builds the Nix expression
// that evaluates one host's nixosSystem with disko's option and a platform overlay stubbed.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { compileFleet, makeFleet, type FleetFiles } from '../helpers/fleet.ts';
import { EXAMPLE_FLEET } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';
import type { Fleet } from '../../src/model/fleet.ts';

export interface CompiledTree {
  root: string;
  fleet: Fleet;
}

/** Compiles the example fleet (plus an overlay of fleet files) into <tmp>/generated, with nix/ copied beside it. */
export async function compiledTree(t: TestContext, overlay: FleetFiles = {}): Promise<CompiledTree> {
  const root = tempDir(t, 'fleetc-hosts-');
  const paths = makeFleet(root, overlay, EXAMPLE_FLEET);
  const result = await compileFleet({ ...paths, nixDir: path.join(root, 'nix') });
  if (!result.fleet || !result.artifacts) throw new Error(`the fleet does not compile: ${result.diagnostics.map((d) => d.code).join(', ')}`);
  for (const artifact of result.artifacts) {
    const file = path.join(root, artifact.root ? '' : 'generated', artifact.path);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, artifact.contents);
  }
  return { root, fleet: result.fleet };
}

/**
 * `let s = <host's nixosSystem>; in READ`. disko is replaced by its one option (its types are checked
 * elsewhere); the platform is the example's platform flake (nix/platform/flake.nix), its outputs called
 * with the stand-in as nixpkgs: its overlay and NixOS module, as the generated flake.nix applies them.
 */
export function hostExpr(tree: CompiledTree, host: string, read: string): string {
  return `let
  disko = { lib, ... }: { options.disko.devices = lib.mkOption { type = lib.types.attrs; default = { }; }; };
  platformFlake = (import ${tree.root}/nix/platform/flake.nix).outputs { self = platformFlake; nixpkgs = { inherit lib; }; };
  platform = { imports = [ platformFlake.nixosModules.default ]; nixpkgs.overlays = [ platformFlake.overlays.default ]; };
  s = lib.nixosSystem { modules = [ ${tree.root}/generated/hosts/${host}/default.nix disko platform ]; };
  c = s.config;
in
${read}`;
}
