// First-boot secrets delivered by apply, against real sshd targets: read on the deployer before anything
// is touched, installed to /var/lib/fleetc/credentials over SSH (value on stdin) before a switch, and
// carried by nixos-anywhere --extra-files at provisioning; an unreadable one refuses the run.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runFleetc } from '../helpers/cli.ts';
import { DEFAULT_LAB_HOSTS, Lab } from '../helpers/lab.ts';
import { tempDir } from '../helpers/tmp.ts';
import { requireTools } from '../helpers/tools.ts';

const TOKEN = 'Zq7-join-token-81c4';
const PASSWORD = 'Zq7-iam-password-3e90';

test('first-boot credentials: refused when unreadable; over SSH before a switch; in --extra-files at provisioning', async (t) => {
  if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git', 'tar')) return;
  const root = tempDir(t);
  writeFileSync(`${root}/join-token`, `${TOKEN}\n`);
  const lab = new Lab(`${root}/lab-root`, [...DEFAULT_LAB_HOSTS, { name: 'new-1', profile: 'worker', octet: 31 }]);
  const fleetYaml = readFileSync(`${lab.repo.paths.fleetDir}/fleet.yaml`, 'utf8') + `secrets:\n  joinToken: { file: ${root}/join-token }\n  iamPassword: { env: FLEETC_TEST_IAM }\nfirstBoot:\n  joinToken: joinToken\n  iam: { service: chainfire, adminPassword: iamPassword }\n`;
  const newHost = lab.hostYaml(lab.hosts[4]!, 4).replace(/hostKey: "[^"]+"/, 'user: root');
  lab.writeFleet({ 'fleet.yaml': fleetYaml, 'hosts/new-1.yaml': null });
  await lab.start();
  t.after(() => lab.stop());
  const apply = (env: Record<string, string>, ...args: string[]) => runFleetc(['apply', '--identity', lab.clientKey, '--no-remote', '--log-dir', `${lab.dir}/runs`, ...args], { cwd: lab.repo.root, env: { ...lab.env, ...env } });
  await lab.commit('fleet');
  assert.equal((await apply({}, '--base', 'HEAD')).exitCode, 0, 'adopt the running hosts');

  lab.repo.edit({ 'hosts/new-1.yaml': newHost, 'profiles/control-plane.yaml': 'extends: base\nservices: [chainfire, novanet]\npackages: [htop]\n' });
  await lab.commit('a new worker; htop on the control plane');

  // The IAM password's variable is not set: cp-1 is refused before it is touched and skipped (exit 9);
  // new-1, a worker that needs no IAM password, goes ahead.
  const refused = await apply({}, '--first-contact', 'accept-new', '--only', 'cp-1', 'new-1');
  assert.equal(refused.exitCode, 9, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /refused: cp-1 needs first-boot secret iamPassword: environment variable FLEETC_TEST_IAM is not set/);
  assert.deepEqual(lab.doubleCalls().map((c) => c.tool), ['nixos-anywhere'], 'new-1 installed, nothing run for cp-1');

  const run = await apply({ FLEETC_TEST_IAM: PASSWORD }, '--first-contact', 'accept-new', '--only', 'cp-1', 'new-1');
  assert.equal(run.exitCode, 0, run.stdout + run.stderr);

  const credentials = (host: string) => path.join(lab.hostDir(host), 'root', 'var', 'lib', 'fleetc', 'credentials');
  const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);
  // cp-1 (the bootstrap host, running): the token and the IAM password, over SSH, before its switch.
  assert.equal(readFileSync(path.join(credentials('cp-1'), 'joinToken'), 'utf8'), TOKEN);
  assert.equal(readFileSync(path.join(credentials('cp-1'), 'iamPassword'), 'utf8'), PASSWORD);
  assert.deepEqual([mode(credentials('cp-1')), mode(path.join(credentials('cp-1'), 'joinToken'))], ['700', '400']);
  const installs = lab.commandsOn('cp-1').filter((c) => c.startsWith('umask 077 && mkdir -p /var/lib/fleetc/credentials'));
  assert.equal(installs.length, 2);
  assert.ok(installs.every((c) => !c.includes(TOKEN) && !c.includes(PASSWORD)), 'values never on the command line');
  // new-1 (provisioned): the token only (a worker sets up no IAM), through --extra-files.
  const install = lab.doubleCalls().find((c) => c.tool === 'nixos-anywhere')!;
  const extra = install.argv[install.argv.indexOf('--extra-files') + 1]!;
  assert.ok(extra && !existsSync(extra), 'the staging tree is removed after the install');
  assert.equal(readFileSync(path.join(credentials('new-1'), 'joinToken'), 'utf8'), TOKEN);
  assert.ok(!existsSync(path.join(credentials('new-1'), 'iamPassword')));
  assert.deepEqual([mode(path.join(lab.hostDir('new-1'), 'root', 'var')), mode(credentials('new-1')), mode(path.join(credentials('new-1'), 'joinToken'))], ['755', '700', '400']);

  const everything = [refused.stdout, refused.stderr, run.stdout, run.stderr, readFileSync(`${lab.dir}/doubles.log`, 'utf8'), ...lab.commandsOn('cp-1')].join('\n');
  assert.ok(!everything.includes(TOKEN) && !everything.includes(PASSWORD), 'no value in output, doubles or commands');
});
