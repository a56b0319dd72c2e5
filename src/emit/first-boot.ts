// hosts/<host>/first-boot.json: what the first-boot agent of one host does, in order, and whom it asks.
import type { Cluster, Fleet, Host, RetryPolicy } from '../model/fleet.ts';
import { reachableAddress, serviceNeeds } from '../model/first-boot.ts';
import { secretSource, type SecretSource } from '../model/secrets.ts';
import type { Artifact, Emitter } from './artifact.ts';

/** Bumped when the agent could misread an older file; schema/first-boot.schema.json pins it. 2: secrets are systemd credentials. */
export const FIRST_BOOT_VERSION = 2;

/** Health checks of a host without a static address (possible only without Raft groups) go here. */
const LOOPBACK = '127.0.0.1';

export type StepKind = 'raft-join' | 'iam-setup' | 'health-check';

/**
 * How systemd restarts a step whose agent gave up (exit 1), until it succeeds: RestartSec= the first
 * time, growing over RestartSteps= restarts to RestartMaxDelaySec= (systemd.service(5), v254+).
 */
export interface RestartPolicy {
  delaySeconds: number;
  maxDelaySeconds: number;
  steps: number;
}

export interface Peer {
  name: string;
  address: string;
  network: string;
  ports: { api: number; raft: number };
}

export interface RaftMembership {
  service: string;
  /** voter: bootstrap or join the group; client: register with it once it exists. */
  mode: 'voter' | 'client';
  bootstrap: string;
  /** The group's voters, by name. */
  peers: Peer[];
}

export interface HealthCheck {
  service: string;
  kind: 'http' | 'tcp';
  address: string;
  port: number;
  path?: string;
}

export interface Step {
  name: string;
  /** The systemd unit, without .service. */
  unit: string;
  kind: StepKind;
  description: string;
  service?: string;
  /** Steps that must have completed first. */
  after: string[];
  /** Platform services of this host the step talks to: started first (Wants=, After=). */
  localServices: string[];
  /** Secrets (by fleet name) the unit loads as credentials; the agent reads $CREDENTIALS_DIRECTORY/<name>. */
  credentials: string[];
}

export interface FirstBootConfig {
  version: number;
  fleet: string;
  host: string;
  cluster: string;
  role: 'bootstrap' | 'join';
  bootstrapHost?: string;
  /** Where peers reach this host, and on which network; absent without a static address (no Raft groups then). */
  address?: string;
  network?: string;
  retry: RetryPolicy;
  restart: RestartPolicy;
  /** Every secret a step loads: the file on the host, and who puts it there. Never a value. */
  secrets: Record<string, SecretSource>;
  /** Secret names. */
  joinToken?: string;
  raft: RaftMembership[];
  iam?: { service: string; address: string; port: number; adminUser: string; adminPassword: string };
  health: HealthCheck[];
  steps: Step[];
}

export const emitFirstBoot: Emitter = Object.assign((fleet: Fleet) => {
  const configs = firstBootConfigs(fleet);
  return fleet.hosts.map((host): Artifact => ({
    path: `hosts/${host.name}/first-boot.json`,
    kind: 'first-boot',
    host: host.name,
    contents: `${JSON.stringify(configs.get(host.name)!, null, 2)}\n`,
  }));
  // Each host's file lists its peers' addresses: an edit of one host changes its cluster's files.
}, { crossHost: 'cluster' as const, perHost: true as const });

/** Every host's first-boot plan, by host name (apply reads the secrets each host needs from it). */
export function firstBootConfigs(fleet: Fleet): Map<string, FirstBootConfig> {
  const hosts = new Map(fleet.hosts.map((h) => [h.name, h]));
  // Ordered once per cluster that has hosts here (a streamed build passes a few hosts at a time).
  const groups = new Map<string, Cluster['raft']>();
  const groupsOf = (name: string): Cluster['raft'] => groups.get(name) ?? groups.set(name, raftOrder(fleet, fleet.clusters[name]!)).get(name)!;
  return new Map(fleet.hosts.map((host) => [host.name, firstBootConfig(fleet, host, hosts, groupsOf(host.cluster))]));
}

/** Keys are written in a fixed order, so the same fleet gives the same bytes. */
function firstBootConfig(fleet: Fleet, host: Host, hosts: Map<string, Host>, groups: Cluster['raft']): FirstBootConfig {
  const policy = fleet.firstBoot;
  const cluster = fleet.clusters[host.cluster]!;
  const own = reachableAddress(host, host, policy.network);
  const ownAddress = own?.address ?? LOOPBACK;
  const role = cluster.bootstrap === host.name ? 'bootstrap' : 'join';
  const raft = groups.map((group): RaftMembership => ({
    service: group.service,
    mode: group.voters.includes(host.name) ? 'voter' : 'client',
    bootstrap: group.bootstrap,
    peers: group.voters.map((name) => {
      const peer = hosts.get(name)!;
      const reach = reachableAddress(peer, host, policy.network)!;
      const ports = fleet.services[group.service]!.ports;
      return { name, address: reach.address, network: reach.network, ports: { api: ports.api!.port, raft: ports.raft!.port } };
    }),
  }));
  const iamService = policy.iam && role === 'bootstrap' && raft.some((g) => g.service === policy.iam!.service) ? policy.iam.service : undefined;
  const health = host.services.flatMap((name): HealthCheck[] => {
    const check = fleet.services[name]!.health;
    if (!check) return [];
    const port = fleet.services[name]!.ports[check.port]!.port;
    return [{ service: name, kind: check.http !== undefined ? 'http' : 'tcp', address: ownAddress, port, ...(check.http !== undefined ? { path: check.http } : {}) }];
  });

  const steps: Step[] = [];
  const token = policy.joinToken !== undefined ? [policy.joinToken] : [];
  // One chain: each step after the one before it.
  const add = ({ localServices, credentials, ...step }: Omit<Step, 'after'>): void => {
    const previous = steps[steps.length - 1];
    steps.push({ ...step, after: previous ? [previous.name] : [], localServices, credentials });
  };
  for (const group of raft) {
    add({
      name: `${group.service}-join`,
      unit: `${group.service}-cluster-join`,
      kind: 'raft-join',
      description: group.mode === 'voter' ? `Join the ${group.service} Raft group of cluster ${cluster.name} (bootstrap it on ${group.bootstrap})` : `Register with the ${group.service} Raft group of cluster ${cluster.name} as a client`,
      service: group.service,
      localServices: group.mode === 'voter' ? [group.service] : [],
      credentials: token,
    });
  }
  if (iamService !== undefined) {
    add({ name: 'iam-setup', unit: 'iam-initial-setup', kind: 'iam-setup', description: `Create the initial IAM administrator of cluster ${cluster.name}`, service: iamService, localServices: [iamService], credentials: [...token, policy.iam!.adminPassword] });
  }
  // The health check asks for membership (with the token) only in groups the host votes in.
  add({ name: 'health-check', unit: 'cluster-health-check', kind: 'health-check', description: `Check that the platform services of ${host.name} are healthy`, localServices: health.map((h) => h.service), credentials: raft.some((g) => g.mode === 'voter') ? token : [] });
  const used = [...new Set(steps.flatMap((s) => s.credentials))].sort();

  return {
    version: FIRST_BOOT_VERSION,
    fleet: fleet.name,
    host: host.name,
    cluster: cluster.name,
    role,
    ...(cluster.bootstrap !== undefined ? { bootstrapHost: cluster.bootstrap } : {}),
    ...(own ? { address: own.address, network: own.network } : {}),
    retry: policy.retry,
    restart: restartPolicy(policy.retry),
    secrets: Object.fromEntries(used.map((name) => [name, secretSource(name, fleet.secrets[name]!)])),
    ...(policy.joinToken !== undefined && used.includes(policy.joinToken) ? { joinToken: policy.joinToken } : {}),
    raft,
    ...(iamService !== undefined
      ? { iam: { service: iamService, address: ownAddress, port: fleet.services[iamService]!.ports.api!.port, adminUser: policy.iam!.adminUser, adminPassword: policy.iam!.adminPassword } }
      : {}),
    health,
    steps,
  };
}

/** Raft groups so that each comes after the Raft services it needs (after:, transitively), else by name. */
function raftOrder(fleet: Fleet, cluster: Cluster): Cluster['raft'] {
  const needs = new Map(cluster.raft.map((group) => [group.service, serviceNeeds(fleet.services, group.service)]));
  const pending = [...cluster.raft];
  const ordered: Cluster['raft'] = [];
  while (pending.length > 0) {
    const ready = pending.findIndex((group) => !pending.some((other) => other !== group && needs.get(group.service)!.has(other.service)));
    // A cycle through after: falls back to name order.
    ordered.push(...pending.splice(Math.max(ready, 0), 1));
  }
  return ordered;
}

/**
 * The unit-level retry after the agent's own attempts: from the policy's first wait (at least 1 s, so a
 * fast failure cannot spin) to its cap, growing by about `backoff` per restart.
 */
export function restartPolicy(retry: RetryPolicy): RestartPolicy {
  const delaySeconds = Math.max(1, Math.ceil(retry.delaySeconds));
  const maxDelaySeconds = Math.max(delaySeconds, Math.ceil(retry.maxDelaySeconds));
  const steps = retry.backoff > 1 && maxDelaySeconds > delaySeconds ? Math.ceil(Math.log(maxDelaySeconds / delaySeconds) / Math.log(retry.backoff)) : 0;
  return { delaySeconds, maxDelaySeconds, steps };
}
