// Fake Raft services that speak exactly the membership, IAM and health contract of docs/first-boot.md,
// one HTTP server per (service, host) on 127.0.0.1 (or a given address and port), sharing cluster
// state like a real Raft group would — and enforcing quorum as Raft does: a membership change (a
// member added or removed) is committed only while a majority of the current members is up and in
// the cluster, and a member of a cluster that lost its majority reports itself unhealthy.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a node does with a request instead of answering it properly. */
export type Fault = 'reset' | 'garbage' | 'error500' | 'slow';

export interface Member {
  name: string;
  address: string;
  raftPort: number;
}

export interface FakeCluster {
  id: string;
  service: string;
  leader: string;
  members: Member[];
  clients: Array<{ name: string; address: string }>;
  iam?: { adminUser: string; adminPassword: string };
}

export interface RecordedRequest {
  method: string;
  path: string;
  at: number;
  authorization?: string;
}

export class FakeNode {
  readonly requests: RecordedRequest[] = [];
  cluster?: FakeCluster;
  /** Consulted for every request with its 0-based index; a fault replaces the proper answer. */
  fault?: (request: RecordedRequest, index: number) => Fault | undefined;
  healthy = true;
  /** Whether the service answers its health endpoint with 200 (when its cluster has a majority). */
  isHealthy: () => boolean = () => this.healthy;
  /** While false the node is down: every connection is reset, as for a machine that is off. */
  isUp: () => boolean = () => true;
  /** How long a 'slow' answer takes. */
  slowMilliseconds = 2000;
  port = 0;
  private server?: Server;

  constructor(
    readonly platform: FakePlatform,
    readonly service: string,
    readonly host: string,
  ) {}

  async start(listen: { address: string; port: number } = { address: '127.0.0.1', port: 0 }): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => this.server!.once('error', reject).listen(listen.port, listen.address, resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Up and a member of the cluster: a member that counts towards its quorum. */
  alive(cluster: FakeCluster): boolean {
    return this.isUp() && this.cluster === cluster;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  count(method: string, path: string): number {
    return this.requests.filter((r) => r.method === method && r.path === path).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.isUp()) {
      req.socket.destroy();
      return;
    }
    const request: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', at: Date.now(), ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) };
    const index = this.requests.push(request) - 1;
    const text = await readBody(req);
    switch (this.fault?.(request, index)) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'garbage':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>502 upstream garbage');
        return;
      case 'error500':
        // Echoes what it was sent, as a careless server might: the agent must not log secrets from it.
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `internal error handling ${text}` }));
        return;
      case 'slow':
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ member: false })), this.slowMilliseconds).unref();
        return;
    }
    const { status, body } = this.answer(request, text);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private answer(request: RecordedRequest, text: string): { status: number; body: unknown } {
    const route = `${request.method} ${request.path}`;
    if (route === 'GET /health') {
      if (this.cluster && !this.platform.quorate(this.cluster)) return { status: 503, body: { error: 'the cluster has lost its majority' } };
      return this.isHealthy() ? { status: 200, body: { status: 'ok' } } : { status: 503, body: { error: 'not ready' } };
    }
    if (this.platform.token !== undefined && request.authorization !== `Bearer ${this.platform.token}`) return { status: 401, body: { error: 'missing or wrong bearer token' } };
    let body: Record<string, unknown> = {};
    if (text !== '') {
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return { status: 400, body: { error: 'body is not JSON' } };
      }
    }
    const bad = (fields: Record<string, 'string' | 'integer' | 'array'>): string | undefined => {
      for (const [field, type] of Object.entries(fields)) {
        const value = body[field];
        const ok = type === 'integer' ? Number.isInteger(value) : type === 'array' ? Array.isArray(value) : typeof value === 'string' && value !== '';
        if (!ok) return `${field} must be ${type === 'integer' ? 'an integer' : `a ${type}`}`;
      }
      return undefined;
    };
    const view = (cluster: FakeCluster) => ({ clusterId: cluster.id, leader: cluster.leader, members: cluster.members });
    const memberFields = { name: 'string', address: 'string', raftPort: 'integer' } as const;
    switch (route) {
      case 'GET /cluster/v1/status':
        return { status: 200, body: this.cluster ? { member: true, ...view(this.cluster) } : { member: false, clusterId: null, leader: null, members: [] } };
      case 'POST /cluster/v1/bootstrap': {
        const problem = bad(memberFields);
        if (problem) return { status: 400, body: { error: problem } };
        if (this.cluster) return { status: 409, body: { error: 'already a member', ...view(this.cluster) } };
        const cluster: FakeCluster = { id: randomUUID(), service: this.service, leader: this.host, members: [member(body)], clients: [] };
        this.platform.clusters.set(cluster.id, cluster);
        this.platform.bootstraps.push({ service: this.service, host: this.host, clusterId: cluster.id });
        this.cluster = cluster;
        return { status: 200, body: view(cluster) };
      }
      case 'POST /cluster/v1/members': {
        const problem = bad(memberFields);
        if (problem) return { status: 400, body: { error: problem } };
        if (!this.cluster) return { status: 503, body: { error: 'not a member of a cluster' } };
        if (!this.platform.quorate(this.cluster)) return { status: 503, body: { error: 'no quorum: a majority of the members must be up to change the membership' } };
        const added = member(body);
        this.cluster.members = [...this.cluster.members.filter((m) => m.name !== added.name), added];
        this.platform.changes.push({ service: this.service, change: 'add', member: added.name, via: this.host });
        return { status: 200, body: view(this.cluster) };
      }
      case 'POST /cluster/v1/join': {
        const problem = bad({ clusterId: 'string', members: 'array' });
        if (problem) return { status: 400, body: { error: problem } };
        const cluster = this.platform.clusters.get(String(body.clusterId));
        if (this.cluster) return this.cluster === cluster ? { status: 200, body: { member: true, ...view(cluster) } } : { status: 409, body: { error: 'member of another cluster' } };
        if (!cluster || !cluster.members.some((m) => m.name === this.host)) return { status: 409, body: { error: 'this node was not added to that cluster' } };
        this.cluster = cluster;
        return { status: 200, body: { member: true, ...view(cluster) } };
      }
      case 'POST /cluster/v1/clients': {
        const problem = bad({ name: 'string', address: 'string' });
        if (problem) return { status: 400, body: { error: problem } };
        if (!this.cluster) return { status: 503, body: { error: 'not a member of a cluster' } };
        this.cluster.clients = [...this.cluster.clients.filter((c) => c.name !== body.name), { name: String(body.name), address: String(body.address) }];
        return { status: 200, body: { clusterId: this.cluster.id } };
      }
      case 'GET /iam/v1/status':
        if (!this.cluster) return { status: 503, body: { error: 'IAM needs the cluster' } };
        return { status: 200, body: { initialized: this.cluster.iam !== undefined } };
      case 'POST /iam/v1/bootstrap': {
        const problem = bad({ adminUser: 'string', adminPassword: 'string' });
        if (problem) return { status: 400, body: { error: problem } };
        if (!this.cluster) return { status: 503, body: { error: 'IAM needs the cluster' } };
        if (this.cluster.iam) return { status: 409, body: { error: 'already initialized' } };
        this.cluster.iam = { adminUser: String(body.adminUser), adminPassword: String(body.adminPassword) };
        return { status: 201, body: { initialized: true } };
      }
      default: {
        const removal = /^DELETE \/cluster\/v1\/members\/([^/]+)$/.exec(route);
        if (!removal) return { status: 404, body: { error: `no route ${route}` } };
        if (this.platform.token !== undefined && request.authorization !== `Bearer ${this.platform.token}`) return { status: 401, body: { error: 'missing or wrong bearer token' } };
        if (!this.cluster) return { status: 503, body: { error: 'not a member of a cluster' } };
        if (!this.platform.quorate(this.cluster)) return { status: 503, body: { error: 'no quorum: a majority of the members must be up to change the membership' } };
        const name = decodeURIComponent(removal[1]!);
        const cluster = this.cluster;
        cluster.members = cluster.members.filter((m) => m.name !== name);
        if (cluster.leader === name) cluster.leader = cluster.members.find((m) => this.platform.nodes.get(`${this.service}/${m.name}`)?.alive(cluster))?.name ?? cluster.members[0]?.name ?? '';
        const leaving = this.platform.nodes.get(`${this.service}/${name}`);
        if (leaving?.cluster === cluster) leaving.cluster = undefined;
        this.platform.changes.push({ service: this.service, change: 'remove', member: name, via: this.host });
        return { status: 200, body: view(cluster) };
      }
    }
  }
}

export class FakePlatform {
  readonly nodes = new Map<string, FakeNode>();
  readonly clusters = new Map<string, FakeCluster>();
  readonly bootstraps: Array<{ service: string; host: string; clusterId: string }> = [];
  /** Every committed membership change, in order. */
  readonly changes: Array<{ service: string; change: 'add' | 'remove'; member: string; via: string }> = [];
  /** When set, membership and IAM requests must carry it as a bearer token. */
  token?: string;

  /** The node of `service` on `host`, started on first use (on listen, or a free port of 127.0.0.1). */
  async node(service: string, host: string, listen?: { address: string; port: number }): Promise<FakeNode> {
    const key = `${service}/${host}`;
    let node = this.nodes.get(key);
    if (!node) {
      node = new FakeNode(this, service, host);
      this.nodes.set(key, node);
      await node.start(listen);
    }
    return node;
  }

  /** Whether a majority of the cluster's members is up and in it: Raft can commit. */
  quorate(cluster: FakeCluster): boolean {
    const alive = cluster.members.filter((m) => this.nodes.get(`${cluster.service}/${m.name}`)?.alive(cluster)).length;
    return alive >= Math.floor(cluster.members.length / 2) + 1;
  }

  get(service: string, host: string): FakeNode {
    const node = this.nodes.get(`${service}/${host}`);
    if (!node) throw new Error(`no fake ${service} on ${host}`);
    return node;
  }

  async close(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => n.close()));
  }
}

function member(body: Record<string, unknown>): Member {
  return { name: String(body.name), address: String(body.address), raftPort: Number(body.raftPort) };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
