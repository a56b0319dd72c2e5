// The boot server as a host of the fleet (boot.server), in the lab: a DHCP/iPXE-only change deploys
// it (in a wave of its own, first) and the other hosts are recorded only once it serves the change;
// before a machine is network-booted, apply checks over HTTP that the boot server serves the commit
// it is recorded at and this commit's boot scripts, and boots nothing from a stale one.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { runFleetc } from '../helpers/cli.ts';
import { startIpmiSim } from '../helpers/ipmi-sim.ts';
import { Lab } from '../helpers/lab.ts';
import { tempDir } from '../helpers/tmp.ts';
import { requireTools } from '../helpers/tools.ts';

test('network-only changes deploy the boot server first; no machine boots from a boot server that does not serve the commit', async (t) => {
  if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git', 'ipmi_sim', 'ipmitool')) return;
  const root = tempDir(t);
  const port = 19980 + Math.floor(Math.random() * 15);
  const sim = await startIpmiSim(`${root}/bmc`, port, 'admin', 'ipmi-pw-4');
  t.after(() => sim.stop());
  writeFileSync(`${root}/bmc-password`, 'ipmi-pw-4\n');
  const lab = new Lab(`${root}/lab-root`, [
    { name: 'pxe-1', profile: 'boot-server', octet: 2 },
    { name: 'cp-1', profile: 'control-plane', octet: 11 },
    { name: 'wk-1', profile: 'worker', octet: 21 },
    { name: 'new-1', profile: 'worker', octet: 31, extra: `bmc: { kind: ipmi, address: 127.0.0.1, port: ${port}, user: admin, password: { file: ${root}/bmc-password } }` },
  ]);
  await lab.start();
  await lab.serveBoot('pxe-1');
  t.after(() => lab.stop());
  const newHost = lab.hostYaml(lab.hosts[3]!, 3).replace(/ssh: \{ port: 2222, hostKey: "[^"]+" \}/, 'ssh: { port: 2222 }');
  lab.repo.edit({ 'hosts/new-1.yaml': null });
  lab.repo.rewrite('fleet/fleet.yaml', (s) => s.replace(/tftp: ([0-9.]+) \}/, 'tftp: $1, server: pxe-1 }'));
  const c0 = await lab.commit('a fleet whose boot server is pxe-1');
  const apply = (...args: string[]) => runFleetc(['apply', '--identity', lab.clientKey, '--no-remote', '--log-dir', `${lab.dir}/runs`, ...args], { cwd: lab.repo.root, env: lab.env });
  assert.equal((await apply('--base', 'HEAD')).exitCode, 0);
  writeFileSync(`${lab.hostDir('pxe-1')}/current`, `${c0}\n`); // it runs what it was adopted at

  // A DHCP-only change: every host's reservation is network-only, the boot server's an update.
  lab.repo.rewrite('fleet/fleet.yaml', (s) => s.replace('dhcp: {} }', 'dhcp: { leaseSeconds: 600 } }'));
  const c1 = await lab.commit('shorter leases');
  const plan = await runFleetc(['plan', '--base', 'HEAD~1', '--head', 'HEAD', '--no-diff'], { cwd: lab.repo.root, env: lab.env });
  assert.match(plan.stdout, /~ pxe-1: update \(boot-server\)/);
  assert.match(plan.stdout, /~ cp-1: network-only/);
  assert.match(plan.stdout, /wave 1 \(boot-server\): pxe-1/);
  lab.setFlag('pxe-1', 'fail-build');
  const failed = await apply();
  assert.equal(failed.exitCode, 4, failed.stdout + failed.stderr);
  const pending = JSON.parse((await runFleetc(['status', '--no-remote', '--format', 'json'], { cwd: lab.repo.root, env: lab.env })).stdout) as { hosts: Array<{ host: string; pending: string }> };
  assert.deepEqual(pending.hosts.map((h) => [h.host, h.pending]), [['cp-1', 'changes pending'], ['pxe-1', 'changes pending'], ['wk-1', 'changes pending']], 'network-only changes nothing served are not recorded');
  await import('node:fs').then((fs) => fs.rmSync(`${lab.hostDir('pxe-1')}/fail-build`));
  const served = await apply();
  assert.equal(served.exitCode, 0, served.stdout + served.stderr);
  assert.match(served.stdout, /wave 1 \(boot-server\): pxe-1[\s\S]*pxe-1: deployed[\s\S]*cp-1: network-only[\s\S]*cp-1: recorded/);
  assert.deepEqual(lab.doubleCalls().map((c) => c.argv.find((a) => a.includes('#'))!.split('#')[1]), ['pxe-1', 'pxe-1'], 'only the boot server was deployed (the failed build, then the switch)');
  assert.equal(lab.current('pxe-1'), c1);

  // A new machine: the boot server goes first; a boot server serving another commit boots nothing.
  lab.repo.edit({ 'hosts/new-1.yaml': newHost });
  const c2 = await lab.commit('new-1');
  writeFileSync(`${lab.hostDir('pxe-1')}/boot-stale`, `${c1}\n`);
  const stale = await apply('--first-contact', 'accept-new');
  assert.equal(stale.exitCode, 4, stale.stdout + stale.stderr);
  assert.match(stale.stdout, /pxe-1: deployed[\s\S]*new-1: check that the boot server pxe-1 serves this commit[\s\S]*new-1: \$ http-get http:\/\/[0-9.]+:8080\/boot\/fleet-revision/);
  assert.match(stale.stdout, new RegExp(`new-1: failed .*the boot server pxe-1 serves revision ${c1} at .*/fleet-revision, not ${c2.slice(0, 12)} it is recorded at`));
  assert.deepEqual(sim.calls(), [], 'nothing was network-booted');
  await import('node:fs').then((fs) => fs.rmSync(`${lab.hostDir('pxe-1')}/boot-stale`));
  const booted = await apply('--first-contact', 'accept-new');
  assert.equal(booted.exitCode, 0, booted.stdout + booted.stderr);
  assert.match(booted.stdout, /new-1: \$ http-get http:\/\/[0-9.]+:8080\/boot\/hosts\/52:54:00:77:00:13\.ipxe[\s\S]*new-1: \$ ipmitool .*chassis bootdev pxe/);
  assert.deepEqual(sim.calls(), ['get boot', 'set boot pxe', 'get power', 'set power 1']);
  assert.equal(lab.current('new-1'), c2);
});
