// A refused host is skipped, not a reason to deploy nothing: a merge that adds a voter and changes
// every running host deploys the reviewed changes (one voter at a time, control plane first), skips
// the new machine, and exits 9; the fleet's deploy.firstContact lets apply (and so CI) provision.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFleetc } from '../helpers/cli.ts';
import { Lab } from '../helpers/lab.ts';
import { tempDir } from '../helpers/tmp.ts';
import { requireTools } from '../helpers/tools.ts';

test('a new voter refused by the first-contact policy is skipped; the other hosts deploy in quorum order; exit 9', async (t) => {
  if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
  const lab = new Lab(tempDir(t));
  await lab.start();
  t.after(() => lab.stop());
  const apply = (...args: string[]) => runFleetc(['apply', '--identity', lab.clientKey, '--no-remote', '--log-dir', `${lab.dir}/runs`, ...args], { cwd: lab.repo.root, env: lab.env });
  await lab.commit('fleet');
  assert.equal((await apply('--base', 'HEAD')).exitCode, 0);
  const membershipBefore = lab.platform.changes.length + lab.platform.bootstraps.length;

  // The merge: htop on every host, and a fourth control-plane voter whose key nobody can know yet.
  const newVoter = lab.hostYaml({ name: 'cp-4', profile: 'control-plane', octet: 14 }, 4, 'unused').replace(/ssh: \{[^}]*\}/, 'ssh: { port: 2222 }');
  lab.repo.edit({ 'hosts/cp-4.yaml': newVoter });
  lab.repo.rewrite('fleet/profiles/base.yaml', () => 'modules: [profiles/base.nix]\npackages: [htop]\n');
  const c1 = await lab.commit('htop everywhere, and cp-4');

  const run = await apply('--output', 'json');
  assert.equal(run.exitCode, 9, run.stderr);
  assert.match(run.stderr, /refused and skipped: cp-4/);
  assert.match(run.stderr, /refused: installing cp-4 means talking to its installer/);
  assert.match(run.stderr, /set deploy\.firstContact: accept-new in fleet\.yaml/);
  for (const host of ['cp-1', 'cp-2', 'cp-3', 'wk-1']) assert.equal(lab.current(host), c1, `${host}'s reviewed change is deployed`);
  const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; hosts?: string[]; profile?: string; message?: string });
  const waves = events.filter((e) => e.type === 'wave-started').map((e) => e.hosts!);
  assert.deepEqual(waves, [['cp-1'], ['cp-2'], ['cp-3'], ['wk-1']], 'one voter at a time, control plane first; cp-4 in no wave');
  assert.ok(events.some((e) => e.type === 'notice' && /cp-4.*skipped, the other hosts go ahead/.test(e.message!)), 'the skip is reported as it happens');
  assert.equal(lab.platform.changes.length + lab.platform.bootstraps.length, membershipBefore, 'no membership change: cp-4 never joined');
  assert.ok(!lab.platform.changes.some((c) => c.member === 'cp-4'));
  assert.equal(lab.repo.git('for-each-ref', 'refs/fleetc/deployed/cp-4'), '', 'cp-4 is not recorded: it stays pending');

  // The fleet says how new machines are met: apply goes ahead with cp-4 (a dry run shows it).
  lab.repo.rewrite('fleet/fleet.yaml', (s) => s.replace('deploy: { order: [control-plane, worker],', 'deploy: { firstContact: accept-new, order: [control-plane, worker],'));
  await lab.commit('CI provisions new machines');
  const dry = await apply('--dry-run');
  assert.equal(dry.exitCode, 0, dry.stderr);
  assert.doesNotMatch(dry.stderr, /refused/);
  assert.match(dry.stdout, /cp-4: provision/);
  // The command line still overrides the fleet.
  const strict = await apply('--dry-run', '--first-contact', 'refuse');
  assert.equal(strict.exitCode, 7, 'only cp-4 is pending, and it is refused: nothing goes ahead');
});
