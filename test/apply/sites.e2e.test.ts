// Sites against one bare remote and real sshd hosts: two applies on two sites at once hold their own
// locks and write their own state (nothing lost, no conflict); two applies on one site: exactly one
// proceeds. Single-site state is never taken over silently: the refusal says how to move it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { runFleetc, type CliResult } from '../helpers/cli.ts';
import { Lab, type LabHost } from '../helpers/lab.ts';
import { tempDir } from '../helpers/tmp.ts';
import { requireTools } from '../helpers/tools.ts';

const HOSTS: LabHost[] = [
  { name: 'cp-1', profile: 'control-plane', octet: 11, extra: 'labels: { site: eu-1 }' },
  { name: 'cp-2', profile: 'control-plane', octet: 12, extra: 'labels: { site: eu-1 }' },
  { name: 'cp-3', profile: 'control-plane', octet: 13, extra: 'labels: { site: eu-1 }' },
  { name: 'wk-1', profile: 'worker', octet: 21, extra: 'labels: { site: eu-1 }' },
  { name: 'wk-2', profile: 'worker', octet: 22, extra: 'labels: { site: us-1 }' },
];

async function siteLab(t: TestContext, sites = true): Promise<{ lab: Lab; bare: string }> {
  const lab = new Lab(tempDir(t), HOSTS);
  await lab.start();
  t.after(() => lab.stop());
  if (sites) lab.repo.rewrite('fleet/fleet.yaml', (s) => `${s}sites: [eu-1, us-1]\n`);
  await lab.commit('fleet');
  return { lab, bare: lab.addRemote() };
}

/** A fresh clone of the remote, as each CI job has. */
function clone(lab: Lab, bare: string, name: string): string {
  const dir = path.join(lab.root, name);
  execFileSync('git', ['clone', '-q', bare, dir]);
  return dir;
}

function apply(lab: Lab, cwd: string, ...args: string[]): Promise<CliResult> {
  return runFleetc(['apply', '--identity', lab.clientKey, '--log-dir', `${lab.dir}/runs-${path.basename(cwd)}`, ...args], { cwd, env: lab.env });
}

function remoteRefs(bare: string, pattern = 'refs/fleetc/'): string[] {
  return execFileSync('git', ['-C', bare, 'for-each-ref', '--format=%(refname)', pattern], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

/** Runs the applies at once and records whether both sites' locks were ever held together. */
async function atOnce(bare: string, runs: Array<Promise<CliResult>>): Promise<{ results: CliResult[]; bothLocksHeld: boolean }> {
  let bothLocksHeld = false;
  let done = false;
  const watching = (async () => {
    while (!done) {
      const locks = remoteRefs(bare, 'refs/fleetc/sites/').filter((r) => r.endsWith('/lock'));
      if (locks.length === 2) bothLocksHeld = true;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const results = await Promise.all(runs);
  done = true;
  await watching;
  return { results, bothLocksHeld };
}

describe('sites', () => {
  test('two sites deploy at once against one remote: own locks, own state, nothing lost', async (t) => {
    if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
    const { lab, bare } = await siteLab(t);
    const eu = clone(lab, bare, 'ci-eu-1');
    const us = clone(lab, bare, 'ci-us-1');
    const unsited = await apply(lab, eu, '--base', 'HEAD');
    assert.equal(unsited.exitCode, 7, unsited.stderr);
    assert.match(unsited.stderr, /the fleet deploys by site \(eu-1, us-1\); deploy one with --site <name>/);

    const adopted = await atOnce(bare, [apply(lab, eu, '--site', 'eu-1', '--base', 'HEAD'), apply(lab, us, '--site', 'us-1', '--base', 'HEAD')]);
    for (const r of adopted.results) assert.equal(r.exitCode, 0, r.stderr + r.stdout);

    lab.repo.rewrite('fleet/profiles/base.yaml', () => 'modules: [profiles/base.nix]\npackages: [htop]\n');
    const c1 = await lab.commit('htop everywhere');
    for (const dir of [eu, us]) execFileSync('git', ['-C', dir, 'pull', '-q', '--ff-only']);
    // Each run stays on its hosts a while, so the two runs overlap.
    lab.setFlag('wk-1', 'delay', '3');
    lab.setFlag('wk-2', 'delay', '3');
    const deployed = await atOnce(bare, [apply(lab, eu, '--site', 'eu-1'), apply(lab, us, '--site', 'us-1')]);
    for (const r of deployed.results) assert.equal(r.exitCode, 0, r.stderr + r.stdout);
    assert.ok(deployed.bothLocksHeld, 'both sites held their own lock at the same time');
    for (const host of ['cp-1', 'cp-2', 'cp-3', 'wk-1', 'wk-2']) assert.equal(lab.current(host), c1);
    assert.match(deployed.results[0]!.stdout, /wk-1: deployed/);
    assert.doesNotMatch(deployed.results[0]!.stdout, /wk-2/, 'the eu-1 run never touches a us-1 host');

    assert.deepEqual(remoteRefs(bare), [
      'refs/fleetc/sites/eu-1/deployed/cp-1',
      'refs/fleetc/sites/eu-1/deployed/cp-2',
      'refs/fleetc/sites/eu-1/deployed/cp-3',
      'refs/fleetc/sites/eu-1/deployed/wk-1',
      'refs/fleetc/sites/us-1/deployed/wk-2',
    ], 'both locks released; every host\'s state in its site, none in the single-site refs');
    for (const ref of remoteRefs(bare)) {
      const history = execFileSync('git', ['-C', bare, 'log', '--format=%s', ref], { encoding: 'utf8' }).trim().split('\n');
      assert.equal(history.length, 2, `${ref}: adoption and deploy, nothing lost`);
      assert.match(history[0]!, new RegExp(`deployed at ${c1.slice(0, 12)}`));
    }
    const status = await runFleetc(['status', '--site', 'us-1', '--format', 'json'], { cwd: us, env: lab.env });
    assert.deepEqual((JSON.parse(status.stdout).hosts as Array<{ host: string; pending: string }>).map((h) => [h.host, h.pending]), [['wk-2', 'up to date']]);
  });

  test('two applies on one site: exactly one proceeds', async (t) => {
    if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
    const { lab, bare } = await siteLab(t);
    const adopt = await apply(lab, lab.repo.root, '--site', 'eu-1', '--base', 'HEAD');
    assert.equal(adopt.exitCode, 0, adopt.stderr);
    lab.repo.rewrite('fleet/profiles/worker.yaml', () => 'extends: base\nservices: [novanet]\npackages: [htop]\n');
    const c1 = await lab.commit('htop on workers');
    lab.setFlag('wk-1', 'delay', '3');
    const [a, b] = [clone(lab, bare, 'ci-a'), clone(lab, bare, 'ci-b')];
    const results = await Promise.all([apply(lab, a, '--site', 'eu-1'), apply(lab, b, '--site', 'eu-1')]);
    assert.deepEqual(results.map((r) => r.exitCode).sort(), [0, 6], results.map((r) => r.stderr).join('\n'));
    const refused = results.find((r) => r.exitCode === 6)!;
    assert.match(refused.stderr, /the deploy lock is held by run \S+: .* deploying /);
    assert.equal(lab.current('wk-1'), c1);
    assert.equal(lab.doubleCalls().filter((c) => c.tool === 'nixos-rebuild').length, 1, 'wk-1 was deployed once');
  });

  test('fleetc adopt --site records what that site\'s hosts run into the site\'s own state', async (t) => {
    if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
    const { lab, bare } = await siteLab(t);
    const c0 = lab.repo.git('rev-parse', 'HEAD').trim();
    for (const host of ['wk-1', 'wk-2']) writeFileSync(path.join(lab.hostDir(host), 'current'), `${c0}\n`);
    const adopted = await runFleetc(['adopt', '--site', 'us-1', '--identity', lab.clientKey], { cwd: lab.repo.root, env: lab.env });
    assert.equal(adopted.exitCode, 0, adopted.stderr + adopted.stdout);
    assert.deepEqual(remoteRefs(bare), ['refs/fleetc/sites/us-1/deployed/wk-2'], 'only us-1\'s host, in us-1\'s state');
  });

  test('single-site state is not taken over silently when a fleet gains sites', async (t) => {
    if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
    const { lab, bare } = await siteLab(t, false);
    assert.equal((await apply(lab, lab.repo.root, '--base', 'HEAD')).exitCode, 0);
    lab.repo.rewrite('fleet/fleet.yaml', (s) => `${s}sites: [eu-1, us-1]\n`);
    await lab.commit('the fleet deploys by site');
    const refused = await apply(lab, lab.repo.root, '--site', 'us-1');
    assert.equal(refused.exitCode, 7, refused.stderr);
    assert.match(refused.stderr, /1 host\(s\) of site us-1 \(wk-2\) have state only in the single-site refs/);
    assert.equal(remoteRefs(bare, 'refs/fleetc/sites/').length, 0, 'nothing was moved');
    // The commands the refusal prints move it.
    const commands = refused.stderr.split('\n').filter((l) => l.startsWith('  git fetch') || l.startsWith('  for h in'));
    assert.equal(commands.length, 2);
    execFileSync('bash', ['-c', commands.join('\n')], { cwd: lab.repo.root });
    const moved = await apply(lab, lab.repo.root, '--site', 'us-1');
    assert.equal(moved.exitCode, 0, moved.stderr);
    assert.match(moved.stderr, /nothing to deploy/);
  });
});
