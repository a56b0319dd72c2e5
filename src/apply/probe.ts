// What each host really runs, read over SSH with pinned keys only (the fleet's or the recorded one,
// StrictHostKeyChecking=yes): `nixos-version --json`, whose configurationRevision is the fleet commit
// the running system was built from (the generated flake sets system.configurationRevision).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Host } from '../model/fleet.ts';
import { effectiveHostKey, withHostKey } from './host-keys.ts';
import type { StoredState } from './state.ts';
import { ProcessRunner } from './transports/command.ts';
import { knownHostsFor, pinnedTarget, Ssh } from './transports/ssh.ts';

export type Probe =
  | { host: string; outcome: 'runs'; commit: string }
  | { host: string; outcome: 'no-revision'; detail: string }
  | { host: string; outcome: 'unreachable'; detail: string }
  | { host: string; outcome: 'no-key' };

const PARALLEL = 8;

export async function probeHosts(hosts: readonly Host[], states: ReadonlyMap<string, StoredState>, options: { identityFile?: string; timeoutSeconds?: number } = {}): Promise<Map<string, Probe>> {
  const keyed = hosts.map((h) => withHostKey(h, effectiveHostKey(h, states.get(h.name)?.state).key));
  const dir = await mkdtemp(path.join(tmpdir(), 'fleetc-probe-'));
  try {
    const knownHostsFile = path.join(dir, 'known_hosts');
    await writeFile(knownHostsFile, knownHostsFor(keyed));
    const ssh = new Ssh(new ProcessRunner(() => undefined), { knownHostsFile, identityFile: options.identityFile, connectTimeoutSeconds: options.timeoutSeconds ?? 10 });
    const probes = new Map<string, Probe>();
    const queue = [...keyed];
    const worker = async () => {
      for (let host = queue.shift(); host; host = queue.shift()) probes.set(host.name, await probeOne(ssh, host));
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    return probes;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function probeOne(ssh: Ssh, host: Host): Promise<Probe> {
  if (!host.ssh.hostKey) return { host: host.name, outcome: 'no-key' };
  const result = await ssh.run(pinnedTarget(host), ['nixos-version', '--json'], 30_000);
  if (!result.ok) return { host: host.name, outcome: 'unreachable', detail: result.stderr.trim().split('\n').pop() || `exit ${result.exitCode}` };
  try {
    const revision = (JSON.parse(result.stdout) as { configurationRevision?: unknown }).configurationRevision;
    if (typeof revision === 'string' && /^[0-9a-f]{40}$/.test(revision)) return { host: host.name, outcome: 'runs', commit: revision };
    return { host: host.name, outcome: 'no-revision', detail: typeof revision === 'string' ? `it runs ${revision}, not a commit` : 'its system records no configurationRevision (not built by fleetc from a commit)' };
  } catch {
    return { host: host.name, outcome: 'no-revision', detail: 'nixos-version --json did not answer JSON' };
  }
}
