// The boot server as apply sees it: deployed first (its own wave), then checked over HTTP before any
// machine is network-booted — it must serve fleet-revision naming the commit it is recorded at, and
// the very boot scripts of the commit being applied — and the gate of network-only changes, which
// are recorded only once the boot server serves them.
import http from 'node:http';
import https from 'node:https';
import type { Artifact } from '../emit/artifact.ts';
import type { Host } from '../model/fleet.ts';
import type { EventSink } from './events.ts';
import { sameArtifacts } from './plan-from-state.ts';
import type { StoredState } from './state.ts';

export interface BootServerSettings {
  name: string;
  /** boot.http, without a trailing slash. */
  url: string;
  /** The boot server's artifact hashes at the commit being applied. */
  manifest: Record<string, string>;
  artifacts: readonly Artifact[];
  states: ReadonlyMap<string, StoredState>;
  emit: EventSink;
  dryRun: boolean;
}

export class BootServerCheck {
  constructor(private readonly settings: BootServerSettings) {}

  /** Why the boot server does not serve the commit yet (as recorded), or undefined when it does. */
  notReady(): string | undefined {
    const deployed = this.settings.states.get(this.settings.name)?.state.deployed;
    if (this.settings.dryRun || (deployed && sameArtifacts(deployed.artifacts, this.settings.manifest))) return undefined;
    return `the boot server ${this.settings.name} is not deployed at this commit${deployed ? ` (it is recorded at ${deployed.commit.slice(0, 12)})` : ''}; its DHCP and iPXE files are what this change needs`;
  }

  /** Before host is network-booted: the boot server serves its recorded commit and this commit's boot scripts. */
  async servesFor(host: Host): Promise<string | undefined> {
    const waiting = this.notReady();
    if (waiting) return waiting;
    const recorded = this.settings.states.get(this.settings.name)?.state.deployed?.commit;
    const revision = await this.fetch(host, '/fleet-revision');
    if (revision !== undefined && !this.settings.dryRun && revision.body.trim() !== recorded) {
      return `the boot server ${this.settings.name} serves revision ${revision.body.trim().slice(0, 40) || '(none)'} at ${this.settings.url}/fleet-revision, not ${recorded?.slice(0, 12)} it is recorded at: it was changed or rolled back by other means; not booting ${host.name} from it`;
    }
    const mac = host.interfaces.find((i) => i.boot)?.mac;
    for (const path of ['/boot.ipxe', `/hosts/${mac}.ipxe`]) {
      const expected = this.settings.artifacts.find((a) => a.path === `ipxe${path}`)?.contents;
      const served = await this.fetch(host, path);
      if (this.settings.dryRun) continue;
      if (!served) return `the boot server ${this.settings.name} does not answer ${this.settings.url}${path}; not booting ${host.name} from it`;
      if (served.body !== expected) return `the boot server ${this.settings.name} serves another ${this.settings.url}${path} than this commit's generated/ipxe${path}; not booting ${host.name} from it`;
    }
    return undefined;
  }

  /** A GET reported like a command; undefined when there is no 200 answer. */
  private async fetch(host: Host, path: string): Promise<{ body: string } | undefined> {
    const url = `${this.settings.url}${path}`;
    const argv = ['http-get', url];
    this.settings.emit({ type: 'command', host: host.name, argv });
    if (this.settings.dryRun) return undefined;
    const started = performance.now();
    const answer = await get(url);
    this.settings.emit({ type: 'command-finished', host: host.name, argv, exitCode: answer.status === 200 ? 0 : 1, durationMs: performance.now() - started, timedOut: false, output: answer.status ? `HTTP ${answer.status}` : answer.body });
    return answer.status === 200 ? { body: answer.body } : undefined;
  }
}

function get(url: string, timeoutMs = 10_000): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const request = (url.startsWith('https:') ? https : http).get(url, { timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    request.on('error', (error) => resolve({ status: 0, body: error.message }));
  });
}
