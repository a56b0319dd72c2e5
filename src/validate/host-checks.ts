// The checks of one host file on its own, given the fleet-wide facts they read (HostContext): its
// name, references, interfaces and addresses, MTUs, spellings, hardware and disk layout, secrets and
// network boot. What it claims fleet-wide (MACs, addresses, BMC) is returned for checkClaims.
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { Reporter } from '../diagnostics/reporter.ts';
import type { HostInput } from '../model/input.ts';
import { checkHostAddresses, type HostClaims } from './checks/addresses.ts';
import { checkHostBoot } from './checks/boot.ts';
import { checkHostHardware } from './checks/hardware.ts';
import { checkHostMtus } from './checks/mtu.ts';
import { checkHostName } from './checks/names.ts';
import { checkHostReferences } from './checks/references.ts';
import { checkHostSecrets } from './checks/secrets.ts';
import { checkHostSpellings } from './checks/spellings.ts';
import type { Checked, HostContext } from './context.ts';

export interface HostFindings {
  diagnostics: Diagnostic[];
  claims: HostClaims;
}

export function checkHost(host: Checked<HostInput>, context: HostContext): HostFindings {
  const report = new Reporter();
  checkHostName(host, context, report);
  checkHostReferences(host, context, report);
  const claims = checkHostAddresses(host, context, report);
  checkHostMtus(host, context, report);
  checkHostSpellings(host, report);
  checkHostHardware(host, context, report);
  checkHostSecrets(host, report);
  checkHostBoot(host, context, report);
  return { diagnostics: report.diagnostics, claims };
}
