// Secrets are references: with known secret values planted in the referenced files and variables, an
// apply that uses them (BMC power control for two new machines, their first-boot join token delivered
// through nixos-anywhere --extra-files) leaves 0 hits in generated/, the plan,
// the run logs, the doubles' records, the output, and the command line of every process on the machine.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runFleetc } from '../helpers/cli.ts';
import { startIpmiSim } from '../helpers/ipmi-sim.ts';
import { Lab, labSubnet } from '../helpers/lab.ts';
import { tempDir } from '../helpers/tmp.ts';
import { requireTools } from '../helpers/tools.ts';

// IPMI v2 passwords are at most 20 characters.
const SECRETS = { bmcFile: 'Zq7-bmcfile-9d1e', bmcEnv: 'Zq7-bmcenv-4c7b', iam: 'Zq7-iam-admin-2a6f', join: 'Zq7-join-token-5b1d' };

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join((e as unknown as { parentPath: string }).parentPath ?? (e as unknown as { path: string }).path, e.name));
}

test('planted secret values appear nowhere: files, plan, logs, output, process command lines', async (t) => {
  if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git', 'ipmi_sim', 'ipmitool')) return;
  const root = tempDir(t);
  const subnet = labSubnet();
  const simA = await startIpmiSim(`${root}/bmc-a`, 19626, 'admin', SECRETS.bmcFile, `${subnet}.41`);
  const simB = await startIpmiSim(`${root}/bmc-b`, 19626, 'admin', SECRETS.bmcEnv, `${subnet}.42`);
  t.after(() => Promise.all([simA.stop(), simB.stop()]));
  writeFileSync(`${root}/bmc-a-password`, `${SECRETS.bmcFile}\n`);
  writeFileSync(`${root}/iam-admin`, `${SECRETS.iam}\n`);
  const lab = new Lab(`${root}/lab-root`, [
    { name: 'cp-1', profile: 'control-plane', octet: 11 },
    { name: 'new-a', profile: 'worker', octet: 31, extra: `bmc: { kind: ipmi, address: ${subnet}.41, port: 19626, user: admin, password: { file: ${root}/bmc-a-password } }` },
    { name: 'new-b', profile: 'worker', octet: 32, extra: `bmc: { kind: ipmi, address: ${subnet}.42, port: 19626, user: admin, password: { env: FLEETC_PLANTED_BMC } }` },
  ], subnet);
  lab.writeFleet({ 'fleet.yaml': readFileSync(`${lab.repo.paths.fleetDir}/fleet.yaml`, 'utf8') + `secrets:\n  iamAdminPassword: { file: ${root}/iam-admin }\n  joinToken: { env: FLEETC_PLANTED_JOIN }\nfirstBoot:\n  joinToken: joinToken\n  iam: { service: chainfire, adminUser: admin, adminPassword: iamAdminPassword }\n` });
  await lab.start();
  t.after(() => lab.stop());
  const env = { ...lab.env, FLEETC_PLANTED_BMC: SECRETS.bmcEnv, FLEETC_PLANTED_JOIN: SECRETS.join };
  await lab.commit('fleet');

  // Watch every process's command line while apply runs.
  const cmdlines = new Set<string>();
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
        try {
          cmdlines.add(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '));
        } catch {
          // The process ended between the listing and the read.
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  const plan = await runFleetc(['plan', '--base', 'HEAD', '--format', 'json'], { cwd: lab.repo.root, env });
  const run = await runFleetc(['apply', '--identity', lab.clientKey, '--no-remote', '--log-dir', `${lab.dir}/runs`, '--first-contact', 'accept-new', '--only', 'new-a', 'new-b', '--verbose'], { cwd: lab.repo.root, env });
  watching = false;
  await watcher;
  assert.equal(run.exitCode, 0, run.stdout + run.stderr);
  assert.deepEqual([simA.power(), simB.power()], ['1', '1'], 'both BMCs were really used');
  assert.ok([...cmdlines].some((c) => c.startsWith('ipmitool ')), 'the watcher saw the ipmitool processes');
  assert.ok([...cmdlines].some((c) => c.includes('nixos-anywhere') && c.includes('--extra-files')), 'the watcher saw the installs with their credential trees');
  for (const host of ['new-a', 'new-b']) assert.equal(readFileSync(path.join(lab.hostDir(host), 'root/var/lib/fleetc/credentials/joinToken'), 'utf8'), SECRETS.join, `${host} got its join token`);

  const haystacks: Array<[string, string]> = [
    ['plan', plan.stdout],
    ['apply output', run.stdout + run.stderr],
    ...filesUnder(lab.repo.paths.outDir).map((f): [string, string] => [f, readFileSync(f, 'utf8')]),
    ...filesUnder(`${lab.dir}/runs`).map((f): [string, string] => [f, readFileSync(f, 'utf8')]),
    ['doubles.log', readFileSync(`${lab.dir}/doubles.log`, 'utf8')],
    ...[...cmdlines].map((c): [string, string] => ['process command line', c]),
  ];
  const hits = haystacks.flatMap(([where, text]) => Object.values(SECRETS).filter((s) => text.includes(s)).map((s) => `${s} in ${where}`));
  console.log(`secret scan: ${haystacks.length} places (${cmdlines.size} process command lines), ${hits.length} hits`);
  assert.deepEqual(hits, []);
  assert.ok(readFileSync(path.join(lab.repo.paths.outDir, 'hosts/cp-1/first-boot.json'), 'utf8').includes('"iamAdminPassword"'), 'first boot names the secret');
});
