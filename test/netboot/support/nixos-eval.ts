// Evaluates the boot server (nix/modules/pxe-server.nix) and the netboot images it builds with
// nixpkgs' real lib and the small NixOS stand-ins of test/netboot/nixos-stand-in/: a miniature
// nixpkgs tree in a temporary directory (the stand-ins plus the real lib/ unpacked from
// nix-src), `nix-instantiate` of what the server would serve, and the derivations it would build,
// read back with `nix show-derivation --recursive`.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { NIXPKGS_LIB_TARBALL as NIXPKGS_LIB_FILE, nixSourcesDir } from '../../helpers/nix-src.ts';
import { REPO_ROOT } from '../../helpers/paths.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { NIX_ENV } from '../../helpers/tools.ts';

/** The shared real Nix sources (CONSUMERS.md "Nix"), as test/helpers/nix-src.ts finds them. */
export const NIXPKGS_LIB_TARBALL = path.join(nixSourcesDir() ?? '/work/shared/nix-src', NIXPKGS_LIB_FILE);
const STAND_IN = `${REPO_ROOT}test/netboot/nixos-stand-in`;

export interface Derivation {
  name: string;
  system: string;
  env: Record<string, string>;
  inputDrvs: string[];
}

/** nixpkgs' real lib/, unpacked into a temporary directory: the path of lib/. */
export function unpackNixpkgsLib(t: TestContext): string {
  if (!existsSync(NIXPKGS_LIB_TARBALL)) throw new Error(`${NIXPKGS_LIB_TARBALL} is missing (set FLEETC_NIX_SRC to the directory of the nix-src tarballs)`);
  const dir = tempDir(t, 'fleetc-nixpkgs-lib-');
  execFileSync('tar', ['-xzf', NIXPKGS_LIB_TARBALL, '-C', dir]);
  return `${dir}/nixpkgs-lib/lib`;
}

/** A miniature nixpkgs: the stand-ins and nixpkgs' real lib/. */
export function standInNixpkgs(t: TestContext): string {
  const lib = unpackNixpkgsLib(t);
  const nixpkgs = `${tempDir(t, 'fleetc-nixos-stand-in-')}/nixpkgs`;
  mkdirSync(nixpkgs);
  cpSync(STAND_IN, nixpkgs, { recursive: true });
  symlinkSync(lib, `${nixpkgs}/lib`);
  return nixpkgs;
}

export interface BootServerEvaluation {
  /** Every derivation the server's TFTP and HTTP trees need, by .drv path. */
  derivations: Map<string, Derivation>;
  tftp: Derivation;
  http: Derivation;
}

/**
 * The boot server of a generated/ directory on a server of `serverSystem`: the derivations of the
 * tree dnsmasq serves over TFTP and of the tree nginx serves under the boot URL. The server's
 * assertions must hold. `settings` is added to services.fleet-pxe (a Nix attribute set).
 */
export function evaluateBootServer(nixpkgs: string, generated: string, serverSystem: string, settings = ''): BootServerEvaluation {
  const expression = `
    let
      server = import ${nixpkgs}/nixos/lib/eval-config.nix {
        system = null;
        modules = [
          ${REPO_ROOT}nix/modules/pxe-server.nix
          { nixpkgs.hostPlatform = "${serverSystem}"; services.fleet-pxe = { enable = true; generated = ${generated}; ${settings} }; }
        ];
      };
      config = server.config;
      failed = builtins.filter (a: !a.assertion) config.assertions;
      location = builtins.head (builtins.attrValues config.services.nginx.virtualHosts.fleet-boot.locations);
    in
    if failed != [ ] then throw (builtins.concatStringsSep "; " (map (a: a.message) failed))
    else derivation {
      name = "boot-server-trees";
      system = "${serverSystem}";
      builder = "/bin/sh";
      tftp = config.services.dnsmasq.settings.tftp-root;
      http = location.alias;
    }`;
  const drvPath = execFileSync('nix-instantiate', ['--quiet', '-E', expression], { encoding: 'utf8', env: NIX_ENV, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const derivations = showDerivations(drvPath);
  const top = derivations.get(drvPath)!;
  return { derivations, tftp: producerOf(derivations, top.env.tftp!), http: producerOf(derivations, top.env.http!.replace(/\/$/, '')) };
}

export function showDerivations(drvPath: string): Map<string, Derivation> {
  const json = JSON.parse(execFileSync('nix', ['--extra-experimental-features', 'nix-command', 'show-derivation', '--recursive', drvPath], { encoding: 'utf8', env: NIX_ENV, maxBuffer: 64 << 20 })) as Record<string, { env: Record<string, string>; inputDrvs: Record<string, string[]>; system: string }>;
  return new Map(Object.entries(json).map(([path, d]) => [path, { name: d.env.name!, system: d.system, env: d.env, inputDrvs: Object.keys(d.inputDrvs) }]));
}

/** The derivations `from` depends on, itself included, transitively. */
export function closure(derivations: Map<string, Derivation>, from: Derivation): Derivation[] {
  const seen = new Set<Derivation>();
  const visit = (d: Derivation) => {
    if (seen.has(d)) return;
    seen.add(d);
    for (const input of d.inputDrvs) visit(derivations.get(input)!);
  };
  visit(from);
  return [...seen];
}

/** The derivation whose output `path` lies in. */
export function producerOf(derivations: Map<string, Derivation>, path: string): Derivation {
  const found = [...derivations.values()].find((d) => d.env.out !== undefined && (path === d.env.out || path.startsWith(`${d.env.out}/`)));
  if (!found) throw new Error(`no derivation produces ${path}`);
  return found;
}
