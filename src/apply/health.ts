// A host's health checks, from the fleet: its services' systemd units active (over SSH), their TCP
// ports open and their HTTP health endpoints answering 200 (from the machine running apply).
import http from 'node:http';
import net from 'node:net';
import type { Fleet, Host } from '../model/fleet.ts';
import type { EventSink } from './events.ts';
import type { StopControl } from './stop.ts';
import type { Ssh, SshTarget } from './transports/ssh.ts';

export type HealthCheck =
  | { kind: 'units'; units: string[] }
  | { kind: 'tcp'; port: number }
  | { kind: 'http'; port: number; path: string };

export function healthChecksFor(host: Host, fleet: Fleet): HealthCheck[] {
  const checks: HealthCheck[] = [{ kind: 'units', units: host.services.map((s) => `${s}.service`) }];
  for (const name of host.services) {
    const service = fleet.services[name]!;
    if (!service.health) continue;
    const port = service.ports[service.health.port]?.port;
    if (port === undefined) continue;
    checks.push(service.health.http ? { kind: 'http', port, path: service.health.http } : { kind: 'tcp', port });
  }
  return checks;
}

export interface HealthReport {
  ok: boolean;
  failures: string[];
}

export class HealthChecker {
  constructor(
    private readonly ssh: Ssh,
    private readonly emit: EventSink,
    private readonly dryRun: boolean,
    private readonly stop?: StopControl,
  ) {}

  async check(target: SshTarget, checks: readonly HealthCheck[]): Promise<HealthReport> {
    const failures: string[] = [];
    for (const check of checks) {
      const failure = await this.run(target, check);
      if (failure) failures.push(failure);
    }
    return { ok: failures.length === 0, failures };
  }

  /**
   * Checks until all pass or the timeout runs out; the last report is returned. An abort (a second
   * signal) ends the wait at once, unless the wait is a rollback's, which must see it through.
   */
  async waitHealthy(target: SshTarget, checks: readonly HealthCheck[], timeoutMs: number, intervalMs = 2_000, interruptible = true): Promise<HealthReport> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (interruptible && this.stop?.aborted) return { ok: false, failures: ['stopped by a second signal'] };
      const report = await this.check(target, checks);
      if (report.ok || this.dryRun || Date.now() + intervalMs > deadline) return report;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  private async run(target: SshTarget, check: HealthCheck): Promise<string | undefined> {
    switch (check.kind) {
      case 'units': {
        if (check.units.length === 0) return undefined;
        const result = await this.ssh.run(target, ['systemctl', 'is-active', '--quiet', ...check.units], 30_000);
        return result.ok ? undefined : `units not active: ${check.units.join(', ')}${result.stdout.trim() ? ` (${result.stdout.trim().replace(/\s+/g, ' ')})` : ''}`;
      }
      case 'tcp':
        return this.probe(target, ['tcp-connect', `${target.address}:${check.port}`], () => tcpOpen(target.address, check.port));
      case 'http':
        return this.probe(target, ['http-get', `http://${target.address}:${check.port}${check.path}`], () => httpOk(target.address, check.port, check.path));
    }
  }

  /** Network probes are reported like commands, so a dry run shows them and logs record them. */
  private async probe(target: SshTarget, argv: string[], attempt: () => Promise<string | undefined>): Promise<string | undefined> {
    this.emit({ type: 'command', host: target.host, argv });
    if (this.dryRun) return undefined;
    const started = performance.now();
    const failure = await attempt();
    this.emit({ type: 'command-finished', host: target.host, argv, exitCode: failure ? 1 : 0, durationMs: performance.now() - started, timedOut: false, output: failure ?? 'ok' });
    return failure;
  }
}

function tcpOpen(address: string, port: number, timeoutMs = 5_000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    const done = (failure: string | undefined) => {
      socket.destroy();
      resolve(failure);
    };
    socket.setTimeout(timeoutMs, () => done(`port ${port} did not answer within ${timeoutMs / 1000} s`));
    socket.on('connect', () => done(undefined));
    socket.on('error', (error) => done(`port ${port}: ${error.message}`));
  });
}

function httpOk(address: string, port: number, path: string, timeoutMs = 5_000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const request = http.get({ host: address, port, path, timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode === 200 ? undefined : `http://${address}:${port}${path} answered ${response.statusCode}`);
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', (error) => resolve(`http://${address}:${port}${path}: ${error.message}`));
  });
}
