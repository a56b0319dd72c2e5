// Host interfaces and BMCs: MACs and IPs unique fleet-wide, addresses usable in their network.
import type { LoadedDocument, PathSegment } from '../../load/types.ts';
import { contains, ipv4ToInt, isIpv4 } from '../../model/ipv4.ts';
import { macProblem, normalizeMac } from '../../model/mac.ts';
import type { HostInput } from '../../model/input.ts';
import type { Checked, CheckedFleet, HostContext } from '../context.ts';
import type { Reporter } from '../../diagnostics/reporter.ts';
import { canonicalBmcAddress } from './spellings.ts';

/**
 * One thing a host file claims fleet-wide: a MAC or an address of its interface number `nic`. Where
 * it is written and who claims it (claimPath, claimWhat) are made only for a duplicate.
 */
export interface Claim {
  kind: 'mac' | 'ip';
  key: string;
  nic: number;
  /** False for a NIC listed again (another VLAN) with its own MAC: it is its own earlier claim. */
  check: boolean;
}

/** What a host file claims, in file order: each interface's MAC then its address; then its BMC. */
export interface HostClaims {
  claims: Claim[];
  bmc?: { key: string; address: string; what: string; isIpv4: boolean };
}

/** Where a claim is written in its host's file. */
function claimPath(claim: Claim): PathSegment[] {
  return ['interfaces', claim.nic, claim.kind === 'mac' ? 'mac' : 'address'];
}

/** Who claims it, as a diagnostic names it: the host and the NIC. */
function claimWhat(host: Checked<HostInput>, claim: Claim): string {
  return `${host.name} ${host.data.interfaces[claim.nic]!.name}`;
}

/**
 * One host's interfaces and BMC on their own: names, boot interface, MACs and addresses usable in
 * their networks. Returns what the host claims, for checkClaims to compare across the fleet.
 */
export function checkHostAddresses(host: Checked<HostInput>, context: HostContext, report: Reporter): HostClaims {
  const { document, data } = host;
  const networkSpecs = context.fleet?.data.networks ?? {};
  const interfaces = data.interfaces;
  // One NIC may appear once per network it carries (untagged once, tagged VLANs besides).
  const devices: string[] = [];
  const claims: Claim[] = [];
  let bootCount = 0;
  let secondBoot = -1;
  for (let i = 0; i < interfaces.length; i++) {
    const nic = interfaces[i]!;
    const mac = normalizeMac(nic.mac);
    const spec = networkSpecs[nic.network];
    const vlan = spec?.vlan;
    const device = vlan === undefined ? nic.name : `${nic.name}.${vlan}`;
    const knownMac = firstMacOf(interfaces, i);
    if (knownMac !== undefined && knownMac !== mac) {
      report.at(document, ['interfaces', i, 'mac'], { code: 'INTERFACE_DUPLICATE_NAME', message: `host ${host.name} names two NICs ${nic.name} (MACs ${knownMac} and ${mac})`, hint: 'give each NIC its own name; list a NIC again only to add a VLAN network, with the same MAC' });
    } else if (spec && devices.includes(device)) {
      // (Without the network's definition — fleet.yaml broken, or the network unknown, reported
      // there — whether the NIC is tagged is not known: no guess, no cascade into this file.)
      report.at(document, ['interfaces', i, 'name'], { code: 'INTERFACE_DUPLICATE_NAME', message: `host ${host.name} lists ${device} twice`, hint: vlan === undefined ? 'a NIC carries at most one untagged network' : `VLAN ${vlan} is already on ${nic.name}` });
    }
    devices.push(device);
    if (nic.boot && ++bootCount === 2) secondBoot = i;

    const problem = macProblem(mac);
    if (problem) report.at(document, ['interfaces', i, 'mac'], { code: 'MAC_INVALID', message: `MAC ${nic.mac} ${problem}`, hint: 'copy the MAC from the NIC label or the BMC inventory' });
    claims.push({ kind: 'mac', key: mac, nic: i, check: knownMac !== mac });

    if (nic.address === undefined) continue;
    claims.push({ kind: 'ip', key: nic.address, nic: i, check: true });
    const net = context.networks.get(nic.network);
    if (!net || !spec) continue;
    const address = ipv4ToInt(nic.address);
    if (!contains(net, address)) {
      report.at(document, ['interfaces', i, 'address'], { code: 'ADDRESS_OUTSIDE_NETWORK', message: `${nic.address} is outside network ${nic.network} (${spec.cidr})`, hint: `pick an address in ${spec.cidr}, or put the interface on the right network` });
    } else if (address === net.network || address === net.broadcast) {
      report.at(document, ['interfaces', i, 'address'], { code: 'ADDRESS_RESERVED', message: `${nic.address} is the ${address === net.network ? 'network' : 'broadcast'} address of ${spec.cidr}`, hint: 'pick a usable host address' });
    } else if (spec.gateway === nic.address) {
      report.at(document, ['interfaces', i, 'address'], { code: 'ADDRESS_RESERVED', message: `${nic.address} is the gateway of network ${nic.network}`, hint: 'pick an address other than the gateway' });
    } else if (spec.dhcp?.pool && address >= ipv4ToInt(spec.dhcp.pool.start) && address <= ipv4ToInt(spec.dhcp.pool.end)) {
      report.at(document, ['interfaces', i, 'address'], { code: 'ADDRESS_IN_POOL', message: `${nic.address} lies in the dynamic DHCP pool of ${nic.network} (${spec.dhcp.pool.start}–${spec.dhcp.pool.end})`, hint: 'static addresses must stay outside the pool, or the DHCP server may lease them to another machine' });
    }
  }
  if (bootCount !== 1) {
    const path: PathSegment[] = bootCount === 0 ? ['interfaces'] : ['interfaces', secondBoot, 'boot'];
    report.at(document, path, {
      code: 'BOOT_INTERFACE_COUNT',
      message: bootCount === 0 ? `host ${host.name} has no boot interface` : `host ${host.name} has ${bootCount} boot interfaces`,
      hint: 'mark exactly one interface with boot: true (the NIC that PXE-boots)',
    });
  }
  // The claims are hostClaims's (validate's knownClean path takes them from it without checking).
  return withBmc(host, claims);
}

/** What a host file claims fleet-wide, without checking anything (checkHostAddresses checks it). */
export function hostClaims(host: Checked<HostInput>): HostClaims {
  const interfaces = host.data.interfaces;
  const claims: Claim[] = [];
  for (let i = 0; i < interfaces.length; i++) {
    const nic = interfaces[i]!;
    const mac = normalizeMac(nic.mac);
    claims.push({ kind: 'mac', key: mac, nic: i, check: firstMacOf(interfaces, i) !== mac });
    if (nic.address !== undefined) claims.push({ kind: 'ip', key: nic.address, nic: i, check: true });
  }
  return withBmc(host, claims);
}

/** The claims with the host's BMC. One BMC, one key: case and a trailing dot do not make another machine. */
function withBmc(host: Checked<HostInput>, claims: Claim[]): HostClaims {
  const bmc = host.data.bmc;
  return bmc ? { claims, bmc: { key: canonicalBmcAddress(bmc.address), address: bmc.address, what: `the BMC of ${host.name}`, isIpv4: isIpv4(bmc.address) } } : { claims };
}

/** The (normalised) MAC of the first interface before `index` with its name, if any: a host lists a few. */
function firstMacOf(interfaces: HostInput['interfaces'], index: number): string | undefined {
  const name = interfaces[index]!.name;
  for (let j = 0; j < index; j++) if (interfaces[j]!.name === name) return normalizeMac(interfaces[j]!.mac);
  return undefined;
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
    return { document: host.document, what: claim ? claimWhat(host, claim) : claims.bmc!.what };
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
        claimIp(index, document, claimPath(claim), claim.key);
        continue;
      }
      const first = claim.check ? macs.get(claim.key) : undefined;
      if (first === undefined) {
        macs.set(claim.key, index);
        continue;
      }
      const use = earlier(first, 'mac', claim.key);
      report.at(document, claimPath(claim), { code: 'MAC_DUPLICATE', message: `MAC ${claim.key} is already used by ${use.what}${use.document === document ? '' : ` in ${use.document.file}`}`, hint: 'MACs are compared ignoring case and separators; each NIC has its own' });
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
