// One benchmark measurement, run in a fresh process so its timings and peak RSS are its own.
// Prints one JSON line. Used by bench/run.ts; `tsx bench/scenario.ts <scenario> <dir> [args…]`.
import { installedLibrary } from '../src/library/index.ts';
import path from 'node:path';
import { main } from '../src/cli/main.ts';
import type { Io } from '../src/cli/io.ts';
import { SourceRegistry } from '../src/diagnostics/source.ts';
import { emitFleet } from '../src/emit/index.ts';
import { parseFleet, readFleetDirSync } from '../src/load/index.ts';
import { resolveFleet } from '../src/resolve/index.ts';
import { validateFleet } from '../src/validate/index.ts';
import { writeOutputSync } from '../src/write/index.ts';
import { timeWatchEdits } from './watch-edits.ts';

const [scenario, dir, ...args] = process.argv.slice(2) as [string, string, ...string[]];
const paths = { fleetDir: path.join(dir, 'fleet'), outDir: path.join(dir, 'generated'), nixDir: path.join(dir, 'nix') };
const quiet: Io = { stdout: () => {}, stderr: () => {}, isTty: false };
const rssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function run(): Promise<Record<string, unknown>> {
  switch (scenario) {
    case 'stages': {
      // The stages of `fleetc build` without a cache into an empty output directory, timed one by one.
      const t = [performance.now()];
      const raw = readFleetDirSync(paths.fleetDir, paths.nixDir);
      const loaded = parseFleet(raw, new SourceRegistry());
      t.push(performance.now());
      const checked = validateFleet(loaded.value);
      t.push(performance.now());
      const resolved = resolveFleet(checked.value);
      t.push(performance.now());
      const artifacts = emitFleet(resolved.value, { nixDir: '../nix', outDirFromRoot: 'generated', nixFiles: raw.nixFiles, library: installedLibrary() });
      t.push(performance.now());
      writeOutputSync(paths.outDir, artifacts);
      t.push(performance.now());
      if (loaded.diagnostics.length + checked.diagnostics.length + resolved.diagnostics.length > 0) throw new Error('the synthetic fleet has diagnostics');
      const [load, validate, resolve, emit, write] = t.slice(1).map((end, i) => end - t[i]!);
      return { load, validate, resolve, emit, write, total: t.at(-1)! - t[0]!, files: artifacts.length, rss: rssMb() };
    }
    case 'cli': {
      // The real CLI in this process: wall time counts from the process start (module loading included).
      const code = await main(['node', 'fleetc', ...args], quiet);
      if (code !== 0 && code !== 2) throw new Error(`fleetc ${args.join(' ')} exited ${code}`);
      return { wall: performance.now(), rss: rssMb() };
    }
    case 'watch': {
      // Time from a one-host edit to the rebuilt output, over several edits of different hosts.
      const times = (await timeWatchEdits(paths, path.join(dir, '.fleetc-cache'), args)).map((edit) => edit.ms);
      return { editToOutput: [...times].sort((x, y) => x - y)[Math.floor(times.length / 2)], firstEdit: times[0], rss: rssMb() };
    }
    default:
      throw new Error(`unknown scenario ${scenario}`);
  }
}

process.stdout.write(`${JSON.stringify(await run())}\n`);
