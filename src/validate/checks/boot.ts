// Network boot: each boot NIC sits on an untagged network that fleetc's DHCP server serves and gets
// an address there; the boot URL carries no credentials; kernel parameters fit in an iPXE script.
import { ipxeWordProblem } from '../../emit/ipxe/quote.ts';
import type { LoadedDocument } from '../../load/types.ts';
import type { HostInput, KernelInput } from '../../model/input.ts';
import { ipv4ToInt } from '../../model/ipv4.ts';
import type { Checked, CheckedFleet, HostContext } from '../context.ts';
import type { Reporter } from '../../diagnostics/reporter.ts';

/** Profiles' kernel parameters and the boot server (hosts' own are checkHostBoot's). */
export function checkBoot(fleet: CheckedFleet, report: Reporter): void {
  for (const profile of fleet.profiles) checkKernelParams(profile.document, profile.data.kernel, report);
  const fleetFile = fleet.fleet;
  if (!fleetFile) return;
  checkBootUrl(fleetFile.document, fleetFile.data.boot.http, report);
  checkBootServerOutsidePools(fleet, report);
  checkBootServerHost(fleet, report);
}

/** A host's kernel parameters, and its boot NIC on an untagged network that fleetc's DHCP serves. */
export function checkHostBoot(host: Checked<HostInput>, context: HostContext, report: Reporter): void {
  checkKernelParams(host.document, host.data.kernel, report);
  const networks = context.fleet?.data.networks;
  if (!networks) return;
  host.data.interfaces.forEach((nic, i) => {
    const network = networks[nic.network];
    if (!nic.boot || !network) return;
    if (network.dhcp === undefined) {
      report.at(host.document, ['interfaces', i, 'network'], {
        code: 'BOOT_NETWORK_NO_DHCP',
        message: `host ${host.name} boots from network ${nic.network}, which has no DHCP server`,
        hint: `add dhcp: {} to network ${nic.network} in fleet.yaml, or boot from an interface on a network that has one`,
      });
    } else if (network.vlan !== undefined) {
      report.at(host.document, ['interfaces', i, 'network'], {
        code: 'BOOT_NETWORK_TAGGED',
        message: `host ${host.name} boots from network ${nic.network}, which is tagged VLAN ${network.vlan}`,
        hint: 'PXE firmware sends untagged frames: boot from an untagged network',
      });
    } else if (nic.address === undefined && network.dhcp.pool === undefined) {
      report.at(host.document, ['interfaces', i], {
        code: 'BOOT_ADDRESS_MISSING',
        message: `boot interface ${nic.name} of host ${host.name} has no address, and network ${nic.network} has no dynamic pool to lease one from`,
        hint: `give the interface an address: in ${network.cidr} (its DHCP reservation)`,
      });
    }
  });
}

/** iPXE writes each kernel parameter as one word of its command line; see src/emit/ipxe/quote.ts. */
function checkKernelParams(document: LoadedDocument, kernel: KernelInput | undefined, report: Reporter): void {
  (kernel?.params ?? []).forEach((param, i) => {
    const problem = ipxeWordProblem(param);
    if (!problem) return;
    report.at(document, ['kernel', 'params', i], {
      code: 'KERNEL_PARAM_UNSAFE',
      message: `kernel parameter ${JSON.stringify(param)} ${problem}, so the iPXE boot script cannot pass it on`,
      hint: 'iPXE has no quoting: write the parameter without "${", and not as a word that is #…, ||, && or ;',
    });
  });
}

function checkBootUrl(document: LoadedDocument, http: string, report: Reporter): void {
  let url: URL;
  try {
    url = new URL(http);
  } catch {
    report.at(document, ['boot', 'http'], { code: 'BOOT_URL_INVALID', message: `boot.http ${JSON.stringify(http)} is not a valid URL`, hint: 'write an absolute http(s) URL such as http://10.20.0.2:8080/boot' });
    return;
  }
  const problem =
    url.username !== '' || url.password !== '' ? 'carries credentials, which would be written into every boot script and DHCP configuration' :
    url.search !== '' || http.includes('?') ? 'has a query string, so file paths cannot be appended to it' :
    url.hostname === '' ? 'has no host' :
    undefined;
  if (problem) {
    report.at(document, ['boot', 'http'], { code: 'BOOT_URL_INVALID', message: `boot.http ${problem}`, hint: 'write a plain base URL such as http://10.20.0.2:8080/boot; protect the boot server by network, not by a password in the URL' });
  }
}

/** The DHCP server must never lease the boot server's own address to a machine. */
function checkBootServerOutsidePools(fleet: CheckedFleet, report: Reporter): void {
  const fleetFile = fleet.fleet!;
  const server = ipv4ToInt(fleetFile.data.boot.tftp);
  for (const [name, network] of Object.entries(fleetFile.data.networks)) {
    const pool = network.dhcp?.pool;
    if (!pool) continue;
    if (server >= ipv4ToInt(pool.start) && server <= ipv4ToInt(pool.end)) {
      report.at(fleetFile.document, ['networks', name, 'dhcp', 'pool'], { code: 'POOL_INVALID', message: `DHCP pool ${pool.start}–${pool.end} covers the boot server ${fleetFile.data.boot.tftp} (boot.tftp)`, hint: 'move the pool so it leaves the boot server out' });
    }
  }
}

/** boot.server names a host of the fleet, and boot.tftp and boot.http's host are its static addresses. */
function checkBootServerHost(fleet: CheckedFleet, report: Reporter): void {
  const fleetFile = fleet.fleet!;
  const name = fleetFile.data.boot.server;
  if (name === undefined) return;
  const host = fleet.hosts.find((h) => h.name === name);
  if (!host) {
    if (!fleet.allHostNames.has(name)) report.at(fleetFile.document, ['boot', 'server'], { code: 'BOOT_SERVER_UNKNOWN', message: `boot.server names ${name}, which is not a host of the fleet`, hint: 'name the host whose file describes the boot server (hosts/<name>.yaml), or add it' });
    return;
  }
  const addresses = host.data.interfaces.map((i) => i.address).filter((a) => a !== undefined);
  let httpHost: string | undefined;
  try {
    httpHost = new URL(fleetFile.data.boot.http).hostname;
  } catch {
    return; // BOOT_URL_INVALID says so
  }
  for (const [key, value] of [['tftp', fleetFile.data.boot.tftp], ['http', httpHost]] as const) {
    if (addresses.includes(value)) continue;
    report.at(fleetFile.document, ['boot', key], {
      code: 'BOOT_SERVER_MISMATCH',
      message: `boot.${key} points at ${value}, which is not an address of the boot server ${name} (${addresses.join(', ') || 'it has no static address'})`,
      hint: `machines must reach the boot server at its own static address: use one of ${name}'s addresses, or give its boot interface that address`,
    });
  }
}
