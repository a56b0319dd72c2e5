// A seam for tests that signal or kill a real fleetc in the middle of a write:
// FLEETC_TEST_PAUSE=<crash point>:<milliseconds> makes the writer announce the point on stderr and
// stop there that long. Unset (always, outside tests), the writer runs straight through.
import { CRASH_POINTS, type CrashPoint } from '../write/index.ts';

export function testPause(env: NodeJS.ProcessEnv = process.env): ((point: CrashPoint) => void) | undefined {
  const match = /^([a-z-]+):([0-9]+)$/.exec(env.FLEETC_TEST_PAUSE ?? '');
  if (!match || !CRASH_POINTS.includes(match[1] as CrashPoint)) return undefined;
  const [, at, ms] = match;
  return (point) => {
    if (point !== at) return;
    process.stderr.write(`fleetc: test pause at ${point}\n`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(ms));
  };
}
