// Random edits of a fleet held as files, for the property tests of incremental work (watch, plan):
// whole files taken from another fleet, small edits of one host, and edits of what every host reads.
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { arbitraryFleet } from './arbitrary-fleet.ts';
import type { FleetFiles } from './fleet.ts';

/** One edit: from another version of the fleet, take the files picked (absent deletes), maybe only host files, maybe break one. */
const fileStep = fc.record({ version: arbitraryFleet({ maxHosts: 5, clusters: true }), pick: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), hostsOnly: fc.boolean(), broken: fc.option(fc.nat(11), { nil: undefined }) });
const EDITS = ['label', 'description', 'address', 'mac', 'bmc', 'cluster', 'profile', 'duplicate', 'remove', 'kernel'] as const;
const hostStep = fc.record({ host: fc.nat(), edit: fc.constantFrom(...EDITS), value: fc.nat(40) });
const FLEET_EDITS = ['domain', 'pool', 'mtu', 'drop-network', 'drop-cluster', 'defaults', 'profile-packages', 'drop-profile', 'raft-off'] as const;
const fleetStep = fc.record({ fleetEdit: fc.constantFrom(...FLEET_EDITS), value: fc.nat(40) });
export const fleetEdit = fc.oneof({ arbitrary: fileStep, weight: 1 }, { arbitrary: hostStep, weight: 3 }, { arbitrary: fleetStep, weight: 1 });

export type Files = Record<string, string>;

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

/** The fleet after one edit. */
export function applyEdit(files: Files, edit: EditValue): Files {
  return 'version' in edit ? applyFileStep(files, edit) : 'fleetEdit' in edit ? applyFleetStep(files, edit) : applyHostStep(files, edit);
}

type EditValue = typeof fleetEdit extends fc.Arbitrary<infer T> ? T : never;
