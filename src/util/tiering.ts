// How soon V8 optimizes fleetc's functions. Its default (a function is considered for TurboFan
// after 67,584 bytecodes run, again and again) is made for pages and servers that run for minutes:
// a build that compiles a whole fleet of 5,000 hosts in 2 s gets ~350 functions optimized, ~1 s of
// CPU on V8's background threads, which on a 2-core machine take it from the build itself. With a
// budget 8× the default ~120 are, those that run most: the cold build takes 550–700 ms less CPU
// and 3–7 % less time at 5,000 hosts, and is no slower at 50,000; a short command (a build that
// finds its output current, plan, watch's edits) gains nothing and keeps the default
// (docs/scale.md, "Sixth round"). Measured on Node 20's V8 (11.3); another V8 (Node 22's tiers
// through Maglev first) keeps its own defaults.
import v8 from 'node:v8';

const MEASURED = process.versions.v8.startsWith('11.');

const DEFAULT_BUDGET = 67_584;

/** For a compile of the whole fleet; `defaultTiering` puts V8's default back. */
export function fullBuildTiering(): void {
  setBudget(8 * DEFAULT_BUDGET);
}

export function defaultTiering(): void {
  setBudget(DEFAULT_BUDGET);
}

function setBudget(bytecodes: number): void {
  if (MEASURED) v8.setFlagsFromString(`--interrupt-budget=${bytecodes}`);
}
