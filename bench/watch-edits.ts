// fleetc watch on a fleet directory, timed from each one-host edit to the rebuilt output: what the
// bench's watch figure (scenario.ts) and bench/watch-stages.ts both measure.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Paths } from '../src/compile/index.ts';
import { startWatch, type WatchEvent } from '../src/watch/watcher.ts';
import { editHost } from './generate.ts';

export interface TimedEdit {
  /** From the write of the file to the `built` event, in ms. */
  ms: number;
  event: Extract<WatchEvent, { kind: 'built' }>;
}

/** Edits each host file in turn (a label changes), waiting for its rebuild and 100 ms after it. */
export async function timeWatchEdits(paths: Paths, cacheDir: string, hostFiles: readonly string[]): Promise<TimedEdit[]> {
  let waiting: ((e: WatchEvent) => void) | undefined;
  const handle = startWatch({ paths, cacheDir }, (e) => waiting?.(e));
  const next = () => new Promise<WatchEvent>((resolve) => (waiting = resolve));
  const first = next();
  await handle.ready;
  await first;
  const edits: TimedEdit[] = [];
  try {
    for (const [i, rel] of hostFiles.entries()) {
      const file = path.join(paths.fleetDir, rel);
      const rebuilt = next();
      const started = performance.now();
      writeFileSync(file, editHost(readFileSync(file, 'utf8'), `w${i}`));
      const event = await rebuilt;
      if (event.kind !== 'built' || event.changes.length === 0) throw new Error(`watch: ${event.kind}`);
      edits.push({ ms: performance.now() - started, event });
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await handle.stop();
  }
  return edits;
}
