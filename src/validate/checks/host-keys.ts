// Pinned SSH host keys: each must be a key (read by a real parser, not a pattern), and no two hosts
// may pin the same one — two machines showing one key means a copied key, or a copy-paste slip.
import type { CheckedFleet } from '../context.ts';
import type { Reporter } from '../../diagnostics/reporter.ts';
import { parsePublicKey } from '../../model/ssh-key.ts';

export function checkHostKeys(fleet: CheckedFleet, report: Reporter): void {
  const seen = new Map<string, string>();
  for (const host of fleet.hosts) {
    const line = host.data.ssh?.hostKey;
    if (line === undefined) continue;
    const parsed = parsePublicKey(line);
    if (!parsed.ok) {
      report.at(host.document, ['ssh', 'hostKey'], { code: 'HOST_KEY_INVALID', message: `ssh.hostKey of host ${host.name} is not an SSH public key: ${parsed.problem}`, hint: 'copy the whole line of the host\'s /etc/ssh/ssh_host_ed25519_key.pub, or leave ssh.hostKey out: fleetc records the key it installs when it provisions the host' });
      continue;
    }
    const other = seen.get(parsed.key.canonical);
    if (other !== undefined) {
      report.at(host.document, ['ssh', 'hostKey'], { code: 'HOST_KEY_DUPLICATE', message: `host ${host.name} pins the same SSH host key as ${other} (${parsed.key.fingerprint})`, hint: 'every machine has its own host key: pin each host\'s own /etc/ssh/ssh_host_ed25519_key.pub' });
    } else seen.set(parsed.key.canonical, host.name);
  }
}
