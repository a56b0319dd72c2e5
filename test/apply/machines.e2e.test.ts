// A machine's life in the lab (real sshd hosts, ipmi_sim and the Redfish service as BMCs, recording
// doubles for nixos-anywhere/nixos-rebuild): provisioning generates the host key and records it so
// later deploys are pinned with no hand edit; failed hardware under the same name is replaced through
// the BMC and PXE with approval by name; a rename needs the same approval and never powers off the
// machine it reinstalls.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { runFleetc, type CliResult } from '../helpers/cli.ts';
import { startIpmiSim } from '../helpers/ipmi-sim.ts';
import { Lab, type LabHost } from '../helpers/lab.ts';
import { startRedfishServer } from '../helpers/redfish-server.ts';
import { tempDir } from '../helpers/tmp.ts';
import { requireTools } from '../helpers/tools.ts';

type Ctx = Parameters<typeof tempDir>[0];

function apply(lab: Lab, ...args: string[]): Promise<CliResult> {
  return runFleetc(['apply', '--identity', lab.clientKey, '--no-remote', '--log-dir', `${lab.dir}/runs`, ...args], { cwd: lab.repo.root, env: lab.env });
}

function state(lab: Lab, host: string): { deployed?: { commit: string }; decommissioned?: unknown; hostKey?: { key: string; commit: string } } {
  return JSON.parse(lab.repo.git('cat-file', 'blob', `refs/fleetc/deployed/${host}:state.json`));
}

/** The key the fake host's sshd shows now. */
function servedKey(lab: Lab, host: string): string {
  return readFileSync(`${lab.hostDir(host)}/ssh_host_ed25519_key.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
}

function unpinned(yaml: string): string {
  return yaml.replace(/ssh: \{ port: 2222, hostKey: "[^"]+" \}/, 'ssh: { port: 2222 }');
}

async function ipmiLab(t: Ctx, hosts: (bmc: string) => LabHost[]): Promise<{ lab: Lab; sim: Awaited<ReturnType<typeof startIpmiSim>> }> {
  const root = tempDir(t);
  const port = 19700 + Math.floor(Math.random() * 200);
  const sim = await startIpmiSim(`${root}/bmc`, port, 'admin', 'ipmi-pw-2');
  t.after(() => sim.stop());
  writeFileSync(`${root}/bmc-password`, 'ipmi-pw-2\n');
  const lab = new Lab(`${root}/lab-root`, hosts(`bmc: { kind: ipmi, address: 127.0.0.1, port: ${port}, user: admin, password: { file: ${root}/bmc-password } }`));
  await lab.start();
  t.after(() => lab.stop());
  return { lab, sim };
}

describe('host keys', () => {
  test('provisioning generates the host key, installs it with --extra-files, records it; the next deploy is pinned to it with no hand edit', async (t) => {
    if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git', 'ipmi_sim', 'ipmitool')) return;
    const { lab } = await ipmiLab(t, (bmc) => [
      { name: 'cp-1', profile: 'control-plane', octet: 11 },
      { name: 'new-1', profile: 'worker', octet: 31, extra: bmc },
    ]);
    const installerKey = servedKey(lab, 'new-1');
    lab.repo.edit({ 'hosts/new-1.yaml': unpinned(lab.hostYaml(lab.hosts[1]!, 1)) });
    const c0 = await lab.commit('a new machine, no key pinned');
    const plan = await apply(lab, '--dry-run', '--only', 'new-1');
    assert.match(plan.stderr, /new-1: provision[\s\S]*SSH host key: a new key pair is generated, installed with the system and recorded/);

    const run = await apply(lab, '--first-contact', 'accept-new', '--only', 'new-1');
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    const [install] = lab.doubleCalls();
    assert.ok(install!.argv.includes('--extra-files'), 'the key travels in the --extra-files tree');
    assert.match(run.stdout, /wait for the installed system \(pinned to its new host key\)/);
    const recorded = state(lab, 'new-1').hostKey!;
    assert.equal(recorded.key, servedKey(lab, 'new-1'), 'the recorded key is the one the installed system shows');
    assert.notEqual(recorded.key, installerKey);
    assert.equal(recorded.commit, c0);

    lab.repo.edit({ 'hosts/new-1.yaml': `${unpinned(lab.hostYaml(lab.hosts[1]!, 1))}labels: { rack: r2 }\n` });
    const c1 = await lab.commit('a label, still no ssh.hostKey in the fleet');
    const dry = await apply(lab, '--dry-run', '--only', 'new-1');
    assert.match(dry.stderr, /~ new-1: update[\s\S]*SSH host key SHA256:\S+ \(recorded by fleetc when it installed the host\)/);
    const update = await apply(lab, '--only', 'new-1');
    assert.equal(update.exitCode, 0, update.stdout + update.stderr);
    const switched = lab.doubleCalls()[1]!;
    assert.match(switched.NIX_SSHOPTS!, /StrictHostKeyChecking=yes/);
    const knownHosts = readFileSync(/UserKnownHostsFile=(\S+)/.exec(switched.NIX_SSHOPTS!)![1]!, 'utf8');
    assert.ok(knownHosts.includes(`[${lab.address('new-1')}]:2222 ${recorded.key}`), 'pinned to the recorded key');
    assert.equal(lab.current('new-1'), c1);
  });

  test('a host with neither a pinned nor a recorded key is refused, and the message says where to get one', async (t) => {
    if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
    const lab = new Lab(tempDir(t), [{ name: 'wk-1', profile: 'worker', octet: 21 }]);
    await lab.start();
    t.after(() => lab.stop());
    lab.repo.edit({ 'hosts/wk-1.yaml': unpinned(lab.hostYaml(lab.hosts[0]!, 0)) });
    await lab.commit('fleet');
    assert.equal((await apply(lab, '--base', 'HEAD')).exitCode, 0);
    lab.repo.edit({ 'hosts/wk-1.yaml': `${unpinned(lab.hostYaml(lab.hosts[0]!, 0))}labels: { a: b }\n` });
    await lab.commit('change');
    const run = await apply(lab);
    assert.equal(run.exitCode, 7);
    assert.match(run.stderr, /wk-1 has no pinned SSH host key: .*cat \/etc\/ssh\/ssh_host_ed25519_key\.pub .*ssh-keyscan -t ed25519/);
  });
});

describe('replacing failed hardware under the same name', () => {
  test('new boot MAC and disk: planned as replace (old disks lost), approved by name, installed through Redfish and PXE with a new key', async (t) => {
    if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git', 'openssl')) return;
    const root = tempDir(t);
    mkdirSync(`${root}/redfish`);
    const redfish = await startRedfishServer(`${root}/redfish`, { user: 'fleetc', password: 'rf-pw-9' });
    t.after(() => redfish.close());
    const bmc = `bmc: { kind: redfish, address: 127.0.0.1, port: ${redfish.port}, user: fleetc, password: { env: FLEETC_LAB_REDFISH }, caFile: ${redfish.caFile} }`;
    const lab = new Lab(`${root}/lab-root`, [
      { name: 'cp-1', profile: 'control-plane', octet: 11 },
      { name: 'wk-1', profile: 'worker', octet: 21, extra: bmc },
    ]);
    await lab.start();
    t.after(() => lab.stop());
    const env = { ...lab.env, FLEETC_LAB_REDFISH: 'rf-pw-9' };
    const run = (...args: string[]) => runFleetc(['apply', '--identity', lab.clientKey, '--no-remote', '--log-dir', `${lab.dir}/runs`, ...args], { cwd: lab.repo.root, env });
    await lab.commit('fleet');
    assert.equal((await run('--base', 'HEAD')).exitCode, 0);
    const oldKey = servedKey(lab, 'wk-1');

    // The machine died; its replacement has another NIC and another disk.
    lab.repo.rewrite('fleet/hosts/wk-1.yaml', (s) => s.replace(/mac: "52:54:00:77:00:11"/, 'mac: "52:54:00:77:00:99"').replace('nvme-lab1', 'nvme-lab1-replacement'));
    const c1 = await lab.commit('wk-1: replacement hardware');
    const plan = await runFleetc(['plan', '--base', 'HEAD~1', '--head', 'HEAD', '--no-diff'], { cwd: lab.repo.root, env });
    assert.match(plan.stdout, /! wk-1: replace \(worker\)\n {4}hardware replaced \(boot MAC 52:54:00:77:00:11 → 52:54:00:77:00:99, disk main nvme-lab1 → nvme-lab1-replacement\): installed from scratch through its BMC and the network boot, like a new machine: whatever was on the old disks is lost/);
    const markdown = await runFleetc(['plan', '--base', 'HEAD~1', '--head', 'HEAD', '--format', 'markdown'], { cwd: lab.repo.root, env });
    assert.match(markdown.stdout, /\[!WARNING\][\s\S]*--approve-destructive wk-1[\s\S]*old disks is lost/);

    const refused = await run('--first-contact', 'accept-new');
    assert.equal(refused.exitCode, 7);
    assert.match(refused.stderr, /need approval by name: wk-1 \(new hardware, installed from scratch; the old disks are lost\)/);
    const noFirstContact = await run('--approve-destructive', 'wk-1');
    assert.equal(noFirstContact.exitCode, 7);
    assert.match(noFirstContact.stderr, /installing wk-1 means talking to its installer/);
    assert.deepEqual(redfish.requests, [], 'nothing touched the BMC while refused');

    const replaced = await run('--approve-destructive', 'wk-1', '--first-contact', 'accept-new');
    assert.equal(replaced.exitCode, 0, replaced.stdout + replaced.stderr);
    assert.deepEqual(redfish.requests.map((r: { method: string; path: string; body?: unknown }) => `${r.method} ${r.path}${r.body ? ` ${JSON.stringify(r.body)}` : ''}`), [
      'GET /redfish/v1/Systems',
      'PATCH /redfish/v1/Systems/1 {"Boot":{"BootSourceOverrideTarget":"Pxe","BootSourceOverrideEnabled":"Once","BootSourceOverrideMode":"UEFI"}}',
      'GET /redfish/v1/Systems/1',
      'POST /redfish/v1/Systems/1/Actions/ComputerSystem.Reset {"ResetType":"On"}',
    ]);
    const [install] = lab.doubleCalls();
    assert.equal(install!.tool, 'nixos-anywhere');
    assert.ok(!install!.argv.includes('--copy-host-keys'), 'nothing of the old machine is kept');
    assert.ok(install!.argv.includes('StrictHostKeyChecking=accept-new'), 'the installer is met on first contact');
    assert.equal(lab.current('wk-1'), c1);
    assert.notEqual(servedKey(lab, 'wk-1'), oldKey);
    assert.equal(state(lab, 'wk-1').hostKey!.key, servedKey(lab, 'wk-1'));
    assert.equal(state(lab, 'wk-1').deployed!.commit, c1);
  });
});

describe('renames', () => {
  test('a rename is refused without approval of the new name, and the renamed machine is never powered off', async (t) => {
    if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git', 'ipmi_sim', 'ipmitool')) return;
    const { lab, sim } = await ipmiLab(t, (bmc) => [
      { name: 'cp-1', profile: 'control-plane', octet: 11 },
      { name: 'wk-1', profile: 'worker', octet: 21, extra: bmc },
    ]);
    lab.repo.rewrite('fleet/fleet.yaml', (s) => s.replace('healthTimeoutSeconds: 3 }', 'healthTimeoutSeconds: 3, powerOffDecommissioned: true }'));
    await lab.commit('fleet');
    assert.equal((await apply(lab, '--base', 'HEAD')).exitCode, 0);
    const wk9: LabHost = { ...lab.hosts[1]!, name: 'wk-9' };
    lab.repo.edit({ 'hosts/wk-1.yaml': null, 'hosts/wk-9.yaml': unpinned(lab.hostYaml(wk9, 1)) });
    const c1 = await lab.commit('rename wk-1 to wk-9');

    const refused = await apply(lab, '--first-contact', 'accept-new');
    assert.equal(refused.exitCode, 7, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /need approval by name: wk-9 \(renamed from wk-1: the machine is reinstalled\); approve with --approve-destructive wk-9/);
    assert.deepEqual(sim.calls(), []);

    const run = await apply(lab, '--first-contact', 'accept-new', '--approve-destructive', 'wk-9');
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.equal(readFileSync(`${lab.hostDir(wk9)}/current`, 'utf8').trim(), c1, 'the machine runs under its new name');
    assert.deepEqual(sim.calls(), ['get boot', 'set boot pxe', 'get power', 'set power 1'], 'PXE once and power on; the decommission of wk-1 does not power off the machine wk-9 now is');
    assert.ok(state(lab, 'wk-1').decommissioned);
    assert.equal(state(lab, 'wk-9').deployed!.commit, c1);
  });
});
