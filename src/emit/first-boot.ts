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
  const peersText = new WeakMap<Peer[], string>();
  return fleet.hosts.map((host): Artifact => ({
    path: `hosts/${host.name}/first-boot.json`,
    kind: 'first-boot',
    host: host.name,
    contents: `${firstBootJson(configs.get(host.name)!, peersText)}\n`,
  }));
  // Each host's file lists its peers' addresses: an edit of one host changes its cluster's files.
}, { crossHost: 'cluster' as const, perHost: true as const });

/**
 * JSON.stringify(config, null, 2), with each Raft group's peers (one array for all the hosts of a
 * group, SharedParts) printed once per array, not once per host: they are most of the file.
 */
export function firstBootJson(config: FirstBootConfig, peersText: WeakMap<Peer[], string>): string {
  const groups = config.raft.map((group) => {
    let peers = peersText.get(group.peers);
    if (peers === undefined) peersText.set(group.peers, (peers = JSON.stringify(group.peers, null, 2).replaceAll('\n', '\n      ')));
    return withMember(group, 'peers', peers, '    ');
  });
  return withMember(config, 'raft', groups.length === 0 ? '[]' : `[\n${groups.join(',\n')}\n  ]`, '');
}

/**
 * JSON.stringify(value, null, 2), indented by `indent` as a member of an array or object is, with
 * the member `key` printed as `text` (already indented for its place). The member is printed as 0
 * first: its line is the only one of the text that starts with a newline, the indent and two spaces,
 * and the key (a string's quotes and newlines are escaped, deeper members are indented further).
 */
function withMember(value: object, key: string, text: string, indent: string): string {
  let printed = JSON.stringify({ ...value, [key]: 0 }, null, 2);
  if (indent !== '') printed = indent + printed.replaceAll('\n', `\n${indent}`);
  const placeholder = `\n${indent}  ${JSON.stringify(key)}: 0`;
  const at = printed.indexOf(placeholder) + placeholder.length - 1;
  return `${printed.slice(0, at)}${text}${printed.slice(at + 1)}`;
}

/** Every host's first-boot plan, by host name (apply reads the secrets each host needs from it). */
export function firstBootConfigs(fleet: Fleet): Map<string, FirstBootConfig> {
  const shared = new SharedParts(fleet);
  const configs = new Map<string, FirstBootConfig>();
  for (const host of fleet.hosts) configs.set(host.name, firstBootConfig(fleet, host, shared));
  return configs;
}

/**
 * What many hosts' plans have in common, made once per call: each cluster's Raft groups in order,
 * each group's peers as seen from a host with or without an interface on the first-boot network
 * (the only thing of the viewer reachableAddress reads), the restart policy. The plans share these
 * objects; nothing changes them.
 */
class SharedParts {
  readonly restart: RestartPolicy;
  private readonly hosts: Map<string, Host>;
  private readonly groups = new Map<string, Cluster['raft']>();
  private readonly peers = new Map<Cluster['raft'][number], [Peer[]?, Peer[]?]>();

  constructor(private readonly fleet: Fleet) {
    this.restart = restartPolicy(fleet.firstBoot.retry);
    this.hosts = new Map(fleet.hosts.map((h) => [h.name, h]));
  }

  /** Ordered once per cluster that has hosts here (a streamed build passes a few hosts at a time). */
  groupsOf(cluster: Cluster): Cluster['raft'] {
    let groups = this.groups.get(cluster.name);
    if (!groups) this.groups.set(cluster.name, (groups = raftOrder(this.fleet, cluster)));
    return groups;
  }

  peersOf(group: Cluster['raft'][number], viewer: Host, onNetwork: boolean): Peer[] {
    let byView = this.peers.get(group);
    if (!byView) this.peers.set(group, (byView = []));
    const at = onNetwork ? 0 : 1;
    let peers = byView[at];
    if (!peers) {
      const ports = this.fleet.services[group.service]!.ports;
      const network = this.fleet.firstBoot.network;
      byView[at] = peers = group.voters.map((name): Peer => {
        const reach = reachableAddress(this.hosts.get(name)!, viewer, network)!;
        return { name, address: reach.address, network: reach.network, ports: { api: ports.api!.port, raft: ports.raft!.port } };
      });
    }
    return peers;
  }
}

/** Keys are written in a fixed order, so the same fleet gives the same bytes. */
function firstBootConfig(fleet: Fleet, host: Host, shared: SharedParts): FirstBootConfig {
  const policy = fleet.firstBoot;
  const cluster = fleet.clusters[host.cluster]!;
  const own = reachableAddress(host, host, policy.network);
  const ownAddress = own?.address ?? LOOPBACK;
  const role = cluster.bootstrap === host.name ? 'bootstrap' : 'join';
  const onNetwork = host.interfaces.some((nic) => nic.network === policy.network);
  const raft = shared.groupsOf(cluster).map((group): RaftMembership => ({
    service: group.service,
    mode: group.voters.includes(host.name) ? 'voter' : 'client',
    bootstrap: group.bootstrap,
    peers: shared.peersOf(group, host, onNetwork),
  }));
  const iamService = policy.iam && role === 'bootstrap' && raft.some((g) => g.service === policy.iam!.service) ? policy.iam.service : undefined;
  const health: HealthCheck[] = [];
  for (const name of host.services) {
    const service = fleet.services[name]!;
    const check = service.health;
    if (!check) continue;
    const port = service.ports[check.port]!.port;
    health.push(check.http !== undefined ? { service: name, kind: 'http', address: ownAddress, port, path: check.http } : { service: name, kind: 'tcp', address: ownAddress, port });
  }

  const steps: Step[] = [];
  const token = policy.joinToken !== undefined ? [policy.joinToken] : [];
  // One chain: each step after the one before it.
  const add = (name: string, unit: string, kind: StepKind, description: string, service: string | undefined, localServices: string[], credentials: string[]): void => {
    const after = steps.length > 0 ? [steps[steps.length - 1]!.name] : [];
    steps.push(service !== undefined ? { name, unit, kind, description, service, after, localServices, credentials } : { name, unit, kind, description, after, localServices, credentials });
  };
  let voter = false;
  for (const group of raft) {
    const voting = group.mode === 'voter';
    voter ||= voting;
    const description = voting ? `Join the ${group.service} Raft group of cluster ${cluster.name} (bootstrap it on ${group.bootstrap})` : `Register with the ${group.service} Raft group of cluster ${cluster.name} as a client`;
    add(`${group.service}-join`, `${group.service}-cluster-join`, 'raft-join', description, group.service, voting ? [group.service] : [], token);
  }
  if (iamService !== undefined) add('iam-setup', 'iam-initial-setup', 'iam-setup', `Create the initial IAM administrator of cluster ${cluster.name}`, iamService, [iamService], [...token, policy.iam!.adminPassword]);
  // The health check asks for membership (with the token) only in groups the host votes in.
  add('health-check', 'cluster-health-check', 'health-check', `Check that the platform services of ${host.name} are healthy`, undefined, health.map((h) => h.service), voter ? token : []);
  const used = usedCredentials(steps);

  const config: FirstBootConfig = { version: FIRST_BOOT_VERSION, fleet: fleet.name, host: host.name, cluster: cluster.name, role } as FirstBootConfig;
  if (cluster.bootstrap !== undefined) config.bootstrapHost = cluster.bootstrap;
  if (own) {
    config.address = own.address;
    config.network = own.network;
  }
  config.retry = policy.retry;
  config.restart = shared.restart;
  config.secrets = {};
  for (const name of used) config.secrets[name] = secretSource(name, fleet.secrets[name]!);
  if (policy.joinToken !== undefined && used.includes(policy.joinToken)) config.joinToken = policy.joinToken;
  config.raft = raft;
  if (iamService !== undefined) config.iam = { service: iamService, address: ownAddress, port: fleet.services[iamService]!.ports.api!.port, adminUser: policy.iam!.adminUser, adminPassword: policy.iam!.adminPassword };
  config.health = health;
  config.steps = steps;
  return config;
}

/** The secrets the steps load, sorted, each once (most hosts' steps share one token, or none). */
function usedCredentials(steps: readonly Step[]): string[] {
  const used: string[] = [];
  for (const step of steps) for (const name of step.credentials) if (!used.includes(name)) used.push(name);
  return used.sort();
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
