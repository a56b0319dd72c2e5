// Service ports: the networks they are opened on exist, and include the networks fleetc connects over —
// the boot network for apply's health check, firstBoot.network for Raft peers (api and raft ports).
import { DEFAULT_FIRST_BOOT_NETWORK, RAFT_PORTS } from '../../model/first-boot.ts';
import type { CheckedFleet } from '../context.ts';
import type { Reporter } from '../../diagnostics/reporter.ts';
import { closestMatch } from '../suggest.ts';

export function checkPorts(fleet: CheckedFleet, report: Reporter): void {
  const fleetFile = fleet.fleet;
  if (!fleetFile) return;
  const data = fleetFile.data;
  const known = Object.keys(data.networks);
  const peerNetwork = data.firstBoot?.network ?? DEFAULT_FIRST_BOOT_NETWORK;
  for (const [service, spec] of Object.entries(data.services ?? {})) {
    const firstPort = Object.keys(spec.ports ?? {})[0];
    for (const [portName, port] of Object.entries(spec.ports ?? {})) {
      if (typeof port === 'number' || port.networks === undefined) continue;
      const path = ['services', service, 'ports', portName, 'networks'];
      port.networks.forEach((network, i) => {
        if (known.includes(network)) return;
        const suggestion = closestMatch(network, known);
        report.at(fleetFile.document, [...path, i], { code: 'NETWORK_UNKNOWN', message: `network "${network}" is not defined in fleet.yaml`, hint: suggestion ? `did you mean "${suggestion}"?` : `known networks: ${known.join(', ')}` });
      });
      const needed: Array<[string, string]> = [];
      if (spec.health && (spec.health.port ?? firstPort) === portName) {
        for (const network of bootNetworks(fleet, service)) needed.push([network, 'fleetc apply checks its health from the deployer on the host\'s boot address']);
      }
      if (spec.raft && (RAFT_PORTS as readonly string[]).includes(portName)) needed.push([peerNetwork, 'Raft peers and first boot reach it on firstBoot.network']);
      for (const [network, why] of needed) {
        if (port.networks.includes(network) || !known.includes(network)) continue;
        report.at(fleetFile.document, path, { code: 'PORT_NOT_OPEN', message: `port ${portName} of ${service} is not opened on network ${network}, but ${why}`, hint: `add ${network} to the port's networks` });
        break;
      }
    }
  }
}

/** The networks of the boot interfaces of the hosts whose profiles run the service. */
function bootNetworks(fleet: CheckedFleet, service: string): string[] {
  const profiles = new Map(fleet.profiles.map((p) => [p.name, p.data]));
  const runs = (profile: string | undefined, seen = new Set<string>()): boolean => {
    const data = profile === undefined || seen.has(profile) ? undefined : profiles.get(profile);
    if (!data) return false;
    seen.add(profile!);
    return (data.services ?? []).includes(service) || runs(data.extends, seen);
  };
  const networks = new Set<string>();
  for (const host of fleet.hosts) {
    if (!runs(host.data.profile)) continue;
    const boot = host.data.interfaces.find((nic) => nic.boot);
    if (boot) networks.add(boot.network);
  }
  return [...networks].sort();
}
