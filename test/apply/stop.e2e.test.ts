// A clean stop: signals sent to real fleetc apply processes (in their own process group, as a
// terminal's Ctrl-C reaches the whole group) against a bare remote. The first signal lets the hosts
// in flight finish and be recorded, starts no new host, releases the lock and exits 8 saying what
// was left undone; a second one rolls the hosts in flight back. A killed run's lock goes stale
// when its lease runs out, status says so, and the next apply takes it over.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { hasStackTrace, runFleetc } from '../helpers/cli.ts';
import { Lab } from '../helpers/lab.ts';
import { FLEETC_BIN } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';
import { requireTools } from '../helpers/tools.ts';

type Ctx = Parameters<typeof tempDir>[0];

async function deployedLab(t: Ctx): Promise<{ lab: Lab; args: string[]; c1: string }> {
  const lab = new Lab(tempDir(t));
  await lab.start();
  t.after(() => lab.stop());
  await lab.commit('fleet');
  lab.addRemote();
  const args = ['apply', '--identity', lab.clientKey, '--log-dir', `${lab.dir}/runs`];
  const adopt = await runFleetc([...args, '--base', 'HEAD'], { cwd: lab.repo.root, env: lab.env });
  assert.equal(adopt.exitCode, 0, adopt.stderr);
  lab.repo.rewrite('fleet/profiles/base.yaml', () => 'modules: [profiles/base.nix]\npackages: [htop]\n');
  const c1 = await lab.commit('htop everywhere');
  return { lab, args, c1 };
}

interface Running {
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

/** fleetc apply as a process group leader, as a shell job is. */
function startApply(lab: Lab, args: string[]): Running {
  const child = spawn(process.execPath, [FLEETC_BIN, ...args], { cwd: lab.repo.root, env: lab.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return { pid: child.pid!, exited: new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal }))), output: () => output };
}

async function until(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function remoteLock(lab: Lab): string {
  return lab.repo.git('ls-remote', 'origin', 'refs/fleetc/lock');
}

function remoteState(lab: Lab, host: string): { deployed?: { commit: string }; last?: { result: string } } | undefined {
  const line = lab.repo.git('ls-remote', 'origin', `refs/fleetc/deployed/${host}`);
  if (!line) return undefined;
  lab.repo.git('fetch', '-q', 'origin', `refs/fleetc/deployed/${host}`);
  return JSON.parse(lab.repo.git('cat-file', 'blob', `${line.split('\t')[0]}:state.json`));
}

test('Ctrl-C during a rollout: the host in flight finishes and is recorded, no other starts, the lock is released, exit 8 says what is left', async (t) => {
  if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
  const { lab, args, c1 } = await deployedLab(t);
  lab.setFlag('cp-1', 'delay', '3');
  const run = startApply(lab, args);
  await until('cp-1 to be in flight', () => lab.doubleCalls().some((c) => c.argv.includes(`git+file://${lab.repo.root}?rev=${c1}#cp-1`)));
  process.kill(-run.pid, 'SIGINT');
  const { code, signal } = await run.exited;
  assert.equal(signal, null, 'apply exits by itself, not by the signal');
  assert.equal(code, 8, run.output());
  assert.equal(lab.current('cp-1'), c1, 'the switch in flight was not cut short by the Ctrl-C (its process group is its own)');
  assert.equal(remoteState(lab, 'cp-1')?.deployed?.commit, c1, 'and it was recorded');
  for (const host of ['cp-2', 'cp-3', 'wk-1']) assert.notEqual(lab.current(host), c1, `${host} was not started`);
  assert.equal(lab.doubleCalls().length, 1);
  assert.equal(remoteLock(lab), '', 'the lock is released on the remote');
  assert.match(run.output(), /stopped \(stopped by SIGINT\); the deploy lock is released\.\n {2}finished and recorded: cp-1 deployed\n {2}left undone, not started: cp-2, cp-3, wk-1/);
  assert.ok(!hasStackTrace(run.output()));

  const rest = await runFleetc(args, { cwd: lab.repo.root, env: lab.env });
  assert.equal(rest.exitCode, 0, rest.stderr);
  assert.deepEqual(lab.doubleCalls().slice(1).map((c) => c.argv.at(-1)), ['cp-2', 'cp-3', 'wk-1'].map((h) => `root@${lab.address(h)}`), 'the next run deploys exactly what was left');
});

test('a second signal ends the switch in flight and rolls its host back; the state records the rollback', async (t) => {
  if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
  const { lab, args, c1 } = await deployedLab(t);
  const before = lab.current('cp-1');
  lab.setFlag('cp-1', 'delay-after', '20');
  const run = startApply(lab, args);
  await until('cp-1 to have switched', () => lab.current('cp-1') === c1);
  process.kill(run.pid, 'SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 300));
  process.kill(run.pid, 'SIGTERM');
  const { code } = await run.exited;
  assert.equal(code, 8, run.output());
  assert.deepEqual(lab.doubleCalls().map((c) => c.argv.slice(0, 2).join(' ')), ['switch --flake', 'switch --rollback']);
  assert.equal(lab.current('cp-1'), before, 'cp-1 runs its previous generation again');
  const state = remoteState(lab, 'cp-1')!;
  assert.equal(state.last?.result, 'rolled-back');
  assert.notEqual(state.deployed?.commit, c1);
  assert.match(run.output(), /cp-1: rolled-back .*stopped by a second signal/);
  assert.equal(remoteLock(lab), '');
});

test('a killed apply leaves its lock; status shows it stale once the lease ran out; the next apply takes it over', async (t) => {
  if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
  const { lab, args, c1 } = await deployedLab(t);
  lab.setFlag('cp-1', 'delay', '30');
  // A lease long enough that a loaded machine (the full suite beside other work) still reads the lock within it.
  const run = startApply(lab, [...args, '--lock-lease', '5']);
  await until('cp-1 to be in flight', () => lab.doubleCalls().length === 1);
  process.kill(run.pid, 'SIGKILL');
  await run.exited;
  assert.notEqual(remoteLock(lab), '', 'a SIGKILL leaves the lock');
  const fresh = JSON.parse((await runFleetc(['status', '--format', 'json'], { cwd: lab.repo.root, env: lab.env })).stdout);
  assert.equal(fresh.lock.stale, false, 'within its lease the lock is not stale');
  const blocked = await runFleetc(args, { cwd: lab.repo.root, env: lab.env });
  assert.equal(blocked.exitCode, 6, 'and a run is refused while the lease lasts');

  await new Promise((resolve) => setTimeout(resolve, 5_500));
  const status = await runFleetc(['status'], { cwd: lab.repo.root, env: lab.env });
  assert.match(status.stdout, /deploy lock \(remote\): STALE — run \S+, \S+ \(pid \d+\) stopped renewing it; its lease ran out at /);
  lab.setFlag('cp-1', 'delay', '0');
  const next = await runFleetc(args, { cwd: lab.repo.root, env: lab.env });
  assert.equal(next.exitCode, 0, next.stdout + next.stderr);
  assert.match(next.stdout, /note: took over the stale deploy lock of run \S+ .*its lease ran out at/);
  for (const host of ['cp-1', 'cp-2', 'cp-3', 'wk-1']) assert.equal(lab.current(host), c1);
  assert.equal(remoteLock(lab), '');
});

test('a long run renews its lease: a lock renewed in time is never taken over', async (t) => {
  if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
  const { lab, args } = await deployedLab(t);
  lab.setFlag('cp-1', 'delay', '5');
  // A lease long enough that a loaded machine (the full suite beside other work) still reads the lock within it.
  const run = startApply(lab, [...args, '--lock-lease', '5']);
  await until('cp-1 to be in flight', () => lab.doubleCalls().length === 1);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const contender = await runFleetc(args, { cwd: lab.repo.root, env: lab.env });
  assert.equal(contender.exitCode, 6, `past the first lease the lock is still held: ${contender.stderr}`);
  assert.equal((await run.exited).code, 0, run.output());
});
