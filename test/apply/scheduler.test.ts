// The wave scheduler and the rollout runner as pure code, under random fleets and random failures:
// never two voters of one Raft group at once, never more than max-parallel, waves in profile order,
// nothing starts after a failure, and the recorded state matches what ran.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { HostResult } from '../../src/apply/events.ts';
import { FAILURES, runRollout, type RolloutJob } from '../../src/apply/rollout.ts';
import { planWaves, type RolloutHost } from '../../src/plan/waves.ts';

const PROFILES = ['control-plane', 'all-in-one', 'worker', 'storage'];
const OUTCOMES: HostResult[] = ['deployed', 'deployed', 'deployed', 'deployed', 'rolled-back', 'rollback-failed', 'failed'];

const scenario = fc.record({
  hosts: fc.uniqueArray(
    fc.record({
      name: fc.stringMatching(/^[a-z]{1,3}-[0-9]{1,2}$/),
      profile: fc.constantFrom(...PROFILES),
      raftGroups: fc.subarray(['core/chainfire', 'core/flaredb', 'edge/chainfire']),
      outcome: fc.constantFrom(...OUTCOMES),
      unhealthyPeers: fc.boolean().map((b) => (b ? ['peer'] : [])),
      delayMs: fc.integer({ min: 0, max: 3 }),
    }),
    { minLength: 1, maxLength: 25, selector: (h) => h.name },
  ),
  order: fc.shuffledSubarray(PROFILES),
  maxParallel: fc.integer({ min: 0, max: 4 }),
  blockedRate: fc.constantFrom(0, 0.1),
});

test('waves: profile order, Raft groups exclusive, max-parallel, every host exactly once', () => {
  fc.assert(
    fc.property(scenario, ({ hosts, order, maxParallel }) => {
      const waves = planWaves(hosts, { order, maxParallel });
      assert.deepEqual(waves.flatMap((w) => w.hosts).sort(), hosts.map((h) => h.name).sort());
      const rank = (p: string) => (order.includes(p) ? order.indexOf(p) : order.length);
      waves.forEach((wave, i) => {
        assert.equal(wave.index, i + 1);
        if (maxParallel > 0) assert.ok(wave.hosts.length <= maxParallel);
        const groups = wave.hosts.flatMap((n) => hosts.find((h) => h.name === n)!.raftGroups);
        assert.equal(new Set(groups).size, groups.length, `two voters of one group in wave ${wave.index}`);
        for (const name of wave.hosts) assert.equal(hosts.find((h) => h.name === name)!.profile, wave.profile);
        if (i > 0) assert.ok(rank(waves[i - 1]!.profile) <= rank(wave.profile), 'profiles in policy order');
      });
    }),
    { numRuns: 300 },
  );
});

test('rollout: in order, bounded, quorum-safe, halts after a failure, records exactly what ran', async () => {
  await fc.assert(
    fc.asyncProperty(scenario, async ({ hosts, order, maxParallel, blockedRate }) => {
      const byName = new Map(hosts.map((h) => [h.name, h]));
      const waves = planWaves(hosts as RolloutHost[], { order, maxParallel });
      const waveOf = (name: string) => waves.find((w) => w.hosts.includes(name))!.index;
      const jobs = new Map<string, RolloutJob>(hosts.map((h) => [h.name, { name: h.name, action: 'update', raftGroups: h.raftGroups }]));
      const running = new Set<string>();
      const log: Array<{ event: 'start' | 'finish'; name: string }> = [];
      const recorded = new Set<string>();
      const results = await runRollout(waves, jobs, [], {
        emit: () => {},
        unhealthyPeers: async (job) => (blockedRate > 0 && byName.get(job.name)!.unhealthyPeers.length > 0 ? ['peer'] : []),
        run: async (job) => {
          const host = byName.get(job.name)!;
          log.push({ event: 'start', name: job.name });
          running.add(job.name);
          if (maxParallel > 0) assert.ok(running.size <= maxParallel, 'more than max-parallel at once');
          const groups = [...running].flatMap((n) => byName.get(n)!.raftGroups);
          assert.equal(new Set(groups).size, groups.length, 'two voters of one Raft group at once');
          await new Promise((resolve) => setTimeout(resolve, host.delayMs));
          running.delete(job.name);
          log.push({ event: 'finish', name: job.name });
          // The real runner writes the host's state here, right after its steps succeed.
          if (host.outcome === 'deployed') recorded.add(job.name);
          return { result: host.outcome };
        },
      });
      // Waves in order: no host of a later wave starts before every started host of the earlier one finished.
      for (const [i, entry] of log.entries()) {
        if (entry.event !== 'start') continue;
        for (const earlier of log.slice(0, i)) {
          if (earlier.event === 'start' && waveOf(earlier.name) < waveOf(entry.name)) {
            assert.ok(log.slice(0, i).some((e) => e.event === 'finish' && e.name === earlier.name), `${entry.name} started while ${earlier.name} of an earlier wave ran`);
          }
        }
      }
      // Halt: after the first wave with a failure nothing starts; those hosts are skipped.
      const failingWave = waves.find((w) => w.hosts.some((n) => FAILURES.has(results[n]!)));
      const started = new Set(log.filter((e) => e.event === 'start').map((e) => e.name));
      for (const wave of waves) {
        for (const name of wave.hosts) {
          if (failingWave && wave.index > failingWave.index) {
            assert.equal(results[name], 'skipped');
            assert.ok(!started.has(name), `${name} started after the halt`);
          } else {
            assert.notEqual(results[name], 'skipped');
            assert.equal(started.has(name), results[name] !== 'blocked', `${name} ran exactly when it was not blocked`);
          }
        }
      }
      // The recorded state is exactly the hosts that ran and succeeded.
      assert.deepEqual([...recorded].sort(), Object.entries(results).filter(([, r]) => r === 'deployed').map(([n]) => n).sort());
    }),
    { numRuns: 150 },
  );
});

test('a voter whose peers are unhealthy is blocked, and the rollout halts', async () => {
  const waves = planWaves([{ name: 'cp-1', profile: 'control-plane', raftGroups: ['core/chainfire'] }, { name: 'wk-1', profile: 'worker', raftGroups: [] }], { order: ['control-plane', 'worker'], maxParallel: 0 });
  const ran: string[] = [];
  const results = await runRollout(waves, new Map([['cp-1', { name: 'cp-1', action: 'update', raftGroups: ['core/chainfire'] }], ['wk-1', { name: 'wk-1', action: 'update', raftGroups: [] }]]), [], {
    emit: () => {},
    unhealthyPeers: async () => ['cp-2'],
    run: async (job) => {
      ran.push(job.name);
      return { result: 'deployed' };
    },
  });
  assert.deepEqual(results, { 'cp-1': 'blocked', 'wk-1': 'skipped' });
  assert.deepEqual(ran, []);
});

test('max-parallel 0 means unlimited', () => {
  const hosts = Array.from({ length: 40 }, (_, i) => ({ name: `w-${i}`, profile: 'worker', raftGroups: [] }));
  assert.deepEqual(planWaves(hosts, { order: [], maxParallel: 0 }).map((w) => w.hosts.length), [40]);
  assert.deepEqual(planWaves(hosts, { order: [], maxParallel: 16 }).map((w) => w.hosts.length), [16, 16, 8]);
});
