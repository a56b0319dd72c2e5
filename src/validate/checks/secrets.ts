// Every secret has a way to where it is used: apply reads BMC passwords itself, so they must be on the
// deployer ({ file } or { env }); a first-boot secret is delivered by apply ({ file }, { env }) or kept
// on the host by another tool ({ host }), but never from the Nix store or fleetc's own directory.
import { CREDENTIALS_DIR, readableByApply } from '../../model/secrets.ts';
import type { HostInput } from '../../model/input.ts';
import type { Checked, CheckedFleet } from '../context.ts';
import type { Reporter } from '../../diagnostics/reporter.ts';

export function checkHostSecrets(host: Checked<HostInput>, report: Reporter): void {
  const password = host.data.bmc?.password;
  if (!password || readableByApply(password)) return;
  report.at(host.document, ['bmc', 'password', 'host'], {
    code: 'SECRET_NOT_READABLE',
    message: `the BMC password of ${host.name} is kept on the host, but fleetc apply reads it on the deployer to power the machine on before it runs`,
    hint: 'give it as { file: /path/on/the/deployer } or { env: VARIABLE }',
  });
}

export function checkSecrets(fleet: CheckedFleet, report: Reporter): void {
  const fleetFile = fleet.fleet;
  if (!fleetFile) return;
  const firstBoot = fleetFile.data.firstBoot;
  const names = [firstBoot?.joinToken, firstBoot?.iam?.adminPassword].filter((n): n is string => n !== undefined);
  for (const name of new Set(names)) {
    const ref = fleetFile.data.secrets?.[name];
    if (!ref || !('host' in ref)) continue;
    const inStore = ref.host.startsWith('/nix/store/');
    if (!inStore && !ref.host.startsWith(`${CREDENTIALS_DIR}/`)) continue;
    report.at(fleetFile.document, ['secrets', name, 'host'], {
      code: 'SECRET_NOT_DELIVERED',
      message: inStore
        ? `secret ${name} would be read from the Nix store, which every user of the host can read and no secret tool writes to`
        : `secret ${name} points into ${CREDENTIALS_DIR}, where fleetc apply writes the { file } and { env } secrets it delivers`,
      hint: 'use { file } or { env } to have fleetc apply deliver it, or the path your secret tool (sops-nix, agenix) writes, e.g. /run/agenix/<name>',
    });
  }
}
