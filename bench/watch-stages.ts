// Per-stage timings of watch rebuilds after one-host edits (not part of npm run bench): where a
// rebuild's time goes. tsx bench/watch-stages.ts [HOSTS] [EDITS]
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { editHost, generateFleet, writeFleet } from './generate.ts';
import { startWatch, type WatchEvent } from '../src/watch/watcher.ts';

const hosts = Number(process.argv[2] ?? 5000);
const edits = Number(process.argv[3] ?? 15);
const dir = mkdtempSync('/dev/shm/fleetc-watch-stages-');
const fleet = generateFleet(hosts, 42);
writeFleet(path.join(dir, 'fleet'), fleet);
cpSync(new URL('../examples/photon-lab/nix', import.meta.url), path.join(dir, 'nix'), { recursive: true });
const paths = { fleetDir: path.join(dir, 'fleet'), outDir: path.join(dir, 'generated'), nixDir: path.join(dir, 'nix') };
let waiting: ((e: WatchEvent) => void) | undefined;
const handle = startWatch({ paths, cacheDir: path.join(dir, '.fleetc-cache') }, (e) => waiting?.(e));
const next = () => new Promise<WatchEvent>((resolve) => (waiting = resolve));
const first = next();
await handle.ready;
await first;
const rows: string[] = [];
for (let i = 0; i < edits; i++) {
  const rel = fleet.hostFiles[(i * 97 + 7) % fleet.hostFiles.length]!;
  const file = path.join(paths.fleetDir, rel);
  const rebuilt = next();
  const started = performance.now();
  writeFileSync(file, editHost(readFileSync(file, 'utf8'), `s${i}`));
  const event = await rebuilt;
  const total = performance.now() - started;
  if (event.kind !== 'built') throw new Error(event.kind);
  const s = event.stages;
  rows.push(`${total.toFixed(1)} ms: from change event ${event.milliseconds.toFixed(1)} (read ${s.read.toFixed(1)}, compile ${s.compile.toFixed(1)}, lock wait ${s.lockWait.toFixed(1)}, write ${s.write.toFixed(1)}, report ${s.report.toFixed(1)})`);
  await new Promise((r) => setTimeout(r, 100));
}
await handle.stop();
rmSync(dir, { recursive: true, force: true });
console.log(rows.join('\n'));
