// A lab of fake hosts for apply tests: one real sshd per host on its own loopback address, each
// answering through a fake NixOS host script; test doubles for nixos-rebuild, nixos-anywhere, nix
// and nix-eval-jobs on PATH; a git repository with a fleet whose hosts pin the sshds' host keys.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { compileFromDisk } from '../../src/compile/index.ts';
import { writeOutput } from '../../src/write/index.ts';
import { FleetRepo } from './git-repo.ts';
import { FakePlatform } from '../first-boot/fake-platform.ts';
import { FIXTURES } from './paths.ts';

export interface LabHost {
  name: string;
  /** control-plane hosts run chainfire (a fake of the membership contract); boot-server runs nothing. */
  profile: 'control-plane' | 'worker' | 'boot-server';
  /** Last octet of the host's address in the lab's loopback /24. */
  octet: number;
  /** Extra YAML lines for the host file (e.g. a bmc: block). */
  extra?: string;
}

export const DEFAULT_LAB_HOSTS: LabHost[] = [
  { name: 'cp-1', profile: 'control-plane', octet: 11 },
  { name: 'cp-2', profile: 'control-plane', octet: 12 },
  { name: 'cp-3', profile: 'control-plane', octet: 13 },
  { name: 'wk-1', profile: 'worker', octet: 21 },
];

export const SSH_PORT = 2222;
const HEALTH_PORT = 2379;

export interface DoubleCall {
  tool: 'nixos-rebuild' | 'nixos-anywhere' | 'nix' | 'nix-eval-jobs';
  argv: string[];
  NIX_SSHOPTS?: string;
  /** nix-eval-jobs: the expression file it was given. */
  expression?: string;
}

/**
 * A loopback /24 of its own (127.N.0.0/24) for each lab, so test files running in parallel never
 * contend for an address. N is claimed with an exclusive lock file (freed by releaseSubnet; a lock
 * whose process is gone is taken over).
 */
export function labSubnet(): string {
  const start = Math.floor(Math.random() * 240);
  for (let i = 0; i < 240; i++) {
    const n = 10 + ((start + i) % 240);
    const lock = subnetLock(`127.${n}.0`);
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return `127.${n}.0`;
    } catch {
      const owner = Number(readFileSync(lock, 'utf8'));
      if (!isAlive(owner)) {
        rmSync(lock, { force: true });
        i--;
      }
    }
  }
  throw new Error('no free loopback /24 for a test lab');
}

export function releaseSubnet(subnet: string): void {
  rmSync(subnetLock(subnet), { force: true });
}

function subnetLock(subnet: string): string {
  return path.join(tmpdir(), `fleetc-lab-${subnet}.lock`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export class Lab {
  readonly repo: FleetRepo;
  readonly dir: string;
  readonly clientKey: string;
  private readonly daemons: ChildProcess[] = [];
  /** chainfire on every control-plane host: the membership contract's fake, enforcing quorum. */
  readonly platform = new FakePlatform();

  constructor(
    readonly root: string,
    readonly hosts: LabHost[] = DEFAULT_LAB_HOSTS,
    readonly subnet: string = labSubnet(),
  ) {
    this.dir = path.join(root, 'lab');
    mkdirSync(path.join(this.dir, 'bin'), { recursive: true });
    for (const tool of ['nixos-rebuild', 'nixos-anywhere', 'nix', 'nix-eval-jobs', 'fake-first-boot.sh']) {
      writeFileSync(path.join(this.dir, 'bin', tool), readFileSync(path.join(FIXTURES, 'lab', tool)), { mode: 0o755 });
    }
    writeFileSync(path.join(this.dir, 'doubles.log'), '');
    this.clientKey = path.join(this.dir, 'client_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'fleetc-test', '-f', this.clientKey]);
    writeFileSync(path.join(this.dir, 'authorized_keys'), readFileSync(`${this.clientKey}.pub`));
    this.repo = new FleetRepo(path.join(root, 'repo'), null);
    for (const host of hosts) this.prepareHost(host);
    this.writeFleet();
  }

  /** The environment apply runs with: the doubles first on PATH, the lab for the doubles. */
  get env(): Record<string, string> {
    return { ...(process.env as Record<string, string>), PATH: `${path.join(this.dir, 'bin')}:${process.env.PATH}`, FLEETC_LAB: this.dir, FLEETC_LAB_NODE: process.execPath };
  }

  /** A host's address, by name or last octet. */
  address(host: LabHost | string | number): string {
    const octet = typeof host === 'number' ? host : typeof host === 'string' ? this.hosts.find((h) => h.name === host)!.octet : host.octet;
    return `${this.subnet}.${octet}`;
  }

  hostDir(host: LabHost | string): string {
    return path.join(this.dir, 'hosts', this.address(host));
  }

  publicHostKey(host: LabHost): string {
    return readFileSync(path.join(this.hostDir(host), 'ssh_host_ed25519_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  }

  /** What the fake host runs now (a fleet commit id, or "initial"). */
  current(name: string): string {
    return readFileSync(path.join(this.hostDir(name), 'current'), 'utf8').trim();
  }

  commandsOn(name: string): string[] {
    const file = path.join(this.hostDir(name), 'commands.log');
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  }

  /** Every call of the nixos-rebuild and nixos-anywhere doubles, in order, with its exact argv. */
  doubleCalls(): DoubleCall[] {
    // A double may be writing its line right now (the fault test reads while it runs): whole lines only.
    const text = readFileSync(path.join(this.dir, 'doubles.log'), 'utf8');
    return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter(Boolean).map((line) => JSON.parse(line) as DoubleCall);
  }

  /** What happened on the host besides SSH commands (the dead-man timer armed, fired, confirmed; sshd stopped). */
  eventsOn(name: string): string[] {
    const file = path.join(this.hostDir(name), 'events.log');
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  }

  /**
   * down: the machine is off (or not installed yet): its services do not answer, until an install.
   * cut-off: activating that configuration stops the host's sshd (and drops the connection).
   * system: the host's platform as its evaluation reports it; fail-eval: its evaluation fails.
   */
  setFlag(name: string, flag: 'unhealthy' | 'fail-build' | 'fail-activation' | 'delay' | 'delay-after' | 'down' | 'cut-off' | 'system' | 'fail-eval', value = 'any'): void {
    writeFileSync(path.join(this.hostDir(name), flag), `${value}\n`);
  }

  private prepareHost(host: LabHost): void {
    const dir = this.hostDir(host);
    mkdirSync(dir, { recursive: true });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'ssh_host_ed25519_key')]);
    for (const [file, text] of Object.entries({ current: 'initial', boot: 'initial', generations: '', boot_id: 'boot-0', 'commands.log': '', name: host.name })) writeFileSync(path.join(dir, file), text ? `${text}\n` : '');
    mkdirSync(path.join(this.dir, 'names'), { recursive: true });
    writeFileSync(path.join(this.dir, 'names', host.name), this.address(host));
    writeFileSync(
      path.join(dir, 'sshd_config'),
      [
        `ListenAddress ${this.address(host)}:${SSH_PORT}`,
        `HostKey ${dir}/ssh_host_ed25519_key`,
        `PidFile ${dir}/sshd.pid`,
        `AuthorizedKeysFile ${this.dir}/authorized_keys`,
        'StrictModes no',
        'UsePAM no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        `ForceCommand ${FIXTURES}/lab/fake-host.sh ${dir}`,
        'LogLevel ERROR',
        '',
      ].join('\n'),
    );
  }

  /** The fleet: 3 control-plane voters and a worker, keys pinned, addresses on loopback. */
  writeFleet(overrides: Record<string, string | null> = {}): void {
    const files: Record<string, string | null> = {
      'fleet.yaml': [
        'name: lab',
        'domain: lab.test',
        'inputs:',
        '  nixpkgs: { url: "github:NixOS/nixpkgs/nixos-26.05", rev: "7c8764b7c7b09b34f632464276218ef9090eaa11", narHash: "sha256-MWhktfFtFE8Jl7bf9Pkp7TR5MSdYCjCswSo0Gkb4ywc=", lastModified: 1791426274 }',
        '  disko: { url: "github:nix-community/disko", rev: "de5708739256238fb912c62f03988815db89ec9a", narHash: "sha256-CNzzBsRhq7gg4BMBuTDObiWDH/rFYHEuDRVOwCcwXw4=", lastModified: 1768920986 }',
        'networks:',
        `  prov: { cidr: ${this.subnet}.0/24, dhcp: {} }`,
        `boot: { http: "http://${this.subnet}.2:8080/boot", tftp: ${this.subnet}.2 }`,
        'deploy: { order: [control-plane, worker], maxParallel: 2, healthTimeoutSeconds: 3 }',
        'services:',
        '  chainfire: { raft: true, ports: { api: 2379, raft: 2380 }, health: { http: /health, port: api } }',
        '  novanet: { ports: { api: 7080 } }',
        'clusters: { core: {} }',
        'defaults: { cluster: core }',
        '',
      ].join('\n'),
      'profiles/base.yaml': 'modules: [profiles/base.nix]\n',
      'profiles/control-plane.yaml': 'extends: base\nservices: [chainfire, novanet]\n',
      'profiles/worker.yaml': 'extends: base\nservices: [novanet]\n',
      'profiles/boot-server.yaml': 'extends: base\n',
      ...Object.fromEntries(this.hosts.map((h, i) => [`hosts/${h.name}.yaml`, this.hostYaml(h, i)])),
      ...overrides,
    };
    this.repo.edit(files);
  }

  hostYaml(host: LabHost, index: number, hostKey = this.publicHostKey(host)): string {
    return [
      `profile: ${host.profile}`,
      'hardware:',
      `  disks: { main: { device: /dev/disk/by-id/nvme-lab${index}, size: 100G } }`,
      '  layout: { kind: single, disk: main }',
      'interfaces:',
      `  - { name: eno1, mac: "52:54:00:77:00:${(16 + index).toString(16)}", network: prov, address: ${this.address(host)}, boot: true }`,
      `ssh: { port: ${SSH_PORT}, hostKey: "${hostKey}" }`,
      ...(host.extra ? [host.extra] : []),
      '',
    ].join('\n');
  }

  /** Gives the repository a bare remote (origin) holding main, as CI's checkout would have; later commits are pushed (merged) to it. */
  addRemote(): string {
    const bare = path.join(this.root, 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', '--initial-branch=main', bare]);
    this.repo.git('remote', 'add', 'origin', bare);
    this.repo.git('push', '-q', 'origin', 'HEAD:refs/heads/main');
    this.pushes = true;
    return bare;
  }

  private pushes = false;

  /** Builds generated/ from the fleet (as an operator would before committing) and commits both (and merges them to the remote's main, if there is one). */
  async commit(message: string, options: { push?: boolean } = {}): Promise<string> {
    const result = await compileFromDisk(this.repo.paths);
    if (!result.artifacts) throw new Error(`lab fleet invalid: ${result.diagnostics.map((d) => `${d.file} ${d.code} ${d.message}`).join('; ')}`);
    await writeOutput(this.repo.paths.outDir, result.artifacts);
    const commit = this.repo.commit(message);
    if (this.pushes && options.push !== false) this.repo.git('push', '-q', 'origin', 'HEAD:refs/heads/main');
    return commit;
  }

  /**
   * Starts every host's sshd and, on control-plane hosts, chainfire: a fake node of the membership
   * contract on the api port, healthy unless the host is flagged unhealthy, unreachable while down.
   */
  async start(): Promise<void> {
    mkdirSync('/run/sshd', { recursive: true });
    for (const host of this.hosts) {
      const daemon = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', path.join(this.hostDir(host), 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
      this.daemons.push(daemon);
      if (host.profile === 'control-plane') {
        const node = await this.platform.node('chainfire', host.name, { address: this.address(host), port: HEALTH_PORT });
        const flag = path.join(this.hostDir(host), 'unhealthy');
        node.isHealthy = () => !(existsSync(flag) && ['any', this.current(host.name)].includes(readFileSync(flag, 'utf8').trim()));
        node.isUp = () => !existsSync(path.join(this.hostDir(host), 'down'));
      }
    }
    await Promise.all(this.hosts.map((h) => waitForPort(this.address(h), SSH_PORT)));
  }

  /**
   * The boot server's HTTP side, as fleetc's pxe-server module serves it under boot.http: the
   * generated/ipxe tree and fleet-revision of the commit the host runs (its `current`); with the
   * host's `boot-stale` flag (a commit id) it serves that commit instead, as a server rolled back
   * or changed by other means would.
   */
  async serveBoot(host: string): Promise<void> {
    const server = http.createServer((req, res) => {
      const stale = path.join(this.hostDir(host), 'boot-stale');
      const commit = existsSync(stale) ? readFileSync(stale, 'utf8').trim() : this.current(host);
      const file = (req.url ?? '').replace(/^\/boot\//, '');
      if (!/^[0-9a-f]{40}$/.test(commit) || !/^(fleet-revision|boot\.ipxe|hosts\/[0-9a-f:]+\.ipxe)$/.test(file)) return void res.writeHead(404).end();
      if (file === 'fleet-revision') return void res.writeHead(200).end(`${commit}\n`);
      try {
        res.writeHead(200).end(execFileSync('git', ['-C', this.repo.root, 'show', `${commit}:generated/ipxe/${file}`]));
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(8080, this.address(host), resolve));
    this.servers.push(server);
  }

  private readonly servers: http.Server[] = [];

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((s) => new Promise((resolve) => s.close(resolve))));
    for (const daemon of this.daemons) daemon.kill('SIGTERM');
    await Promise.all(this.daemons.map((d) => (d.exitCode === null ? new Promise((resolve) => d.once('exit', resolve)) : undefined)));
    // What the fake hosts started themselves: a dead-man timer still waiting, an sshd it started again.
    for (const host of this.hosts) {
      const dir = this.hostDir(host);
      if (!existsSync(dir)) continue;
      for (const file of readdirSync(dir).filter((f) => /^timer-.*\.pid$/.test(f))) {
        const leader = Number(readFileSync(path.join(dir, file), 'utf8'));
        if (existsSync(`/proc/${leader}`)) killProcess(-leader);
      }
      const sshdPid = existsSync(path.join(dir, 'sshd.pid')) ? Number(readFileSync(path.join(dir, 'sshd.pid'), 'utf8')) : 0;
      // Only that host's sshd: the pid file may name a process that is gone and an id now reused.
      if (sshdPid && existsSync(`/proc/${sshdPid}/cmdline`) && readFileSync(`/proc/${sshdPid}/cmdline`, { encoding: 'utf8', flag: 'r' }).includes(path.join(dir, 'sshd_config'))) killProcess(sshdPid);
    }
    await this.platform.close();
    releaseSubnet(this.subnet);
  }
}

/** Ends one process (or, negative, one process group) by its id; gone already is fine. */
function killProcess(pid: number): void {
  if (!Number.isInteger(pid) || pid === 0 || Math.abs(pid) === process.pid) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

async function waitForPort(host: string, port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on ${host}:${port}`);
}
