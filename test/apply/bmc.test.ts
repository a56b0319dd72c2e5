// BMC transports against real peers: ipmitool against OpenIPMI's ipmi_sim, and the Redfish client
// against a test Redfish service that Debian's redfishtool also drives (so it really speaks Redfish).
// Passwords never appear on a command line; TLS is verified.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { RolloutEvent } from '../../src/apply/events.ts';
import { BmcError } from '../../src/apply/transports/bmc.ts';
import { ProcessRunner } from '../../src/apply/transports/command.ts';
import { IpmiBmc } from '../../src/apply/transports/ipmi.ts';
import { RedfishBmc } from '../../src/apply/transports/redfish.ts';
import type { Bmc, Host } from '../../src/model/fleet.ts';
import { startIpmiSim } from '../helpers/ipmi-sim.ts';
import { startRedfishServer } from '../helpers/redfish-server.ts';
import { tempDir } from '../helpers/tmp.ts';
import { requireTools } from '../helpers/tools.ts';

const PASSWORD = 'Bmc-s3cret-7f3a';
const execFileAsync = promisify(execFile);
const host = { name: 'cp-9', firmware: 'uefi' } as Host;

function recorder(): { events: RolloutEvent[]; runner: ProcessRunner; emit: (e: RolloutEvent) => void } {
  const events: RolloutEvent[] = [];
  const emit = (e: RolloutEvent) => events.push(e);
  return { events, runner: new ProcessRunner(emit), emit };
}

function commandLines(events: RolloutEvent[]): string[] {
  return events.filter((e): e is Extract<RolloutEvent, { type: 'command' }> => e.type === 'command').map((e) => e.argv.join(' '));
}

describe('IPMI through ipmitool and ipmi_sim', () => {
  test('status, boot from PXE once, power on and cycle; password from a file or the environment, never argv', async (t) => {
    if (!requireTools(t, 'ipmi_sim', 'ipmitool')) return;
    const dir = tempDir(t);
    const sim = await startIpmiSim(dir, 19623, 'admin', PASSWORD);
    t.after(() => sim.stop());
    const passwordFile = path.join(dir, 'bmc-password');
    writeFileSync(passwordFile, `${PASSWORD}\n`);
    const viaFile: Bmc = { kind: 'ipmi', address: '127.0.0.1', port: sim.port, user: 'admin', password: { file: passwordFile } };
    const { events, runner, emit } = recorder();
    const bmc = new IpmiBmc(host, viaFile, { runner, emit, timeoutMs: 20_000 });

    assert.equal(await bmc.powerStatus(), 'off');
    await bmc.bootPxeOnce();
    await bmc.power('on');
    assert.equal(await bmc.powerStatus(), 'on');
    await bmc.power('cycle');
    assert.deepEqual(sim.calls(), ['get power', 'get boot', 'set boot pxe', 'set power 1', 'get power', 'set power 0']);
    assert.ok(commandLines(events).every((line) => line.includes(`-f ${passwordFile}`) && !line.includes(PASSWORD)));

    process.env.FLEETC_TEST_BMC_PASSWORD = PASSWORD;
    t.after(() => delete process.env.FLEETC_TEST_BMC_PASSWORD);
    const viaEnv = new IpmiBmc(host, { ...viaFile, password: { env: 'FLEETC_TEST_BMC_PASSWORD' } }, { runner, emit, timeoutMs: 20_000 });
    assert.equal(await viaEnv.powerStatus(), 'off');
    const envCommand = events.filter((e): e is Extract<RolloutEvent, { type: 'command' }> => e.type === 'command').at(-1)!;
    assert.ok(envCommand.argv.includes('-E'));
    assert.deepEqual(envCommand.env, ['IPMI_PASSWORD'], 'the environment carries the password; only its name is reported');
    assert.ok(!JSON.stringify(events).includes(PASSWORD));
  });

  test('a wrong password or an absent BMC is a clear error', async (t) => {
    if (!requireTools(t, 'ipmi_sim', 'ipmitool')) return;
    const dir = tempDir(t);
    const sim = await startIpmiSim(dir, 19624, 'admin', PASSWORD);
    t.after(() => sim.stop());
    process.env.FLEETC_TEST_WRONG = 'nope';
    t.after(() => delete process.env.FLEETC_TEST_WRONG);
    const { runner, emit } = recorder();
    const wrong = new IpmiBmc(host, { kind: 'ipmi', address: '127.0.0.1', port: sim.port, user: 'admin', password: { env: 'FLEETC_TEST_WRONG' } }, { runner, emit, timeoutMs: 20_000 });
    await assert.rejects(wrong.powerStatus(), (e: unknown) => e instanceof BmcError && /ipmitool chassis power status failed/.test(e.message));
    const absent = new IpmiBmc(host, { kind: 'ipmi', address: '127.0.0.1', port: 19699, user: 'admin', password: { env: 'FLEETC_TEST_WRONG' } }, { runner, emit, timeoutMs: 20_000 });
    await assert.rejects(absent.power('on'), BmcError);
  });
});

describe('Redfish over HTTPS', () => {
  test('redfishtool from Debian drives the test service (it speaks Redfish)', async (t) => {
    if (!requireTools(t, 'redfishtool', 'openssl')) return;
    const server = await startRedfishServer(tempDir(t), { user: 'admin', password: PASSWORD });
    t.after(() => server.close());
    // Asynchronous: the server answers from this process's event loop.
    const tool = async (...args: string[]) => (await execFileAsync('redfishtool', ['-r', `127.0.0.1:${server.port}`, '-u', 'admin', '-p', PASSWORD, '-S', 'Always', ...args], { encoding: 'utf8' })).stdout;
    assert.equal(JSON.parse(await tool('Systems', 'get')).PowerState, 'Off');
    await tool('Systems', '-I', '1', 'reset', 'On');
    await tool('Systems', '-I', '1', 'setBootOverride', 'Once', 'Pxe');
    assert.equal(server.system.PowerState, 'On');
    assert.equal(server.system.Boot.BootSourceOverrideTarget, 'Pxe');
    assert.equal(server.system.Boot.BootSourceOverrideEnabled, 'Once');
  });

  test('fleetc: power state, reset and one-time PXE boot, verified TLS, password never reported', async (t) => {
    if (!requireTools(t, 'openssl')) return;
    const dir = tempDir(t);
    const server = await startRedfishServer(dir, { user: 'fleetc', password: PASSWORD });
    t.after(() => server.close());
    process.env.FLEETC_TEST_REDFISH = PASSWORD;
    t.after(() => delete process.env.FLEETC_TEST_REDFISH);
    const spec: Bmc = { kind: 'redfish', address: '127.0.0.1', port: server.port, user: 'fleetc', password: { env: 'FLEETC_TEST_REDFISH' }, caFile: server.caFile };
    const { events, runner, emit } = recorder();
    const bmc = new RedfishBmc(host, spec, { runner, emit, timeoutMs: 10_000 });
    assert.equal(await bmc.powerStatus(), 'off');
    await bmc.bootPxeOnce();
    await bmc.power('on');
    assert.equal(await bmc.powerStatus(), 'on');
    await bmc.power('cycle');
    assert.deepEqual(server.requests.map((r) => `${r.method} ${r.path} ${r.body ? JSON.stringify(r.body) : ''}`.trim()), [
      'GET /redfish/v1/Systems',
      'GET /redfish/v1/Systems/1',
      'PATCH /redfish/v1/Systems/1 {"Boot":{"BootSourceOverrideTarget":"Pxe","BootSourceOverrideEnabled":"Once","BootSourceOverrideMode":"UEFI"}}',
      'POST /redfish/v1/Systems/1/Actions/ComputerSystem.Reset {"ResetType":"On"}',
      'GET /redfish/v1/Systems/1',
      'POST /redfish/v1/Systems/1/Actions/ComputerSystem.Reset {"ResetType":"PowerCycle"}',
    ]);
    assert.ok(server.requests.every((r) => r.user === 'fleetc'));
    assert.ok(!JSON.stringify(events).includes(PASSWORD));

    // Without the BMC's CA the certificate is not trusted: no insecure fallback.
    const untrusted = new RedfishBmc(host, { ...spec, caFile: undefined }, { runner, emit, timeoutMs: 10_000 });
    await assert.rejects(untrusted.powerStatus(), (e: unknown) => e instanceof BmcError && /certificate|self.signed|issuer/i.test(e.message));
    const wrong = new RedfishBmc(host, { ...spec, password: { file: path.join(dir, 'missing') } }, { runner, emit, timeoutMs: 10_000 });
    await assert.rejects(wrong.power('on'), /cannot read secret file/);
    process.env.FLEETC_TEST_REDFISH = 'wrong';
    await assert.rejects(new RedfishBmc(host, spec, { runner, emit, timeoutMs: 10_000 }).powerStatus(), /HTTP 401/);
  });
});
