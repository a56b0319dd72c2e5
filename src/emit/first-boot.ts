// hosts/<host>/first-boot.json: what the first-boot agent of one host does, in order, and whom it asks.
import type { Cluster, Fleet, Host, RetryPolicy } from '../model/fleet.ts';
import { reachableAddress, serviceNeeds } from '../model/first-boot.ts';
import type { Artifact, Emitter } from './artifact.ts';

/** Bumped when the agent could misread an older file; schema/first-boot.schema.json pins it. */
export const FIRST_BOOT_VERSION = 1;

/** Health checks of a host without a static address (possible only without Raft groups) go here. */
const LOOPBACK = '127.0.0.1';

export type StepKind = 'raft-join' | 'iam-setup' | 'health-check';

/** A secret by reference: its fleet name and where the agent reads it at run time. */
export type SecretReference = { secret: string; file: string } | { secret: string; env: string };

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
  joinToken?: SecretReference;
  raft: RaftMembership[];
  iam?: { service: string; address: string; port: number; adminUser: string; adminPassword: SecretReference };
  health: HealthCheck[];
  steps: Step[];
}

export const emitFirstBoot: Emitter = Object.assign((fleet: Fleet) => {
  const hosts = new Map(fleet.hosts.map((h) => [h.name, h]));
  const groups = new Map(Object.values(fleet.clusters).map((c) => [c.name, raftOrder(fleet, c)]));
  return fleet.hosts.map((host): Artifact => ({
    path: `hosts/${host.name}/first-boot.json`,
    kind: 'first-boot',
    host: host.name,
    contents: `${JSON.stringify(firstBootConfig(fleet, host, hosts, groups.get(host.cluster)!), null, 2)}\n`,
  }));
  // Each host's file lists its peers' addresses: an edit of one host changes its peers' files.
}, { crossHost: true });

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
  // One chain: each step after the one before it.
  const add = ({ localServices, ...step }: Omit<Step, 'after'>): void => {
    const previous = steps[steps.length - 1];
    steps.push({ ...step, after: previous ? [previous.name] : [], localServices });
  };
  for (const group of raft) {
    add({
      name: `${group.service}-join`,
      unit: `${group.service}-cluster-join`,
      kind: 'raft-join',
      description: group.mode === 'voter' ? `Join the ${group.service} Raft group of cluster ${cluster.name} (bootstrap it on ${group.bootstrap})` : `Register with the ${group.service} Raft group of cluster ${cluster.name} as a client`,
      service: group.service,
      localServices: group.mode === 'voter' ? [group.service] : [],
    });
  }
  if (iamService !== undefined) {
    add({ name: 'iam-setup', unit: 'iam-initial-setup', kind: 'iam-setup', description: `Create the initial IAM administrator of cluster ${cluster.name}`, service: iamService, localServices: [iamService] });
  }
  add({ name: 'health-check', unit: 'cluster-health-check', kind: 'health-check', description: `Check that the platform services of ${host.name} are healthy`, localServices: health.map((h) => h.service) });

  return {
    version: FIRST_BOOT_VERSION,
    fleet: fleet.name,
    host: host.name,
    cluster: cluster.name,
    role,
    ...(cluster.bootstrap !== undefined ? { bootstrapHost: cluster.bootstrap } : {}),
    ...(own ? { address: own.address, network: own.network } : {}),
    retry: policy.retry,
    ...(policy.joinToken !== undefined ? { joinToken: secretReference(fleet, policy.joinToken) } : {}),
    raft,
    ...(iamService !== undefined
      ? { iam: { service: iamService, address: ownAddress, port: fleet.services[iamService]!.ports.api!.port, adminUser: policy.iam!.adminUser, adminPassword: secretReference(fleet, policy.iam!.adminPassword) } }
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

function secretReference(fleet: Fleet, name: string): SecretReference {
  const ref = fleet.secrets[name]!;
  return 'file' in ref ? { secret: name, file: ref.file } : { secret: name, env: ref.env };
}
