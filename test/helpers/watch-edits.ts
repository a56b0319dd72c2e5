// Random edits for fleetc watch's property tests: fleet-edits.ts's, and edits aimed at the paths
// watch patches instead of computing again — what a host claims fleet-wide (a free or a taken
// address, a BMC's address, a second reservation on the DHCP network, a BMC taken or dropped, a pinned host key),
// what the installer and boot server data read (the SSH port, the firmware), a host added or
// renamed, and the services' ports and health checks (PORT_NOT_OPEN reads every host's boot network).
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { applyEdit, fleetEdit, type Files } from './fleet-edits.ts';

const HOST_EDITS = ['address-free', 'address-taken', 'address-of-bmc', 'prov-nic', 'drop-prov-nic', 'bmc-taken', 'bmc-drop', 'host-key', 'ssh-port', 'firmware', 'boot-on-storage', 'rename', 'add'] as const;
const FLEET_EDITS = ['health-port', 'port-networks'] as const;

/** Two ed25519 public keys (the first from test/fixtures/diagnostics/host-key-duplicate, the second made by ssh-keygen). */
const HOST_KEYS = ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKvtT7kUsjuhGAZGINA4/nVINjBOwciO0GtGWRapBItM', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAEsWUBhDjV6DDicesZyTw25KO+t/yv2vRW8TdeCAsk3'];

const hostStep = fc.record({ watchHost: fc.nat(), edit: fc.constantFrom(...HOST_EDITS), value: fc.nat(40) });
const fleetStep = fc.record({ watchFleet: fc.constantFrom(...FLEET_EDITS), value: fc.nat(40) });
export const watchEdit = fc.oneof({ arbitrary: fleetEdit, weight: 2 }, { arbitrary: hostStep, weight: 3 }, { arbitrary: fleetStep, weight: 1 });

type WatchEdit = typeof watchEdit extends fc.Arbitrary<infer T> ? T : never;

const hex = (n: number) => (n % 256).toString(16).padStart(2, '0');

function parsed(text: string | undefined): Record<string, any> | undefined {
  try {
    const data = parse(text ?? '') as unknown;
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, any>) : undefined;
  } catch {
    return undefined;
  }
}

function applyHostStep(files: Files, { watchHost, edit, value }: { watchHost: number; edit: (typeof HOST_EDITS)[number]; value: number }): Files {
  const hostFiles = Object.keys(files).filter((p) => p.startsWith('hosts/')).sort();
  if (hostFiles.length === 0) return files;
  const file = hostFiles[watchHost % hostFiles.length]!;
  const data = parsed(files[file]);
  if (!data || !Array.isArray(data.interfaces) || !data.interfaces[0]) return files;
  const next = { ...files };
  const nic = data.interfaces[0] as Record<string, any>;
  const other = parsed(files[hostFiles[(watchHost + 1 + value) % hostFiles.length]!]);
  switch (edit) {
    case 'address-free': nic.address = `10.60.0.${100 + value}`; break;
    case 'address-taken': if (other?.interfaces?.[0]?.address) nic.address = other.interfaces[0].address; break;
    case 'address-of-bmc': nic.address = other?.bmc?.address ?? `10.62.0.${10 + value}`; break;
    case 'prov-nic': data.interfaces = [...data.interfaces.filter((i: any) => i.name !== 'eno3'), { name: 'eno3', mac: `52:54:00:dd:00:${hex(value)}`, network: 'prov', address: `10.60.0.${150 + value}` }]; break;
    case 'drop-prov-nic': data.interfaces = data.interfaces.filter((i: any) => i.name !== 'eno3'); break;
    case 'bmc-taken': data.bmc = { ...(other?.bmc ?? { kind: 'ipmi', user: 'admin', password: { file: '/run/secrets/bmc' } }), address: other?.bmc?.address ?? `10.62.0.${10 + value}` }; break;
    case 'bmc-drop': delete data.bmc; break;
    case 'host-key': data.ssh = { ...(data.ssh ?? {}), hostKey: `${HOST_KEYS[value % 2]} h@test` }; break;
    case 'ssh-port': data.ssh = { ...(data.ssh ?? {}), port: 2200 + (value % 3) }; break;
    case 'firmware': if (data.hardware?.arch === 'x86_64') data.hardware.firmware = data.hardware.firmware === 'bios' ? 'uefi' : 'bios'; break;
    case 'boot-on-storage': nic.network = value % 2 ? 'storage' : 'prov'; break;
    case 'rename': {
      delete next[file];
      next[`hosts/renamed-${value}.yaml`] = stringify({ ...data, name: undefined });
      return next;
    }
    case 'add': {
      next[`hosts/added-${value}.yaml`] = stringify({ ...data, interfaces: [{ ...nic, mac: `52:54:00:ee:00:${hex(value)}`, address: `10.60.0.${100 + value}` }], bmc: undefined });
      return next;
    }
  }
  next[file] = stringify(data);
  return next;
}

function applyFleetStep(files: Files, { watchFleet, value }: { watchFleet: (typeof FLEET_EDITS)[number]; value: number }): Files {
  const data = parsed(files['fleet.yaml']);
  if (!data?.services?.novanet) return files;
  const networks = value % 3 === 0 ? ['storage'] : value % 3 === 1 ? ['prov', 'storage'] : ['prov'];
  if (watchFleet === 'health-port') data.services.novanet = { ...data.services.novanet, ports: { api: { port: 7080, networks } }, health: { port: 'api' } };
  else data.services.chainfire = { ...data.services.chainfire, ports: { api: { port: 2379, networks }, raft: { port: 2380, networks } } };
  return { ...files, 'fleet.yaml': stringify(data) };
}

/** The fleet after one edit. */
export function applyWatchEdit(files: Files, edit: WatchEdit): Files {
  if ('watchHost' in edit) return applyHostStep(files, edit);
  if ('watchFleet' in edit) return applyFleetStep(files, edit);
  return applyEdit(files, edit);
}
