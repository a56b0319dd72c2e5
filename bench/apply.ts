// npm run bench:apply: apply's scheduler at 100, 1,000 and 5,000 simulated hosts, through doubles of
// nix-eval-jobs, nix build, nix copy and switch-to-configuration (bench/apply-runner.ts) whose costs
// are calibrated in bench/apply-costs.ts. For each size it runs the real pipeline and rollout code
// (src/apply/pipeline.ts, plan/waves.ts, rollout.ts, steps.ts, pull-update.ts) twice: through the
// cache (evaluate once, build on builders, push once, hosts pull) and the old way (one nixos-rebuild
// per host), and prints the simulated wall time, deployer CPU and bytes the deployer sends, and the
// scheduler's own measured CPU per host, which must stay flat from 100 to 5,000 hosts.
// BENCH_APPLY_SIZES=100,1000 chooses the sizes.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Fleet, Host } from '../src/model/fleet.ts';
import { planWaves } from '../src/plan/waves.ts';
import { DEPLOYER } from '../src/apply/evaluate.ts';
import { HealthChecker, healthChecksFor } from '../src/apply/health.ts';
import { prepareClosures } from '../src/apply/pipeline.ts';
import { runRollout, type RolloutJob } from '../src/apply/rollout.ts';
import { runHostJob, type StepContext } from '../src/apply/steps.ts';
import { StopControl } from '../src/apply/stop.ts';
import { NixDeployer } from '../src/apply/transports/nix.ts';
import { Ssh } from '../src/apply/transports/ssh.ts';
import type { RaftCoordinator } from '../src/apply/raft.ts';
import { COSTS, changedBytesPerHost, uniqueChangedBytes } from './apply-costs.ts';
import { SimulatedRunner } from './apply-runner.ts';

const SIZES = (process.env.BENCH_APPLY_SIZES ?? '100,1000,5000').split(',').map(Number);
const MAX_PARALLEL = 50;
const PROFILES = ['control-plane', 'storage', 'worker'];
/** The scheduler's CPU per host may grow by at most this factor from the smallest size to the largest. */
const FLAT_FACTOR = 2;

interface Outcome {
  wallSeconds: number;
  deployerCpuSeconds: number;
  deployerBytes: number;
  peakEvalMemoryGb: number;
  schedulerMicrosPerHost: number;
  deployed: number;
}

function syntheticFleet(count: number, cached: boolean): Fleet {
  const hosts: Host[] = [];
  for (let i = 0; i < count; i++) {
    const name = `h${String(i).padStart(5, '0')}`;
    const profile = PROFILES[i % PROFILES.length]!;
    const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    hosts.push({ name, fqdn: `${name}.bench.test`, profile, profiles: [profile], system: 'x86_64-linux', services: ['novanet'], labels: {}, interfaces: [{ name: 'eno1', mac: '52:54:00:00:00:00', network: 'prov', boot: true, device: 'eno1', address }], ssh: { port: 22, user: 'root', hostKey: 'ssh-ed25519 AAAA' } } as unknown as Host);
  }
  const deploy = { order: PROFILES, maxParallel: MAX_PARALLEL, healthTimeoutSeconds: 60, powerOffDecommissioned: false, confirmTimeoutSeconds: 120, evaluation: { workers: COSTS.deployerCores, maxMemoryMiB: 4096 }, ...(cached ? { cache: { url: 's3://fleet-cache?region=eu-west-1', signingKey: { file: '/run/secrets/cache-key' } } } : {}) };
  return { name: 'bench', services: { novanet: { name: 'novanet', raft: false, ports: {}, after: [] } }, deploy, hosts, sites: [] } as unknown as Fleet;
}

async function deploy(count: number, cached: boolean, runDir: string): Promise<Outcome> {
  const fleet = syntheticFleet(count, cached);
  const runner = new SimulatedRunner(COSTS, count, MAX_PARALLEL);
  const emit = () => undefined;
  const stop = new StopControl();
  const ssh = new Ssh(runner, { knownHostsFile: path.join(runDir, 'known_hosts'), connectTimeoutSeconds: 10 });
  const context: StepContext = {
    ssh,
    nix: new NixDeployer(runner, ssh, { flake: `git+file:///fleet?rev=${'0'.repeat(40)}`, timeoutMs: 3_600_000 }),
    health: new HealthChecker(ssh, emit, false, stop),
    emit,
    bmc: () => undefined,
    firstContactDir: runDir,
    healthTimeoutMs: 60_000,
    rebootTimeoutMs: 900_000,
    powerOffDecommissioned: false,
    dryRun: false,
    stop,
    pinKey: async () => undefined,
    raft: {} as RaftCoordinator,
  };
  const byName = new Map(fleet.hosts.map((h) => [h.name, h]));
  const cpu = process.cpuUsage();
  if (cached) {
    // The secret key file of the fleet is a reference; the double never reads it.
    const prepared = await prepareClosures({ runner: Object.assign(runner, {}), fleet: { ...fleet, deploy: { ...fleet.deploy, cache: { ...fleet.deploy.cache!, signingKey: { file: '/dev/null' } } } }, hosts: fleet.hosts, flake: 'git+file:///fleet', runDir, timeoutMs: 3_600_000, emit });
    if (!prepared.ok) throw new Error(prepared.message);
    context.pull = { closures: prepared.closures, runId: 'bench', confirmTimeoutMs: fleet.deploy.confirmTimeoutSeconds * 1000 };
  }
  const waves = planWaves(fleet.hosts.map((h) => ({ name: h.name, profile: h.profile, raftGroups: [] })), { order: fleet.deploy.order, maxParallel: MAX_PARALLEL });
  const jobs = new Map<string, RolloutJob>(fleet.hosts.map((h) => [h.name, { name: h.name, action: 'update', raftGroups: [] }]));
  const results = await runRollout(waves, jobs, [], {
    emit,
    stop,
    run: (job) => {
      const host = byName.get(job.name)!;
      return runHostJob({ name: job.name, action: job.action, host, checks: healthChecksFor(host, fleet), credentials: [], raftGroups: [] }, context);
    },
    unhealthyPeers: async () => [],
  });
  const used = process.cpuUsage(cpu);
  const ledger = runner.ledger;
  let wall = ledger.lanes.get(DEPLOYER) ?? 0;
  for (const wave of waves) {
    const lane = Math.max(...wave.hosts.map((h) => ledger.lanes.get(h) ?? 0));
    const bytes = wave.hosts.reduce((sum, h) => sum + (ledger.laneBytes.get(h) ?? 0), 0);
    wall += Math.max(lane, bytes / COSTS.deployerBytesPerSecond);
  }
  return { wallSeconds: wall, deployerCpuSeconds: ledger.deployerCpuSeconds, deployerBytes: ledger.deployerBytes, peakEvalMemoryGb: ledger.peakEvalMemoryGb, schedulerMicrosPerHost: (used.user + used.system) / count, deployed: Object.values(results).filter((r) => r === 'deployed').length };
}

const hours = (s: number) => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : `${(s / 60).toFixed(1)} min`);
const bytes = (b: number) => (b >= 1e12 ? `${(b / 1e12).toFixed(2)} TB` : `${(b / 1e9).toFixed(1)} GB`);

async function main(): Promise<void> {
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'fleetc-bench-apply-'));
  try {
    await deploy(100, true, runDir); // warm-up: the JIT, not the scheduler, would show in the first size
    await deploy(100, false, runDir);
    console.log('bench:apply — simulated hosts through doubles of nix-eval-jobs, nix build, nix copy, switch-to-configuration');
    console.log(`costs (bench/apply-costs.ts): evaluation ${COSTS.evalCpuSecondsPerHost} CPU-s and ${COSTS.evalMemoryGbPerHost} GB per host (issue 16: 1–13 s, 0.5–1.7 GB), +${COSTS.flakeFetchSecondsPerRebuild} s flake copy per nixos-rebuild;`);
    console.log(`  ${COSTS.deployerCores} deployer cores; host build ${COSTS.buildCpuSecondsPerHost} CPU-s, ${COSTS.builderSlots} builder slots; a nixpkgs bump changes ${bytes(changedBytesPerHost())} per host closure (${bytes(COSTS.sharedChangedBytes)} shared, ${bytes(COSTS.profileChangedBytes)} per profile × ${COSTS.profiles}, ${COSTS.hostOnlyBytes / 1e6} MB host-only);`);
    console.log(`  deployer uplink ${(COSTS.deployerBytesPerSecond * 8) / 1e9} Gbit/s, host link to the cache ${(COSTS.hostPullBytesPerSecond * 8) / 1e9} Gbit/s, ${COSTS.deployerCpuSecondsPerGbSent} CPU-s per GB sent, activation ${COSTS.activationSeconds} s, SSH round trip ${COSTS.sshRoundTripSeconds * 1000} ms; maxParallel ${MAX_PARALLEL} both ways`);
    console.log('');
    console.log('hosts  | way                | wall      | deployer CPU | sent by deployer | eval memory, bound | scheduler CPU/host');
    console.log('-------|--------------------|-----------|--------------|------------------|--------------------|-------------------');
    const perHost: number[] = [];
    for (const size of SIZES) {
      for (const cached of [true, false]) {
        const o = await deploy(size, cached, runDir);
        if (o.deployed !== size) throw new Error(`${size} hosts: only ${o.deployed} deployed`);
        if (cached) perHost.push(o.schedulerMicrosPerHost);
        console.log(`${String(size).padStart(6)} | ${(cached ? 'cache (this)' : 'nixos-rebuild/host').padEnd(18)} | ${hours(o.wallSeconds).padStart(9)} | ${`${(o.deployerCpuSeconds / 3600).toFixed(1)} CPU-h`.padStart(12)} | ${bytes(o.deployerBytes).padStart(16)} | ${`${o.peakEvalMemoryGb.toFixed(1)} GB`.padStart(18)} | ${`${Math.round(o.schedulerMicrosPerHost)} µs`.padStart(9)}`);
      }
    }
    console.log('eval memory, bound: nix-eval-jobs workers × --max-memory-size (a worker past it is restarted); the old way: one evaluator per parallel rebuild × 1.1 GB');
    console.log(`unique bytes of the change at ${SIZES.at(-1)} hosts: ${bytes(uniqueChangedBytes(SIZES.at(-1)!))} (pushed once to the cache; hosts pull the rest from it, not from the deployer)`);
    const growth = perHost.at(-1)! / perHost[0]!;
    console.log(`scheduler CPU per host (through the cache), ${SIZES[0]} → ${SIZES.at(-1)} hosts: ×${growth.toFixed(2)} (flat: at most ×${FLAT_FACTOR})`);
    if (growth > FLAT_FACTOR) {
      console.error('bench:apply: the scheduler\'s overhead per host grows with the fleet');
      process.exitCode = 1;
    }
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

await main();
