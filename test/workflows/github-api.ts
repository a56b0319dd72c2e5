// A local stand-in for the GitHub REST endpoints the workflow steps call, on loopback only: an
// issue's comments (list with per_page/page and a Link header, create, update), answered as GitHub
// documents them ("REST API endpoints for issue comments"). Each token the runner hands out carries
// the job's permissions; a write without pull-requests (or issues) write is 403 "Resource not
// accessible by integration", as GitHub answers a fork's read-only token. Every request is recorded.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Comment {
  id: number;
  body: string;
  user: { login: string; type: 'Bot' | 'User' };
  created_at: string;
  updated_at: string;
}

export interface ApiRequest {
  method: string;
  path: string;
  status: number;
  token?: string;
}

export class GitHubApi {
  private server?: Server;
  private nextId = 1000;
  /** Comments per "owner/repo#number". */
  readonly comments = new Map<string, Comment[]>();
  readonly requests: ApiRequest[] = [];
  /** token → the permissions the job gave it (e.g. { 'pull-requests': 'write' }). */
  readonly tokens = new Map<string, Record<string, string>>();

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, body, headers }) => {
        this.requests.push({ method: req.method!, path: req.url!, status, ...(bearer(req) ? { token: bearer(req) } : {}) });
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(body === undefined ? '' : JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A comment a person wrote on the pull request (the sticky comment must never take it over). */
  addUserComment(repository: string, number: number, body: string): void {
    this.list(repository, number).push({ id: this.nextId++, body, user: { login: 'octocat', type: 'User' }, created_at: now(), updated_at: now() });
  }

  list(repository: string, number: number): Comment[] {
    const key = `${repository}#${number}`;
    if (!this.comments.has(key)) this.comments.set(key, []);
    return this.comments.get(key)!;
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body?: unknown; headers?: Record<string, string> }> {
    const token = bearer(req);
    const permissions = token ? this.tokens.get(token) : undefined;
    if (!permissions) return { status: 401, body: { message: 'Bad credentials' } };
    const url = new URL(req.url!, 'http://localhost');
    const canWrite = permissions['pull-requests'] === 'write' || permissions.issues === 'write';
    const forbidden = { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/issues/comments' } };
    let match = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
    if (match && req.method === 'GET') {
      const all = this.list(match[1]!, Number(match[2]));
      const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
      const page = Number(url.searchParams.get('page') ?? 1);
      const slice = all.slice((page - 1) * perPage, page * perPage);
      const last = Math.max(1, Math.ceil(all.length / perPage));
      const link = page < last ? `<${this.url}${url.pathname}?per_page=${perPage}&page=${page + 1}>; rel="next", <${this.url}${url.pathname}?per_page=${perPage}&page=${last}>; rel="last"` : '';
      return { status: 200, body: slice, headers: link ? { link } : {} };
    }
    if (match && req.method === 'POST') {
      if (!canWrite) return forbidden;
      const { body } = JSON.parse(await read(req)) as { body: string };
      if (body.length > 65_536) return { status: 422, body: { message: 'Validation Failed', errors: [{ field: 'body', code: 'custom', message: 'body is too long (maximum is 65536 characters)' }] } };
      const comment: Comment = { id: this.nextId++, body, user: { login: 'github-actions[bot]', type: 'Bot' }, created_at: now(), updated_at: now() };
      this.list(match[1]!, Number(match[2])).push(comment);
      return { status: 201, body: comment };
    }
    match = /^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (match && req.method === 'PATCH') {
      if (!canWrite) return forbidden;
      const comment = [...this.comments.entries()].filter(([key]) => key.startsWith(`${match![1]}#`)).flatMap(([, list]) => list).find((c) => c.id === Number(match![2]));
      if (!comment) return { status: 404, body: { message: 'Not Found' } };
      if (comment.user.type !== 'Bot') return forbidden;
      const { body } = JSON.parse(await read(req)) as { body: string };
      comment.body = body;
      comment.updated_at = now();
      return { status: 200, body: comment };
    }
    return { status: 404, body: { message: 'Not Found' } };
  }
}

function bearer(req: IncomingMessage): string | undefined {
  return /^(?:Bearer|token) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function now(): string {
  return new Date().toISOString();
}
