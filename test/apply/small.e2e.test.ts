// The smaller lifecycle defects, each against real sshd hosts and a bare remote: a dry run in a fresh
// clone reads the remote's state (read-only), JSON output into a closed pipe, run logs untracked by
// git, and a commit that is not on the remote's deploy branch.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import path from 'node:path';
import { test } from 'node:test';
import { hasStackTrace, runFleetc } from '../helpers/cli.ts';
import { Lab } from '../helpers/lab.ts';
import { FLEETC_BIN } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';
import { requireTools } from '../helpers/tools.ts';

type Ctx = Parameters<typeof tempDir>[0];

async function remoteLab(t: Ctx): Promise<Lab> {
  const lab = new Lab(tempDir(t));
  await lab.start();
  t.after(() => lab.stop());
  await lab.commit('fleet');
  lab.addRemote();
  const adopt = await runFleetc(['apply', '--identity', lab.clientKey, '--log-dir', `${lab.dir}/runs`, '--base', 'HEAD'], { cwd: lab.repo.root, env: lab.env });
  assert.equal(adopt.exitCode, 0, adopt.stderr);
  return lab;
}

test('apply --dry-run in a fresh clone plans from the remote\'s state, and writes no ref', async (t) => {
  if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
  const lab = await remoteLab(t);
  lab.repo.rewrite('fleet/profiles/worker.yaml', () => 'extends: base\nservices: [novanet]\npackages: [htop]\n');
  await lab.commit('htop on workers');
  const clone = path.join(lab.root, 'fresh-clone');
  execFileSync('git', ['clone', '-q', path.join(lab.root, 'remote.git'), clone]);
  const run = await runFleetc(['apply', '--dry-run', '--identity', lab.clientKey], { cwd: clone, env: lab.env });
  assert.equal(run.exitCode, 0, run.stderr);
  assert.match(run.stderr, /~ wk-1: update/);
  assert.doesNotMatch(run.stderr, /provision/, 'the running hosts are not planned as new');
  assert.match(run.stderr, /1 to update; 3 unchanged/);
  assert.equal(execFileSync('git', ['-C', clone, 'for-each-ref', 'refs/fleetc/'], { encoding: 'utf8' }), '', 'read-only: no ref was written in the clone');
});

test('apply --output json into a pipe closed early: no EPIPE, no stack trace, its own exit code', async (t) => {
  if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
  const lab = await remoteLab(t);
  lab.repo.rewrite('fleet/profiles/base.yaml', () => 'modules: [profiles/base.nix]\npackages: [htop]\n');
  await lab.commit('htop');
  const script = `"${process.execPath}" "${FLEETC_BIN}" apply --output json --identity "${lab.clientKey}" --log-dir "${lab.dir}/runs" 2>"${lab.dir}/stderr" | head -4; echo "fleetc=\${PIPESTATUS[0]}"`;
  // Asynchronously: the lab's health endpoints answer from this process.
  const result = await execa('bash', ['-c', script], { cwd: lab.repo.root, env: lab.env });
  const lines = result.stdout.trim().split('\n');
  const stderr = execFileSync('cat', [`${lab.dir}/stderr`], { encoding: 'utf8' });
  assert.equal(lines.length, 5);
  for (const line of lines.slice(0, 4)) JSON.parse(line);
  assert.equal(lines[4], 'fleetc=0', stderr);
  assert.ok(!hasStackTrace(stderr), stderr);
  assert.doesNotMatch(stderr, /EPIPE/);
  for (const host of ['cp-1', 'cp-2', 'cp-3', 'wk-1']) assert.equal(lab.current(host), lab.repo.git('rev-parse', 'HEAD'), 'the run went on to the end');
});

test('apply\'s run logs and known_hosts files do not show up as untracked files', async (t) => {
  if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
  const lab = new Lab(tempDir(t));
  await lab.start();
  t.after(() => lab.stop());
  await lab.commit('fleet');
  const run = await runFleetc(['apply', '--no-remote', '--identity', lab.clientKey, '--base', 'HEAD'], { cwd: lab.repo.root, env: lab.env });
  assert.equal(run.exitCode, 0, run.stderr);
  assert.match(execFileSync('find', [path.join(lab.repo.root, '.fleetc'), '-name', 'known_hosts'], { encoding: 'utf8' }), /known_hosts/, 'the run wrote its files under .fleetc/');
  assert.equal(lab.repo.git('status', '--porcelain', '--untracked-files=all'), '');
});

test('a commit that is not on the remote\'s deploy branch is refused unless allowed', async (t) => {
  if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git')) return;
  const lab = await remoteLab(t);
  lab.repo.rewrite('fleet/profiles/worker.yaml', () => 'extends: base\nservices: [novanet]\npackages: [htop]\n');
  const unpushed = await lab.commit('htop on workers, not merged', { push: false });
  const args = ['apply', '--identity', lab.clientKey, '--log-dir', `${lab.dir}/runs`];
  const refused = await runFleetc(args, { cwd: lab.repo.root, env: lab.env });
  assert.equal(refused.exitCode, 7, refused.stderr);
  assert.match(refused.stderr, new RegExp(`refused: ${unpushed.slice(0, 12)} is not on origin/main; .*--allow-off-branch`));
  assert.deepEqual(lab.doubleCalls(), []);
  const otherBranch = await runFleetc([...args, '--deploy-branch', 'release'], { cwd: lab.repo.root, env: lab.env });
  assert.equal(otherBranch.exitCode, 7);
  assert.match(otherBranch.stderr, /the remote origin has no branch release/);
  const allowed = await runFleetc([...args, '--allow-off-branch'], { cwd: lab.repo.root, env: lab.env });
  assert.equal(allowed.exitCode, 0, allowed.stderr);
  assert.equal(lab.current('wk-1'), unpushed);
});
