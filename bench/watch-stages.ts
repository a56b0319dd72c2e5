// Per-stage timings of watch rebuilds after one-host edits (not part of npm run bench): where a
// rebuild's time goes. tsx bench/watch-stages.ts [HOSTS] [EDITS]
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { generateFleet, writeFleet } from './generate.ts';
import { timeWatchEdits } from './watch-edits.ts';

const hosts = Number(process.argv[2] ?? 5000);
const edits = Number(process.argv[3] ?? 15);
const dir = mkdtempSync('/dev/shm/fleetc-watch-stages-');
try {
  const fleet = generateFleet(hosts, 42);
  writeFleet(path.join(dir, 'fleet'), fleet);
  cpSync(new URL('../examples/photon-lab/nix', import.meta.url), path.join(dir, 'nix'), { recursive: true });
  const paths = { fleetDir: path.join(dir, 'fleet'), outDir: path.join(dir, 'generated'), nixDir: path.join(dir, 'nix') };
  const files = Array.from({ length: edits }, (_, i) => fleet.hostFiles[(i * 97 + 7) % fleet.hostFiles.length]!);
  for (const { ms, event } of await timeWatchEdits(paths, path.join(dir, '.fleetc-cache'), files)) {
    const s = event.stages;
    console.log(`${ms.toFixed(1)} ms: from the change event ${event.milliseconds.toFixed(1)} (read ${s.read.toFixed(1)}, compile ${s.compile.toFixed(1)}, lock wait ${s.lockWait.toFixed(1)}, write ${s.write.toFixed(1)}, report ${s.report.toFixed(1)})`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
