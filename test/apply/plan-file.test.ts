// apply --plan treats the plan file as input to check: it recomputes the plan from the commit and
// the recorded state and refuses (exit 7, nothing touched, no lock taken over) a file that differs
// in anything the rollout acts on — a destructive change relabelled as an update, an injected
// decommission, Raft groups or maxParallel edited — saying what differs. A commit that is not in the
// repository, or a plan file that cannot be read or written, is exit 1 with a message.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Plan } from '../../src/plan/types.ts';
import { hasStackTrace, runFleetc, type CliResult } from '../helpers/cli.ts';
import { FleetRepo } from '../helpers/git-repo.ts';
import { tempDir } from '../helpers/tmp.ts';
import { treeHash } from '../helpers/tree-hash.ts';

type Ctx = Parameters<typeof tempDir>[0];

/** A repository whose fleet is adopted as deployed at its first commit, then changed and planned. */
async function planned(t: Ctx) {
  const repo = new FleetRepo(tempDir(t));
  const run = (...args: string[]) => runFleetc(args, { cwd: repo.root });
  assert.equal((await run('build')).exitCode, 0);
  repo.commit('fleet');
  const adopt = await run('apply', '--base', 'HEAD', '--no-remote', '--log-dir', '.fleetc/runs');
  assert.equal(adopt.exitCode, 0, adopt.stderr);
  // cp-2 gets a swap partition (destructive); every worker gets htop (an update).
  repo.rewrite('fleet/hosts/cp-2.yaml', (s) => s.replace('layout: { kind: single, disk: main }', 'layout: { kind: single, disk: main, swap: 8G }'));
  repo.rewrite('fleet/profiles/worker.yaml', () => 'extends: base\nservices: [novanet]\npackages: [htop]\n');
  assert.equal((await run('build')).exitCode, 0);
  const head = repo.commit('swap on cp-2, htop on workers');
  const saved = await run('plan', '--base', 'HEAD~1', '--head', head, '--plan-file', 'plan.json');
  assert.equal(saved.exitCode, 0, saved.stderr);
  const plan = JSON.parse(readFileSync(path.join(repo.root, 'plan.json'), 'utf8')) as Plan;
  const applyPlan = (edit: (plan: Plan) => void, ...extra: string[]) => {
    const copy = structuredClone(plan);
    edit(copy);
    writeFileSync(path.join(repo.root, 'tampered.json'), JSON.stringify(copy, null, 2));
    return run('apply', '--plan', 'tampered.json', '--no-remote', '--log-dir', '.fleetc/runs', ...extra);
  };
  const stateRefs = () => repo.git('for-each-ref', '--format=%(objectname) %(refname)', 'refs/fleetc/');
  return { repo, run, plan, applyPlan, head, stateRefs };
}

function assertRefused(result: CliResult, ...differences: RegExp[]): void {
  assert.equal(result.exitCode, 7, result.stderr + result.stdout);
  assert.match(result.stderr, /refused: the plan in tampered\.json is not the plan of [0-9a-f]{12} and the recorded deployment state/);
  for (const difference of differences) assert.match(result.stderr, difference);
  assert.ok(!hasStackTrace(result.stderr + result.stdout));
}

describe('apply --plan verifies the plan file', () => {
  test('the untouched plan agrees with the recomputed one: only the unapproved destructive change is refused', async (t) => {
    const p = await planned(t);
    const result = await p.applyPlan(() => {}, '--dry-run');
    assert.equal(result.exitCode, 7);
    assert.doesNotMatch(result.stderr, /is not the plan of/);
    assert.match(result.stderr, /changes that erase disks need approval by name: cp-2 \(repartitioned\); approve with --approve-destructive cp-2/);
  });

  test('a destructive change relabelled as an update is refused: no state written, no lock left', async (t) => {
    const p = await planned(t);
    const refsBefore = p.stateRefs();
    const result = await p.applyPlan((plan) => {
      const cp2 = plan.hosts.find((h) => h.name === 'cp-2')!;
      cp2.action = 'update';
      plan.summary.destructive--;
      plan.summary.update++;
    });
    assertRefused(result, /host cp-2 action: update in the plan file, destructive at the commit/);
    assert.equal(p.stateRefs(), refsBefore, 'no state written');
    assert.equal(p.repo.git('for-each-ref', 'refs/fleetc/lock'), '', 'no lock left');
  });

  test('an injected decommission of an unchanged Raft voter is refused', async (t) => {
    const p = await planned(t);
    const result = await p.applyPlan((plan) => {
      // cp-1 is unchanged, listed by reference: the file lists it by value instead, decommissioned.
      assert.ok(plan.unchanged!.hosts.includes('cp-1'));
      plan.unchanged!.hosts = plan.unchanged!.hosts.filter((h) => h !== 'cp-1');
      plan.hosts.push({ name: 'cp-1', action: 'decommission', reasons: [], profile: 'control-plane', cluster: 'core', raftGroups: ['core/chainfire', 'core/flaredb'], artifacts: [], headManifest: {} });
    }, '--dry-run');
    assertRefused(result, /host cp-1 action: decommission in the plan file, unchanged at the commit/);
  });

  test('the unchanged hosts listed by reference are checked against the manifest blob it names', async (t) => {
    const p = await planned(t);
    const reference = p.plan.unchanged!;
    assert.equal(reference.manifest.blob, p.repo.git('rev-parse', `${p.plan.base.commit}:generated/manifest.json`));
    // A changed host moved among the unchanged ones.
    const moved = await p.applyPlan((plan) => {
      plan.hosts = plan.hosts.filter((h) => h.name !== 'wk-1');
      plan.unchanged!.hosts.push('wk-1');
    }, '--dry-run');
    assertRefused(moved, /host wk-1: unchanged in the plan file, update at the commit/);
    // A manifest blob of the repository with other hashes for cp-1, and one without cp-1.
    const manifest = JSON.parse(p.repo.git('cat-file', 'blob', reference.manifest.blob)) as { hosts: Record<string, { artifacts: Record<string, { sha256: string }> }> };
    const blobOf = (text: string) => {
      writeFileSync(path.join(p.repo.root, 'other.json'), text);
      return p.repo.git('hash-object', '-w', 'other.json');
    };
    const otherHashes = structuredClone(manifest);
    for (const artifact of Object.values(otherHashes.hosts['cp-1']!.artifacts)) artifact.sha256 = '0'.repeat(64);
    const withoutCp1 = structuredClone(manifest);
    delete withoutCp1.hosts['cp-1'];
    const refer = (blob: string) => p.applyPlan((plan) => void (plan.unchanged!.manifest.blob = blob), '--dry-run');
    assertRefused(await refer(blobOf(JSON.stringify(otherHashes))), /host cp-1: its artifact hashes in the manifest the plan file refers to differ from what the commit compiles to/);
    assertRefused(await refer(blobOf(JSON.stringify(withoutCp1))), /host cp-1: unchanged in the plan file, but not in the manifest it refers to/);
    // Not a blob of the repository, a tree, a blob that is not a manifest.
    assertRefused(await refer('e'.repeat(40)), /the manifest the plan file refers to for its unchanged hosts \(generated\/manifest\.json, blob e{40}\) is not in this repository/);
    assertRefused(await refer(p.repo.git('rev-parse', `${p.head}^{tree}`)), /is not in this repository/);
    assertRefused(await refer(blobOf('{"hosts": 1}')), /is not a fleetc manifest/);
    // A host that is not in the fleet at all, listed as unchanged.
    const ghost = await p.applyPlan((plan) => void plan.unchanged!.hosts.push('ghost'), '--dry-run');
    assertRefused(ghost, /host ghost: unchanged in the plan file, not part of the plan at the commit/);
    // A host listed both ways.
    const twice = await p.applyPlan((plan) => void plan.unchanged!.hosts.push('cp-2'), '--dry-run');
    assertRefused(twice, /host cp-2: listed in the plan file both with its plan and as unchanged by reference/);
  });

  test('edited Raft groups and maxParallel (every voter in one wave) are refused; the policy comes from the fleet', async (t) => {
    const p = await planned(t);
    const result = await p.applyPlan((plan) => {
      for (const host of plan.hosts) host.raftGroups = [];
      plan.policy.maxParallel = 99;
      plan.waves = [{ index: 1, profile: 'control-plane', hosts: plan.hosts.filter((h) => h.action !== 'unchanged').map((h) => h.name) }];
    }, '--dry-run', '--approve-destructive', 'cp-2');
    assertRefused(result, /policy\.maxParallel: 99 in the plan file, 2 at the commit/, /host cp-2 raftGroups: \[\] in the plan file, \["core\/chainfire","core\/flaredb"\] at the commit/, /waves: control-plane: cp-2 wk-1 in the plan file, /);
  });

  test('a host name with control characters is quoted in the message, not printed raw', async (t) => {
    const p = await planned(t);
    const result = await p.applyPlan((plan) => {
      plan.hosts.find((h) => h.name === 'wk-1')!.profile = 'worker\u001b[2J';
    }, '--dry-run');
    assertRefused(result, /host wk-1 profile: "worker\\u001b\[2J" in the plan file, worker at the commit/);
    assert.ok(!result.stderr.includes('\u001b'));
  });

  test('a plan file of format 1 (every host by value) is exit 1, saying to plan again', async (t) => {
    const p = await planned(t);
    const result = await p.applyPlan((plan) => void (plan.formatVersion = 1));
    assert.equal(result.exitCode, 1, result.stderr);
    assert.match(result.stderr, /tampered\.json has plan format 1; this fleetc reads 2: plan again with this fleetc/);
    assert.ok(!hasStackTrace(result.stderr));
  });

  test('a plan of a commit that is not in the repository is exit 1 with a message', async (t) => {
    const p = await planned(t);
    const result = await p.applyPlan((plan) => {
      plan.head.commit = 'f'.repeat(40);
    });
    assert.equal(result.exitCode, 1, result.stderr);
    assert.match(result.stderr, /the plan in tampered\.json is of commit f{40}, which is not in this repository/);
    assert.ok(!hasStackTrace(result.stderr));
  });

  test('plan files in a missing directory: plan --plan-file and apply --plan are exit 1 with a message', async (t) => {
    const p = await planned(t);
    const before = treeHash(p.repo.root, { skip: (rel) => rel === '.git' || rel.startsWith('.fleetc') });
    const written = await p.run('plan', '--base', 'HEAD~1', '--head', p.head, '--plan-file', 'missing/dir/plan.json');
    assert.equal(written.exitCode, 1, written.stderr);
    assert.match(written.stderr, /cannot write the plan file missing\/dir\/plan\.json: no such file or directory \(ENOENT/);
    const read = await p.run('apply', '--plan', 'missing/dir/plan.json', '--no-remote');
    assert.equal(read.exitCode, 1, read.stderr);
    assert.match(read.stderr, /cannot read plan missing\/dir\/plan\.json/);
    for (const r of [written, read]) assert.ok(!hasStackTrace(r.stdout + r.stderr), r.stderr);
    assert.equal(treeHash(p.repo.root, { skip: (rel) => rel === '.git' || rel.startsWith('.fleetc') }), before);
  });
});
