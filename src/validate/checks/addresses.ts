// Host interfaces and BMCs: MACs and IPs unique fleet-wide, addresses usable in their network.
import type { LoadedDocument, PathSegment } from '../../load/types.ts';
import { contains, ipv4ToInt, isIpv4, type Ipv4Network } from '../../model/ipv4.ts';
import { macProblem, normalizeMac } from '../../model/mac.ts';
import type { CheckedFleet } from '../context.ts';
import type { Reporter } from '../../diagnostics/reporter.ts';
import { canonicalBmcAddress } from './spellings.ts';

interface FirstUse {
  document: LoadedDocument;
  what: string;
}

export function checkAddresses(fleet: CheckedFleet, networks: Map<string, Ipv4Network>, report: Reporter): void {
  const macs = new Map<string, FirstUse>();
  const ips = new Map<string, FirstUse>();
  const bmcs = new Map<string, FirstUse>();
  const networkSpecs = fleet.fleet?.data.networks ?? {};

  // Fleet-level addresses that hosts must not take.
  // (A boot server that is a host of the fleet holds that address itself: boot.server.)
  if (fleet.fleet && fleet.fleet.data.boot.server === undefined) {
    const tftp = fleet.fleet.data.boot.tftp;
    ips.set(tftp, { document: fleet.fleet.document, what: 'the boot server (boot.tftp)' });
  }

  const claimIp = (document: LoadedDocument, path: PathSegment[], address: string, what: string): void => {
    const earlier = ips.get(address);
    if (earlier) {
      report.at(document, path, { code: 'IP_DUPLICATE', message: `${address} is already used by ${earlier.what}${earlier.document === document ? '' : ` in ${earlier.document.file}`}`, hint: 'every address in the fleet must be unique' });
    } else {
      ips.set(address, { document, what });
    }
  };

  for (const host of fleet.hosts) {
    const { document, data } = host;
    // One NIC may appear once per network it carries (untagged once, tagged VLANs besides).
    const nicMacs = new Map<string, string>();
    const devices = new Set<string>();
    const bootIndexes: number[] = [];
    data.interfaces.forEach((nic, i) => {
      const path: PathSegment[] = ['interfaces', i];
      const mac = normalizeMac(nic.mac);
      const spec = networkSpecs[nic.network];
      const vlan = spec?.vlan;
      const device = vlan === undefined ? nic.name : `${nic.name}.${vlan}`;
      const knownMac = nicMacs.get(nic.name);
      if (knownMac !== undefined && knownMac !== mac) {
        report.at(document, [...path, 'mac'], { code: 'INTERFACE_DUPLICATE_NAME', message: `host ${host.name} names two NICs ${nic.name} (MACs ${knownMac} and ${mac})`, hint: 'give each NIC its own name; list a NIC again only to add a VLAN network, with the same MAC' });
      } else if (spec && devices.has(device)) {
        // (Without the network's definition — fleet.yaml broken, or the network unknown, reported
        // there — whether the NIC is tagged is not known: no guess, no cascade into this file.)
        report.at(document, [...path, 'name'], { code: 'INTERFACE_DUPLICATE_NAME', message: `host ${host.name} lists ${device} twice`, hint: vlan === undefined ? 'a NIC carries at most one untagged network' : `VLAN ${vlan} is already on ${nic.name}` });
      }
      devices.add(device);
      if (nic.boot) bootIndexes.push(i);

      const problem = macProblem(mac);
      if (problem) report.at(document, [...path, 'mac'], { code: 'MAC_INVALID', message: `MAC ${nic.mac} ${problem}`, hint: 'copy the MAC from the NIC label or the BMC inventory' });
      const earlierMac = knownMac === mac ? undefined : macs.get(mac);
      nicMacs.set(nic.name, nicMacs.get(nic.name) ?? mac);
      if (earlierMac) {
        report.at(document, [...path, 'mac'], { code: 'MAC_DUPLICATE', message: `MAC ${mac} is already used by ${earlierMac.what}${earlierMac.document === document ? '' : ` in ${earlierMac.document.file}`}`, hint: 'MACs are compared ignoring case and separators; each NIC has its own' });
      } else {
        macs.set(mac, { document, what: `${host.name} ${nic.name}` });
      }

      if (nic.address === undefined) return;
      claimIp(document, [...path, 'address'], nic.address, `${host.name} ${nic.name}`);
      const net = networks.get(nic.network);
      if (!net || !spec) return;
      const address = ipv4ToInt(nic.address);
      if (!contains(net, address)) {
        report.at(document, [...path, 'address'], { code: 'ADDRESS_OUTSIDE_NETWORK', message: `${nic.address} is outside network ${nic.network} (${spec.cidr})`, hint: `pick an address in ${spec.cidr}, or put the interface on the right network` });
      } else if (address === net.network || address === net.broadcast) {
        report.at(document, [...path, 'address'], { code: 'ADDRESS_RESERVED', message: `${nic.address} is the ${address === net.network ? 'network' : 'broadcast'} address of ${spec.cidr}`, hint: 'pick a usable host address' });
      } else if (spec.gateway === nic.address) {
        report.at(document, [...path, 'address'], { code: 'ADDRESS_RESERVED', message: `${nic.address} is the gateway of network ${nic.network}`, hint: 'pick an address other than the gateway' });
      } else if (spec.dhcp?.pool && address >= ipv4ToInt(spec.dhcp.pool.start) && address <= ipv4ToInt(spec.dhcp.pool.end)) {
        report.at(document, [...path, 'address'], { code: 'ADDRESS_IN_POOL', message: `${nic.address} lies in the dynamic DHCP pool of ${nic.network} (${spec.dhcp.pool.start}–${spec.dhcp.pool.end})`, hint: 'static addresses must stay outside the pool, or the DHCP server may lease them to another machine' });
      }
    });
    if (bootIndexes.length !== 1) {
      const path: PathSegment[] = bootIndexes.length === 0 ? ['interfaces'] : ['interfaces', bootIndexes[1]!, 'boot'];
      report.at(document, path, {
        code: 'BOOT_INTERFACE_COUNT',
        message: bootIndexes.length === 0 ? `host ${host.name} has no boot interface` : `host ${host.name} has ${bootIndexes.length} boot interfaces`,
        hint: 'mark exactly one interface with boot: true (the NIC that PXE-boots)',
      });
    }

    const bmc = data.bmc;
    if (bmc) {
      // One BMC, one key: case and a trailing dot do not make another machine.
      const earlier = bmcs.get(canonicalBmcAddress(bmc.address));
      if (earlier) report.at(document, ['bmc', 'address'], { code: 'BMC_ADDRESS_DUPLICATE', message: `BMC address ${bmc.address} is already used by ${earlier.what} in ${earlier.document.file}`, hint: 'each machine has its own BMC' });
      else bmcs.set(canonicalBmcAddress(bmc.address), { document, what: `the BMC of ${host.name}` });
      if (isIpv4(bmc.address) && !earlier) claimIp(document, ['bmc', 'address'], bmc.address, `the BMC of ${host.name}`);
    }
  }
}
