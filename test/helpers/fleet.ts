// Builds fleets for tests: copy a fixture fleet, overlay or delete files, compile it.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compileFromDisk, type Compilation, type Paths } from '../../src/compile/index.ts';
import { MINIMAL_FLEET, EXAMPLE_NIX } from './paths.ts';

/** Files to write into a fleet directory; null deletes the file. */
export type FleetFiles = Record<string, string | null>;

/**
 * Copies a fixture fleet (none: start empty) to <root>/fleet and applies the overlay; returns the
 * paths to compile it, with a copy of the repository's nix/ as the hand-written Nix.
 */
export function makeFleet(root: string, overlay: FleetFiles = {}, fixture: string | null = MINIMAL_FLEET): Paths {
  const fleetDir = path.join(root, 'fleet');
  if (fixture) cpSync(fixture, fleetDir, { recursive: true });
  else mkdirSync(fleetDir, { recursive: true });
  applyOverlay(fleetDir, overlay);
  // nix/ inside the root, as the flake at the root needs it (a copy, so tests may change it).
  const nixDir = path.join(root, 'nix');
  cpSync(EXAMPLE_NIX, nixDir, { recursive: true });
  return { fleetDir, outDir: path.join(root, 'generated'), nixDir };
}

export function applyOverlay(dir: string, overlay: FleetFiles): void {
  for (const [rel, contents] of Object.entries(overlay)) {
    const file = path.join(dir, rel);
    if (contents === null) {
      rmSync(file, { force: true });
      continue;
    }
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, contents);
  }
}

export async function compileFleet(paths: Paths): Promise<Compilation> {
  return compileFromDisk(paths);
}

/** Diagnostics as "file:line:col severity CODE" with file relative to the fleet directory. */
export function diagnosticLines(result: Compilation, fleetDir: string): string[] {
  return result.diagnostics.map((d) => {
    const position = result.sources.position(d.file, d.range.start);
    const file = path.relative(fleetDir, d.file) || '.';
    return `${file}:${position.line}:${position.column} ${d.severity} ${d.code}`;
  });
}

/**
 * Adds count workers to a fleet made from the minimal fixture (its provisioning network widened to
 * a /16), so a build writes thousands of files: hosts wk-g<N> with static addresses 10.0.<i>.<j>.
 */
export function addWorkers(fleetDir: string, count: number): void {
  const fleetFile = path.join(fleetDir, 'fleet.yaml');
  writeFileSync(fleetFile, readFileSync(fleetFile, 'utf8').replace('cidr: 10.0.0.0/24', 'cidr: 10.0.0.0/16'));
  for (let i = 0; i < count; i++) {
    const hex = (n: number) => n.toString(16).padStart(2, '0');
    const address = `10.0.${10 + Math.floor(i / 200)}.${10 + (i % 200)}`;
    writeFileSync(
      path.join(fleetDir, `hosts/wk-g${i}.yaml`),
      [
        'profile: worker',
        'hardware:',
        `  disks: { main: { device: /dev/disk/by-id/nvme-g${i}, size: 500G } }`,
        '  layout: { kind: single, disk: main }',
        'interfaces:',
        `  - { name: eno1, mac: "52:54:01:00:${hex(i >> 8)}:${hex(i & 255)}", network: prov, address: ${address}, boot: true }`,
        '',
      ].join('\n'),
    );
  }
}
