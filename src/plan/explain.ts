// What a plan says beyond "what changed": why nothing runs for a network-only change, why a
// first-boot data change is harmless on a running host, what the boot server serves anew, and how a
// new machine is installed — in the terms of the fleet and of what apply does (src/apply/steps.ts).
import type { Fleet, Host } from '../model/fleet.ts';
import type { ArtifactDiff, HostPlan } from './types.ts';

/**
 * Why an update that changes only first-boot data is harmless: nix/modules/first-boot.nix runs each
 * step at most once (a marker under /var/lib/fleet-first-boot), never restarts a step on a switch
 * (restartIfChanged = false), and the switch restarts only the timer, whose chain skips every step
 * with a marker. The data stays in the system on purpose: a step added later, one still retrying,
 * and one re-run by hand (docs/first-boot.md) read the current peers.
 */
export const FIRST_BOOT_DATA_NOTE = 'first-boot data only, harmless: its first-boot steps are the same and have already run on this running host (each left its marker in /var/lib/fleet-first-boot and never runs again); the switch only updates /etc/fleet/first-boot.json, which a step still retrying, or re-run by hand, reads';

/** What a first-boot.json says of the steps themselves: equal on both sides, no step runs anew. */
const STEP_FIELDS = ['version', 'host', 'cluster', 'role', 'steps'] as const;

/**
 * Whether every changed file is first-boot data whose steps are the same on both sides (the same
 * steps, units, services, credentials and role): only what completed steps read changed.
 */
export function firstBootDataOnly(artifacts: readonly ArtifactDiff[], before: (path: string) => string | undefined, after: (path: string) => string | undefined): boolean {
  if (artifacts.length === 0) return false;
  return artifacts.every((artifact) => {
    if (artifact.kind !== 'first-boot' || artifact.change !== 'modified') return false;
    const [a, b] = [before(artifact.path), after(artifact.path)].map(parse);
    return a !== undefined && b !== undefined && STEP_FIELDS.every((field) => JSON.stringify(a[field]) === JSON.stringify(b[field]));
  });
}

function parse(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Why nothing runs on a host whose only change is its DHCP or iPXE part (apply records it, src/apply/steps.ts). */
export function networkOnlyNote(name: string, fleet: Fleet): string {
  const server = fleet.boot.server;
  return server !== undefined
    ? `nothing runs on ${name}: the boot server ${server} is redeployed first with the new DHCP and iPXE files, and ${name} is recorded once it serves them`
    : `nothing runs on ${name}: the boot server at ${fleet.boot.tftp} (not a host of this fleet) serves the new DHCP and iPXE files once it is given them`;
}

const KIND_PHRASES: Record<string, string> = {
  flake: 'its flake entry',
  'host-data': 'its host data',
  nixos: 'its NixOS configuration',
  disko: 'its disk layout',
  dhcp: 'its DHCP reservation',
  ipxe: 'its iPXE boot script',
  netboot: 'the netboot installer data',
  'first-boot': 'its first-boot data',
  library: "fleetc's own Nix",
};

/** A change that nothing in the fleet explains: fleetc's output itself changed (another fleetc, templates). */
export function unexplained(artifacts: readonly ArtifactDiff[]): string {
  const kinds = [...new Set(artifacts.map((a) => KIND_PHRASES[a.kind] ?? a.kind))];
  return `fleetc's output for it changed with no change to the host or to the fleet's settings (another fleetc version?): ${kinds.join(', ')}`;
}

/** The boot server's update, in terms of the hosts whose DHCP and iPXE files it serves anew. */
export function describeBootServer(hosts: HostPlan[], fleet: Fleet | undefined): void {
  const name = fleet?.boot.server;
  const server = hosts.find((h) => h.name === name);
  if (!server || server.action === 'unchanged' || server.action === 'provision' || server.action === 'decommission') return;
  const served = hosts.filter((h) => h !== server && (['provision', 'decommission', 'replace'].includes(h.action) || h.artifacts.some((a) => a.kind === 'dhcp' || a.kind === 'ipxe')));
  if (served.length === 0) {
    if (server.reasons.length === 0) server.reasons.push('the boot server: the files it serves changed (its DHCP configuration, iPXE scripts or netboot installer data); it is redeployed first, in a wave of its own');
    return;
  }
  const shown = served.slice(0, 10).map((h) => (h.action === 'network-only' || h.action === 'update' || h.action === 'reboot-required' ? h.name : `${h.name} (${h.action})`));
  const more = served.length > 10 ? ` and ${served.length - 10} more` : '';
  server.reasons.push(`the boot server: serves the new DHCP and iPXE files of ${shown.join(', ')}${more}; it is redeployed first, in a wave of its own`);
}

/** What apply does to install a new (or replaced) machine, as src/apply/steps.ts install() does it. */
export function installSteps(host: Host, fleet: Fleet): string[] {
  const address = host.interfaces.find((i) => i.boot)?.address ?? host.fqdn;
  const steps: string[] = [];
  if (fleet.boot.server === host.name) {
    steps.push(`it is the boot server, so it does not boot from the network: start it into an installer (or any Linux) that answers SSH at ${address}:${host.ssh.port}; nixos-anywhere switches into its own installer from there`);
  } else {
    if (fleet.boot.server !== undefined) steps.push(`apply checks that the boot server ${fleet.boot.server} serves this commit's boot scripts`);
    steps.push(host.bmc
      ? `BMC (${host.bmc.kind}, ${host.bmc.address}): one-time boot from the network, then power on (or power cycle)`
      : 'no BMC: power the machine on and boot it from the network yourself; apply waits for its installer');
    const bootMac = host.interfaces.find((i) => i.boot)?.mac;
    steps.push(`it PXE-boots fleetc's installer (DHCP reservation${bootMac ? ` for ${bootMac}` : ''}, its iPXE script, served from ${fleet.boot.http})`);
  }
  steps.push(fleet.deploy.firstContact === 'accept-new'
    ? "first contact: the installer's SSH host key cannot be known in advance; the fleet's deploy.firstContact is accept-new, so apply accepts the first key it shows"
    : "first contact: the installer's SSH host key cannot be known in advance; the fleet's deploy.firstContact is refuse, so apply installs only when run with --first-contact accept-new (otherwise the host is refused and skipped)");
  steps.push(`nixos-anywhere over SSH to ${address}:${host.ssh.port}: erases and partitions ${diskList(host)} (${host.layout.kind}), installs NixOS, with a new SSH host key pair that apply generates, pins and records, and the first-boot credentials`);
  const raft = (fleet.clusters[host.cluster]?.raft ?? []).filter((g) => g.voters.includes(host.name)).map((g) => `${host.cluster}/${g.service}`);
  steps.push(`apply waits for the installed system (pinned to its new key) and its health checks${raft.length > 0 ? `, then until it is a member of ${raft.join(', ')} (new voters are installed one at a time)` : ''}; its first-boot steps run on the first boot`);
  return steps;
}

function diskList(host: Host): string {
  return Object.entries(host.disks).map(([name, disk]) => `${name} ${disk.device}`).join(', ');
}
