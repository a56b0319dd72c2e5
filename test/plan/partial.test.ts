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
import { generateFleet } from '../../bench/generate.ts';

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
        // The head's output: built, none, or the base's left as it was (its key is the base's inputs').
        headOutput: fc.constantFrom('built', 'none', 'base'),
        stale: fc.oneof({ arbitrary: fc.constant<(typeof STALE)[number]>('none'), weight: 4 }, { arbitrary: fc.constantFrom<(typeof STALE)[number]>('key', 'host-entry'), weight: 2 }),
        staleHead: fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 }),
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
          if (how.stale === 'key') manifest.source = otherKey(manifest.source);
          // Every host's entry altered: whichever hosts the edits touch, the plan compiles one of them.
          else for (const host of Object.values(manifest.hosts)) for (const entry of Object.values(host.artifacts)) entry.sha256 = '0'.repeat(64);
          writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
        }
        repo.commit('base');
        let head = base;
        for (const edit of edits) head = applyEdit(head, edit);
        setFiles(repo, base, head);
        const headBuilt = how.headOutput === 'built' ? await build(repo) : 'none';
        if (how.headOutput === 'none') rmSync(repo.paths.outDir, { recursive: true, force: true });
        // The head's own committed output with a key that is not its inputs': its checks must run.
        if (headBuilt === 'clean' && how.staleHead) alterKey(path.join(repo.paths.outDir, 'manifest.json'));
        const headRef = how.headInTree ? undefined : repo.commit('head');
        const request = { base: how.headInTree ? 'HEAD' : 'HEAD~1', head: headRef, paths: repo.paths, allowInvalidBase: true, cwd: root };
        // With a parse cache, cold then warm (the host files both revisions share and the cache
        // knows are left unread until a plan needs them): the plan of each is the one without.
        const cacheDir = path.join(root, '.cache');
        const cold = await computePlan({ ...request, cacheDir });
        const partial = await computePlan({ ...request, cacheDir });
        const full = await computePlan({ ...request, fullBase: true });
        assert.deepEqual(comparable(cold), comparable(partial));
        const report = partial.ok ? partial.partial : undefined;
        if (report) {
          partialRuns++;
          // The head is known clean exactly when its own committed output records its inputs' key.
          if (how.headOutput !== 'base') assert.equal(report.cleanHead, headBuilt === 'clean' && !how.staleHead && !how.headInTree, 'the head known clean');
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

function otherKey(key: string): string {
  return key.replace(/^./, (c) => (c === '0' ? '1' : '0'));
}

/** A committed manifest whose key no longer names its inputs. */
function alterKey(file: string): void {
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { source: string };
  manifest.source = otherKey(manifest.source);
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
}

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

/** The bench's synthetic fleet (clusters of 100 hosts, 3 voters each), whose build is clean: 120 hosts, two clusters. */
const SYNTHETIC = generateFleet(121, 7);
const CLAIMS = ['hosts/c001/c001-cp-1.yaml', 'hosts/c001/c001-cp-2.yaml'];
/** Cluster c001's bootstrap host claimed by a host file (firstBoot.bootstrap) instead of named in fleet.yaml. */
const SYNTHETIC_FILES: Files = Object.fromEntries([...SYNTHETIC.files].filter(([file]) => file !== SYNTHETIC.hostFiles[120]).map(([file, text]) => [
  file,
  file === 'fleet.yaml' ? text.replace('c001: { bootstrap: c001-cp-0 }', 'c001: { description: claimed }') : file === CLAIMS[0] ? `${text}firstBoot: { bootstrap: true }\n` : text,
]));
const HOSTS = SYNTHETIC.hostFiles.slice(0, 120);
const VOTERS = HOSTS.filter((file) => file.includes('-cp-'));
const OTHERS = HOSTS.filter((file) => !file.includes('-cp-'));

const SYNTHETIC_EDITS = ['label', 'voter-label', 'move-cluster', 'swap-voter', 'remove', 'add', 'move-file', 'claim', 'fleet'] as const;

/** An edit of the synthetic fleet: mostly host files only, the kinds that reach a cluster too. */
function syntheticEdit(files: Files, edit: (typeof SYNTHETIC_EDITS)[number], n: number): Files {
  const next = { ...files };
  const other = OTHERS[n % OTHERS.length]!;
  const voter = VOTERS.filter((v) => !v.endsWith('-cp-0.yaml'))[n % 4]!;
  const change = (file: string, from: string | RegExp, to: string) => {
    if (next[file] !== undefined) next[file] = next[file]!.replace(from, to);
  };
  switch (edit) {
    case 'label': change(other, /labels: \{ rack: ([^,]+),/, `labels: { rack: $1-e${n},`); break;
    case 'voter-label': change(voter, /labels: \{ rack: ([^,]+),/, `labels: { rack: $1-e${n},`); break;
    case 'move-cluster': next[other] = next[other]?.replace(/cluster: c00(\d)/, (_, d: string) => `cluster: c00${d === '0' ? 1 : 0}`) ?? next[other]!; break;
    // A voter stops voting and another host of its cluster starts: the cluster's Raft groups change.
    case 'swap-voter': {
      const cluster = voter.split('/')[1]!;
      const joining = OTHERS.filter((file) => file.split('/')[1] === cluster)[n % 7]!;
      change(voter, 'profile: control-plane', 'profile: worker');
      change(joining, /profile: \w+/, 'profile: control-plane');
      break;
    }
    case 'remove': delete next[other]; break;
    case 'add': next[SYNTHETIC.hostFiles[120]!] = SYNTHETIC.files.get(SYNTHETIC.hostFiles[120]!)!; break;
    case 'move-file': if (next[other] !== undefined) { next[other.replace(/^hosts\//, 'hosts/moved/')] = next[other]!; delete next[other]; } break;
    // The claim to bootstrap c001 moves to another of its voters.
    case 'claim': change(CLAIMS[0]!, 'firstBoot: { bootstrap: true }\n', ''); if (next[CLAIMS[1]!] !== undefined) next[CLAIMS[1]!] += 'firstBoot: { bootstrap: true }\n'; break;
    case 'fleet': change('fleet.yaml', 'maxParallel: 20', `maxParallel: ${21 + n}`); break;
  }
  if (next[other] === undefined) delete next[other];
  return next;
}

test('between two clean builds, a change of host files resolves only the hosts it reaches and plans as a full compile', async (t) => {
  let shallow = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(fc.record({ edit: fc.constantFrom(...SYNTHETIC_EDITS), n: fc.nat(200) }), { minLength: 1, maxLength: 3 }), async (edits) => {
      const root = tempDir(t);
      const repo = new FleetRepo(root, null);
      setFiles(repo, {}, SYNTHETIC_FILES);
      assert.equal(await build(repo), 'clean');
      repo.commit('base');
      let head = SYNTHETIC_FILES;
      for (const { edit, n } of edits) head = syntheticEdit(head, edit, n);
      setFiles(repo, SYNTHETIC_FILES, head);
      const built = await build(repo);
      repo.commit('head');
      const request = { base: 'HEAD~1', head: 'HEAD', paths: repo.paths, allowInvalidBase: false, cwd: root };
      // Warm: the parse cache knows every file, so the shared host files are left unread.
      const cacheDir = path.join(root, '.cache');
      assert.deepEqual(comparable(await computePlan({ ...request, cacheDir })), comparable(await computePlan(request)));
      const partial = await computePlan({ ...request, cacheDir });
      const report = partial.ok ? partial.partial : undefined;
      if (report) assert.equal(report.cleanHead, built === 'clean', 'a clean head is known clean');
      if (report?.resolved !== undefined && report.resolved < 120) shallow++;
      assert.deepEqual(comparable(partial), comparable(await computePlan({ ...request, fullBase: true })));
      await assertSameAsByValue(root, partial, await computePlan({ ...request, fullBase: true, listUnchanged: true }));
    }),
    { numRuns: 16 },
  );
  assert.ok(shallow >= 6, `only ${shallow} plans resolved only the hosts a change reaches`);
});
