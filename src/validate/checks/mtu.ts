// MTUs of NICs that carry an untagged network and tagged VLANs: the NIC runs at the untagged network's
// MTU, and a VLAN on it cannot carry larger frames (the kernel refuses a VLAN MTU above its NIC's).
import type { HostInput } from '../../model/input.ts';
import type { Checked, HostContext } from '../context.ts';
import type { Reporter } from '../../diagnostics/reporter.ts';

/** The kernel's MTU for Ethernet when nothing sets one. */
const DEFAULT_MTU = 1500;

export function checkHostMtus(host: Checked<HostInput>, context: HostContext, report: Reporter): void {
  const networks = context.fleet?.data.networks;
  if (!networks) return;
  // Only a host with a NIC on a tagged network has anything to compare.
  if (!host.data.interfaces.some((nic) => networks[nic.network]?.vlan !== undefined)) return;
  const nics = host.data.interfaces.map((nic, index) => ({ nic, index, network: networks[nic.network] })).filter((n) => n.network !== undefined);
  for (const tagged of nics) {
    if (tagged.network!.vlan === undefined) continue;
    const untagged = nics.find((n) => n.nic.name === tagged.nic.name && n.network!.vlan === undefined);
    if (!untagged) continue;
    const parentMtu = untagged.nic.mtu ?? untagged.network!.mtu ?? DEFAULT_MTU;
    const mtu = tagged.nic.mtu ?? tagged.network!.mtu ?? DEFAULT_MTU;
    if (mtu <= parentMtu) continue;
    report.at(host.document, ['interfaces', tagged.index, tagged.nic.mtu !== undefined ? 'mtu' : 'network'], {
      code: 'VLAN_MTU_EXCEEDS_NIC',
      message: `network ${tagged.nic.network} (VLAN ${tagged.network!.vlan}) needs MTU ${mtu}, but ${tagged.nic.name} runs at ${parentMtu} for its untagged network ${untagged.nic.network}, so the VLAN cannot carry such frames`,
      hint: `run ${tagged.nic.network} at ${parentMtu} on this host (mtu: ${parentMtu} on this interface), or give ${untagged.nic.network} MTU ${mtu} if every host and switch port on it takes jumbo frames`,
    });
  }
}
