// The real first-boot agent against fake Chainfire/FlareDB/IAM endpoints on 127.0.0.1: bootstrap vs
// join under concurrency, retries with backoff, markers, bad answers, secrets, and the JSON log.
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FirstBootConfig } from '../../src/emit/first-boot.ts';
import type { RetryPolicy } from '../../src/model/fleet.ts';
import { tempDir } from '../helpers/tmp.ts';
import { FakePlatform, type Fault } from './fake-platform.ts';
import { ALL_RUNS, LOG_FIELDS, OUTCOMES, compiledConfigs, describeRun, last, localize, prepareHost, runAgent, sleep, type AgentRun, type Host } from './harness.ts';

const TOKEN = 'join-token-7c1f0e';
/** Secrets reach the agent as credential files (prepareHost); the environment carries none. */
const ENV = {};
const CONTROL_PLANE = ['cp-1', 'cp-2', 'cp-3'];

let configs: Map<string, FirstBootConfig>;
const roots: string[] = [];

before(async () => {
  const root = tempDir({ after }, 'fleetc-first-boot-');
  roots.push(root);
  configs = await compiledConfigs(root);
});

/** A fresh platform and the given hosts prepared against it, cleaned up after the test. */
async function setup(t: { after: (fn: () => Promise<void> | void) => void }, hosts: string[], options: { retry?: Partial<RetryPolicy>; password?: string; token?: string } = {}) {
  const platform = new FakePlatform();
  platform.token = options.token ?? TOKEN;
  t.after(() => platform.close());
  const root = tempDir(t);
  const credentials = { joinToken: options.token ?? TOKEN, adminPassword: options.password ?? 'unused-password' };
  const prepared: Record<string, Host> = {};
  for (const name of hosts) {
    const config = await localize(configs.get(name)!, platform, { retry: options.retry });
    // Like LoadCredential=: a unit gets only the secrets its steps load.
    prepared[name] = prepareHost(root, config, Object.fromEntries(Object.keys(config.secrets).map((secret) => [secret, credentials[secret as keyof typeof credentials]])));
  }
  return { platform, hosts: prepared, root };
}

function assertOk(run: AgentRun): void {
  assert.equal(run.exitCode, 0, describeRun(run));
  assert.equal(last(run).outcome, 'success', describeRun(run));
}

/** Runs one step on several hosts at once, each started after its delay. */
function concurrently(hosts: Record<string, Host>, step: string, startAfterMs: Record<string, number>): Promise<AgentRun[]> {
  return Promise.all(Object.entries(startAfterMs).map(async ([name, delay]) => {
    await sleep(delay);
    return runAgent(hosts[name]!, step, { env: ENV });
  }));
}

/** Brings chainfire and flaredb up on the control plane, the bootstrap host first (so few attempts suffice). */
async function formControlPlane(hosts: Record<string, Host>): Promise<void> {
  for (const step of ['chainfire-join', 'flaredb-join']) {
    assertOk(await runAgent(hosts['cp-1']!, step, { env: ENV }));
    for (const run of await concurrently(hosts, step, { 'cp-2': 0, 'cp-3': 0 })) assertOk(run);
  }
}

describe('first-boot agent', () => {
  const startOrders: Array<[string, Record<string, number>]> = [
    ['all at once', { 'cp-1': 0, 'cp-2': 0, 'cp-3': 0 }],
    ['joiners first, the bootstrap host 300 ms later', { 'cp-2': 0, 'cp-3': 0, 'cp-1': 300 }],
    ['cp-3, then cp-1, then cp-2', { 'cp-3': 0, 'cp-1': 100, 'cp-2': 200 }],
  ];
  for (const [order, delays] of startOrders) {
    test(`a fresh control plane: exactly one host bootstraps, the others join (${order})`, async (t) => {
      const { platform, hosts } = await setup(t, CONTROL_PLANE);
      for (const service of ['chainfire', 'flaredb']) {
        const runs = await concurrently(hosts, `${service}-join`, delays);
        for (const run of runs) assertOk(run);
        const actions = Object.fromEntries(runs.map((run) => [run.host, (last(run).details as { action: string }).action]));
        assert.deepEqual(actions, { 'cp-1': 'bootstrap', 'cp-2': 'join', 'cp-3': 'join' });
        const clusters = new Set(CONTROL_PLANE.map((h) => platform.get(service, h).cluster));
        assert.equal(clusters.size, 1, `${service}: every node is in the same cluster`);
        assert.deepEqual([...clusters][0]!.members.map((m) => m.name).sort(), CONTROL_PLANE);
      }
      assert.deepEqual(platform.bootstraps.map((b) => `${b.service}@${b.host}`), ['chainfire@cp-1', 'flaredb@cp-1']);
      for (const name of CONTROL_PLANE) {
        for (const step of ['chainfire-join', 'flaredb-join']) assert.ok(existsSync(path.join(hosts[name]!.stateDir, `${step}.done`)), `${name} ${step} marker`);
      }
    });
  }

  test('the whole first boot: IAM on the bootstrap host only, workers register, health checks pass', async (t) => {
    const password = 'planted-IAM-secret-5d2a9b';
    const { platform, hosts } = await setup(t, [...CONTROL_PLANE, 'wk-1'], { password });
    assert.deepEqual(hosts['cp-1']!.config.steps.map((s) => s.name), ['chainfire-join', 'flaredb-join', 'iam-setup', 'health-check']);
    assert.deepEqual(hosts['cp-2']!.config.steps.map((s) => s.name), ['chainfire-join', 'flaredb-join', 'health-check']);
    assert.deepEqual(hosts['wk-1']!.config.steps.map((s) => s.name), ['chainfire-join', 'flaredb-join', 'health-check']);
    const runs: AgentRun[] = [];
    for (const step of ['chainfire-join', 'flaredb-join', 'iam-setup', 'health-check']) {
      const names = Object.keys(hosts).filter((name) => hosts[name]!.config.steps.some((s) => s.name === step));
      runs.push(...(await Promise.all(names.map((name) => runAgent(hosts[name]!, step, { env: ENV })))));
    }
    for (const run of runs) assertOk(run);
    const flaredb = platform.get('flaredb', 'cp-1').cluster!;
    assert.deepEqual(flaredb.iam, { adminUser: 'admin', adminPassword: password });
    assert.deepEqual(flaredb.clients.map((c) => c.name), ['wk-1']);
    assert.deepEqual(platform.get('chainfire', 'cp-1').cluster!.clients.map((c) => c.name), ['wk-1']);
    const wk1 = runs.filter((r) => r.host === 'wk-1' && r.step.endsWith('-join')).map((r) => (last(r).details as { action: string }).action);
    assert.deepEqual(wk1, ['register', 'register']);
    // Every membership and IAM request carried the join token from the environment.
    const requests = [...platform.nodes.values()].flatMap((node) => node.requests).filter((r) => r.path !== '/health');
    assert.ok(requests.length > 0);
    assert.ok(requests.every((r) => r.authorization === `Bearer ${TOKEN}`));
    for (const run of runs) {
      assert.ok(!run.stdout.includes(password) && !run.stdout.includes(TOKEN), `${run.host} ${run.step} logged a secret`);
    }
  });

  test('the leader is down for its first 3 answers: the joiner retries with backoff and joins', async (t) => {
    const retry = { attempts: 6, delaySeconds: 0.1, backoff: 2, maxDelaySeconds: 0.3 };
    const { platform, hosts } = await setup(t, CONTROL_PLANE, { retry });
    assertOk(await runAgent(hosts['cp-1']!, 'chainfire-join', { env: ENV }));
    const leader = platform.get('chainfire', 'cp-1');
    const before = leader.count('GET', '/cluster/v1/status');
    leader.fault = (request) => (request.path === '/cluster/v1/status' && leader.count('GET', '/cluster/v1/status') - before <= 3 ? 'reset' : undefined);
    const run = await runAgent(hosts['cp-2']!, 'chainfire-join', { env: ENV });
    assertOk(run);
    const attempts = run.lines.filter((l) => l.outcome === 'retry');
    assert.deepEqual(attempts.map((l) => l.attempt), [1, 2, 3]);
    assert.deepEqual(attempts.map((l) => l.delaySeconds), [0.1, 0.2, 0.3]);
    assert.ok(attempts.every((l) => /waiting for cp-1/.test(l.error!) && /cp-1 \(/.test(l.error!)), describeRun(run));
    assert.equal(last(run).attempt, 4);
    assert.deepEqual((last(run).details as { action: string; via: string }), { action: 'join', clusterId: leader.cluster!.id, via: 'cp-1' });
    // One status request to the leader per attempt, spaced by at least the policy's waits.
    const asked = leader.requests.filter((r) => r.path === '/cluster/v1/status').slice(before).map((r) => r.at);
    assert.equal(asked.length, 4);
    [0.1, 0.2, 0.3].forEach((wait, i) => assert.ok(asked[i + 1]! - asked[i]! >= wait * 1000 - 15, `wait ${i + 1} was ${asked[i + 1]! - asked[i]!} ms`));
  });

  test('the leader never comes back: the agent stops after the policy\'s attempts, exits 1, writes no marker', async (t) => {
    const { platform, hosts } = await setup(t, CONTROL_PLANE, { retry: { attempts: 3, delaySeconds: 0.02 } });
    assertOk(await runAgent(hosts['cp-1']!, 'chainfire-join', { env: ENV }));
    const leader = platform.get('chainfire', 'cp-1');
    leader.fault = () => 'reset';
    const before = leader.requests.length;
    const run = await runAgent(hosts['cp-2']!, 'chainfire-join', { env: ENV });
    assert.equal(run.exitCode, 1, describeRun(run));
    assert.equal(last(run).outcome, 'failed');
    assert.equal(last(run).attempt, 3);
    assert.match(last(run).error!, /no chainfire cluster to join yet: waiting for cp-1/);
    assert.equal(leader.requests.length - before, 3, 'one request per attempt, never more than the policy');
    assert.equal(run.lines.filter((l) => l.outcome === 'retry').length, 2);
    assert.ok(!existsSync(path.join(hosts['cp-2']!.stateDir, 'chainfire-join.done')));
  });

  test('a re-run after success does nothing, and says so', async (t) => {
    const { platform, hosts } = await setup(t, CONTROL_PLANE);
    await formControlPlane(hosts);
    const requests = () => [...platform.nodes.values()].reduce((n, node) => n + node.requests.length, 0);
    const before = requests();
    for (const step of ['chainfire-join', 'flaredb-join']) {
      const run = await runAgent(hosts['cp-2']!, step, { env: ENV });
      assert.equal(run.exitCode, 0, describeRun(run));
      assert.equal(run.lines.length, 1);
      assert.equal(run.lines[0]!.outcome, 'skipped');
      assert.match(run.lines[0]!.message, new RegExp(`marker .*${step}\\.done`));
    }
    assert.equal(requests(), before, 'no request at all');
  });

  test('a host that is already a member (marker lost) completes without joining twice', async (t) => {
    const { platform, hosts } = await setup(t, CONTROL_PLANE);
    await formControlPlane(hosts);
    const marker = path.join(hosts['cp-3']!.stateDir, 'chainfire-join.done');
    rmSync(marker);
    const run = await runAgent(hosts['cp-3']!, 'chainfire-join', { env: ENV });
    assertOk(run);
    assert.equal((last(run).details as { action: string }).action, 'none');
    assert.equal(platform.bootstraps.length, 2);
    assert.ok(existsSync(marker));
  });

  test('a bootstrap host that finds an existing cluster joins it instead of splitting it', async (t) => {
    const { platform, hosts } = await setup(t, CONTROL_PLANE);
    // cp-2 and cp-3 already run chainfire (cp-1 was reinstalled): cp-2 bootstrapped it, cp-3 joined.
    const cp2 = platform.get('chainfire', 'cp-2');
    const cp3 = platform.get('chainfire', 'cp-3');
    const cluster = { id: 'existing-cluster', service: 'chainfire', leader: 'cp-2', members: [{ name: 'cp-2', address: '127.0.0.1', raftPort: cp2.port }, { name: 'cp-3', address: '127.0.0.1', raftPort: cp3.port }], clients: [] };
    platform.clusters.set(cluster.id, cluster);
    cp2.cluster = cluster;
    cp3.cluster = cluster;
    const run = await runAgent(hosts['cp-1']!, 'chainfire-join', { env: ENV });
    assertOk(run);
    assert.deepEqual(last(run).details, { action: 'join', clusterId: 'existing-cluster', via: 'cp-2' });
    assert.equal(platform.bootstraps.length, 0);
    assert.equal(platform.get('chainfire', 'cp-1').cluster, cluster);
  });

  test('the bootstrap host does not bootstrap while too few voters answer to rule out a cluster', async (t) => {
    const { platform, hosts } = await setup(t, CONTROL_PLANE, { retry: { attempts: 2 } });
    platform.get('chainfire', 'cp-2').fault = () => 'reset';
    platform.get('chainfire', 'cp-3').fault = () => 'reset';
    const run = await runAgent(hosts['cp-1']!, 'chainfire-join', { env: ENV });
    assert.equal(run.exitCode, 1, describeRun(run));
    assert.match(last(run).error!, /cannot rule out an existing chainfire cluster: 1 of 3 voters answered as fresh, 2 needed; unreachable: cp-2 \(.+\), cp-3 \(.+\)/);
    assert.equal(platform.bootstraps.length, 0);
  });

  const badAnswers: Array<[Fault, RegExp]> = [
    ['garbage', /GET http:\/\/127\.0\.0\.1:\d+\/cluster\/v1\/status: HTTP 200 but the body is not a JSON object: "<html><body>502 upstream garbage"/],
    ['error500', /GET http:\/\/127\.0\.0\.1:\d+\/cluster\/v1\/status: HTTP 500: internal error handling/],
    ['slow', /GET http:\/\/127\.0\.0\.1:\d+\/cluster\/v1\/status: no answer within 0\.3s \(timed out\)/],
  ];
  for (const [fault, error] of badAnswers) {
    test(`the service answers ${fault}: a clear error in the log, exit 1, no marker`, async (t) => {
      const { platform, hosts } = await setup(t, CONTROL_PLANE, { retry: { attempts: 2, timeoutSeconds: 0.3 } });
      const local = platform.get('chainfire', 'cp-1');
      local.fault = () => fault;
      const run = await runAgent(hosts['cp-1']!, 'chainfire-join', { env: ENV });
      assert.equal(run.exitCode, 1, describeRun(run));
      assert.deepEqual(run.lines.map((l) => l.outcome), ['retry', 'failed']);
      for (const line of run.lines) assert.match(line.error!, error);
      assert.equal(local.requests.length, 2);
      assert.ok(!existsSync(path.join(hosts['cp-1']!.stateDir, 'chainfire-join.done')));
      if (fault === 'slow') assert.ok(run.milliseconds < 1800, `two timed-out attempts took ${run.milliseconds} ms`);
    });
  }

  test('IAM: the password is read at run time, never logged, not even when the service echoes it', async (t) => {
    const password = 'planted-IAM-secret-e41c07';
    const { platform, hosts } = await setup(t, CONTROL_PLANE, { password, retry: { attempts: 2 } });
    await formControlPlane(hosts);
    const iam = platform.get('flaredb', 'cp-1');
    iam.fault = (request) => (request.path === '/iam/v1/bootstrap' ? 'error500' : undefined);
    const failed = await runAgent(hosts['cp-1']!, 'iam-setup', { env: ENV });
    assert.equal(failed.exitCode, 1, describeRun(failed));
    assert.match(last(failed).error!, /POST .*\/iam\/v1\/bootstrap: HTTP 500: internal error handling .*\[redacted\]/);
    assert.ok(!failed.stdout.includes(password) && !failed.stderr.includes(password));

    iam.fault = undefined;
    const done = await runAgent(hosts['cp-1']!, 'iam-setup', { env: ENV });
    assertOk(done);
    assert.equal(iam.cluster!.iam!.adminPassword, password);
    assert.ok(!done.stdout.includes(password));
    // The password is not on the agent's command line or in its config: only the secret's name is.
    assert.ok(!readFileSync(path.join(hosts['cp-1']!.dir, 'first-boot.json'), 'utf8').includes(password));
  });

  test('a secret as short as one letter is redacted from values without breaking the log', async (t) => {
    const { platform, hosts } = await setup(t, CONTROL_PLANE, { token: 'e' });
    const run = await runAgent(hosts['cp-1']!, 'chainfire-join', { env: ENV });
    assertOk(run);
    assert.equal(last(run).message, 'bootstrapp[redacted]d a n[redacted]w chainfir[redacted] clust[redacted]r ' + platform.bootstraps[0]!.clusterId.replaceAll('e', '[redacted]'));
  });

  test('IAM: a credential the unit did not load is a clear, retried error; outside systemd too', async (t) => {
    const { hosts } = await setup(t, CONTROL_PLANE, { retry: { attempts: 2 } });
    await formControlPlane(hosts);
    const host = prepareHost(hosts['cp-1']!.dir.replace(/cp-1$/, 'cp-1-missing-secret'), hosts['cp-1']!.config, { joinToken: TOKEN });
    cpSync(hosts['cp-1']!.stateDir, host.stateDir, { recursive: true });
    const run = await runAgent(host, 'iam-setup', { env: ENV });
    assert.equal(run.exitCode, 1);
    assert.equal(last(run).error, 'cannot read credential adminPassword from $CREDENTIALS_DIRECTORY (ENOENT)');
    const outside = await runAgent(host, 'iam-setup', { env: { CREDENTIALS_DIRECTORY: '' } });
    assert.equal(outside.exitCode, 1);
    assert.match(last(outside).error!, /^secret joinToken: no \$CREDENTIALS_DIRECTORY; run the step through its systemd unit/);
  });

  test('health check: an unhealthy service fails the step with its name; healthy, it passes', async (t) => {
    const { platform, hosts } = await setup(t, [...CONTROL_PLANE, 'wk-1'], { retry: { attempts: 2 } });
    await formControlPlane(hosts);
    for (const step of ['chainfire-join', 'flaredb-join']) assertOk(await runAgent(hosts['wk-1']!, step, { env: ENV }));
    platform.get('novanet', 'wk-1').healthy = false;
    const failed = await runAgent(hosts['wk-1']!, 'health-check', { env: ENV });
    assert.equal(failed.exitCode, 1);
    assert.match(last(failed).error!, /^1 of 1 health checks failed: novanet: GET http:\/\/127\.0\.0\.1:\d+\/health: HTTP 503/);
    platform.get('novanet', 'wk-1').healthy = true;
    assertOk(await runAgent(hosts['wk-1']!, 'health-check', { env: ENV }));
    const cp = await runAgent(hosts['cp-2']!, 'health-check', { env: ENV });
    assertOk(cp);
    assert.deepEqual((last(cp).details as { checks: string[] }).checks, ['chainfire', 'flaredb', 'novanet', 'chainfire membership', 'flaredb membership']);
  });

  test('a step whose predecessor has not completed does not run', async (t) => {
    const { platform, hosts } = await setup(t, CONTROL_PLANE);
    const run = await runAgent(hosts['cp-1']!, 'flaredb-join', { env: ENV });
    assert.equal(run.exitCode, 1);
    assert.match(last(run).error!, /run chainfire-join first/);
    assert.equal([...platform.nodes.values()].reduce((n, node) => n + node.requests.length, 0), 0);
  });

  test('bad arguments and configuration exit 2 with a log line', async (t) => {
    const { hosts } = await setup(t, ['cp-1']);
    const host = hosts['cp-1']!;
    const noArgs = await runAgent(host, 'none', { args: [] });
    assert.equal(noArgs.exitCode, 2);
    assert.equal(last(noArgs).outcome, 'invalid');
    const unknownStep = await runAgent(host, 'nope', { args: ['--config', path.join(host.dir, 'first-boot.json'), '--step', 'nope', '--state-dir', host.stateDir] });
    assert.equal(unknownStep.exitCode, 2);
    assert.match(last(unknownStep).error!, /has no step nope \(steps: chainfire-join, flaredb-join, iam-setup, health-check\)/);
    writeFileSync(path.join(host.dir, 'broken.json'), '{"version": 1}');
    const wrongVersion = await runAgent(host, 'chainfire-join', { args: ['--config', path.join(host.dir, 'broken.json'), '--step', 'chainfire-join', '--state-dir', host.stateDir] });
    assert.equal(wrongVersion.exitCode, 2);
    assert.match(last(wrongVersion).error!, /version 1 is not 2/);
  });

  test('every log line of every run above is one JSON object with the documented fields', () => {
    assert.ok(ALL_RUNS.length > 30, `${ALL_RUNS.length} runs`);
    for (const run of ALL_RUNS) {
      assert.equal(run.stderr, '', `${run.host} ${run.step} wrote to stderr`);
      assert.ok(run.lines.length > 0);
      for (const line of run.lines) {
        for (const field of LOG_FIELDS) assert.ok(field in line, `${field} missing in ${JSON.stringify(line)}`);
        assert.ok(!Number.isNaN(Date.parse(line.timestamp)) && line.timestamp.endsWith('Z'));
        assert.ok(line.host === null || typeof line.host === 'string');
        assert.ok(line.step === null || typeof line.step === 'string');
        assert.ok(Number.isInteger(line.attempt) && line.attempt >= 0);
        assert.ok((OUTCOMES as readonly string[]).includes(line.outcome), line.outcome);
        assert.equal(typeof line.message, 'string');
        assert.ok(line.error === null || typeof line.error === 'string');
        assert.equal(line.error === null, ['progress', 'success', 'skipped'].includes(line.outcome), JSON.stringify(line));
      }
      // Exactly one closing line, and it is the last: the run's verdict.
      const verdicts = run.lines.filter((l) => ['success', 'failed', 'skipped', 'invalid'].includes(l.outcome));
      assert.equal(verdicts.length, 1, run.stdout);
      assert.equal(verdicts[0], last(run));
      assert.equal(run.exitCode, { success: 0, skipped: 0, failed: 1, invalid: 2 }[last(run).outcome as 'success']);
    }
  });
});
