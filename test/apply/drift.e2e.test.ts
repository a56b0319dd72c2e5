// Lost state and drift against real sshd hosts and a bare remote: status --probe reads what each host
// runs (nixos-version --json, pinned keys only) and reports a host that was rolled back by hand;
// when the state refs are lost everywhere, apply does not send the fleet to a reinstall, and
// fleetc adopt records the state from what the hosts run, after which apply deploys only the
// host that really is behind.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { runFleetc } from '../helpers/cli.ts';
import { Lab } from '../helpers/lab.ts';
import { tempDir } from '../helpers/tmp.ts';
import { requireTools } from '../helpers/tools.ts';

interface StatusJson {
  hosts: Array<{ host: string; pending: string; deployedCommit?: string; probe?: { state: string; runs?: string; detail: string } }>;
}

test('drift, lost refs and fleetc adopt', async (t) => {
  if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
  const lab = new Lab(tempDir(t));
  await lab.start();
  t.after(() => lab.stop());
  const fleetc = (...args: string[]) => runFleetc(args, { cwd: lab.repo.root, env: lab.env });
  const apply = ['apply', '--identity', lab.clientKey, '--log-dir', `${lab.dir}/runs`];
  await lab.commit('fleet');
  lab.addRemote();
  assert.equal((await fleetc(...apply, '--base', 'HEAD')).exitCode, 0);
  lab.repo.rewrite('fleet/profiles/base.yaml', () => 'modules: [profiles/base.nix]\npackages: [htop]\n');
  const c1 = await lab.commit('htop everywhere');
  assert.equal((await fleetc(...apply)).exitCode, 0);
  const c0 = lab.repo.git('rev-parse', 'HEAD~1');

  // Someone rolls wk-1 back by hand to the system of c0.
  writeFileSync(`${lab.hostDir('wk-1')}/current`, `${c0}\n`);
  const probed = await fleetc('status', '--probe', '--identity', lab.clientKey);
  assert.equal(probed.exitCode, 1, 'drift is exit 1');
  assert.match(probed.stdout, new RegExp(`^wk-1 +up to date +${c1.slice(0, 12)} +DRIFT: runs ${c0.slice(0, 12)}, recorded ${c1.slice(0, 12)}: another configuration`, 'm'));
  for (const host of ['cp-1', 'cp-2', 'cp-3']) assert.match(probed.stdout, new RegExp(`^${host} +up to date +${c1.slice(0, 12)} +in sync: runs ${c1.slice(0, 12)}, as recorded`, 'm'));
  const json = JSON.parse((await fleetc('status', '--probe', '--identity', lab.clientKey, '--format', 'json')).stdout) as StatusJson;
  assert.deepEqual(json.hosts.map((h) => [h.host, h.probe?.state, h.probe?.runs]), [['cp-1', 'in sync', c1], ['cp-2', 'in sync', c1], ['cp-3', 'in sync', c1], ['wk-1', 'drift', c0]]);
  assert.ok(lab.hosts.every((h) => lab.commandsOn(h.name).every((c) => c === 'nixos-version --json' || !c.startsWith('nixos-version'))), 'the probe only reads');

  // The state refs are lost, on the remote and here.
  for (const host of ['cp-1', 'cp-2', 'cp-3', 'wk-1']) {
    lab.repo.git('push', '-q', 'origin', `:refs/fleetc/deployed/${host}`);
    lab.repo.git('update-ref', '-d', `refs/fleetc/deployed/${host}`);
  }
  const lost = await fleetc(...apply);
  assert.equal(lost.exitCode, 7);
  assert.match(lost.stderr, /For machines that already run \(the deployment state was lost, or never recorded\), do not: record them with fleetc adopt/);
  assert.match(lost.stderr, /Every host of the fleet is planned as new: if the fleet already runs, its state refs \(refs\/fleetc\/deployed\/\*\) are missing here/);
  assert.deepEqual(lab.doubleCalls().length, 4, 'nothing was run');

  const dry = await fleetc('adopt', '--dry-run', '--identity', lab.clientKey);
  assert.equal(dry.exitCode, 0, dry.stderr);
  assert.match(dry.stdout, new RegExp(`^wk-1 +would record +runs ${c0.slice(0, 12)}$`, 'm'));
  assert.equal(lab.repo.git('ls-remote', 'origin', 'refs/fleetc/*'), '', 'a dry run records nothing');
  const adopted = await fleetc('adopt', '--identity', lab.clientKey);
  assert.equal(adopted.exitCode, 0, adopted.stderr);
  for (const host of ['cp-1', 'cp-2', 'cp-3']) assert.match(adopted.stdout, new RegExp(`^${host} +recorded +runs ${c1.slice(0, 12)}$`, 'm'));
  const status = JSON.parse((await fleetc('status', '--format', 'json')).stdout) as StatusJson;
  assert.deepEqual(status.hosts.map((h) => [h.host, h.pending, h.deployedCommit]), [['cp-1', 'up to date', c1], ['cp-2', 'up to date', c1], ['cp-3', 'up to date', c1], ['wk-1', 'changes pending', c0]]);
  assert.equal(lab.repo.git('ls-remote', 'origin', 'refs/fleetc/lock'), '', 'adopt released the lock');

  const again = await fleetc(...apply);
  assert.equal(again.exitCode, 0, again.stdout + again.stderr);
  assert.deepEqual(lab.doubleCalls().slice(4).map((c) => c.argv.at(-1)), [`root@${lab.address('wk-1')}`], 'only the host that really was behind is deployed');
  assert.equal(lab.current('wk-1'), c1);
  assert.match((await fleetc('adopt', '--identity', lab.clientKey)).stdout, /^wk-1 +already recorded/m);
});
