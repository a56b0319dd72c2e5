// The fleets whose disk layouts the disko tests run: the example fleet as committed in generated/,
// and fixture fleets compiled into a temporary directory. Each host comes with its resolved model
// and its disk plan, so a test can say what disko should have made.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compileFromDisk } from '../../src/compile/index.ts';
import type { Host } from '../../src/model/fleet.ts';
import { planLayout, type LayoutPlan } from '../../src/model/disk-plan.ts';
import { sizeBytes } from '../../src/model/size.ts';
import { compileExample } from './example.ts';
import { EXAMPLE_GENERATED, EXAMPLE_NIX, FIXTURES } from './paths.ts';
import { tempDir } from './tmp.ts';

export const DISK_LAYOUTS_FLEET = path.join(FIXTURES, 'fleets', 'disk-layouts');

export interface LayoutHost {
  name: string;
  /** Holds the host's generated disko.nix, default.nix and host.nix. */
  dir: string;
  host: Host;
  plan: LayoutPlan;
  /** Each disk's declared size in bytes, by the layout's disk names. */
  diskBytes: Record<string, number>;
}

function layoutHost(host: Host, dir: string): LayoutHost {
  const plan = planLayout(host.layout, host.firmware);
  return { name: host.name, dir, host, plan, diskBytes: Object.fromEntries(plan.disks.map((d) => [d.name, sizeBytes(host.disks[d.name]!.size)!])) };
}

/** The example fleet's hosts, read from the committed generated/ (which the build test keeps current). */
export async function exampleLayoutHosts(): Promise<LayoutHost[]> {
  const compiled = await compileExample();
  if (!compiled.fleet) throw new Error('the example fleet does not compile');
  return compiled.fleet.hosts.map((host) => layoutHost(host, path.join(EXAMPLE_GENERATED, 'hosts', host.name)));
}

/** A fleet directory compiled and its per-host files written to a temporary generated/. */
export async function compiledLayoutHosts(t: { after: (fn: () => void) => void }, fleetDir: string): Promise<LayoutHost[]> {
  const out = path.join(tempDir(t, 'fleetc-layouts-'), 'generated');
  const compiled = await compileFromDisk({ fleetDir, outDir: out, nixDir: EXAMPLE_NIX });
  if (!compiled.fleet || !compiled.artifacts) throw new Error(`${fleetDir} does not compile: ${compiled.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  for (const artifact of compiled.artifacts) {
    if (!artifact.path.startsWith('hosts/')) continue;
    const file = path.join(out, artifact.path);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, artifact.contents);
  }
  return compiled.fleet.hosts.map((host) => layoutHost(host, path.join(out, 'hosts', host.name)));
}
