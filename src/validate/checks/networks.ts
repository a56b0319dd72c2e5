// The fleet's networks: well-formed CIDRs, gateways and pools inside them, no overlaps or VLAN clashes.
import type { NetworkInput } from '../../model/input.ts';
import { contains, intToIpv4, ipv4ToInt, overlaps, parseCidr, type Ipv4Network } from '../../model/ipv4.ts';
import type { CheckedFleet } from '../context.ts';
import type { Reporter } from '../../diagnostics/reporter.ts';

/** Parsed networks by name; networks whose CIDR is broken are left out (already reported). */
export function checkNetworks(fleet: CheckedFleet, report: Reporter): Map<string, Ipv4Network> {
  const parsed = new Map<string, Ipv4Network>();
  const fleetFile = fleet.fleet;
  if (!fleetFile) return parsed;
  const document = fleetFile.document;
  const entries = Object.entries(fleetFile.data.networks);
  for (const [name, spec] of entries) {
    const result = parseCidr(spec.cidr);
    if (!result.ok) {
      report.at(document, ['networks', name, 'cidr'], { code: 'NETWORK_CIDR_INVALID', message: `network ${name}: ${spec.cidr} ${result.reason}`, hint: result.canonical ? `did you mean ${result.canonical}?` : 'write the network address and prefix, e.g. 10.20.0.0/24' });
      continue;
    }
    parsed.set(name, result.value);
    checkGateway(name, spec, result.value, fleet, report);
    checkPool(name, spec, result.value, fleet, report);
  }
  const seenVlans = new Map<number, string>();
  const names = [...parsed.keys()];
  for (const [i, name] of names.entries()) {
    for (const other of names.slice(0, i)) {
      if (overlaps(parsed.get(name)!, parsed.get(other)!)) {
        report.at(document, ['networks', name, 'cidr'], { code: 'NETWORK_OVERLAP', message: `network ${name} (${fleetFile.data.networks[name]!.cidr}) overlaps network ${other} (${fleetFile.data.networks[other]!.cidr})`, hint: 'give every network its own address range' });
      }
    }
  }
  for (const [name, spec] of entries) {
    if (spec.vlan === undefined) continue;
    const other = seenVlans.get(spec.vlan);
    if (other) report.at(document, ['networks', name, 'vlan'], { code: 'VLAN_DUPLICATE', message: `network ${name} uses VLAN ${spec.vlan}, like network ${other}`, hint: 'each network needs its own VLAN id' });
    else seenVlans.set(spec.vlan, name);
  }
  return parsed;
}

function checkGateway(name: string, spec: NetworkInput, net: Ipv4Network, fleet: CheckedFleet, report: Reporter): void {
  if (spec.gateway === undefined) return;
  const gateway = ipv4ToInt(spec.gateway);
  if (!contains(net, gateway) || gateway === net.network || gateway === net.broadcast) {
    report.at(fleet.fleet!.document, ['networks', name, 'gateway'], { code: 'GATEWAY_OUTSIDE_NETWORK', message: `gateway ${spec.gateway} is not a usable address of ${spec.cidr}`, hint: `usable addresses run from ${intToIpv4(net.network + 1)} to ${intToIpv4(net.broadcast - 1)}` });
  }
}

function checkPool(name: string, spec: NetworkInput, net: Ipv4Network, fleet: CheckedFleet, report: Reporter): void {
  const pool = spec.dhcp?.pool;
  if (!pool) return;
  const path = ['networks', name, 'dhcp', 'pool'];
  const start = ipv4ToInt(pool.start);
  const end = ipv4ToInt(pool.end);
  const usable = (a: number) => contains(net, a) && a !== net.network && a !== net.broadcast;
  if (!usable(start) || !usable(end)) {
    report.at(fleet.fleet!.document, path, { code: 'POOL_INVALID', message: `DHCP pool ${pool.start}–${pool.end} is not inside the usable addresses of ${spec.cidr}`, hint: `usable addresses run from ${intToIpv4(net.network + 1)} to ${intToIpv4(net.broadcast - 1)}` });
  } else if (start > end) {
    report.at(fleet.fleet!.document, path, { code: 'POOL_INVALID', message: `DHCP pool starts at ${pool.start}, after its end ${pool.end}`, hint: 'swap start and end' });
  } else if (spec.gateway !== undefined && ipv4ToInt(spec.gateway) >= start && ipv4ToInt(spec.gateway) <= end) {
    report.at(fleet.fleet!.document, path, { code: 'POOL_INVALID', message: `DHCP pool ${pool.start}–${pool.end} covers the gateway ${spec.gateway}`, hint: 'move the pool so it leaves the gateway out' });
  }
}
