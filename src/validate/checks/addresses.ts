// Host interfaces and BMCs: MACs and IPs unique fleet-wide, addresses usable in their network.
import type { LoadedDocument, PathSegment } from '../../load/types.ts';
import { contains, ipv4ToInt, isIpv4 } from '../../model/ipv4.ts';
import { macProblem, normalizeMac } from '../../model/mac.ts';
import type { HostInput } from '../../model/input.ts';
import type { Checked, CheckedFleet, HostContext } from '../context.ts';
import type { Reporter } from '../../diagnostics/reporter.ts';
import { canonicalBmcAddress } from './spellings.ts';

/** One thing a host file claims fleet-wide: a MAC or an address (of an interface or of its BMC). */
export interface Claim {
  kind: 'mac' | 'ip';
  key: string;
  path: PathSegment[];
  what: string;
  /** False for a NIC listed again (another VLAN) with its own MAC: it is its own earlier claim. */
  check: boolean;
}

/** What a host file claims, in file order: each interface's MAC then its address; then its BMC. */
export interface HostClaims {
  claims: Claim[];
  bmc?: { key: string; address: string; what: string; isIpv4: boolean };
}

/**
 * One host's interfaces and BMC on their own: names, boot interface, MACs and addresses usable in
 * their networks. Returns what the host claims, for checkClaims to compare across the fleet.
 */
export function checkHostAddresses(host: Checked<HostInput>, context: HostContext, report: Reporter): HostClaims {
  const { document, data } = host;
  const networkSpecs = context.fleet?.data.networks ?? {};
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
    nicMacs.set(nic.name, nicMacs.get(nic.name) ?? mac);

    if (nic.address === undefined) return;
    const net = context.networks.get(nic.network);
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
  return hostClaims(host);
}

/** What a host file claims fleet-wide, without checking anything (checkHostAddresses checks it). */
export function hostClaims(host: Checked<HostInput>): HostClaims {
  const claims: HostClaims = { claims: [] };
  const nicMacs = new Map<string, string>();
  host.data.interfaces.forEach((nic, i) => {
    const mac = normalizeMac(nic.mac);
    const knownMac = nicMacs.get(nic.name);
    claims.claims.push({ kind: 'mac', key: mac, path: ['interfaces', i, 'mac'], what: `${host.name} ${nic.name}`, check: knownMac !== mac });
    nicMacs.set(nic.name, knownMac ?? mac);
    if (nic.address !== undefined) claims.claims.push({ kind: 'ip', key: nic.address, path: ['interfaces', i, 'address'], what: `${host.name} ${nic.name}`, check: true });
  });
  // One BMC, one key: case and a trailing dot do not make another machine.
  const bmc = host.data.bmc;
  if (bmc) claims.bmc = { key: canonicalBmcAddress(bmc.address), address: bmc.address, what: `the BMC of ${host.name}`, isIpv4: isIpv4(bmc.address) };
  return claims;
}

/**
 * MACs, addresses and BMCs unique fleet-wide: the first file (in fleet order) to claim one keeps it.
 * The maps hold the index of the claiming host (-1: fleet.yaml's boot server); what it claimed is
 * looked up only for a duplicate.
 */
export function checkClaims(fleet: CheckedFleet, hosts: ReadonlyArray<{ host: Checked<HostInput>; claims: HostClaims }>, report: Reporter): void {
  const macs = new Map<string, number>();
  const ips = new Map<string, number>();
  const bmcs = new Map<string, number>();
  // Fleet-level addresses that hosts must not take.
  // (A boot server that is a host of the fleet holds that address itself: boot.server.)
  if (fleet.fleet && fleet.fleet.data.boot.server === undefined) ips.set(fleet.fleet.data.boot.tftp, -1);
  const earlier = (index: number, kind: Claim['kind'], key: string): { document: LoadedDocument; what: string } => {
    if (index < 0) return { document: fleet.fleet!.document, what: 'the boot server (boot.tftp)' };
    const { host, claims } = hosts[index]!;
    const claim = claims.claims.find((c) => c.kind === kind && c.key === key);
    return { document: host.document, what: claim ? claim.what : claims.bmc!.what };
  };
  const claimIp = (index: number, document: LoadedDocument, path: PathSegment[], address: string): void => {
    const first = ips.get(address);
    if (first === undefined) return void ips.set(address, index);
    const use = earlier(first, 'ip', address);
    report.at(document, path, { code: 'IP_DUPLICATE', message: `${address} is already used by ${use.what}${use.document === document ? '' : ` in ${use.document.file}`}`, hint: 'every address in the fleet must be unique' });
  };

  hosts.forEach(({ host, claims }, index) => {
    const { document } = host;
    for (const claim of claims.claims) {
      if (claim.kind === 'ip') {
        claimIp(index, document, claim.path, claim.key);
        continue;
      }
      const first = claim.check ? macs.get(claim.key) : undefined;
      if (first === undefined) {
        macs.set(claim.key, index);
        continue;
      }
      const use = earlier(first, 'mac', claim.key);
      report.at(document, claim.path, { code: 'MAC_DUPLICATE', message: `MAC ${claim.key} is already used by ${use.what}${use.document === document ? '' : ` in ${use.document.file}`}`, hint: 'MACs are compared ignoring case and separators; each NIC has its own' });
    }
    const bmc = claims.bmc;
    if (!bmc) return;
    const first = bmcs.get(bmc.key);
    if (first !== undefined) {
      const other = hosts[first]!;
      report.at(document, ['bmc', 'address'], { code: 'BMC_ADDRESS_DUPLICATE', message: `BMC address ${bmc.address} is already used by ${other.claims.bmc!.what} in ${other.host.document.file}`, hint: 'each machine has its own BMC' });
    } else {
      bmcs.set(bmc.key, index);
      if (bmc.isIpv4) claimIp(index, document, ['bmc', 'address'], bmc.address);
    }
  });
}
