// fleetc watch's incremental compile gives byte-identical output (artifacts and diagnostics) to a full
// build, whatever the sequence of edits: whole files taken from another fleet (hosts changed, added,
// removed, profiles and fleet.yaml changed, broken files), the small edits of one host that the
// incremental stages keep everything else for — a label, an address (of a Raft voter too), a MAC, a
// BMC, the cluster, the profile, a duplicate of another host, a removal — and edits of what every
// host reads (networks, domain, clusters, defaults, profiles, Raft), over two clusters.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { compileRaw, type Compilation } from '../../src/compile/index.ts';
import { IncrementalCompiler } from '../../src/compile/incremental.ts';
import { readFleetDirSync } from '../../src/load/index.ts';
import { arbitraryFleet } from '../helpers/arbitrary-fleet.ts';
import type { FleetFiles } from '../helpers/fleet.ts';
import { EXAMPLE_PATHS } from '../helpers/example.ts';
import { REPO_NIX } from '../helpers/paths.ts';
import { rawOf } from '../helpers/raw-fleet.ts';

const LAYOUT = { nixDirFromOut: '../nix', outDirFromRoot: 'generated' };
const output = (c: Compilation) => JSON.stringify({ artifacts: c.artifacts?.map((a) => [a.path, a.contents]), diagnostics: c.diagnostics });

/** One edit: from another version of the fleet, take the files picked (absent deletes), maybe only host files, maybe break one. */
const fileStep = fc.record({ version: arbitraryFleet({ maxHosts: 5, clusters: true }), pick: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), hostsOnly: fc.boolean(), broken: fc.option(fc.nat(11), { nil: undefined }) });
const EDITS = ['label', 'description', 'address', 'mac', 'bmc', 'cluster', 'profile', 'duplicate', 'remove', 'kernel'] as const;
const hostStep = fc.record({ host: fc.nat(), edit: fc.constantFrom(...EDITS), value: fc.nat(40) });
const FLEET_EDITS = ['domain', 'pool', 'mtu', 'drop-network', 'drop-cluster', 'defaults', 'profile-packages', 'drop-profile', 'raft-off'] as const;
const fleetStep = fc.record({ fleetEdit: fc.constantFrom(...FLEET_EDITS), value: fc.nat(40) });
const step = fc.oneof({ arbitrary: fileStep, weight: 1 }, { arbitrary: hostStep, weight: 3 }, { arbitrary: fleetStep, weight: 1 });

type Files = Record<string, string>;

function applyFileStep(files: Files, { version, pick, hostsOnly, broken }: { version: FleetFiles; pick: boolean[]; hostsOnly: boolean; broken: number | undefined }): Files {
  const paths = [...new Set([...Object.keys(files), ...Object.keys(version as FleetFiles)])].sort();
  const next: Files = { ...files };
  paths.forEach((p, i) => {
    if (!pick[i % pick.length] || (hostsOnly && !p.startsWith('hosts/'))) return;
    const contents = (version as FleetFiles)[p];
    if (contents === undefined || contents === null) delete next[p];
    else next[p] = contents;
  });
  if (broken !== undefined && paths[broken] !== undefined) next[paths[broken]!] = 'profile: [worker\n';
  return next;
}

/** A small edit of one host file, through its YAML. */
function applyHostStep(files: Files, { host, edit, value }: { host: number; edit: (typeof EDITS)[number]; value: number }): Files {
  const hostFiles = Object.keys(files).filter((p) => p.startsWith('hosts/')).sort();
  if (hostFiles.length === 0) return files;
  const file = hostFiles[host % hostFiles.length]!;
  let data: Record<string, any>;
  try {
    data = parse(files[file]!) as Record<string, any>;
  } catch {
    return files;
  }
  if (!data || typeof data !== 'object') return files;
  const next = { ...files };
  const nic = Array.isArray(data.interfaces) ? data.interfaces[0] : undefined;
  switch (edit) {
    case 'label': data.labels = { ...(data.labels ?? {}), edited: `v${value}` }; break;
    case 'description': data.description = `edited ${value}`; break;
    case 'address': if (nic) nic.address = `10.60.0.${10 + value}`; break;
    case 'mac': if (nic) nic.mac = `52:54:00:aa:00:${(value % 16).toString(16).padStart(2, '0')}`; break;
    case 'bmc': data.bmc = { kind: 'ipmi', address: `10.62.0.${10 + value}`, user: 'admin', password: { file: '/run/secrets/bmc' } }; break;
    case 'cluster': data.cluster = value % 2 ? 'east' : 'main'; break;
    case 'profile': data.profile = value % 2 ? 'worker' : 'control-plane'; break;
    case 'kernel': data.kernel = { params: [`panic=${value}`] }; break;
    case 'duplicate': next[`hosts/copy-${value}.yaml`] = files[file]!; return next;
    case 'remove': delete next[file]; return next;
  }
  next[file] = stringify(data);
  return next;
}

/** An edit of what every host reads: fleet.yaml's networks, domain, clusters and defaults, or a profile. */
function applyFleetStep(files: Files, { fleetEdit, value }: { fleetEdit: (typeof FLEET_EDITS)[number]; value: number }): Files {
  const next = { ...files };
  const edit = (file: string, change: (data: Record<string, any>) => void): void => {
    if (next[file] === undefined) return;
    try {
      const data = parse(next[file]!) as Record<string, any>;
      if (!data || typeof data !== 'object') return;
      change(data);
      next[file] = stringify(data);
    } catch {
      // a broken file stays broken
    }
  };
  switch (fleetEdit) {
    case 'domain': edit('fleet.yaml', (d) => (d.domain = value % 2 ? `${'long-label-'.repeat(21)}test` : `arb${value}.test`)); break;
    case 'pool': edit('fleet.yaml', (d) => (d.networks.prov.dhcp = { pool: { start: `10.60.0.${10 + (value % 5)}`, end: '10.60.0.250' } })); break;
    case 'mtu': edit('fleet.yaml', (d) => (d.networks.storage.mtu = 1500 + value)); break;
    case 'drop-network': edit('fleet.yaml', (d) => delete d.networks.storage); break;
    case 'drop-cluster': edit('fleet.yaml', (d) => d.clusters && delete d.clusters.east); break;
    case 'defaults': edit('fleet.yaml', (d) => (d.defaults = { ...d.defaults, firmware: value % 2 ? 'bios' : 'uefi', timezone: `Etc/GMT+${value % 12}` })); break;
    case 'profile-packages': edit('profiles/worker.yaml', (d) => (d.packages = [`pkg${value}`])); break;
    case 'drop-profile': delete next['profiles/worker.yaml']; break;
    case 'raft-off': edit('fleet.yaml', (d) => (d.services.chainfire.raft = value % 2 === 0)); break;
  }
  return next;
}

test('incremental compiles equal full compiles over random edit sequences', () => {
  fc.assert(
    fc.property(arbitraryFleet({ maxHosts: 6, clusters: true }), fc.array(step, { minLength: 1, maxLength: 8 }), (initial, steps) => {
      const compiler = new IncrementalCompiler(LAYOUT);
      let files: Files = { ...(initial as Files) };
      assert.equal(output(compiler.compile(rawOf(files))), output(compileRaw(rawOf(files), LAYOUT)));
      for (const s of steps) {
        files = 'version' in s ? applyFileStep(files, s) : 'fleetEdit' in s ? applyFleetStep(files, s) : applyHostStep(files, s);
        assert.equal(output(compiler.compile(rawOf(files))), output(compileRaw(rawOf(files), LAYOUT)));
      }
    }),
    { numRuns: 60 },
  );
});

test('a one-host edit emits only that host again', () => {
  const compiler = new IncrementalCompiler(LAYOUT);
  const raw = readFleetDirSync(EXAMPLE_PATHS.fleetDir, REPO_NIX);
  const first = compiler.compile(raw);
  assert.equal(first.emittedHosts.length, 7);
  const files = raw.files.map((f) => (f.relPath === 'hosts/wk-1.yaml' ? { ...f, bytes: new TextEncoder().encode(new TextDecoder().decode(f.bytes).replace('unit: u20', 'unit: u21')) } : f));
  const second = compiler.compile({ ...raw, files });
  assert.deepEqual(second.emittedHosts, ['wk-1']);
  assert.equal(output(second), output(compileRaw({ ...raw, files }, LAYOUT)));
  const profileEdit = files.map((f) => (f.relPath === 'profiles/worker.yaml' ? { ...f, bytes: new TextEncoder().encode(`${new TextDecoder().decode(f.bytes)}\npackages: [jq]\n`) } : f));
  assert.equal(compiler.compile({ ...raw, files: profileEdit }).emittedHosts.length, 7, 'a profile edit emits every host again');
});
