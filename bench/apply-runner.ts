// The doubles of bench:apply: one CommandRunner that answers nix-eval-jobs, nix build, nix store
// sign, nix copy, nixos-rebuild and the SSH commands at once (no process starts), and charges each
// its simulated cost — wall seconds on the host's lane, deployer CPU, bytes the deployer sends.
import { readFileSync } from 'node:fs';
import type { CommandResult, CommandRunner, CommandSpec } from '../src/apply/transports/command.ts';
import { DEPLOYER } from '../src/apply/evaluate.ts';
import { changedBytesPerHost, uniqueChangedBytes, type Costs } from './apply-costs.ts';

const OK = (stdout = ''): CommandResult => ({ exitCode: 0, stdout, stderr: '', timedOut: false, ok: true });

export interface Ledger {
  /** Simulated seconds spent per lane (a host, or the deployer) since the lane was last reset. */
  lanes: Map<string, number>;
  /** Bytes the deployer sent per lane: a wave's hosts share its uplink. */
  laneBytes: Map<string, number>;
  deployerCpuSeconds: number;
  deployerBytes: number;
  peakEvalMemoryGb: number;
  commands: number;
}

export class SimulatedRunner implements CommandRunner {
  readonly dryRun = false;
  readonly ledger: Ledger = { lanes: new Map(), laneBytes: new Map(), deployerCpuSeconds: 0, deployerBytes: 0, peakEvalMemoryGb: 0, commands: 0 };
  private readonly current = new Map<string, string>();

  constructor(
    private readonly costs: Costs,
    private readonly hostCount: number,
    /** Most hosts a wave runs at once (the old way's parallel evaluations are bounded by it). */
    private readonly parallel: number,
  ) {}

  async run(spec: CommandSpec): Promise<CommandResult> {
    this.ledger.commands++;
    const argv = spec.argv;
    const c = this.costs;
    if (argv[0] === 'nix-eval-jobs') {
      const workers = Math.min(Number(argv[argv.indexOf('--workers') + 1]), c.deployerCores);
      const names = [...readFileSync(argv.at(-1)!, 'utf8').matchAll(/= toplevel "([^"]+)";/g)].map((m) => m[1]!);
      this.charge(DEPLOYER, (names.length * c.evalCpuSecondsPerHost) / workers, names.length * c.evalCpuSecondsPerHost);
      // Each worker is restarted at its cap (--max-memory-size), so memory stays workers × cap.
      this.ledger.peakEvalMemoryGb = Math.max(this.ledger.peakEvalMemoryGb, workers * (Number(argv[argv.indexOf('--max-memory-size') + 1]) / 1024));
      return OK(names.map((n) => JSON.stringify({ attr: n, attrPath: [n], drvPath: `/nix/store/${hash(n)}-nixos-system-${n}.drv`, name: `nixos-system-${n}`, outputs: { out: `/nix/store/${hash(n)}-nixos-system-${n}` }, system: 'x86_64-linux' })).join('\n'));
    }
    if (argv[0] === 'nix') return this.nix(spec, argv.slice(3));
    if (argv[0] === 'nixos-rebuild') {
      // The old way: a fresh evaluation, a local build and a push of the whole change, per host.
      const bytes = changedBytesPerHost(c);
      const evalSeconds = c.evalCpuSecondsPerHost + c.flakeFetchSecondsPerRebuild;
      // Every rebuild of a wave is an evaluator process of its own, holding its memory while it waits for a core.
      this.ledger.peakEvalMemoryGb = Math.max(this.ledger.peakEvalMemoryGb, Math.min(this.parallel, this.hostCount) * c.evalMemoryGbPerHost);
      // A wave's rebuilds share the deployer's cores.
      const coreShare = Math.max(1, Math.min(this.parallel, this.hostCount) / c.deployerCores);
      this.charge(spec.host, (evalSeconds + c.buildCpuSecondsPerHost) * coreShare + bytes / c.deployerBytesPerSecond + c.activationSeconds, evalSeconds + c.buildCpuSecondsPerHost + (bytes / 1e9) * c.deployerCpuSecondsPerGbSent, bytes);
      return OK();
    }
    if (argv[0] === 'ssh') return this.ssh(spec, argv.slice(argv.indexOf('--') + 1));
    throw new Error(`bench:apply has no double for ${argv.join(' ')}`);
  }

  private nix(spec: CommandSpec, args: readonly string[]): CommandResult {
    const c = this.costs;
    if (args[0] === 'build') {
      const drvs = args.filter((a) => a.endsWith('^out'));
      // On the builders: no deployer CPU; the farm's slots build in parallel.
      this.charge(DEPLOYER, Math.ceil(drvs.length / c.builderSlots) * c.buildCpuSecondsPerHost, 0);
      return OK(drvs.map((d) => d.slice(0, -'.drv^out'.length)).join('\n'));
    }
    if (args[0] === 'store') return OK();
    if (args[0] === 'copy' && !args[2]!.startsWith('ssh-ng://')) {
      // Pushed once: each changed path once, from the deployer to the cache.
      const paths = args.filter((a) => a.startsWith('/nix/store/')).length;
      const bytes = (uniqueChangedBytes(this.hostCount, c) * paths) / this.hostCount;
      this.charge(DEPLOYER, bytes / c.deployerBytesPerSecond, (bytes / 1e9) * c.deployerCpuSecondsPerGbSent, bytes);
      return OK();
    }
    // nix copy --to ssh-ng://host --substitute-on-destination: the host fetches from the cache; the
    // deployer sends only the request and the path's metadata.
    this.charge(spec.host, c.sshRoundTripSeconds * 4 + changedBytesPerHost(c) / c.hostPullBytesPerSecond, 0.01, 10e3);
    return OK();
  }

  private ssh(spec: CommandSpec, command: readonly string[]): CommandResult {
    const c = this.costs;
    const line = command.join(' ');
    const activation = line.includes('switch-to-configuration switch') && line.startsWith('systemd-run -E');
    this.charge(spec.host, c.sshRoundTripSeconds + (activation ? c.activationSeconds : 0), 0.005, 5e3);
    if (activation) this.current.set(spec.host, command.at(-2)!.slice(0, -'/bin/switch-to-configuration'.length));
    if (line === 'readlink -f /run/current-system') return OK(this.current.get(spec.host) ?? `/nix/store/${hash(`${spec.host}-previous`)}-nixos-system-${spec.host}`);
    return OK();
  }

  private charge(lane: string, wallSeconds: number, cpuSeconds: number, bytes = 0): void {
    this.ledger.lanes.set(lane, (this.ledger.lanes.get(lane) ?? 0) + wallSeconds);
    this.ledger.deployerCpuSeconds += cpuSeconds;
    this.ledger.deployerBytes += bytes;
    this.ledger.laneBytes.set(lane, (this.ledger.laneBytes.get(lane) ?? 0) + bytes);
  }
}

/** A store-path-like hash (Nix's base-32 alphabet), stable per name. */
function hash(text: string): string {
  const alphabet = '0123456789abcdfghijklmnpqrsvwxyz';
  let h = 2166136261;
  let out = '';
  for (let i = 0; i < 32; i++) {
    for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    h = Math.imul(h ^ i, 16777619) >>> 0;
    out += alphabet[h % 32];
  }
  return out;
}
