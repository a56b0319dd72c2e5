// Plans computed from real git repositories: each scenario commits a fleet change and checks the
// classification and reasons of every host.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { GitError } from '../../src/git/repository.ts';
import { installedLibrary } from '../../src/library/index.ts';
import { computePlan } from '../../src/plan/revisions.ts';
import type { HostAction, Plan } from '../../src/plan/types.ts';
import { renderPlan } from '../../src/cli/commands/plan.ts';
import { FleetRepo, MINIMAL_NEW_WORKER } from '../helpers/git-repo.ts';
import { REPO_ROOT } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';

type Ctx = Parameters<typeof tempDir>[0];

async function plan(repo: FleetRepo, base: string, head?: string, allowInvalidBase = false): Promise<Plan> {
  const outcome = await computePlan({ base, head, paths: repo.paths, allowInvalidBase, cwd: repo.root });
  if (!outcome.ok) assert.fail(`${outcome.reason}: ${JSON.stringify(outcome.failed?.diagnostics.map((d) => d.code))}`);
  return outcome.plan;
}

function actions(p: Plan): Record<string, HostAction> {
  return Object.fromEntries(p.hosts.map((h) => [h.name, h.action]));
}

function reasons(p: Plan, host: string): string[] {
  return p.hosts.find((h) => h.name === host)!.reasons;
}

function baseRepo(t: Ctx): FleetRepo {
  const repo = new FleetRepo(tempDir(t));
  repo.commit('fleet');
  return repo;
}


describe('plan scenarios', () => {
  test('add a host: provision', async (t) => {
    const repo = baseRepo(t);
    repo.edit({ 'hosts/wk-2.yaml': MINIMAL_NEW_WORKER }).commit('add wk-2');
    const p = await plan(repo, 'HEAD~1', 'HEAD');
    assert.deepEqual(actions(p), { 'cp-1': 'unchanged', 'cp-2': 'unchanged', 'cp-3': 'unchanged', 'wk-1': 'unchanged', 'wk-2': 'provision' });
    assert.deepEqual(reasons(p, 'wk-2'), ['new host (profile worker)']);
    assert.deepEqual(p.waves, [{ index: 1, profile: 'worker', hosts: ['wk-2'] }]);
    const wk2 = p.hosts.find((h) => h.name === 'wk-2')!;
    assert.ok(wk2.artifacts.some((a) => a.path === 'hosts/wk-2/default.nix' && a.change === 'added'));
    assert.equal(wk2.headManifest['hosts/wk-2/default.nix'], wk2.artifacts.find((a) => a.path === 'hosts/wk-2/default.nix')!.headSha256);
  });

  test('remove a host: decommission', async (t) => {
    const repo = baseRepo(t);
    repo.edit({ 'hosts/wk-1.yaml': null }).commit('remove wk-1');
    const p = await plan(repo, 'HEAD~1', 'HEAD');
    assert.equal(actions(p)['wk-1'], 'decommission');
    assert.equal(p.summary.decommission, 1);
    assert.deepEqual(p.waves, [], 'a decommission is not rolled out');
  });

  test('move a host to another profile: update, named in fleet terms', async (t) => {
    const repo = baseRepo(t);
    repo.rewrite('fleet/hosts/wk-1.yaml', (s) => s.replace('profile: worker', 'profile: control-plane')).commit('promote wk-1');
    const p = await plan(repo, 'HEAD~1', 'HEAD');
    assert.equal(actions(p)['wk-1'], 'update');
    assert.deepEqual(reasons(p, 'wk-1').slice(0, 2), ['profile worker → control-plane', 'services +chainfire +flaredb']);
    assert.deepEqual(p.hosts.find((h) => h.name === 'wk-1')!.raftGroups, ['core/chainfire', 'core/flaredb']);
  });

  test('change a disk layout: destructive', async (t) => {
    const repo = baseRepo(t);
    repo.rewrite('fleet/hosts/wk-1.yaml', (s) => s.replace('root: { fs: xfs }', 'root: { fs: xfs, size: 150G }')).commit('root 150G');
    const p = await plan(repo, 'HEAD~1', 'HEAD');
    assert.equal(actions(p)['wk-1'], 'destructive');
    assert.deepEqual(reasons(p, 'wk-1'), ['disk layout (raid1): root.size 100% → 150G']);
    const disko = p.hosts.find((h) => h.name === 'wk-1')!.artifacts.find((a) => a.kind === 'disko')!;
    assert.match(disko.diff, /^-\s+size = "100%";$/m);
    assert.match(disko.diff, /^\+\s+size = "150G";$/m);
  });

  test('change only the boot NIC\'s MAC: other hardware under the name, so a replace that says the old disks are lost', async (t) => {
    const repo = baseRepo(t);
    repo.rewrite('fleet/hosts/wk-1.yaml', (s) => s.replace('52:54:00:00:00:21', '52:54:00:00:00:99')).commit('new NIC');
    const p = await plan(repo, 'HEAD~1', 'HEAD');
    assert.deepEqual(Object.entries(actions(p)).filter(([, a]) => a !== 'unchanged'), [['wk-1', 'replace']]);
    assert.deepEqual(reasons(p, 'wk-1'), [
      'hardware replaced (boot MAC 52:54:00:00:00:21 → 52:54:00:00:00:99): installed from scratch through its BMC and the network boot, like a new machine: whatever was on the old disks is lost',
      'interface eno1: mac 52:54:00:00:00:21 → 52:54:00:00:00:99',
    ]);
    assert.deepEqual(p.hosts.find((h) => h.name === 'wk-1')!.hostKey, { source: 'new' });
  });

  test('change the MAC of a NIC that does not boot: the NIC is renamed by MAC on the host, so an update', async (t) => {
    const repo = baseRepo(t);
    repo.rewrite('fleet/hosts/cp-1.yaml', (s) => s.replace('52:54:00:00:01:11', '52:54:00:00:01:99')).commit('new storage NIC');
    const p = await plan(repo, 'HEAD~1', 'HEAD');
    assert.deepEqual(Object.entries(actions(p)).filter(([, a]) => a !== 'unchanged'), [['cp-1', 'update']]);
    assert.deepEqual(reasons(p, 'cp-1'), ['interface eno2.30: mac 52:54:00:00:01:11 → 52:54:00:00:01:99']);
  });

  test('bump nixpkgs: every host needs a reboot', async (t) => {
    const repo = baseRepo(t);
    // Another nixos-26.05 commit (in the public flake.lock of pr0d1r2/nix-hk), with its own hash and time.
    const other = 'rev: "5e2305d577ca00acbba631b05cb1094d172b29f3", narHash: "sha256-/eLCD/X9kaWJqPR47+fDozEC87Hjmm3i8gJbYmDAD7g=", lastModified: 1790450978';
    repo.rewrite('fleet/fleet.yaml', (s) => s.replace(/rev: "7c8764b7c7b09b34f632464276218ef9090eaa11", narHash: "[^"]+", lastModified: \d+/, other)).commit('bump');
    const p = await plan(repo, 'HEAD~1', 'HEAD');
    assert.deepEqual(new Set(Object.values(actions(p))), new Set(['reboot-required']));
    assert.deepEqual(reasons(p, 'cp-1'), ['nixpkgs 7c8764b → 5e2305d']);
    // Control plane first, one Raft voter at a time, then the worker.
    assert.deepEqual(p.waves.map((w) => [w.profile, w.hosts]), [['control-plane', ['cp-1']], ['control-plane', ['cp-2']], ['control-plane', ['cp-3']], ['worker', ['wk-1']]]);
  });

  test('edit a shared profile: every host that uses it, and only those', async (t) => {
    const repo = baseRepo(t);
    repo.rewrite('fleet/profiles/control-plane.yaml', (s) => s.replace('services: [chainfire, flaredb, novanet]', 'services: [chainfire, flaredb]')).commit('no novanet on cp');
    const p = await plan(repo, 'HEAD~1', 'HEAD');
    assert.deepEqual(actions(p), { 'cp-1': 'update', 'cp-2': 'update', 'cp-3': 'update', 'wk-1': 'unchanged' });
    assert.deepEqual(reasons(p, 'cp-2').slice(0, 1), ['services −novanet']);
  });

  test('edit a hand-written Nix file: the hosts that include it, with the file diff once', async (t) => {
    const repo = baseRepo(t);
    repo.rewrite('fleet/profiles/control-plane.yaml', (s) => `${s}modules: [profiles/control-plane.nix]\n`).commit('the control plane imports its module');
    repo.rewrite('nix/profiles/control-plane.nix', (s) => `${s}# tuned\n`).commit('touch the control-plane module');
    const p = await plan(repo, 'HEAD~1', 'HEAD');
    assert.deepEqual(actions(p), { 'cp-1': 'update', 'cp-2': 'update', 'cp-3': 'update', 'wk-1': 'unchanged' });
    assert.deepEqual(reasons(p, 'cp-1'), ['nix/profiles/control-plane.nix changed']);
    assert.deepEqual(p.shared.map((s) => [s.path, s.change, s.hosts]), [['nix/profiles/control-plane.nix', 'modified', ['cp-1', 'cp-2', 'cp-3']]]);
    assert.match(p.shared[0]!.diff, /^\+# tuned$/m);
  });

  test('edit the platform flake kept under nix/: every host, since every host gets its overlay and modules', async (t) => {
    const repo = baseRepo(t);
    repo.rewrite('fleet/fleet.yaml', (s) => s.replace(/^(  disko: .*)$/m, '$1\n  platform: { url: "path:./nix/platform", follows: { nixpkgs: nixpkgs } }') + 'platform: { input: platform }\n').commit('platform input');
    repo.rewrite('nix/platform/flake.nix', (s) => s.replace('stand-in platform of the fleetc example', 'stand-in platform, release 2')).commit('platform release 2');
    const p = await plan(repo, 'HEAD~1', 'HEAD');
    assert.deepEqual(new Set(Object.values(actions(p))), new Set(['update']));
    assert.deepEqual(reasons(p, 'wk-1'), ['nix/platform/flake.nix changed']);
    assert.match(p.shared[0]!.diff, /^\+.*release 2/m);
  });

  test('upgrade fleetc: its own Nix changes on every host that includes it, the boot server\'s on none', async (t) => {
    const repo = baseRepo(t);
    // The base was built by an older fleetc: its generated/fleetc/ differs in two files.
    for (const [file, contents] of installedLibrary().sources) {
      const older = file === 'modules/first-boot.nix' || file === 'modules/pxe-server.nix' ? `${contents}# older fleetc\n` : contents;
      mkdirSync(path.dirname(path.join(repo.paths.outDir, 'fleetc', file)), { recursive: true });
      writeFileSync(path.join(repo.paths.outDir, 'fleetc', file), older);
    }
    repo.commit('built by an older fleetc');
    const p = await plan(repo, 'HEAD');
    assert.deepEqual(new Set(Object.values(actions(p))), new Set(['update']));
    assert.deepEqual(reasons(p, 'wk-1'), ["fleetc's fleetc/modules/first-boot.nix changed"]);
    assert.deepEqual(p.shared.map((s) => [s.path, s.hosts.length]), [['fleetc/modules/first-boot.nix', 4], ['fleetc/modules/pxe-server.nix', 0]]);
    assert.match(p.shared[0]!.diff, /^-# older fleetc$/m);
  });

  test('rename a host: decommission + provision, flagged as one machine', async (t) => {
    const repo = baseRepo(t);
    const text = readFileSync(`${repo.paths.fleetDir}/hosts/wk-1.yaml`, 'utf8');
    repo.edit({ 'hosts/wk-1.yaml': null, 'hosts/compute-1.yaml': text }).commit('rename');
    const p = await plan(repo, 'HEAD~1', 'HEAD');
    assert.equal(actions(p)['wk-1'], 'decommission');
    assert.equal(actions(p)['compute-1'], 'provision');
    const added = p.hosts.find((h) => h.name === 'compute-1')!;
    assert.equal(added.renamedFrom, 'wk-1');
    assert.match(added.reasons.join('\n'), /looks like a rename of wk-1 \(same boot MAC 52:54:00:00:00:21, BMC 10\.0\.1\.21\)/);
    assert.match(renderPlan(p, 'markdown'), /\[!CAUTION\][\s\S]*\*\*wk-1\*\* → \*\*compute-1\*\*/);
  });

  test('no change: everything unchanged, no waves', async (t) => {
    const repo = baseRepo(t);
    repo.commit('empty');
    const p = await plan(repo, 'HEAD~1', 'HEAD');
    assert.deepEqual(new Set(Object.values(actions(p))), new Set(['unchanged']));
    assert.deepEqual(p.waves, []);
    assert.match(renderPlan(p, 'text'), /Plan: No changes\. 4 hosts unchanged\./);
  });

  test('the working tree is the default head: uncommitted edits are planned', async (t) => {
    const repo = baseRepo(t);
    repo.edit({ 'hosts/wk-2.yaml': MINIMAL_NEW_WORKER });
    const p = await plan(repo, 'HEAD');
    assert.equal(p.head.ref, 'working tree');
    assert.equal(actions(p)['wk-2'], 'provision');
    assert.equal(repo.git('status', '--porcelain'), '?? fleet/hosts/wk-2.yaml', 'plan changes nothing in the repository');
  });
});

describe('plan edge cases', () => {
  test('an unknown revision is a clear error', async (t) => {
    const repo = baseRepo(t);
    await assert.rejects(computePlan({ base: 'no-such-branch', paths: repo.paths, allowInvalidBase: false, cwd: repo.root }), (e: unknown) => e instanceof GitError && /unknown revision "no-such-branch"/.test(e.message));
    await assert.rejects(computePlan({ base: '--output=x', paths: repo.paths, allowInvalidBase: false, cwd: repo.root }), GitError);
  });

  test('a base before the fleet existed: everything is provisioned', async (t) => {
    const repo = new FleetRepo(tempDir(t), null);
    repo.commit('empty repository');
    repo.edit(Object.fromEntries([])).commit('still empty');
    const { cpSync } = await import('node:fs');
    cpSync(`${REPO_ROOT}test/fixtures/fleets/minimal`, repo.paths.fleetDir, { recursive: true });
    repo.commit('add the fleet');
    const p = await plan(repo, 'HEAD~1', 'HEAD');
    assert.equal(p.base.fleetExists, false);
    assert.equal(p.summary.provision, 4);
  });

  test('an invalid base fails, or plans against an empty fleet when asked', async (t) => {
    const repo = baseRepo(t);
    repo.rewrite('fleet/hosts/wk-1.yaml', (s) => s.replace('profile: worker', 'profile: nope')).commit('break');
    repo.rewrite('fleet/hosts/wk-1.yaml', (s) => s.replace('profile: nope', 'profile: worker')).commit('fix');
    const refused = await computePlan({ base: 'HEAD~1', head: 'HEAD', paths: repo.paths, allowInvalidBase: false, cwd: repo.root });
    assert.equal(refused.ok, false);
    if (!refused.ok) {
      assert.match(refused.reason, /fleet at base HEAD~1 has errors/);
      assert.deepEqual(refused.failed?.diagnostics.map((d) => [d.code, d.file]), [['PROFILE_UNKNOWN', 'HEAD~1:fleet/hosts/wk-1.yaml']]);
    }
    const p = await plan(repo, 'HEAD~1', 'HEAD', true);
    assert.equal(p.base.treatedAsEmpty, true);
    assert.equal(p.summary.provision, 4);
  });
});

describe('plan output', () => {
  test('JSON validates against schema/plan.schema.json and is byte-identical on a second run', async (t) => {
    const repo = baseRepo(t);
    repo.rewrite('fleet/hosts/wk-1.yaml', (s) => s.replace('root: { fs: xfs }', 'root: { fs: ext4 }')).edit({ 'hosts/wk-2.yaml': MINIMAL_NEW_WORKER }).commit('mixed');
    const first = renderPlan(await plan(repo, 'HEAD~1', 'HEAD'), 'json');
    const second = renderPlan(await plan(repo, 'HEAD~1', 'HEAD'), 'json');
    assert.equal(first, second);
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    const validate = ajv.compile(JSON.parse(readFileSync(`${REPO_ROOT}schema/plan.schema.json`, 'utf8')));
    assert.ok(validate(JSON.parse(first)), JSON.stringify(validate.errors));
  });

  test('Markdown stays under GitHub\'s comment limit for a 400-host change', async (t) => {
    const repo = new FleetRepo(tempDir(t));
    const hosts: Record<string, string> = {};
    for (let i = 0; i < 400; i++) hosts[`hosts/n-${i}.yaml`] = MINIMAL_NEW_WORKER.replace('nvme-wk2', `nvme-n${i}`).replace('52:54:00:00:00:22', `52:54:00:01:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`).replace('10.0.0.22', `10.0.${2 + (i >> 8)}.${i & 255}`).replace('10.0.1.22', `10.0.9.${i & 255}`).replace('bmc: { kind: ipmi, address: 10.0.9.', i >= 256 ? 'bmc: { kind: ipmi, address: 10.0.8.' : 'bmc: { kind: ipmi, address: 10.0.9.');
    repo.rewrite('fleet/fleet.yaml', (s) => s.replace('cidr: 10.0.0.0/24', 'cidr: 10.0.0.0/20').replace('pool: { start: 10.0.0.200, end: 10.0.0.250 }', 'pool: { start: 10.0.15.200, end: 10.0.15.250 }'));
    repo.commit('base');
    repo.edit(hosts).commit('400 hosts');
    const markdown = renderPlan(await plan(repo, 'HEAD~1', 'HEAD'), 'markdown');
    assert.ok(markdown.length < 65_536, `${markdown.length} characters`);
    assert.match(markdown, /Not shown, to stay within GitHub's comment limit: \d+ host blocks \(\d+ provision\)/);
  });
});
