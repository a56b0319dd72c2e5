// Parse and emit on worker threads (compile/workers.ts) give what a single thread gives, byte for
// byte, whatever the number of workers and the chunk size: the example fleet (a boot server host
// among them), a bench fleet of two clusters, random fleets with clusters and a boot server, and
// broken files (their diagnostics). An emitter's failure inside a worker is an Error with the
// emitter's message, as on one thread.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { compileRaw, emitContext, type Compilation } from '../../src/compile/index.ts';
import { emitFleet } from '../../src/emit/index.ts';
import { StagePool, workerCount } from '../../src/compile/workers.ts';
import { readFleetDirSync } from '../../src/load/index.ts';
import type { Fleet } from '../../src/model/fleet.ts';
import type { RawFleet } from '../../src/load/types.ts';
import { generateFleet } from '../../bench/generate.ts';
import { arbitraryFleet } from '../helpers/arbitrary-fleet.ts';
import { EXAMPLE_PATHS } from '../helpers/example.ts';
import { EXAMPLE_NIX } from '../helpers/paths.ts';
import { rawOf } from '../helpers/raw-fleet.ts';

const LAYOUT = { nixDirFromOut: '../nix', outDirFromRoot: 'generated' };
const pools = [new StagePool(1, 3), new StagePool(3, 1), new StagePool(2, 50), new StagePool(2, 2, false)];
after(() => Promise.all(pools.map((p) => p.close())));

function compiled(raw: RawFleet): { fleet: Fleet; context: ReturnType<typeof emitContext> } {
  const result = compileRaw(raw, { ...LAYOUT, validateOnly: true });
  assert.ok(result.fleet, JSON.stringify(result.diagnostics.map((d) => d.message)));
  return { fleet: result.fleet, context: emitContext(raw, LAYOUT, result.diagnostics) };
}

const output = (c: Compilation) => JSON.stringify({ artifacts: c.artifacts?.map((a) => [a.path, a.contents]), diagnostics: c.diagnostics, hosts: c.hostCount, profiles: c.profileCount });
const text = (artifacts: ReadonlyArray<{ path: string; contents: string; kind: string; host?: string }>) => JSON.stringify(artifacts.map((a) => [a.path, a.kind, a.host, a.contents]));

async function assertSameOnEveryPool(raw: RawFleet): Promise<void> {
  const { fleet, context } = compiled(raw);
  const serial = text(emitFleet(fleet, context));
  const whole = compileRaw(raw, LAYOUT);
  for (const pool of pools) {
    assert.equal(text(await pool.emit(fleet, context)), serial, `${pool.size} workers`);
    assert.equal(output(compileRaw(raw, { ...LAYOUT, preParsed: await pool.parse(raw) })), output(whole));
  }
}

test('the example fleet: the same artifacts on 1, 2 and 3 workers as on one thread', async () => {
  await assertSameOnEveryPool(readFleetDirSync(EXAMPLE_PATHS.fleetDir, EXAMPLE_NIX));
});

test('a bench fleet of 150 hosts in two clusters: the same artifacts', async () => {
  const fleet = generateFleet(150, 7);
  await assertSameOnEveryPool(rawOf(Object.fromEntries(fleet.files)));
});

test('random fleets with clusters and a boot server host: the same artifacts', async () => {
  await fc.assert(
    fc.asyncProperty(arbitraryFleet({ maxHosts: 8, clusters: true, bootServer: true }), async (files) => assertSameOnEveryPool(rawOf(files as Record<string, string>))),
    { numRuns: 25 },
  );
});

test('broken files: the same diagnostics when parsed on workers', async () => {
  const files = Object.fromEntries(generateFleet(12, 3).files);
  const names = Object.keys(files).filter((f) => f.startsWith('hosts/'));
  files[names[0]!] = 'name: [unclosed\n';
  files[names[1]!] = 'a: 1\na: 2\n';
  files[names[2]!] = '- a list\n';
  files[names[3]!] = '';
  files[names[4]!] = 'name: "a\\0b"\n';
  const raw = rawOf(files);
  const whole = compileRaw(raw, LAYOUT);
  assert.deepEqual([...new Set(whole.diagnostics.map((d) => d.code))].sort(), ['FILE_EMPTY', 'YAML_DUPLICATE_KEY', 'YAML_NOT_A_MAPPING', 'VALUE_CONTROL_CHARACTER', 'YAML_SYNTAX'].sort());
  for (const pool of pools) assert.equal(output(compileRaw(raw, { ...LAYOUT, preParsed: await pool.parse(raw) })), output(whole));
});

test('an emitter that throws inside a worker (the main thread taking no chunk) rejects with its message, as on one thread', async () => {
  const { fleet, context } = compiled(readFleetDirSync(EXAMPLE_PATHS.fleetDir, EXAMPLE_NIX));
  // Emit is only ever given validated fleets; a fraction here is what a bug in resolve would pass.
  const broken: Fleet = { ...fleet, hosts: fleet.hosts.map((h, i) => (i === fleet.hosts.length - 1 ? { ...h, interfaces: h.interfaces.map((nic) => ({ ...nic, mtu: 1500.5 })) } : h)) };
  assert.throws(() => emitFleet(broken, context), /only integers/);
  const pool = new StagePool(1, 1, false);
  try {
    await assert.rejects(pool.emit(broken, context), (error: Error) => error instanceof Error && /only integers/.test(error.message));
  } finally {
    await pool.close();
  }
});

test('no workers unless FLEETC_WORKERS says how many', () => {
  assert.equal(workerCount(undefined), 0);
  assert.equal(workerCount(''), 0);
  assert.equal(workerCount('2'), 2);
  assert.equal(workerCount('0'), 0);
  assert.equal(workerCount('many'), 0);
  assert.equal(workerCount('99'), 16);
});
