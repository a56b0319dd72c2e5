// Raft membership from the deployer, through the membership contract of docs/first-boot.md (the
// README's "The membership contract"), on each voter's api port at the address apply reaches it on.
// A new voter joins only after the previous one is a member (apply waits for it); a brand-new group
// is bootstrapped on its first voter, since apply knows no other voter runs (as etcd's orchestrator
// says "initial-cluster-state=new"); a voter leaves its groups before it is powered off, and only
// while the voters that stay are a majority of the group they stay in.
import http from 'node:http';
import { firstBootConfigs, type FirstBootConfig } from '../emit/first-boot.ts';
import type { Fleet, Host } from '../model/fleet.ts';
import type { EventSink } from './events.ts';
import { pinnedTarget } from './transports/ssh.ts';

interface Member {
  name: string;
  address: string;
  raftPort: number;
}

interface Status {
  member: boolean;
  clusterId: string | null;
  leader: string | null;
  members: Member[];
}

export interface RaftSettings {
  /** The fleet at head (for a decommission: the voter as it was, found through host()). */
  fleet: Fleet;
  host: (name: string) => Host | undefined;
  /** Whether a voter runs now: deployed before and not being reinstalled, or deployed in this run. */
  running: (name: string) => boolean;
  /** firstBoot.joinToken's value, sent as a bearer token. */
  token?: string;
  emit: EventSink;
  dryRun: boolean;
  requestTimeoutMs: number;
}

export class RaftCoordinator {
  private readonly configs: Map<string, FirstBootConfig>;

  constructor(private readonly settings: RaftSettings) {
    this.configs = firstBootConfigs(settings.fleet);
  }

  /** The voters of a group ("cluster/service") at head. */
  voters(group: string): string[] {
    const [cluster, service] = group.split('/') as [string, string];
    return this.settings.fleet.clusters[cluster]?.raft.find((g) => g.service === service)?.voters ?? [];
  }

  /**
   * After a voter's install: bootstraps a group no other voter runs, then waits until the voter is a
   * member with a leader in each group. Returns why not, or undefined.
   */
  async join(host: Host, groups: readonly string[], timeoutMs: number): Promise<string | undefined> {
    for (const group of groups) {
      const service = group.split('/')[1]!;
      const fresh = this.voters(group).every((v) => v === host.name || !this.settings.running(v));
      if (fresh) {
        const status = await this.status(host, service);
        if (status && !status.member) {
          const config = this.configs.get(host.name);
          const raftPort = this.settings.fleet.services[service]!.ports.raft!.port;
          await this.request(host, service, 'POST', '/cluster/v1/bootstrap', { name: host.name, address: config?.address ?? pinnedTarget(host).address, raftPort });
        }
      }
      const deadline = Date.now() + timeoutMs;
      let last: Status | undefined;
      for (;;) {
        last = await this.status(host, service);
        if (this.settings.dryRun || (last?.member && last.leader)) break;
        if (Date.now() > deadline) return `${host.name} is not a member of ${group} after ${Math.round(timeoutMs / 1000)} s (${last ? (last.member ? 'no leader' : 'not a member yet') : 'its api does not answer'}); the next voter is not started`;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
    return undefined;
  }

  /**
   * Before a voter is powered off (decommission): it leaves each group it is a member of, through a
   * member that stays, and only while the members that stay and answer are a majority of the group
   * without it. Returns why it cannot, or undefined.
   */
  async leave(host: Host, groups: readonly string[]): Promise<string | undefined> {
    for (const group of groups) {
      const service = group.split('/')[1]!;
      const others = [...new Set(this.voters(group))].filter((v) => v !== host.name).map((v) => this.settings.host(v)).filter((h) => h !== undefined);
      const answers = new Map<string, Status | undefined>();
      for (const other of others) answers.set(other.name, await this.status(other, service));
      const own = await this.status(host, service);
      const view = [...answers.values(), own].find((s) => s?.member && s.leader) ?? [...answers.values(), own].find((s) => s?.member);
      if (this.settings.dryRun) {
        await this.request(others[0] ?? host, service, 'DELETE', `/cluster/v1/members/${encodeURIComponent(host.name)}`);
        continue;
      }
      if (!view || !view.members.some((m) => m.name === host.name)) continue; // not a member: nothing to leave
      const staying = view.members.filter((m) => m.name !== host.name);
      if (staying.length === 0) continue; // the last member: the group ends with it
      const alive = staying.filter((m) => answers.get(m.name)?.member && answers.get(m.name)?.clusterId === view.clusterId);
      const majority = Math.floor(staying.length / 2) + 1;
      if (alive.length < majority) {
        return `${host.name} cannot leave ${group}: of the ${staying.length} members that stay (${staying.map((m) => m.name).join(', ')}) only ${alive.length} answer as members (${alive.map((m) => m.name).join(', ') || 'none'}), fewer than the majority of ${majority} the group needs without it; it stays in the group and is not powered off`;
      }
      const through = alive.find((m) => m.name === view.leader) ?? alive[0]!;
      const answer = await this.request(this.settings.host(through.name)!, service, 'DELETE', `/cluster/v1/members/${encodeURIComponent(host.name)}`);
      const after = answer as Partial<Status> | undefined;
      if (!after || !Array.isArray(after.members) || after.members.some((m) => m.name === host.name)) return `${host.name} could not leave ${group} through ${through.name}`;
    }
    return undefined;
  }

  private async status(host: Host, service: string): Promise<Status | undefined> {
    const answer = (await this.request(host, service, 'GET', '/cluster/v1/status')) as Partial<Status> | undefined;
    return answer && typeof answer.member === 'boolean' ? { member: answer.member, clusterId: answer.clusterId ?? null, leader: answer.leader ?? null, members: Array.isArray(answer.members) ? answer.members : [] } : undefined;
  }

  /** One request, reported like a command; undefined when there is no 2xx JSON answer. */
  private async request(host: Host, service: string, method: string, path: string, body?: unknown): Promise<unknown> {
    const address = pinnedTarget(host).address;
    const port = this.settings.fleet.services[service]?.ports.api?.port;
    const argv = ['raft', method, `http://${address}:${port}${path}`, ...(body === undefined ? [] : [JSON.stringify(body)])];
    this.settings.emit({ type: 'command', host: host.name, argv });
    if (this.settings.dryRun || port === undefined) return undefined;
    const started = performance.now();
    const { status, text } = await send(address, port, method, path, body, this.settings.token, this.settings.requestTimeoutMs);
    const ok = status >= 200 && status < 300;
    this.settings.emit({ type: 'command-finished', host: host.name, argv, exitCode: ok ? 0 : 1, durationMs: performance.now() - started, timedOut: false, output: status ? `HTTP ${status} ${text.slice(0, 300)}` : text });
    if (!ok) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  }
}

function send(address: string, port: number, method: string, path: string, body: unknown, token: string | undefined, timeoutMs: number): Promise<{ status: number; text: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve) => {
    const request = http.request(
      { host: address, port, path, method, timeout: timeoutMs, headers: { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    request.on('error', (error) => resolve({ status: 0, text: error.message }));
    if (payload) request.write(payload);
    request.end();
  });
}
