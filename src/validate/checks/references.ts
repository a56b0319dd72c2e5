// References between files: profiles, their extends chains, services, clusters, networks, Nix modules.
import type { LoadedDocument, PathSegment } from '../../load/types.ts';
import type { HostInput, ProfileInput } from '../../model/input.ts';
import type { Checked, CheckedFleet, HostContext } from '../context.ts';
import type { Reporter } from '../../diagnostics/reporter.ts';
import { closestMatch } from '../suggest.ts';

/** Keys Nix gives meaning to inside an attribute set: a label named so would change host.nix's value. */
const NIX_RESERVED_KEYS = new Set(['outPath', '__toString', '__functor', '__ignoreNulls']);
const NIX_RESERVED_LIST = [...NIX_RESERVED_KEYS];

/** A profile name that no profile file defines, with a suggestion from the sorted names (never from another file's findings). */
function unknownProfile(report: Reporter, allProfileNames: ReadonlySet<string>, document: LoadedDocument, path: PathSegment[], name: string, what: string): void {
  if (allProfileNames.has(name)) return;
  const profileNames = [...allProfileNames].sort();
  const suggestion = closestMatch(name, profileNames);
  report.at(document, path, {
    code: 'PROFILE_UNKNOWN',
    message: `${what} names profile "${name}", which does not exist`,
    hint: suggestion ? `did you mean "${suggestion}"?` : `create profiles/${name}.yaml or use one of: ${profileNames.join(', ') || '(no profiles)'}`,
  });
}

/** What one host file names: its profile, cluster and networks; and its label keys. */
export function checkHostReferences(host: Checked<HostInput>, context: HostContext, report: Reporter): void {
  unknownProfile(report, context.allProfileNames, host.document, ['profile'], host.data.profile, `host "${host.name}"`);
  checkLabels(host.document, host.data.labels, report);
  const fleetData = context.fleet?.data;
  if (!fleetData) return;
  const clusters = fleetData.clusters ? namesOf(fleetData.clusters) : undefined;
  if (clusters && host.data.cluster !== undefined && !clusters.set.has(host.data.cluster)) unknownCluster(report, clusters.names, host.document, ['cluster'], host.data.cluster);
  const networks = namesOf(fleetData.networks);
  host.data.interfaces.forEach((nic, i) => {
    if (networks.set.has(nic.network)) return;
    const suggestion = closestMatch(nic.network, networks.names);
    report.at(host.document, ['interfaces', i, 'network'], { code: 'NETWORK_UNKNOWN', message: `network "${nic.network}" is not defined in fleet.yaml`, hint: suggestion ? `did you mean "${suggestion}"?` : `known networks: ${networks.names.join(', ')}` });
  });
}

/**
 * The keys of fleet.yaml's clusters or networks, listed once per fleet rather than once per host:
 * at 50,000 hosts in 500 clusters, a list per host and a search through it cost ~0.5 s.
 */
const knownNames = new WeakMap<object, { names: string[]; set: Set<string> }>();

function namesOf(record: object): { names: string[]; set: Set<string> } {
  let known = knownNames.get(record);
  if (!known) {
    const list = Object.keys(record);
    knownNames.set(record, (known = { names: list, set: new Set(list) }));
  }
  return known;
}

function unknownCluster(report: Reporter, clusters: string[], document: LoadedDocument, path: PathSegment[], name: string): void {
  if (clusters.includes(name)) return;
  const suggestion = closestMatch(name, clusters);
  report.at(document, path, { code: 'CLUSTER_UNKNOWN', message: `cluster "${name}" is not defined in fleet.yaml`, hint: suggestion ? `did you mean "${suggestion}"?` : `known clusters: ${clusters.join(', ')}` });
}

/** References of the profiles and of fleet.yaml (hosts' own are checkHostReferences'). */
export function checkReferences(fleet: CheckedFleet, report: Reporter): void {
  for (const profile of fleet.profiles) {
    if (profile.data.extends !== undefined) unknownProfile(report, fleet.allProfileNames, profile.document, ['extends'], profile.data.extends, `profile "${profile.name}"`);
  }
  checkCycles(fleet.profiles, report);

  const fleetFile = fleet.fleet;
  for (const profile of fleet.profiles) {
    checkLabels(profile.document, profile.data.labels, report);
    (profile.data.modules ?? []).forEach((module, i) => {
      if (fleet.nixFiles.has(module)) return;
      const suggestion = closestMatch(module, [...fleet.nixFiles.keys()]);
      report.at(profile.document, ['modules', i], { code: 'NIX_MODULE_MISSING', message: `module ${module} does not exist under nix/`, hint: suggestion ? `did you mean "${suggestion}"?` : 'paths are relative to the nix/ directory beside the fleet' });
    });
  }
  if (!fleetFile) return;

  const fleetData = fleetFile.data;
  (fleetData.deploy?.order ?? []).forEach((name, i) => unknownProfile(report, fleet.allProfileNames, fleetFile.document, ['deploy', 'order', i], name, 'deploy.order'));

  const services = Object.keys(fleetData.services ?? {});
  const unknownService = (document: LoadedDocument, path: PathSegment[], name: string): void => {
    if (services.includes(name)) return;
    const suggestion = closestMatch(name, services);
    report.at(document, path, { code: 'SERVICE_UNKNOWN', message: `service "${name}" is not defined in fleet.yaml`, hint: suggestion ? `did you mean "${suggestion}"?` : `define it under services: in fleet.yaml (known: ${services.join(', ') || 'none'})` });
  };
  for (const profile of fleet.profiles) (profile.data.services ?? []).forEach((name, i) => unknownService(profile.document, ['services', i], name));
  for (const [service, spec] of Object.entries(fleetData.services ?? {})) {
    (spec.after ?? []).forEach((name, i) => unknownService(fleetFile.document, ['services', service, 'after', i], name));
    const ports = Object.keys(spec.ports ?? {});
    if (spec.health?.port !== undefined && !ports.includes(spec.health.port)) {
      report.at(fleetFile.document, ['services', service, 'health', 'port'], { code: 'SERVICE_UNKNOWN', message: `service "${service}" has no port named "${spec.health.port}"`, hint: `named ports: ${ports.join(', ') || 'none'}` });
    }
  }

  const clusters = fleetData.clusters ? Object.keys(fleetData.clusters) : undefined;
  if (clusters && fleetData.defaults?.cluster !== undefined) unknownCluster(report, clusters, fleetFile.document, ['defaults', 'cluster'], fleetData.defaults.cluster);
}

function checkCycles(profiles: Checked<ProfileInput>[], report: Reporter): void {
  const byName = new Map<string, Checked<ProfileInput>>();
  for (const profile of profiles) if (!byName.has(profile.name)) byName.set(profile.name, profile);
  const reported = new Set<string>();
  for (const start of byName.values()) {
    const chain: string[] = [];
    let current: Checked<ProfileInput> | undefined = start;
    while (current && !chain.includes(current.name)) {
      chain.push(current.name);
      current = current.data.extends === undefined ? undefined : byName.get(current.data.extends);
    }
    if (!current) continue;
    const cycle = chain.slice(chain.indexOf(current.name));
    const text = [...cycle, cycle[0]].join(' → ');
    for (const member of cycle) {
      if (reported.has(member)) continue;
      reported.add(member);
      report.at(byName.get(member)!.document, ['extends'], { code: 'PROFILE_CYCLE', message: `profiles extend each other in a cycle: ${text}`, hint: 'break the cycle: one profile of it must not extend another' });
    }
  }
}

function checkLabels(document: LoadedDocument, labels: Record<string, string> | undefined, report: Reporter): void {
  // Almost no file has one: looked up, not listed, first.
  if (!labels || !NIX_RESERVED_LIST.some((key) => Object.hasOwn(labels, key))) return;
  for (const key of Object.keys(labels)) {
    if (NIX_RESERVED_KEYS.has(key)) {
      report.at(document, ['labels', key], { code: 'LABEL_KEY_RESERVED', part: 'key', message: `label key "${key}" is reserved by Nix`, hint: 'Nix treats this attribute name specially; choose another key' });
    }
  }
}
