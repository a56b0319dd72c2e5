// resolve: checked documents → the typed Fleet model (profiles merged, defaults applied, normalised).
import type { StageResult } from '../diagnostics/diagnostic.ts';
import { Reporter } from '../diagnostics/reporter.ts';
import type { Cluster, Fleet, Host, Network, Service, ServicePort } from '../model/fleet.ts';
import type { FleetInput, HostInput, ServicePortInput } from '../model/input.ts';
import { intToIpv4, netmask, parseCidr } from '../model/ipv4.ts';
import { compareText } from '../diagnostics/diagnostic.ts';
import { checkSites } from './sites.ts';
import type { Checked, CheckedFleet } from '../validate/context.ts';
import { resolveClusters, type ClusterMember } from './clusters.ts';
import { checkPeerAddresses, resolveFirstBootPolicy } from './first-boot.ts';
import { hostCluster, resolveHost } from './hosts.ts';
import { pinFlakeInput } from './inputs.ts';
import { resolveProfiles } from './profiles.ts';
import type { ResolveMemo } from './memo.ts';

export { ResolveMemo } from './memo.ts';

export const DEFAULT_LEASE_SECONDS = 3600;
export const DEFAULT_MAX_PARALLEL = 1;
export const DEFAULT_HEALTH_TIMEOUT_SECONDS = 300;
/** nix-eval-jobs defaults: 4 workers, each restarted past 4 GiB (a NixOS evaluation takes 0.5–1.7 GB). */
export const DEFAULT_EVAL_WORKERS = 4;
export const DEFAULT_EVAL_MAX_MEMORY_MIB = 4096;
export const DEFAULT_DHCP_INTERFACES = ['*'];
export const DEFAULT_IPXE_BINARIES = { bios: 'undionly.kpxe', uefi: 'ipxe.efi', arm64: 'ipxe-arm64.efi' };
export const DEFAULT_MENU_TIMEOUT_SECONDS = 30;

/**
 * Needs a CheckedFleet without errors: it trusts every reference validate has checked. Given a
 * ResolveMemo, hosts whose file, profile and fleet.yaml are the same as in an earlier run are the
 * same Host objects (which later stages compare by identity; nobody changes a Host).
 */
export function resolveFleet(checked: CheckedFleet, memo?: ResolveMemo, partly?: PartialResolution): StageResult<Fleet> {
  const fleetFile = checked.fleet!;
  const input = fleetFile.data;
  const report = new Reporter();
  const networks: Record<string, Network> = {};
  for (const name of Object.keys(input.networks).sort()) {
    const spec = input.networks[name]!;
    const cidr = parseCidr(spec.cidr);
    if (!cidr.ok) throw new Error(`resolve: unchecked CIDR ${spec.cidr}`);
    networks[name] = {
      name,
      ...(spec.description !== undefined ? { description: spec.description } : {}),
      cidr: spec.cidr,
      prefixLength: cidr.value.prefixLength,
      netmask: netmask(cidr.value.prefixLength),
      broadcast: intToIpv4(cidr.value.broadcast),
      ...(spec.gateway !== undefined ? { gateway: spec.gateway } : {}),
      dns: spec.dns ?? [],
      ...(spec.vlan !== undefined ? { vlan: spec.vlan } : {}),
      ...(spec.mtu !== undefined ? { mtu: spec.mtu } : {}),
      ...(spec.dhcp ? { dhcp: { ...(spec.dhcp.pool ? { pool: spec.dhcp.pool } : {}), leaseSeconds: spec.dhcp.leaseSeconds ?? DEFAULT_LEASE_SECONDS } } : {}),
    };
  }
  const services = resolveServices(input);
  const profiles = memo ? memo.profiles(checked.profiles, () => resolveProfiles(checked.profiles)) : resolveProfiles(checked.profiles);
  const hostDocs = hostDocuments(checked);
  const resolve = (host: Checked<HostInput>) => resolveHost(host.name, host.data, input, profiles[host.data.profile]!, networks);
  const hosts: Host[] = [...hostDocs.values()]
    .filter((host) => !partly || partly.hosts.has(host.name))
    .sort((a, b) => compareText(a.name, b.name))
    .map((host) => (memo ? memo.host(host, input, profiles[host.data.profile]!, () => resolve(host)) : resolve(host)));
  const clusters = partly ? partly.clusters : resolveClusters(hosts, services, fleetFile, hostDocs, report, memo);
  if (!partly) checkSites(input.sites ?? [], hosts, clusters, fleetFile, hostDocs, report);
  const firstBoot = resolveFirstBootPolicy(input.firstBoot);
  if (!partly) checkPeerAddresses(hosts, clusters, firstBoot, hostDocs, report, memo);
  const fleet: Fleet = {
    name: input.name,
    ...(input.description !== undefined ? { description: input.description } : {}),
    domain: input.domain,
    inputs: Object.fromEntries(Object.keys(input.inputs).sort().map((name) => [name, pinFlakeInput(name, input.inputs[name]!)])),
    ...(input.platform ? { platform: { input: input.platform.input, overlays: input.platform.overlays ?? ['default'], modules: input.platform.modules ?? ['default'] } } : {}),
    networks,
    boot: {
      http: input.boot.http.replace(/\/+$/, ''),
      tftp: input.boot.tftp,
      interfaces: input.boot.interfaces ?? DEFAULT_DHCP_INTERFACES,
      ipxe: { ...DEFAULT_IPXE_BINARIES, ...input.boot.ipxe },
      menuTimeoutSeconds: input.boot.menuTimeoutSeconds ?? DEFAULT_MENU_TIMEOUT_SECONDS,
      ...(input.boot.server !== undefined ? { server: input.boot.server } : {}),
    },
    deploy: {
      order: input.deploy?.order ?? [],
      maxParallel: input.deploy?.maxParallel ?? DEFAULT_MAX_PARALLEL,
      healthTimeoutSeconds: input.deploy?.healthTimeoutSeconds ?? DEFAULT_HEALTH_TIMEOUT_SECONDS,
      powerOffDecommissioned: input.deploy?.powerOffDecommissioned ?? false,
      ...(input.deploy?.cache ? { cache: { url: input.deploy.cache.url, signingKey: input.deploy.cache.signingKey } } : {}),
      // Long enough for the health checks: a host that passes them in time is always confirmed.
      confirmTimeoutSeconds: input.deploy?.confirmTimeoutSeconds ?? (input.deploy?.healthTimeoutSeconds ?? DEFAULT_HEALTH_TIMEOUT_SECONDS) + 60,
      evaluation: { workers: input.deploy?.evaluation?.workers ?? DEFAULT_EVAL_WORKERS, maxMemoryMiB: input.deploy?.evaluation?.maxMemoryMiB ?? DEFAULT_EVAL_MAX_MEMORY_MIB },
      firstContact: input.deploy?.firstContact ?? 'refuse',
    },
    services,
    clusters,
    secrets: input.secrets ?? {},
    firstBoot,
    authorizedKeys: input.ssh?.authorizedKeys ?? [],
    profiles,
    sites: [...(input.sites ?? [])].sort(compareText),
    hosts,
  };
  return { value: fleet, diagnostics: report.diagnostics };
}

/**
 * Some hosts of a fleet whose build is known to have no diagnostics (a plan between two clean
 * builds: plan/shallow.ts): resolveFleet then resolves only these hosts, takes the clusters given
 * (clustersOf's, which are every host's), and runs no check — there is nothing to report.
 */
export interface PartialResolution {
  hosts: ReadonlySet<string>;
  clusters: Record<string, Cluster>;
}

/** What clustersOf reads of a host: its name, its file's cluster: and profile:, its bootstrap claim. */
export interface MemberFacts {
  name: string;
  cluster?: string;
  profile: string;
  bootstrap: boolean;
}

/**
 * The clusters resolveFleet gives (members, Raft groups, bootstrap hosts), from each host's facts
 * alone (one per host name), without reading or resolving the hosts; their diagnostics dropped
 * (for a fleet whose build is known clean).
 */
export function clustersOf(checked: Pick<CheckedFleet, 'fleet' | 'profiles'>, hosts: readonly MemberFacts[], memo?: ResolveMemo): Record<string, Cluster> {
  const input = checked.fleet!.data;
  const profiles = memo ? memo.profiles(checked.profiles, () => resolveProfiles(checked.profiles)) : resolveProfiles(checked.profiles);
  const sorted = [...hosts].sort((a, b) => compareText(a.name, b.name));
  const members: ClusterMember[] = sorted.map((host) => ({ name: host.name, cluster: hostCluster(host.cluster, input), services: profiles[host.profile]!.services }));
  // Only a claim is read of a host's file; nothing is reported (Discard).
  const claims = new Map(sorted.map((host) => [host.name, { data: { firstBoot: host.bootstrap ? { bootstrap: true } : undefined } } as unknown as Checked<HostInput>]));
  return resolveClusters(members, resolveServices(input), checked.fleet!, claims, new Discard());
}

/** A Reporter that keeps nothing (and so never locates a finding in its document). */
class Discard extends Reporter {
  override at(): void {}
}

/** Each host name's (first) document. */
function hostDocuments(checked: CheckedFleet): Map<string, Checked<HostInput>> {
  const hostDocs = new Map<string, Checked<HostInput>>();
  for (const host of checked.hosts) if (!hostDocs.has(host.name)) hostDocs.set(host.name, host);
  return hostDocs;
}

function resolveServices(input: FleetInput): Record<string, Service> {
  const services: Record<string, Service> = {};
  for (const name of Object.keys(input.services ?? {}).sort()) {
    const spec = input.services![name]!;
    const ports = Object.fromEntries(Object.entries(spec.ports ?? {}).map(([name, port]) => [name, resolvePort(port)]));
    const firstPort = Object.keys(ports)[0];
    services[name] = {
      name,
      ...(spec.description !== undefined ? { description: spec.description } : {}),
      raft: spec.raft ?? false,
      ports,
      ...(spec.health && (spec.health.port ?? firstPort) !== undefined ? { health: { ...(spec.health.http !== undefined ? { http: spec.health.http } : {}), port: (spec.health.port ?? firstPort)! } } : {}),
      after: spec.after ?? [],
    };
  }
  return services;
}

/** The plain-number form is a TCP port open on every network of the host. */
function resolvePort(input: ServicePortInput): ServicePort {
  if (typeof input === 'number') return { port: input, protocols: ['tcp'] };
  return { port: input.port, protocols: input.protocols ?? ['tcp'], ...(input.networks ? { networks: input.networks } : {}) };
}
