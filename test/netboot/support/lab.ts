// A throw-away network for boot tests: a server namespace holding a bridge with the boot server's
// address, and a client namespace joined to the bridge by a veth pair (it keeps the bridge's carrier
// up, which Kea needs, and is where the raw DHCP client runs). Names carry a random suffix; close()
// stops every process the lab started (waiting for each to exit) and deletes the namespaces. Nothing
// here touches an address outside these namespaces.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';

export interface LabOptions {
  /** The bridge's name: the boot server interface the fleet's DHCP configuration names. */
  bridge: string;
  /** Server address with prefix, e.g. 10.20.0.2/24. */
  serverCidr: string;
  /** How many tap devices (tap0, tap1, …) for QEMU to put on the bridge. */
  taps?: number;
}

export interface LabProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
}

const live = new Set<Lab>();
// Last resort if the test process dies: synchronously stop children and delete namespaces.
process.once('exit', () => {
  for (const lab of live) lab.closeSync();
});

export class Lab {
  readonly server: string;
  readonly client: string;
  readonly taps: string[];
  readonly clientIface = 'vc0';
  private readonly processes: LabProcess[] = [];
  private closed = false;

  private constructor(readonly options: LabOptions, readonly logDir: string) {
    const suffix = randomBytes(4).toString('hex');
    this.server = `fleetc-boot-${suffix}`;
    this.client = `fleetc-cli-${suffix}`;
    this.taps = Array.from({ length: options.taps ?? 0 }, (_, i) => `tap${i}`);
  }

  /** Creates the namespaces; on any failure it deletes what it created and rethrows. */
  static create(options: LabOptions, logDir: string): Lab {
    const lab = new Lab(options, logDir);
    live.add(lab);
    try {
      const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
      ip('netns', 'add', lab.server);
      ip('netns', 'add', lab.client);
      ip('-n', lab.server, 'link', 'set', 'lo', 'up');
      ip('-n', lab.client, 'link', 'set', 'lo', 'up');
      ip('-n', lab.server, 'link', 'add', options.bridge, 'type', 'bridge');
      ip('-n', lab.server, 'addr', 'add', options.serverCidr, 'dev', options.bridge);
      ip('-n', lab.server, 'link', 'set', options.bridge, 'up');
      ip('-n', lab.server, 'link', 'add', 'vp0', 'type', 'veth', 'peer', 'name', lab.clientIface, 'netns', lab.client);
      ip('-n', lab.server, 'link', 'set', 'vp0', 'master', options.bridge, 'up');
      ip('-n', lab.client, 'link', 'set', lab.clientIface, 'up');
      for (const tap of lab.taps) {
        ip('-n', lab.server, 'tuntap', 'add', 'dev', tap, 'mode', 'tap');
        ip('-n', lab.server, 'link', 'set', tap, 'master', options.bridge, 'up');
      }
    } catch (error) {
      lab.closeSync();
      throw error;
    }
    return lab;
  }

  /** Runs a command inside the server (or client) namespace to completion. */
  run(args: readonly string[], where: 'server' | 'client' = 'server', input?: string): string {
    return execFileSync('ip', ['netns', 'exec', where === 'server' ? this.server : this.client, ...args], { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /** Starts a long-running process in the server namespace; its stdout and stderr go to <logDir>/<name>.log. */
  start(name: string, args: readonly string[], env: Record<string, string> = {}): LabProcess {
    if (this.closed) throw new Error('lab is closed');
    const logFile = `${this.logDir}/${name}.log`;
    const log = createWriteStream(logFile);
    const child = spawn('ip', ['netns', 'exec', this.server, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => {
        log.end();
        resolve(code);
      });
      child.once('error', () => resolve(-1));
    });
    const entry = { name, child, logFile, exited };
    this.processes.push(entry);
    return entry;
  }

  log(name: string): string {
    try {
      return readFileSync(`${this.logDir}/${name}.log`, 'utf8');
    } catch {
      return '';
    }
  }

  /** SIGTERM, wait for the exit (dhcpd takes over a second), SIGKILL after a grace period. */
  async stop(entry: LabProcess, graceMs = 5000): Promise<void> {
    if (entry.child.exitCode !== null || entry.child.signalCode !== null) return;
    entry.child.kill('SIGTERM');
    const timer = setTimeout(() => entry.child.kill('SIGKILL'), graceMs);
    await entry.exited;
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    for (const entry of [...this.processes].reverse()) await this.stop(entry);
    this.deleteNamespaces();
  }

  closeSync(): void {
    for (const entry of this.processes) if (entry.child.exitCode === null && entry.child.signalCode === null) entry.child.kill('SIGKILL');
    this.deleteNamespaces();
  }

  private deleteNamespaces(): void {
    this.closed = true;
    live.delete(this);
    for (const ns of [this.server, this.client]) {
      try {
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
      } catch {
        // Not created, or already gone.
      }
    }
  }
}

/** Polls until the predicate holds; throws with the description after the timeout. */
export async function waitFor(description: string, predicate: () => boolean, timeoutMs: number, intervalMs = 250): Promise<number> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return Date.now() - started;
}
