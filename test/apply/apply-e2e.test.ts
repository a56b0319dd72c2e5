// fleetc apply end to end: real sshd hosts with pinned keys, recording doubles for nixos-rebuild and
// nixos-anywhere (no NixOS target can run here), state and lock in the repository's refs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hasStackTrace, runFleetc, type CliResult } from '../helpers/cli.ts';
import { Lab } from '../helpers/lab.ts';
import { tempDir } from '../helpers/tmp.ts';
import { requireTools } from '../helpers/tools.ts';

type Ctx = Parameters<typeof tempDir>[0];

async function startLab(t: Ctx): Promise<Lab> {
  const lab = new Lab(tempDir(t));
  await lab.start();
  t.after(() => lab.stop());
  return lab;
}

function apply(lab: Lab, ...args: string[]): Promise<CliResult> {
  return runFleetc(['apply', '--identity', lab.clientKey, '--no-remote', '--log-dir', `${lab.dir}/runs`, ...args], { cwd: lab.repo.root, env: lab.env });
}

function stateRefs(lab: Lab): string[] {
  return lab.repo.git('for-each-ref', '--format=%(refname)', 'refs/fleetc/').split('\n').filter(Boolean);
}

describe('fleetc apply', () => {
  test('adopt a running fleet, then roll out a change: control plane one voter at a time, exact commands, state recorded', async (t) => {
    if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
    const lab = await startLab(t);
    const c0 = await lab.commit('fleet');
    const adopt = await apply(lab, '--base', 'HEAD');
    assert.equal(adopt.exitCode, 0, adopt.stderr + adopt.stdout);
    assert.deepEqual(stateRefs(lab), ['refs/fleetc/deployed/cp-1', 'refs/fleetc/deployed/cp-2', 'refs/fleetc/deployed/cp-3', 'refs/fleetc/deployed/wk-1']);
    assert.deepEqual(lab.doubleCalls(), [], 'adoption runs nothing on the hosts');

    lab.repo.rewrite('fleet/profiles/control-plane.yaml', (s) => s.replace('services: [chainfire, novanet]', 'services: [chainfire]'));
    lab.repo.rewrite('fleet/profiles/worker.yaml', () => 'extends: base\nservices: [novanet]\npackages: [htop]\n');
    const c1 = await lab.commit('drop novanet from the control plane; htop on workers');
    const run = await apply(lab);
    assert.equal(run.exitCode, 0, run.stderr + run.stdout);
    assert.ok(!hasStackTrace(run.stdout + run.stderr));

    const calls = lab.doubleCalls();
    assert.equal(calls.length, 4);
    for (const [i, [host, address]] of [['cp-1', '127.0.0.11'], ['cp-2', '127.0.0.12'], ['cp-3', '127.0.0.13'], ['wk-1', '127.0.0.21']].entries()) {
      const call = calls[i]!;
      assert.deepEqual(call.argv, ['switch', '--flake', `git+file://${lab.repo.root}?dir=generated&rev=${c1}#${host}`, '--target-host', `root@${address}`]);
      const knownHosts = /UserKnownHostsFile=(\S+)/.exec(call.NIX_SSHOPTS!)![1]!;
      assert.equal(call.NIX_SSHOPTS, `-F /dev/null -p 2222 -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${knownHosts} -o GlobalKnownHostsFile=/dev/null -o ConnectTimeout=10 -o ServerAliveInterval=10 -o ServerAliveCountMax=3 -o IdentityFile=${lab.clientKey} -o IdentitiesOnly=yes`);
      assert.equal(lab.current(host!), c1);
    }
    // Voters go one per wave (the health of the others is checked first); the worker comes last.
    assert.match(run.stdout, /wave 1 \(control-plane\): cp-1[\s\S]*wave 2 \(control-plane\): cp-2[\s\S]*wave 3 \(control-plane\): cp-3[\s\S]*wave 4 \(worker\): wk-1/);
    assert.ok(lab.commandsOn('cp-1').includes('systemctl is-active --quiet chainfire.service'));
    // cp-2 is health-checked as cp-1's peer, after its own switch, and as cp-3's peer.
    assert.equal(lab.commandsOn('cp-2').filter((c) => c.startsWith('systemctl is-active')).length, 3);

    const status = await runFleetc(['status', '--no-remote'], { cwd: lab.repo.root, env: lab.env });
    assert.equal(status.exitCode, 0);
    for (const host of ['cp-1', 'cp-2', 'cp-3', 'wk-1']) assert.match(status.stdout, new RegExp(`^${host} +up to date +${c1.slice(0, 12)} +deployed `, 'm'));
    assert.match(status.stdout, /deploy lock: free/);
    assert.equal(lab.repo.git('log', '--format=%s', 'refs/fleetc/deployed/cp-2').split('\n').length, 2, 'one state commit per change: adoption, then this deploy');
    assert.notEqual(c0, c1);

    const again = await apply(lab);
    assert.equal(again.exitCode, 0);
    assert.match(again.stderr, /nothing to deploy/);
    assert.equal(lab.doubleCalls().length, 4);
  });

  test('a failing health check on a control-plane node: rollback, halt, nothing touched after it', async (t) => {
    if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
    const lab = await startLab(t);
    await lab.commit('fleet');
    assert.equal((await apply(lab, '--base', 'HEAD')).exitCode, 0);
    lab.repo.rewrite('fleet/profiles/base.yaml', () => 'modules: [profiles/base.nix]\npackages: [htop]\n');
    const c1 = await lab.commit('htop everywhere');
    lab.setFlag('cp-2', 'unhealthy', c1);

    const run = await apply(lab);
    assert.equal(run.exitCode, 4, run.stdout + run.stderr);
    assert.match(run.stdout, /cp-2: rolled-back .*health check failed/);
    assert.match(run.stdout, /HALTED: cp-2 rolled-back: no further host is started/);
    assert.equal(lab.current('cp-1'), c1);
    assert.notEqual(lab.current('cp-2'), c1, 'cp-2 runs its previous generation again');
    assert.deepEqual(lab.doubleCalls().map((c) => c.argv.slice(0, 2).join(' ')), ['switch --flake', 'switch --flake', 'switch --rollback']);
    assert.deepEqual(lab.doubleCalls()[2]!.argv, ['switch', '--rollback', '--target-host', 'root@127.0.0.12']);
    assert.ok(!lab.commandsOn('cp-3').some((c) => c.startsWith('readlink')), 'cp-3 was never touched');
    assert.deepEqual(lab.commandsOn('wk-1'), [], 'wk-1 was never touched');

    const status = await runFleetc(['status', '--no-remote', '--format', 'json'], { cwd: lab.repo.root, env: lab.env });
    const hosts = Object.fromEntries((JSON.parse(status.stdout).hosts as Array<{ host: string; pending: string; last?: { result: string } }>).map((h) => [h.host, h]));
    assert.equal(hosts['cp-1']!.pending, 'up to date');
    assert.equal(hosts['cp-2']!.pending, 'changes pending');
    assert.equal(hosts['cp-2']!.last!.result, 'rolled-back');
    assert.equal(hosts['cp-3']!.pending, 'changes pending');
  });

  test('a host showing another SSH host key is refused', async (t) => {
    if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
    const lab = await startLab(t);
    const impostor = lab.publicHostKey(lab.hosts[1]!);
    await lab.commit('fleet');
    assert.equal((await apply(lab, '--base', 'HEAD')).exitCode, 0);
    lab.repo.edit({ 'hosts/cp-1.yaml': lab.hostYaml(lab.hosts[0]!, 0, impostor).replace('profile: control-plane', 'profile: control-plane\nlabels: { moved: "yes" }') });
    await lab.commit('cp-1 pinned to the wrong key');
    const before = lab.commandsOn('cp-1').length;
    const run = await apply(lab);
    assert.equal(run.exitCode, 4);
    assert.match(run.stdout, /cp-1: failed .*cannot reach 127\.0\.0\.11:2222 over SSH .*Host key verification failed/);
    assert.deepEqual(lab.doubleCalls(), [], 'nothing was deployed');
    assert.equal(lab.commandsOn('cp-1').length, before, 'no command reached cp-1: the connection ended at the host key');
  });
});
