// A plan that compiles only what differs, taking the other hosts' hashes from the base commit's
// committed output, is the plan of a full compile of both revisions (--full-base): over random
// fleets (and the minimal fixture, whose build is clean, with and without a boot server host) and random edits, with the head committed or left in the working tree, with and without
// output committed at the base (a clean build records its key, one with warnings does not), and with
// a committed output that is stale or altered (then the plan must notice and compile the head in full).
// And the unchanged hosts it lists by name, referring to the base's committed manifest.json, are those
// a plan listing every host by value gives, with the hashes that blob holds (read as apply reads it).
import assert from 'node:assert/strict';
import { rmSync, writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileFromDisk } from '../../src/compile/index.ts';
import { computePlan, type PlanOutcome } from '../../src/plan/revisions.ts';
import { openRepository } from '../../src/git/repository.ts';
import { referencedHashes } from '../../src/apply/plan-file.ts';
import { planDifferences } from '../../src/apply/plan-verify.ts';
import { writeOutputSync } from '../../src/write/index.ts';
import { arbitraryFleet } from '../helpers/arbitrary-fleet.ts';
import { applyEdit, fleetEdit, type Files } from '../helpers/fleet-edits.ts';
import { applyOverlay } from '../helpers/fleet.ts';
import { FleetRepo } from '../helpers/git-repo.ts';
import { MINIMAL_FLEET } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';
import { walkFiles } from '../../src/util/walk-files.ts';

/** What `fleetc build` writes (output and root files), in process: none for an invalid fleet. */
async function build(repo: FleetRepo): Promise<'none' | 'warnings' | 'clean'> {
  const compiled = await compileFromDisk(repo.paths);
  if (!compiled.artifacts) return 'none';
  writeOutputSync(repo.paths.outDir, compiled.artifacts, undefined, { rootDir: repo.root });
  return compiled.diagnostics.length === 0 ? 'clean' : 'warnings';
}

function setFiles(repo: FleetRepo, before: Files, after: Files): void {
  applyOverlay(repo.paths.fleetDir, Object.fromEntries([...Object.keys(before)].filter((p) => !(p in after)).map((p) => [p, null])));
  applyOverlay(repo.paths.fleetDir, after);
}

const STALE = ['none', 'key', 'host-entry'] as const;

/** The minimal fixture fleet, whose build has no diagnostics (random fleets often have warnings). */
const MINIMAL: Files = Object.fromEntries(walkFiles(MINIMAL_FLEET).map((file) => [file, readFileSync(path.join(MINIMAL_FLEET, file), 'utf8')]));
/** The same with cp-1 as its boot server (boot.server), also clean. */
const MINIMAL_SERVER: Files = { ...MINIMAL, 'fleet.yaml': MINIMAL['fleet.yaml']!.replace('boot: { http: "http://10.0.0.2:8080/boot", tftp: 10.0.0.2 }', 'boot: { http: "http://10.0.0.11:8080/boot", tftp: 10.0.0.11, server: cp-1 }') };

/**
 * A plan that lists unchanged hosts by reference is the plan that lists every host by value: each
 * host it names is, in the by-value plan, unchanged with nothing to say and the hashes the referenced
 * blob holds for it (read as apply reads it), and everything else is the same.
 */
async function assertSameAsByValue(root: string, byReference: PlanOutcome, byValue: PlanOutcome): Promise<boolean> {
  if (!byReference.ok || !byValue.ok) {
    assert.deepEqual(comparable(byReference), comparable(byValue));
    return false;
  }
  const { unchanged, ...rest } = byReference.plan;
  assert.equal(byValue.plan.unchanged, undefined);
  const referenced = await referencedHashes(await openRepository(root), byReference.plan);
  assert.equal(typeof referenced, 'object', String(referenced));
  const hashes = referenced as Map<string, Record<string, string> | undefined>;
  const named = new Set(unchanged?.hosts ?? []);
  for (const host of byValue.plan.hosts.filter((h) => named.has(h.name))) {
    assert.deepEqual([host.action, host.reasons, host.headManifest], ['unchanged', [], hashes.get(host.name)], `${host.name} is unchanged with the referenced hashes`);
  }
  assert.equal(byValue.plan.hosts.filter((h) => named.has(h.name)).length, named.size, 'every host named is in the plan');
  assert.deepEqual(rest, { ...byValue.plan, hosts: byValue.plan.hosts.filter((h) => !named.has(h.name)) });
  // What apply checks agrees too.
  assert.deepEqual(planDifferences(byReference.plan, byValue.plan, hashes), []);
  return named.size > 0;
}

function comparable(outcome: PlanOutcome): unknown {
  if (!outcome.ok) return { reason: outcome.reason, failed: outcome.failed?.diagnostics };
  return { plan: outcome.plan, warnings: outcome.warnings.map((w) => [w.side, w.diagnostics]) };
}

test('a plan from the committed base output equals a plan of both revisions compiled in full', async (t) => {
  let partialRuns = 0;
  let committedUsed = 0;
  let byReference = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.oneof({ arbitrary: arbitraryFleet({ maxHosts: 6, clusters: true, bootServer: true }), weight: 2 }, { arbitrary: fc.constant(MINIMAL), weight: 1 }, { arbitrary: fc.constant(MINIMAL_SERVER), weight: 1 }),
      fc.array(fleetEdit, { minLength: 1, maxLength: 3 }),
      fc.record({
        committedBase: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
        headInTree: fc.boolean(),
        buildHead: fc.boolean(),
        stale: fc.oneof({ arbitrary: fc.constant<(typeof STALE)[number]>('none'), weight: 4 }, { arbitrary: fc.constantFrom<(typeof STALE)[number]>('key', 'host-entry'), weight: 2 }),
      }),
      async (initial, edits, how) => {
        const root = tempDir(t);
        const repo = new FleetRepo(root, null);
        const base = { ...(initial as Files) };
        setFiles(repo, {}, base);
        const built = how.committedBase ? await build(repo) : 'none';
        // Only a build without diagnostics records its inputs' key (compile/index.ts emitContext).
        const baseBuilt = built === 'clean';
        if (baseBuilt && how.stale !== 'none') {
          const file = path.join(repo.paths.outDir, 'manifest.json');
          const manifest = JSON.parse(readFileSync(file, 'utf8')) as { source: string; hosts: Record<string, { artifacts: Record<string, { sha256: string }> }> };
          if (how.stale === 'key') manifest.source = manifest.source.replace(/^./, (c) => (c === '0' ? '1' : '0'));
          // Every host's entry altered: whichever hosts the edits touch, the plan compiles one of them.
          else for (const host of Object.values(manifest.hosts)) for (const entry of Object.values(host.artifacts)) entry.sha256 = '0'.repeat(64);
          writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
        }
        repo.commit('base');
        let head = base;
        for (const edit of edits) head = applyEdit(head, edit);
        setFiles(repo, base, head);
        if (how.buildHead) await build(repo);
        else rmSync(repo.paths.outDir, { recursive: true, force: true });
        const headRef = how.headInTree ? undefined : repo.commit('head');
        const request = { base: how.headInTree ? 'HEAD' : 'HEAD~1', head: headRef, paths: repo.paths, allowInvalidBase: true, cwd: root };
        const partial = await computePlan(request);
        const full = await computePlan({ ...request, fullBase: true });
        const report = partial.ok ? partial.partial : undefined;
        if (report) {
          partialRuns++;
          if (report.committed === undefined) committedUsed++;
          else if (baseBuilt && how.stale === 'none') assert.fail(`the committed output was not used: ${report.committed}`);
          // An altered entry of a host the plan compiles is noticed; one that keeps the source key and
          // belongs only to hosts the change does not touch cannot be (docs/scale.md: CI's build --check).
          if (how.stale === 'host-entry' && baseBuilt) {
            if (report.emittedBase > 0) assert.notEqual(report.committed, undefined, 'an altered committed entry went unnoticed');
            else return;
          }
        }
        assert.deepEqual(comparable(partial), comparable(full));
        // Unchanged hosts by reference (format 2) are what listing every host by value gives.
        if (await assertSameAsByValue(root, partial, await computePlan({ ...request, fullBase: true, listUnchanged: true }))) byReference++;
      },
    ),
    { numRuns: 100 },
  );
  // The property must have been exercised: plans built partially, some from committed output.
  assert.ok(partialRuns >= 15, `only ${partialRuns} partial plans`);
  assert.ok(committedUsed >= 3, `committed output used only ${committedUsed} times`);
  assert.ok(byReference >= 10, `unchanged hosts listed by reference in only ${byReference} plans`);
});

test('with a boot server host, a one-host edit takes the other hosts from the committed output and plans as a full compile', async (t) => {
  const root = tempDir(t);
  const repo = new FleetRepo(root, null);
  setFiles(repo, {}, MINIMAL_SERVER);
  assert.equal(await build(repo), 'clean');
  repo.commit('base');
  setFiles(repo, MINIMAL_SERVER, { ...MINIMAL_SERVER, 'hosts/wk-1.yaml': `${MINIMAL_SERVER['hosts/wk-1.yaml']!}labels: { rack: r9 }\n` });
  const request = { base: 'HEAD', paths: repo.paths, allowInvalidBase: false, cwd: root };
  const partial = await computePlan(request);
  assert.ok(partial.ok && partial.partial, 'planned partially');
  assert.equal(partial.partial.committed, undefined, 'the committed output was used');
  // The boot server's entry, composed from the committed entries, is what a full compile gives.
  assert.deepEqual(comparable(partial), comparable(await computePlan({ ...request, fullBase: true })));
  assert.ok(await assertSameAsByValue(root, partial, await computePlan({ ...request, listUnchanged: true })), 'the unchanged hosts are listed by reference');
});
