// Faults, as repeated randomized runs with figures: apply is SIGKILLed at random points — often right
// after a host's switch, before its state ref is written — then the operator breaks the stale lock and
// runs apply again. Every host must end deployed exactly once per change and no ref may diverge.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { FLEETC_BIN } from '../helpers/paths.ts';
import { runFleetc } from '../helpers/cli.ts';
import { Lab } from '../helpers/lab.ts';
import { tempDir } from '../helpers/tmp.ts';
import { requireTools } from '../helpers/tools.ts';

const CHANGES = 6;

interface StateRecord {
  deployed?: { commit: string };
}

test(`SIGKILL apply at random points over ${CHANGES} changes: each host deployed exactly once per change, refs consistent`, async (t) => {
  if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
  const lab = new Lab(tempDir(t));
  await lab.start();
  t.after(() => lab.stop());
  await lab.commit('fleet');
  lab.addRemote();
  const args = ['apply', '--identity', lab.clientKey, '--log-dir', `${lab.dir}/runs`];
  assert.equal((await runFleetc([...args, '--base', 'HEAD'], { cwd: lab.repo.root, env: lab.env })).exitCode, 0);

  let seed = 20261126;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const figures = { kills: 0, killsAfterASwitch: 0, reruns: 0, replayedSwitches: 0, locksBroken: 0 };
  const commits: string[] = [];

  for (let change = 1; change <= CHANGES; change++) {
    lab.repo.rewrite('fleet/profiles/base.yaml', () => `modules: [profiles/base.nix]\nlabels: { change: "${change}" }\n`);
    const commit = await lab.commit(`change ${change}`);
    commits.push(commit);
    const switchesBefore = lab.doubleCalls().length;

    // One killed run: after a random number of switches (0–4), after a random 0–60 ms.
    const killAfterSwitches = Math.floor(random() * 5);
    const extraDelay = Math.floor(random() * 60);
    const child = spawn(process.execPath, [FLEETC_BIN, ...args], { cwd: lab.repo.root, env: lab.env, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const logSize = () => statSync(`${lab.dir}/doubles.log`).size;
    let seen = logSize();
    let switches = 0;
    const killer = (async () => {
      while (child.exitCode === null) {
        const size = logSize();
        if (size !== seen) {
          seen = size;
          switches = lab.doubleCalls().length - switchesBefore;
        }
        if (switches >= killAfterSwitches) {
          await new Promise((resolve) => setTimeout(resolve, extraDelay));
          if (child.exitCode === null) {
            child.kill('SIGKILL');
            figures.kills++;
            if (switches > 0) figures.killsAfterASwitch++;
          }
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await Promise.all([exited, killer]);

    // Recovery as an operator does it: status shows the stale lock, unlock breaks it by id, apply again.
    for (;;) {
      const status = JSON.parse((await runFleetc(['status', '--format', 'json'], { cwd: lab.repo.root, env: lab.env })).stdout) as { lock?: { id: string } };
      if (status.lock) {
        assert.equal((await runFleetc(['unlock', status.lock.id], { cwd: lab.repo.root, env: lab.env })).exitCode, 0);
        figures.locksBroken++;
      }
      const rerun = await runFleetc(args, { cwd: lab.repo.root, env: lab.env });
      figures.reruns++;
      if (rerun.exitCode === 0) break;
      assert.equal(rerun.exitCode, 6, `a re-run may only find a lock: ${rerun.stderr}`);
    }
    const calls = lab.doubleCalls().slice(switchesBefore);
    for (const host of ['cp-1', 'cp-2', 'cp-3', 'wk-1']) {
      assert.equal(lab.current(host), commit, `${host} runs change ${change}`);
      const forHost = calls.filter((c) => c.argv.some((a) => a.endsWith(`#${host}`)));
      assert.ok(forHost.length >= 1);
      figures.replayedSwitches += forHost.length - 1;
    }
  }

  // Each host's state history: exactly one record per change, in order, on a linear chain.
  const fetched = lab.repo.git('ls-remote', 'origin', 'refs/fleetc/deployed/*').split('\n').filter(Boolean).map((l) => l.split('\t') as [string, string]);
  assert.equal(fetched.length, 4);
  for (const [oid, ref] of fetched) {
    assert.equal(lab.repo.git('rev-parse', ref), oid, `${ref}: local and remote agree`);
    const chain = lab.repo.git('rev-list', '--first-parent', ref).split('\n');
    assert.equal(lab.repo.git('rev-list', ref).split('\n').length, chain.length, `${ref} is one linear chain`);
    const deployedCommits = chain.reverse().map((c) => (JSON.parse(lab.repo.git('cat-file', 'blob', `${c}:state.json`)) as StateRecord).deployed?.commit);
    const transitions = deployedCommits.filter((c, i) => c !== deployedCommits[i - 1]);
    assert.deepEqual(transitions.slice(1), commits, `${ref}: each change recorded once, in order`);
  }
  assert.equal(lab.repo.git('ls-remote', 'origin', 'refs/fleetc/lock'), '', 'no lock left behind');
  console.log(`apply faults: ${JSON.stringify(figures)}`);
  assert.equal(figures.kills, CHANGES, "every change saw one killed run");
});
