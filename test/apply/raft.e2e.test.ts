// A cluster from bare metal, in the order apply uses, against fake chainfire nodes that enforce quorum
// (test/first-boot/fake-platform.ts) and the real first-boot agent run on each installed lab host:
// apply installs one voter at a time, bootstraps the new group on the first one and waits for each
// to be a member before the next starts; two joins follow through the agent; every host is healthy.
// Later a voter is decommissioned: it leaves the group before it is powered off, and only while the
// voters that stay are a majority.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { runFleetc } from '../helpers/cli.ts';
import { startIpmiSim } from '../helpers/ipmi-sim.ts';
import { Lab } from '../helpers/lab.ts';
import { tempDir } from '../helpers/tmp.ts';
import { requireTools } from '../helpers/tools.ts';

test('three fresh control-plane hosts: bootstrap, two joins, health; then a decommission that keeps the majority', async (t) => {
  if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git', 'ipmi_sim', 'ipmitool')) return;
  const root = tempDir(t);
  const port = 19900 + Math.floor(Math.random() * 80);
  const sim = await startIpmiSim(`${root}/bmc`, port, 'admin', 'ipmi-pw-3');
  t.after(() => sim.stop());
  writeFileSync(`${root}/bmc-password`, 'ipmi-pw-3\n');
  const lab = new Lab(`${root}/lab-root`, [
    { name: 'cp-1', profile: 'control-plane', octet: 11 },
    { name: 'cp-2', profile: 'control-plane', octet: 12 },
    { name: 'cp-3', profile: 'control-plane', octet: 13, extra: `bmc: { kind: ipmi, address: 127.0.0.1, port: ${port}, user: admin, password: { file: ${root}/bmc-password } }` },
  ]);
  await lab.start();
  t.after(() => lab.stop());
  writeFileSync(`${lab.dir}/first-boot`, '');
  for (const host of lab.hosts) {
    lab.setFlag(host.name, 'down');
    lab.repo.edit({ [`hosts/${host.name}.yaml`]: lab.hostYaml(host, lab.hosts.indexOf(host)).replace(/ssh: \{ port: 2222, hostKey: "[^"]+" \}/, 'ssh: { port: 2222 }') });
  }
  lab.repo.rewrite('fleet/fleet.yaml', (s) => s.replace('healthTimeoutSeconds: 3 }', 'healthTimeoutSeconds: 40, powerOffDecommissioned: true }') + 'firstBoot: { attempts: 4, delaySeconds: 0.3, backoff: 1, maxDelaySeconds: 0.3, timeoutSeconds: 2 }\n');
  const c0 = await lab.commit('three new control-plane hosts');
  const apply = (...args: string[]) => runFleetc(['apply', '--identity', lab.clientKey, '--no-remote', '--log-dir', `${lab.dir}/runs`, ...args], { cwd: lab.repo.root, env: lab.env });

  const run = await apply('--first-contact', 'accept-new');
  assert.equal(run.exitCode, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /wave 1 \(control-plane\): cp-1[\s\S]*wave 2 \(control-plane\): cp-2[\s\S]*wave 3 \(control-plane\): cp-3/);
  const platform = lab.platform;
  assert.deepEqual(platform.bootstraps.map((b) => b.host), ['cp-1'], 'one bootstrap, on the first voter');
  assert.deepEqual(platform.changes.map((c) => `${c.change} ${c.member} via ${c.via}`), ['add cp-2 via cp-1', 'add cp-3 via cp-1'], 'two joins, one at a time, through the leader');
  const cluster = platform.get('chainfire', 'cp-1').cluster!;
  assert.deepEqual(cluster.members.map((m) => m.name).sort(), ['cp-1', 'cp-2', 'cp-3']);
  for (const host of ['cp-1', 'cp-2', 'cp-3']) assert.equal(platform.get('chainfire', host).cluster, cluster, `${host} is a member of the one cluster`);
  // Each voter was a member before the next one's install began: the join of cp-3 came after cp-2's.
  const installs = lab.doubleCalls().filter((c) => c.tool === 'nixos-anywhere').map((c) => c.argv.find((a) => a.includes('#'))!.split('#')[1]);
  assert.deepEqual(installs, ['cp-1', 'cp-2', 'cp-3']);
  assert.match(run.stdout, /cp-1: Raft: wait until it is a member of core\/chainfire[\s\S]*cp-1: deployed[\s\S]*cp-2: provision/);
  // The agents' own health steps passed on every host.
  for (const host of ['cp-1', 'cp-2', 'cp-3']) {
    const log = await import('node:fs').then((fs) => fs.readFileSync(`${lab.hostDir(host)}/first-boot.log`, 'utf8'));
    const lines = log.trim().split('\n').map((l) => JSON.parse(l) as { step: string; outcome: string; details?: { action?: string } });
    assert.ok(lines.some((l) => l.step === 'health-check' && l.outcome === 'success'), `${host}: first boot's health check succeeded`);
    const join = lines.find((l) => l.step === 'chainfire-join' && l.outcome === 'success')!;
    assert.equal(join.details?.action, host === 'cp-1' ? 'none' : 'join', `${host}: ${host === 'cp-1' ? 'found itself bootstrapped' : 'joined'}`);
  }

  // Decommission cp-3 (first, on its own: the others' first-boot.json loses a peer, an update for
  // later) while cp-2 is down: the one member that would stay and answer is no majority of two.
  lab.repo.edit({ 'hosts/cp-3.yaml': null });
  await lab.commit('decommission cp-3');
  lab.setFlag('cp-2', 'down');
  const blocked = await apply('--only', 'cp-3');
  assert.equal(blocked.exitCode, 4, blocked.stdout + blocked.stderr);
  assert.match(blocked.stdout, /cp-3: blocked \([\d.]+ s\): cp-3 cannot leave core\/chainfire: of the 2 members that stay \(cp-1, cp-2\) only 1 answer as members \(cp-1\), fewer than the majority of 2/);
  assert.deepEqual(cluster.members.map((m) => m.name).sort(), ['cp-1', 'cp-2', 'cp-3'], 'it stays in the group');
  assert.ok(!sim.calls().includes('set power 0'), 'and is not powered off');

  await import('node:fs').then((fs) => fs.rmSync(`${lab.hostDir('cp-2')}/down`));
  const done = await apply('--only', 'cp-3');
  assert.equal(done.exitCode, 0, done.stdout + done.stderr);
  assert.deepEqual(platform.changes.at(-1), { service: 'chainfire', change: 'remove', member: 'cp-3', via: 'cp-1' });
  assert.deepEqual(cluster.members.map((m) => m.name).sort(), ['cp-1', 'cp-2']);
  assert.equal(platform.get('chainfire', 'cp-3').cluster, undefined);
  assert.ok(platform.quorate(cluster), 'the cluster keeps its majority');
  assert.equal(sim.calls().at(-1), 'set power 0', 'powered off after it left');
  assert.match(done.stdout, /cp-3: Raft: leave core\/chainfire[\s\S]*cp-3: power off through the BMC/);
  const rest = await apply();
  assert.equal(rest.exitCode, 0, rest.stdout + rest.stderr);
  assert.equal(lab.current('cp-1'), lab.repo.git('rev-parse', 'HEAD'));
  assert.notEqual(c0, '');
});
