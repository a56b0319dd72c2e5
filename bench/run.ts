// npm run bench: synthetic fleets of 100 to 50,000 hosts; the real `fleetc` command (its esbuild
// bundle, as a user runs it) timed beside the floor script (bench/floor.mjs) in the same run, with
// the ratio to the floor beside each figure, the stage timings, the targets, and what evaluating
// the hosts with Nix would cost instead (published figures, bench/nix-eval-costs.ts).
// BENCH_SIZES=100,1000 BENCH_RUNS=3 BENCH_DIR=/dev/shm choose sizes, runs and where; BENCH_FLEETC=DIR
// benchmarks another checkout of fleetc (with node_modules) with the same fleets and floor.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { editHost, generateFleet, writeFleet } from './generate.ts';
import { NIX_EVAL_COSTS, NIX_EVAL_NOTE } from './nix-eval-costs.ts';
import { sourceHash } from '../bin/source-hash.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const FLEETC = path.resolve(process.env.BENCH_FLEETC ?? REPO);
const SIZES = (process.env.BENCH_SIZES ?? '100,1000,5000,10000,50000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BASE = process.env.BENCH_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());
/** Plans need both revisions committed with their output; past this size only builds are measured. */
const PLAN_MAX = Number(process.env.BENCH_PLAN_MAX ?? 10000);
const WATCH_SIZES = new Set([1000, 5000]);
/** Edits of different hosts per watch run; the figure is their median, the first one shown beside it. */
const WATCH_EDITS = 15;
const GIT_ENV = { ...process.env, GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z' };
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const RSS_HOOK = pathToFileURL(path.join(REPO, 'bench/rss.mjs')).href;
const PATH_ARGS = ['--fleet', 'fleet', '--out', 'generated', '--nix', 'nix'];

// bin/fleetc.js runs the TypeScript sources through tsx when src/ is not what the bundle was built
// from: figures of that are not a user's. Refuse them rather than print them.
const builtFrom = (JSON.parse(readFileSync(path.join(FLEETC, 'dist/build-info.json'), 'utf8')) as { sourceHash: string }).sourceHash;
if (existsSync(path.join(FLEETC, 'src')) && sourceHash(path.join(FLEETC, 'src')) !== builtFrom) {
  console.error(`bench: ${FLEETC}/dist/fleetc.cjs is not built from its src/ (fleetc would run the sources through tsx): run npm run build:cli there first`);
  process.exit(1);
}

interface Timed {
  /** Wall time from spawning the process to its exit, module loading included. */
  ms: number;
  rssMb: number;
}

/** A fresh node process: its wall time and peak RSS (through bench/rss.mjs). */
function timedNode(dir: string, args: string[]): Timed {
  const rssFile = path.join(os.tmpdir(), `fleetc-bench-rss-${process.pid}`);
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', RSS_HOOK, ...args], { cwd: dir, env: { ...process.env, BENCH_RSS_FILE: rssFile }, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - started;
  if (child.status !== 0 && child.status !== 2) throw new Error(`node ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  const rssMb = Math.round(Number(readFileSync(rssFile, 'utf8')) / 1024);
  rmSync(rssFile, { force: true });
  return { ms, rssMb };
}

const fleetc = (dir: string, ...args: string[]): Timed => timedNode(dir, [path.join(FLEETC, 'bin/fleetc.js'), ...args]);
const floor = (dir: string): Timed => timedNode(dir, [path.join(REPO, 'bench/floor.mjs'), 'fleet', 'floor-out']);

/** A measurement inside one process of the checkout under test (bench/scenario.ts); one JSON line. */
function scenario(name: string, dir: string, ...args: string[]): Record<string, number> {
  const out = execFileSync(process.execPath, ['--import', TSX, path.join(FLEETC, 'bench/scenario.ts'), name, dir, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number>;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, '-c', 'user.email=bench@example.invalid', '-c', 'user.name=bench', ...args], { encoding: 'utf8', env: GIT_ENV, maxBuffer: 1 << 26 }).trim();
}

function clean(dir: string, ...names: string[]): void {
  for (const name of names) rmSync(path.join(dir, name), { recursive: true, force: true });
}

const OUTPUT = ['generated', 'flake.nix', 'flake.lock'];

interface Fleet {
  dir: string;
  hostFiles: string[];
}

function setUp(root: string, hosts: number): Fleet {
  const dir = path.join(root, `fleet-${hosts}`);
  const fleet = generateFleet(hosts, 42);
  writeFleet(path.join(dir, 'fleet'), fleet);
  cpSync(path.join(REPO, 'examples/photon-lab/nix'), path.join(dir, 'nix'), { recursive: true });
  writeFileSync(path.join(dir, '.gitignore'), '.fleetc-cache/\nfloor-out/\n');
  return { dir, hostFiles: fleet.hostFiles };
}

/**
 * Two commits, each with the output fleetc builds from it committed beside the fleet (as CI keeps
 * it): the base, and a head where 1 % of the host files changed (a label each).
 */
function commitRevisions({ dir, hostFiles }: Fleet): { base: string; head: string } {
  git(dir, 'init', '-q', '-b', 'main');
  fleetc(dir, 'build', '--no-cache', ...PATH_ARGS);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  const base = git(dir, 'rev-parse', 'HEAD');
  const edited = hostFiles.filter((_, i) => i % 100 === 50 || (hostFiles.length < 100 && i === 0));
  for (const rel of edited) {
    const file = path.join(dir, 'fleet', rel);
    writeFileSync(file, editHost(readFileSync(file, 'utf8'), 'moved'));
  }
  fleetc(dir, 'build', '--no-cache', ...PATH_ARGS);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'head: 1% of the hosts');
  return { base, head: git(dir, 'rev-parse', 'HEAD') };
}

interface Row {
  hosts: number;
  floor: number;
  floorRss: number;
  cold: number;
  coldRss: number;
  /** Median of the per-run ratios build / floor: each pair ran back to back. */
  coldRatio: number;
  warm: number;
  planCold?: number;
  planWarm?: number;
  watch?: number;
  /** The first edit after watch started: V8 has not optimised the rebuild path yet. */
  watchFirst?: number;
  stages: Record<string, number>;
}

function measure(root: string, hosts: number): Row {
  const fleet = setUp(root, hosts);
  const { dir } = fleet;
  const runs: Array<{ floor: Timed; cold: Timed; warm: Timed; stages: Record<string, number>; planCold?: Timed; planWarm?: Timed }> = [];
  const revisions = hosts <= PLAN_MAX ? commitRevisions(fleet) : undefined;
  for (let run = 0; run < RUNS; run++) {
    clean(dir, 'floor-out');
    const floorRun = floor(dir);
    clean(dir, ...OUTPUT, '.fleetc-cache');
    const cold = fleetc(dir, 'build', '--no-cache', ...PATH_ARGS);
    fleetc(dir, 'build', ...PATH_ARGS); // writes the parse cache and the build stamp
    const warm = fleetc(dir, 'build', ...PATH_ARGS);
    clean(dir, ...OUTPUT);
    const stages = scenario('stages', dir);
    let planCold: Timed | undefined;
    let planWarm: Timed | undefined;
    if (revisions) {
      git(dir, 'checkout', '-q', '-f', revisions.head);
      clean(dir, '.fleetc-cache');
      const planArgs = ['plan', '--base', revisions.base, '--head', revisions.head, '--format', 'json', ...PATH_ARGS];
      planCold = fleetc(dir, ...planArgs);
      planWarm = fleetc(dir, ...planArgs);
    }
    runs.push({ floor: floorRun, cold, warm, stages, planCold, planWarm });
  }
  let watch: number | undefined;
  let watchFirst: number | undefined;
  if (WATCH_SIZES.has(hosts)) {
    clean(dir, ...OUTPUT);
    ({ editToOutput: watch, firstEdit: watchFirst } = scenario('watch', dir, ...fleet.hostFiles.filter((_, i) => i % Math.floor(fleet.hostFiles.length / WATCH_EDITS) === 7).slice(0, WATCH_EDITS)));
  }
  const stageKeys = Object.keys(runs[0]!.stages);
  rmSync(dir, { recursive: true, force: true });
  return {
    hosts,
    floor: median(runs.map((r) => r.floor.ms)),
    floorRss: median(runs.map((r) => r.floor.rssMb)),
    cold: median(runs.map((r) => r.cold.ms)),
    coldRss: median(runs.map((r) => r.cold.rssMb)),
    coldRatio: median(runs.map((r) => r.cold.ms / r.floor.ms)),
    warm: median(runs.map((r) => r.warm.ms)),
    ...(revisions ? { planCold: median(runs.map((r) => r.planCold!.ms)), planWarm: median(runs.map((r) => r.planWarm!.ms)) } : {}),
    ...(watch !== undefined ? { watch, watchFirst } : {}),
    stages: Object.fromEntries(stageKeys.map((k) => [k, median(runs.map((r) => r.stages[k]!))])),
  };
}

function ms(value: number | undefined): string {
  if (value === undefined) return '–';
  if (value >= 7_200_000) return `${(value / 3_600_000).toFixed(1)} h`;
  if (value >= 120_000) return `${Math.round(value / 60_000)} min`;
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
}

const withFloor = (value: number | undefined, floorMs: number) => (value === undefined ? '–' : `${ms(value)} (${(value / floorMs).toFixed(2)}×)`);
const line = (cells: string[]) => `| ${cells.join(' | ')} |`;

const root = mkdtempSync(path.join(BASE, 'fleetc-bench-'));
const rows: Row[] = [];
const started = performance.now();
try {
  // The bundle the fleetc command runs (bin/fleetc.js falls back to tsx when it is stale).
  execFileSync('npm', ['run', '--silent', 'build:cli'], { cwd: FLEETC, stdio: 'inherit' });
  for (const hosts of SIZES) {
    rows.push(measure(root, hosts));
    process.stderr.write(`bench: ${hosts} hosts done (${Math.round((performance.now() - started) / 1000)} s)\n`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}

const header = ['hosts', 'floor (wall / RSS)', 'build cold (× floor)', 'peak RSS', 'per host', 'build warm (× floor)', 'plan 1% cold (× floor)', 'plan 1% warm (× floor)', `watch edit→output, median of ${WATCH_EDITS} edits (× floor; first edit)`];
console.log(`fleetc benchmark${FLEETC === path.resolve(REPO) ? '' : ` of ${FLEETC}`} — ${os.availableParallelism()} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, median of ${RUNS} runs, fleets in ${BASE}`);
console.log('Every figure is the wall time of a fresh process (module loading included) running the fleetc command; the floor (bench/floor.mjs: read, js-yaml, ajv with fleetc\'s schemas, 5 files per host with a sha256 each and a manifest) runs just before the cold build of each run, and × floor is the ratio to it (for the cold build, the median of the per-run ratios). Cold: empty output, --no-cache. Warm: output, parse cache and build stamp present. Plan: base and head commits with their output committed, 1 % of the host files changed; cold without the parse cache.\n');
console.log(line(header));
console.log(line(header.map(() => '---')));
for (const r of rows) {
  const perHost = (r.cold / r.hosts) * 1000;
  console.log(line([
    r.hosts.toLocaleString('en'), `${ms(r.floor)} / ${r.floorRss} MB`, `${ms(r.cold)} (${r.coldRatio.toFixed(2)}×)`, `${r.coldRss} MB`, `${perHost.toFixed(0)} µs`,
    withFloor(r.warm, r.floor), withFloor(r.planCold, r.floor), withFloor(r.planWarm, r.floor), `${withFloor(r.watch, r.floor)}${r.watchFirst !== undefined ? `; ${ms(r.watchFirst)}` : ''}`,
  ]));
}

const stageKeys = Object.keys(rows[0]?.stages ?? {});
console.log(`\nStages of one build in one process (bench/scenario.ts stages: no cache, empty output; emit returns every artifact before the write starts, as build --check and watch do, so its RSS is theirs: fleetc build writes each file as it is emitted, its peak RSS is the table's above):\n`);
console.log(line(['hosts', ...stageKeys]));
console.log(line(['---', ...stageKeys.map(() => '---')]));
for (const r of rows) console.log(line([r.hosts.toLocaleString('en'), ...stageKeys.map((k) => (k === 'rss' ? `${r.stages[k]} MB` : k === 'files' ? String(r.stages[k]) : ms(r.stages[k])))]));

console.log('\nWhat Nix evaluation of every host would cost instead (published figures; no nixpkgs evaluates here):\n');
console.log(line(['hosts', 'fleetc plan 1% warm', ...NIX_EVAL_COSTS.map((c) => c.what)]));
console.log(line(['---', '---', ...NIX_EVAL_COSTS.map(() => '---')]));
for (const r of rows) {
  const cells = NIX_EVAL_COSTS.map((c) => (c.perHost.seconds !== undefined ? `${ms(c.perHost.seconds * r.hosts * 1000)} on one core` : `${((c.perHost.megabytes! * r.hosts) / 1024).toLocaleString('en', { maximumFractionDigits: 0 })} GB`));
  console.log(line([r.hosts.toLocaleString('en'), ms(r.planWarm), ...cells]));
}
console.log(`\nSources: ${NIX_EVAL_COSTS.map((c) => `${c.what}: ${c.source}`).join('; ')}. ${NIX_EVAL_NOTE}`);

const at = (hosts: number) => rows.find((r) => r.hosts === hosts);
const checks: Array<[string, boolean | undefined]> = [
  ['plan 1% of 5,000 ≤ 0.5 s warm', at(5000)?.planWarm !== undefined ? at(5000)!.planWarm! <= 500 : undefined],
  ['plan 1% of 5,000 ≤ 2 s cold', at(5000)?.planCold !== undefined ? at(5000)!.planCold! <= 2000 : undefined],
  ['plan 1% of 10,000 ≤ 1 s warm', at(10000)?.planWarm !== undefined ? at(10000)!.planWarm! <= 1000 : undefined],
  ['watch one-host edit at 5,000 ≤ 100 ms', at(5000)?.watch !== undefined ? at(5000)!.watch! <= 100 : undefined],
  ['build cold ≤ 1.5× the floor (5,000)', at(5000) ? at(5000)!.coldRatio <= 1.5 : undefined],
  ['build warm at 5,000 ≤ 0.5 s', at(5000) ? at(5000)!.warm <= 500 : undefined],
  ['50,000 cold ≤ 20 s', at(50000) ? at(50000)!.cold <= 20000 : undefined],
  ['50,000 peak RSS ≤ 2 GB', at(50000) ? at(50000)!.coldRss <= 2048 : undefined],
  ['10,000 peak RSS ≤ 600 MB', at(10000) ? at(10000)!.coldRss <= 600 : undefined],
];
// Per host: a small fleet's figure carries the fixed costs (start-up, schemas) that a large one
// spreads, so flat means not growing: no fleet's time per host 1.25× that of a smaller fleet.
const perHost = rows.filter((r) => r.hosts >= 1000).map((r) => r.cold / r.hosts);
if (perHost.length > 1) checks.push(['time per host flat from 1,000 up (no larger fleet ≥ 1.25× the per-host time of a smaller one)', perHost.every((t, i) => perHost.slice(0, i).every((smaller) => t < 1.25 * smaller))]);
console.log(`\nTargets (${os.availableParallelism()} cores): ${checks.map(([what, ok]) => `${what} ${ok === undefined ? '(not measured)' : ok ? '✓' : '✗'}`).join('; ')}.`);
