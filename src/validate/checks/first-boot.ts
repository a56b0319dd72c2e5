// fleet.yaml's first-boot settings: the network, secret and IAM service they name exist, and every
// Raft service has the api and raft ports the first-boot agent talks to.
import type { PathSegment } from '../../load/types.ts';
import { DEFAULT_IAM_SERVICE, RAFT_PORTS } from '../../model/first-boot.ts';
import type { CheckedFleet } from '../context.ts';
import type { Reporter } from '../../diagnostics/reporter.ts';
import { closestMatch } from '../suggest.ts';

export function checkFirstBoot(fleet: CheckedFleet, report: Reporter): void {
  const fleetFile = fleet.fleet;
  if (!fleetFile) return;
  const data = fleetFile.data;
  const services = data.services ?? {};

  for (const [name, service] of Object.entries(services)) {
    if (!service.raft) continue;
    const missing = RAFT_PORTS.filter((port) => service.ports?.[port] === undefined);
    if (missing.length === 0) continue;
    report.at(fleetFile.document, service.ports ? ['services', name, 'ports'] : ['services', name], {
      code: 'RAFT_PORTS_MISSING',
      message: `Raft service ${name} has no ${missing.join(' or ')} port`,
      hint: 'first boot calls the membership API on the port named api and advertises the port named raft to peers',
    });
  }

  const spec = data.firstBoot;
  if (!spec) return;
  const networks = Object.keys(data.networks);
  if (spec.network !== undefined && !networks.includes(spec.network)) {
    const suggestion = closestMatch(spec.network, networks);
    report.at(fleetFile.document, ['firstBoot', 'network'], { code: 'NETWORK_UNKNOWN', message: `network "${spec.network}" is not defined in fleet.yaml`, hint: suggestion ? `did you mean "${suggestion}"?` : `known networks: ${networks.join(', ')}` });
  }

  const secrets = Object.keys(data.secrets ?? {});
  // The message never repeats the value: someone may have written the secret itself there.
  const secretName = (path: PathSegment[], value: string): void => {
    if (secrets.includes(value)) return;
    report.at(fleetFile.document, path, { code: 'SECRET_UNKNOWN', message: `firstBoot.${path.slice(1).join('.')} must name a secret defined under secrets:, and this one is not`, hint: secrets.length ? `defined secrets: ${secrets.join(', ')}` : 'define it under secrets: as { file: … } or { env: … }' });
  };
  if (spec.joinToken !== undefined) secretName(['firstBoot', 'joinToken'], spec.joinToken);
  if (!spec.iam) return;
  secretName(['firstBoot', 'iam', 'adminPassword'], spec.iam.adminPassword);
  const iamService = spec.iam.service ?? DEFAULT_IAM_SERVICE;
  const path = spec.iam.service !== undefined ? ['firstBoot', 'iam', 'service'] : ['firstBoot', 'iam'];
  const raftServices = Object.keys(services).filter((name) => services[name]!.raft);
  if (services[iamService]?.raft) return;
  report.at(fleetFile.document, path, {
    code: 'IAM_SERVICE_INVALID',
    message: services[iamService] ? `IAM service ${iamService} is not a Raft service` : `IAM service ${iamService} is not defined in fleet.yaml`,
    hint: raftServices.length ? `IAM lives in a Raft service that the bootstrap host runs; set firstBoot.iam.service to one of: ${raftServices.join(', ')}` : 'the fleet has no Raft service to hold IAM',
  });
}
