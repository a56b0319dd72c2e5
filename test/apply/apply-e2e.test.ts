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
    for (const [i, host] of ['cp-1', 'cp-2', 'cp-3', 'wk-1'].entries()) {
      const address = lab.address(host);
      const call = calls[i]!;
      assert.deepEqual(call.argv, ['switch', '--flake', `git+file://${lab.repo.root}?rev=${c1}#${host}`, '--target-host', `root@${address}`]);
      const knownHosts = /UserKnownHostsFile=(\S+)/.exec(call.NIX_SSHOPTS!)![1]!;
      assert.equal(call.NIX_SSHOPTS, `-F /dev/null -p 2222 -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${knownHosts} -o GlobalKnownHostsFile=/dev/null -o ConnectTimeout=10 -o ServerAliveInterval=10 -o ServerAliveCountMax=3 -o IdentityFile=${lab.clientKey} -o IdentitiesOnly=yes`);
      assert.equal(lab.current(host), c1);
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
    assert.deepEqual(lab.doubleCalls()[2]!.argv, ['switch', '--rollback', '--target-host', `root@${lab.address('cp-2')}`]);
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
    // A key of no host of the fleet (pinning another host's key would be HOST_KEY_DUPLICATE).
    const { execFileSync } = await import('node:child_process');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', `${lab.dir}/impostor`]);
    const impostor = (await import('node:fs')).readFileSync(`${lab.dir}/impostor.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    await lab.commit('fleet');
    assert.equal((await apply(lab, '--base', 'HEAD')).exitCode, 0);
    lab.repo.edit({ 'hosts/cp-1.yaml': lab.hostYaml(lab.hosts[0]!, 0, impostor).replace('profile: control-plane', 'profile: control-plane\nlabels: { moved: "yes" }') });
    await lab.commit('cp-1 pinned to the wrong key');
    const before = lab.commandsOn('cp-1').length;
    const run = await apply(lab);
    assert.equal(run.exitCode, 4);
    assert.match(run.stdout, new RegExp(`cp-1: failed .*cannot reach ${lab.address('cp-1').replace(/\./g, '\\.')}:2222 over SSH .*Host key verification failed`));
    assert.deepEqual(lab.doubleCalls(), [], 'nothing was deployed');
    assert.equal(lab.commandsOn('cp-1').length, before, 'no command reached cp-1: the connection ended at the host key');
  });
});

describe('fleetc apply: actions and refusals', () => {
  test('a destructive change is refused without approval, then reinstalled with pinned keys kept', async (t) => {
    if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
    const lab = await startLab(t);
    await lab.commit('fleet');
    assert.equal((await apply(lab, '--base', 'HEAD')).exitCode, 0);
    lab.repo.rewrite('fleet/hosts/wk-1.yaml', (s) => s.replace('layout: { kind: single, disk: main }', 'layout: { kind: single, disk: main, swap: 8G }'));
    const c1 = await lab.commit('swap on wk-1');

    const refused = await apply(lab);
    assert.equal(refused.exitCode, 7);
    assert.match(refused.stderr, /refused: changes that erase disks need approval by name: wk-1 \(repartitioned\); approve with --approve-destructive wk-1/);
    assert.deepEqual(lab.doubleCalls(), []);
    const typo = await apply(lab, '--approve-destructive', 'wk-1', 'cp-1');
    assert.equal(typo.exitCode, 7);
    assert.match(typo.stderr, /names hosts without a destructive change in this plan: cp-1/);

    const approved = await apply(lab, '--approve-destructive', 'wk-1');
    assert.equal(approved.exitCode, 0, approved.stdout + approved.stderr);
    const [call] = lab.doubleCalls();
    assert.equal(call!.tool, 'nixos-anywhere');
    const knownHosts = call!.argv[call!.argv.indexOf('--ssh-option', call!.argv.indexOf('StrictHostKeyChecking=yes')) + 1]!.replace('UserKnownHostsFile=', '');
    assert.deepEqual(call!.argv, [
      '--flake', `git+file://${lab.repo.root}?rev=${c1}#wk-1`, '-p', '2222', '--copy-host-keys',
      '--ssh-option', 'BatchMode=yes', '--ssh-option', 'StrictHostKeyChecking=yes', '--ssh-option', `UserKnownHostsFile=${knownHosts}`,
      '--ssh-option', 'GlobalKnownHostsFile=/dev/null', '--ssh-option', 'ConnectTimeout=10', '--ssh-option', 'ServerAliveInterval=10', '--ssh-option', 'ServerAliveCountMax=3',
      '--ssh-option', `IdentityFile=${lab.clientKey}`, '--ssh-option', 'IdentitiesOnly=yes', `root@${lab.address('wk-1')}`,
    ]);
    assert.equal(lab.current('wk-1'), c1);
  });

  test('a kernel change reboots the host and waits for a new boot id', async (t) => {
    if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
    const lab = await startLab(t);
    await lab.commit('fleet');
    assert.equal((await apply(lab, '--base', 'HEAD')).exitCode, 0);
    lab.repo.rewrite('fleet/hosts/wk-1.yaml', (s) => `${s}kernel: { params: [mitigations=auto] }\n`);
    const c1 = await lab.commit('kernel param');
    const run = await apply(lab);
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.deepEqual(lab.doubleCalls().map((c) => c.argv[0]), ['boot']);
    // ("true" is the nixos-rebuild double checking it can reach the host.)
    assert.deepEqual(lab.commandsOn('wk-1').filter((c) => !c.startsWith('systemctl is-active') && c !== 'true'), [
      'readlink -f /nix/var/nix/profiles/system',
      'cat /proc/sys/kernel/random/boot_id',
      'systemctl reboot',
      'cat /proc/sys/kernel/random/boot_id',
    ]);
    assert.equal(lab.current('wk-1'), c1, 'the reboot activated the new boot entry');
  });

  test('provisioning a new machine: refused without a first-contact policy; then PXE through IPMI and nixos-anywhere', async (t) => {
    if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git', 'ipmi_sim', 'ipmitool')) return;
    const { startIpmiSim } = await import('../helpers/ipmi-sim.ts');
    const { writeFileSync } = await import('node:fs');
    const root = tempDir(t);
    const sim = await startIpmiSim(`${root}/bmc`, 19625, 'admin', 'ipmi-pw-1');
    t.after(() => sim.stop());
    writeFileSync(`${root}/bmc-password`, 'ipmi-pw-1\n');
    const bmc = `bmc: { kind: ipmi, address: 127.0.0.1, port: 19625, user: admin, password: { file: ${root}/bmc-password } }`;
    const lab = new Lab(`${root}/lab-root`, [
      { name: 'cp-1', profile: 'control-plane', octet: 11 },
      { name: 'new-1', profile: 'worker', octet: 31, extra: bmc },
    ]);
    await lab.start();
    t.after(() => lab.stop());
    // The new machine's key is unknown: the fleet does not pin it.
    lab.repo.edit({ 'hosts/new-1.yaml': lab.hostYaml(lab.hosts[1]!, 1).replace(/hostKey: "[^"]+"/, 'port: 2222').replace('ssh: { port: 2222, port: 2222 }', 'ssh: { port: 2222 }') });
    const c0 = await lab.commit('fleet with a new machine');
    const refused = await apply(lab);
    assert.equal(refused.exitCode, 7);
    assert.match(refused.stderr, /refused: installing cp-1, new-1 means talking to their installers, .*--first-contact accept-new: .*For machines that already run .*fleetc adopt/);

    const run = await apply(lab, '--first-contact', 'accept-new', '--only', 'new-1');
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.deepEqual(sim.calls(), ['get boot', 'set boot pxe', 'get power', 'set power 1'], 'PXE once, then on (it was off)');
    const [install] = lab.doubleCalls();
    assert.equal(install!.tool, 'nixos-anywhere');
    assert.ok(install!.argv.includes('StrictHostKeyChecking=accept-new'));
    assert.ok(!install!.argv.includes('--copy-host-keys'), 'a new machine has no keys worth keeping');
    assert.ok(install!.argv.some((a) => /first-contact\/new-1\.installer\.known_hosts$/.test(a)), 'first contact is recorded in a file of its own');
    assert.equal(lab.current('new-1'), c0);
    assert.match(run.stdout, /ipmitool -I lanplus -C 3 -N 2 -R 2 -H 127\.0\.0\.1 -p 19625 -U admin -f \S+bmc-password chassis bootdev pxe options=efiboot/);
    assert.ok(!(run.stdout + run.stderr).includes('ipmi-pw-1'), 'the BMC password appears nowhere');
  });

  test('--dry-run prints the ordered commands and touches nothing', async (t) => {
    if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
    const lab = await startLab(t);
    await lab.commit('fleet');
    assert.equal((await apply(lab, '--base', 'HEAD')).exitCode, 0);
    lab.repo.rewrite('fleet/profiles/base.yaml', () => 'modules: [profiles/base.nix]\npackages: [htop]\n');
    await lab.commit('htop');
    const refsBefore = lab.repo.git('for-each-ref');
    const commandsBefore = lab.hosts.map((h) => lab.commandsOn(h.name).length);
    const run = await apply(lab, '--dry-run');
    assert.equal(run.exitCode, 0, run.stderr);
    const rebuilds = run.stdout.split('\n').filter((l) => l.includes('$ NIX_SSHOPTS=… nixos-rebuild switch'));
    assert.deepEqual(rebuilds.map((l) => /(cp-\d|wk-\d): \$/.exec(l)![1]), ['cp-1', 'cp-2', 'cp-3', 'wk-1']);
    assert.match(run.stderr, /~ cp-1: update/);
    assert.deepEqual(lab.doubleCalls(), []);
    assert.equal(lab.repo.git('for-each-ref'), refsBefore, 'no ref was written (no lock, no state)');
    assert.deepEqual(lab.hosts.map((h) => lab.commandsOn(h.name).length), commandsBefore, 'no host was contacted');
  });

  test('a held lock: apply exits 6 and names the holder; unlock needs the right id', async (t) => {
    if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
    const lab = await startLab(t);
    await lab.commit('fleet');
    const { acquireLock, newLockInfo } = await import('../../src/apply/lock.ts');
    const { openRepository } = await import('../../src/git/repository.ts');
    const held = await acquireLock(await openRepository(lab.repo.root), undefined, newLockInfo('other-run-42', 'f'.repeat(40), 'another apply'));
    assert.ok(held.acquired);
    const blocked = await apply(lab, '--base', 'HEAD');
    assert.equal(blocked.exitCode, 6);
    assert.match(blocked.stderr, /held by run other-run-42: .* fleetc unlock other-run-42/);
    const wrong = await runFleetc(['unlock', 'nope', '--no-remote'], { cwd: lab.repo.root, env: lab.env });
    assert.equal(wrong.exitCode, 1);
    assert.match(wrong.stderr, /held by run other-run-42 .*not by nope; nothing changed/);
    const right = await runFleetc(['unlock', 'other-run-42', '--no-remote'], { cwd: lab.repo.root, env: lab.env });
    assert.equal(right.exitCode, 0);
    assert.match(right.stdout, /broke the deploy lock: run other-run-42 of \S+@\S+ \(pid \d+\)/);
    assert.equal((await apply(lab, '--base', 'HEAD')).exitCode, 0);
  });

  test('apply --plan executes a saved plan of a commit, and refuses a plan of the working tree', async (t) => {
    if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
    const lab = await startLab(t);
    await lab.commit('fleet');
    assert.equal((await apply(lab, '--base', 'HEAD')).exitCode, 0);
    lab.repo.rewrite('fleet/profiles/worker.yaml', () => 'extends: base\nservices: [novanet]\npackages: [htop]\n');
    const c1 = await lab.commit('htop on workers');
    const saved = await runFleetc(['plan', '--base', 'HEAD~1', '--head', 'HEAD', '--plan-file', 'plan.json'], { cwd: lab.repo.root, env: lab.env });
    assert.equal(saved.exitCode, 0, saved.stderr);
    const run = await apply(lab, '--plan', 'plan.json');
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.deepEqual(lab.doubleCalls().map((c) => c.argv.at(-1)), [`root@${lab.address('wk-1')}`]);
    assert.equal(lab.current('wk-1'), c1);

    const tree = await runFleetc(['plan', '--base', 'HEAD', '--plan-file', 'tree.json'], { cwd: lab.repo.root, env: lab.env });
    assert.equal(tree.exitCode, 0);
    const refused = await apply(lab, '--plan', 'tree.json');
    assert.equal(refused.exitCode, 1);
    assert.match(refused.stderr, /plans the working tree; apply deploys commits/);
  });

  test('generated/ that does not match the commit\'s fleet is refused', async (t) => {
    if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
    const lab = await startLab(t);
    await lab.commit('fleet');
    lab.repo.rewrite('fleet/profiles/worker.yaml', () => 'extends: base\nservices: [novanet]\npackages: [htop]\n');
    lab.repo.commit('fleet changed, generated/ forgotten');
    const run = await apply(lab, '--base', 'HEAD~1');
    assert.equal(run.exitCode, 1);
    assert.match(run.stderr, /the flake at [0-9a-f]{12} \(flake\.nix, flake\.lock, generated\/\) is not what its fleet compiles to \(generated\/hosts\/wk-1\/default\.nix/);
    assert.deepEqual(lab.doubleCalls(), []);
  });
});
