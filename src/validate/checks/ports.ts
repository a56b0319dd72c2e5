// Service ports: the networks they are opened on exist, and include the networks fleetc connects over —
// the boot network for apply's health check, firstBoot.network for Raft peers (api and raft ports).
import { DEFAULT_FIRST_BOOT_NETWORK, RAFT_PORTS } from '../../model/first-boot.ts';
import type { CheckedFleet } from '../context.ts';
import type { Reporter } from '../../diagnostics/reporter.ts';
import { closestMatch } from '../suggest.ts';

/** With bootNetworks: each service's boot networks as bootNetworksByService gives them (PortsMemo keeps them per host). */
export function checkPorts(fleet: CheckedFleet, report: Reporter, bootNetworks?: (service: string) => string[]): void {
  const fleetFile = fleet.fleet;
  if (!fleetFile) return;
  const data = fleetFile.data;
  const known = Object.keys(data.networks);
  const peerNetwork = data.firstBoot?.network ?? DEFAULT_FIRST_BOOT_NETWORK;
  bootNetworks ??= bootNetworksByService(fleet);
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
        for (const network of bootNetworks(service)) needed.push([network, 'fleetc apply checks its health from the deployer on the host\'s boot address']);
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

/** What a host adds to bootNetworksByService: its profile and its boot interface's network; undefined without a boot interface. */
export function bootPair(host: CheckedFleet['hosts'][number]): [profile: string, network: string] | undefined {
  const boot = host.data.interfaces.find((nic) => nic.boot);
  return boot ? [host.data.profile, boot.network] : undefined;
}

/** bootNetworksByService from the distinct (profile, boot network) pairs of the hosts. */
export function bootNetworksOfPairs(fleet: CheckedFleet, pairs: Iterable<readonly [string, string]>): (service: string) => string[] {
  return bootNetworksByService({ ...fleet, hosts: [...pairs].map(([profile, network]) => ({ data: { profile, interfaces: [{ boot: true, network }] } }) as unknown as CheckedFleet['hosts'][number]) });
}

/** The networks of the boot interfaces of the hosts whose profiles run each service (one pass over the hosts). */
function bootNetworksByService(fleet: CheckedFleet): (service: string) => string[] {
  const profiles = new Map(fleet.profiles.map((p) => [p.name, p.data]));
  const servicesOf = new Map<string, Set<string>>();
  const services = (profile: string): Set<string> => {
    let known = servicesOf.get(profile);
    if (known) return known;
    known = new Set();
    const seen = new Set<string>();
    for (let name: string | undefined = profile; name !== undefined && !seen.has(name); name = profiles.get(name)?.extends) {
      seen.add(name);
      for (const service of profiles.get(name)?.services ?? []) known.add(service);
    }
    servicesOf.set(profile, known);
    return known;
  };
  const networks = new Map<string, Set<string>>();
  for (const host of fleet.hosts) {
    const boot = host.data.interfaces.find((nic) => nic.boot);
    if (!boot) continue;
    for (const service of services(host.data.profile)) {
      let set = networks.get(service);
      if (!set) networks.set(service, (set = new Set()));
      set.add(boot.network);
    }
  }
  return (service) => [...(networks.get(service) ?? [])].sort();
}
