// Proof by executing: pr.yml, validate.yml and apply.yml run step by step as GitHub runs them (see
// runner.ts), from a repository held like GitHub holds it (hub.ts), with the REST stand-in answering
// the comment calls, and apply deploying to a lab of real sshd hosts. The cases of the CI issue: a
// normal pull request, a re-run (the comment updated in place), a failed validation after a good
// plan, a typo, a stale generated/, a fork's pull request, a merge that adds a host, a dispatch from
// an unmerged branch (refused), and a cancelled apply (the lock released).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runFleetc } from '../helpers/cli.ts';
import { DEFAULT_LAB_HOSTS, Lab } from '../helpers/lab.ts';
import { tempDir } from '../helpers/tmp.ts';
import { requireTools } from '../helpers/tools.ts';
import { GitHubApi } from './github-api.ts';
import { Hub, REPOSITORY, type Event } from './hub.ts';
import { JobRunner, type JobResult } from './runner.ts';

const TOKEN_VALUE = 'join-token-5f1c0e7d';
let root: string;
let lab: Lab;
let hub: Hub;
let api: GitHubApi;
let runs = 0;

interface Run extends JobResult {
  runnerDir: string;
  artifacts: string;
  workspace: string;
}

async function runJob(workflow: string, job: string, event: Event, options: { fork?: boolean; permissions?: Record<string, string>; cancel?: ConstructorParameters<typeof JobRunner>[0]['cancel'] } = {}): Promise<Run> {
  const n = ++runs;
  const runnerDir = path.join(root, `runner-${n}`);
  const artifacts = path.join(runnerDir, 'artifacts');
  // GitHub runs the workflow file of the event's commit.
  const workflowFile = path.join(root, `workflow-${n}.yml`);
  execFileSync('sh', ['-c', `git -C "${hub.bare}" show ${event.sha}:.github/workflows/${workflow} > "${workflowFile}"`]);
  const token = `ghs_job${n}`;
  api.tokens.set(token, options.permissions ?? Hub.tokenPermissions(workflowFile, job, options.fork ?? false));
  const runner = new JobRunner({
    workflowFile,
    job,
    eventName: event.eventName,
    event: event.payload,
    ref: event.ref,
    sha: event.sha,
    repository: REPOSITORY,
    env: { ...lab.env, HOME: process.env.HOME ?? '/root' },
    environments: { production: { FLEETC_SSH_KEY: readFileSync(lab.clientKey, 'utf8'), FLEETC_JOIN_TOKEN: TOKEN_VALUE } },
    vars: { FLEETC_SECRET_FILES: `FLEETC_JOIN_TOKEN=${root}/secrets/join-token` },
    token,
    host: { apiUrl: api.url, cloneUrl: () => hub.bare, artifactsDir: artifacts },
    runnerDir,
    ...(options.cancel ? { cancel: options.cancel } : {}),
  });
  const result = await runner.run();
  return { ...result, runnerDir, artifacts, workspace: runner.workspaceDir };
}

const step = (run: JobResult, name: RegExp) => run.steps.find((s) => name.test(s.name));
const botComments = (number: number) => api.list(REPOSITORY, number).filter((c) => c.user.type === 'Bot');
const remoteRefs = () => execFileSync('git', ['-C', hub.bare, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/fleetc/'], { encoding: 'utf8' });
const remoteState = (host: string) => {
  const oid = execFileSync('git', ['-C', hub.bare, 'rev-parse', '-q', '--verify', `refs/fleetc/deployed/${host}`], { encoding: 'utf8' }).trim();
  return JSON.parse(execFileSync('git', ['-C', hub.bare, 'cat-file', 'blob', `${oid}:state.json`], { encoding: 'utf8' })) as { deployed?: { commit: string }; last?: { result: string } };
};

async function until(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('the workflows, executed', async (t) => {
  if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git', 'npm')) return;
  {
    root = tempDir(t);
    // new-1 is a machine of the lab that the fleet does not have yet.
    lab = new Lab(path.join(root, 'lab'), [...DEFAULT_LAB_HOSTS, { name: 'new-1', profile: 'worker', octet: 31 }]);
    const fleetYaml = readFileSync(`${lab.repo.paths.fleetDir}/fleet.yaml`, 'utf8')
      .replace('deploy: { order:', 'deploy: { firstContact: accept-new, order:')
      .concat(`secrets:\n  joinToken: { file: ${root}/secrets/join-token }\nfirstBoot:\n  joinToken: joinToken\n`);
    lab.writeFleet({ 'fleet.yaml': fleetYaml, 'hosts/new-1.yaml': null });
    await lab.start();
    t.after(() => lab.stop());
    api = new GitHubApi();
    await api.start();
    t.after(() => api.stop());
    hub = new Hub(path.join(root, 'hub'), lab.repo.paths);
    hub.commit('main', 'the fleet');
    // The running hosts are recorded (adopted) at main, as an operator does once.
    const adopt = await runFleetc(['apply', '--base', 'HEAD', '--identity', lab.clientKey, '--remote', 'origin', '--log-dir', path.join(root, 'adopt-runs')], { cwd: hub.fleetRoot, env: lab.env });
    assert.equal(adopt.exitCode, 0, adopt.stderr);
  }

  await t.test('a normal pull request: validated, planned at its head, one sticky comment, the plan in the summary and the artifact', async () => {
    api.addUserComment(REPOSITORY, 7, 'A person quoting <!-- fleetc-plan --> must never be taken over.');
    const head = hub.commit('htop', 'htop on the workers', { 'fleet/profiles/worker.yaml': 'extends: base\nservices: [novanet]\npackages: [htop]\n' }, { from: 'main' });
    const event = hub.pullRequest(7, 'htop', { action: 'opened' });
    const run = await runJob('pr.yml', 'plan', event);
    assert.equal(run.conclusion, 'success', run.log);
    assert.deepEqual(run.annotations, []);
    const comments = botComments(7);
    assert.equal(comments.length, 1);
    assert.match(comments[0]!.body, /^<!-- fleetc-plan -->/);
    assert.match(comments[0]!.body, /wk-1/);
    assert.match(comments[0]!.body, new RegExp(`head \`${head}`), 'the head planned and shown is the pull request\'s');
    assert.ok(!comments[0]!.body.includes(event.sha.slice(0, 12)), 'not the test-merge commit');
    assert.equal(api.list(REPOSITORY, 7).find((c) => c.user.type === 'User')!.body.startsWith('A person'), true);
    assert.match(run.summary, /## fleetc plan/);
    const plan = JSON.parse(readFileSync(path.join(run.artifacts, 'fleetc-plan', 'plan.json'), 'utf8')) as { head: { commit: string }; hosts: Array<{ name: string; action: string }> };
    assert.equal(plan.head.commit, head);
    assert.deepEqual(plan.hosts.filter((h) => h.action !== 'unchanged').map((h) => `${h.name} ${h.action}`), ['wk-1 update']);
  });

  await t.test('a re-run after another push updates the same comment in place', async () => {
    const [first] = botComments(7);
    const head = hub.commit('htop', 'and on the control plane', { 'fleet/profiles/control-plane.yaml': 'extends: base\nservices: [chainfire, novanet]\npackages: [htop]\n' });
    const run = await runJob('pr.yml', 'plan', hub.pullRequest(7, 'htop'));
    assert.equal(run.conclusion, 'success', run.log);
    const comments = botComments(7);
    assert.equal(comments.length, 1, 'still one comment');
    assert.equal(comments[0]!.id, first!.id, 'the same comment, updated');
    assert.match(comments[0]!.body, new RegExp(`head \`${head}`));
    assert.match(comments[0]!.body, /cp-1/);
    assert.ok(api.requests.some((r) => r.method === 'PATCH' && r.path.endsWith(`/issues/comments/${first!.id}`) && r.status === 200));
  });

  await t.test('a failed validation after a good plan replaces the comment: plan unavailable, with the diagnostics', async () => {
    const [first] = botComments(7);
    const wk1 = hub.read('fleet/hosts/wk-1.yaml');
    const head = hub.commit('htop', 'a typo in a profile name', { 'fleet/hosts/wk-1.yaml': wk1.replace('profile: worker', 'profile: wroker') }, { build: false });
    const run = await runJob('pr.yml', 'plan', hub.pullRequest(7, 'htop'));
    assert.equal(run.conclusion, 'failure');
    assert.equal(step(run, /Plan against the target branch/)?.outcome, 'skipped');
    assert.equal(step(run, /Post or update the plan comment/)?.outcome, 'success');
    const [comment] = botComments(7);
    assert.equal(comment!.id, first!.id);
    assert.match(comment!.body, /plan unavailable: validation failed/);
    assert.match(comment!.body, new RegExp(`at \`${head.slice(0, 12)}\``));
    assert.match(comment!.body, /fleet\/hosts\/wk-1\.yaml:1:\d+: error PROFILE_UNKNOWN/);
    assert.doesNotMatch(comment!.body, /packages|update/, 'nothing of the old plan stays');
    assert.ok(run.annotations.some((a) => /^::error file=examples\/photon-lab\/fleet\/hosts\/wk-1\.yaml,line=1,.*PROFILE_UNKNOWN/.test(a)), run.annotations.join('\n'));
    assert.match(run.summary, /fleetc validate: the fleet has errors[\s\S]*PROFILE_UNKNOWN/);
  });

  await t.test('a typo in a new pull request: the job fails with the diagnostic inline and in a plan-unavailable comment', async () => {
    const wk1 = hub.read('fleet/hosts/wk-1.yaml', 'origin/main');
    hub.commit('typo', 'a typo', { 'fleet/hosts/wk-1.yaml': wk1.replace('interfaces:', 'interfacs:') }, { from: 'origin/main', build: false });
    const run = await runJob('pr.yml', 'plan', hub.pullRequest(8, 'typo', { action: 'opened' }));
    assert.equal(run.conclusion, 'failure');
    assert.ok(run.annotations.some((a) => /^::error file=examples\/photon-lab\/fleet\/hosts\/wk-1\.yaml,line=\d+/.test(a)), run.annotations.join('\n'));
    const [comment] = botComments(8);
    assert.match(comment!.body, /plan unavailable: validation failed/);
    assert.match(comment!.body, /interfacs/);

    // validate.yml, run by hand on the branch (a shallow checkout of the branch) and on main.
    const byHand = await runJob('validate.yml', 'validate', hub.dispatch('typo', 'validate.yml'));
    assert.equal(byHand.conclusion, 'failure');
    assert.equal(execFileSync('git', ['-C', byHand.workspace, 'rev-parse', '--is-shallow-repository'], { encoding: 'utf8' }).trim(), 'true', 'fetch-depth 1');
    assert.ok(byHand.annotations.some((a) => /^::error file=examples\/photon-lab\/fleet\/hosts\/wk-1\.yaml/.test(a)));
    assert.match(byHand.summary, /fleetc validate: the fleet has errors/);
    const onMain = await runJob('validate.yml', 'validate', hub.dispatch('main', 'validate.yml'));
    assert.equal(onMain.conclusion, 'success', onMain.log);
    assert.equal(onMain.summary, '', 'nothing to report');
  });

  await t.test('a stale generated/: validation passes, build --check fails the job, and the comment says why', async () => {
    hub.commit('stale', 'htop without building', { 'fleet/profiles/worker.yaml': 'extends: base\nservices: [novanet]\npackages: [htop]\n' }, { from: 'origin/main', build: false });
    const run = await runJob('pr.yml', 'plan', hub.pullRequest(9, 'stale', { action: 'opened' }));
    assert.equal(run.conclusion, 'failure');
    assert.equal(step(run, /Validate the fleet/)?.outcome, 'success');
    assert.equal(step(run, /up to date/)?.outcome, 'failure');
    assert.match(run.summary, /generated\/ is stale/);
    const [comment] = botComments(9);
    assert.match(comment!.body, /plan unavailable: validation failed/);
    assert.match(comment!.body, /run fleetc build and commit what it writes/);
  });

  await t.test('a fork\'s pull request is planned; no comment is attempted with its read-only token, and the summary says why', async () => {
    const head = hub.commit('fork-change', 'htop, from a fork', { 'fleet/profiles/worker.yaml': 'extends: base\nservices: [novanet]\npackages: [htop]\n' }, { from: 'origin/main' });
    const before = api.requests.length;
    const run = await runJob('pr.yml', 'plan', hub.pullRequest(10, 'fork-change', { fork: true, action: 'opened' }), { fork: true });
    assert.equal(run.conclusion, 'success', run.log);
    assert.equal(execFileSync('git', ['-C', hub.bare, 'branch', '--list', 'fork-change'], { encoding: 'utf8' }), '', 'the fork\'s head is only in refs/pull/10/head');
    assert.match(run.summary, new RegExp(`head \`${head}`), 'planned at the fork\'s head');
    assert.match(run.summary, /No plan comment was posted:\*\* this pull request comes from the fork `mallory\/fleet`/);
    assert.equal(api.requests.length, before, 'no request with a token that cannot write');
    assert.deepEqual(botComments(10), []);

    // A token that cannot write for another reason: the 403 does not fail the job either.
    const denied = await runJob('pr.yml', 'plan', hub.pullRequest(10, 'fork-change'), { permissions: { contents: 'read', 'pull-requests': 'read' } });
    assert.equal(denied.conclusion, 'success', denied.log);
    assert.ok(api.requests.some((r) => r.token === `ghs_job${runs}` && r.status === 403), 'the comment was attempted and refused');
    assert.match(denied.summary, /No plan comment was posted:\*\* the token may not write to this pull request \(POST \S+: 403 Resource not accessible by integration\)/);
    assert.deepEqual(botComments(10), []);
  });

  await t.test('a merge that adds a host: CI provisions it (deploy.firstContact), deploys the reviewed update, secrets only for the job', async () => {
    const newHost = lab.hostYaml(lab.hosts[4]!, 4).replace(/hostKey: "[^"]+"/, 'user: root');
    hub.commit('add-new-1', 'new-1, and htop on the workers', { 'fleet/hosts/new-1.yaml': newHost, 'fleet/profiles/worker.yaml': 'extends: base\nservices: [novanet]\npackages: [htop]\n' }, { from: 'origin/main' });
    const push = hub.merge('add-new-1');
    const run = await runJob('apply.yml', 'apply', push);
    assert.equal(run.conclusion, 'success', run.log);
    for (const host of ['new-1', 'wk-1']) {
      assert.equal(lab.current(host), push.sha, `${host} runs the merge`);
      assert.equal(remoteState(host).deployed?.commit, push.sha, `${host} is recorded on the remote`);
    }
    assert.doesNotMatch(remoteRefs(), /refs\/fleetc\/lock/, 'the lock is released');
    assert.equal(readFileSync(path.join(lab.hostDir('new-1'), 'root/var/lib/fleetc/credentials/joinToken'), 'utf8'), TOKEN_VALUE, 'the secret file the job wrote reached the new host');
    assert.ok(!existsSync(`${root}/secrets/join-token`) && !existsSync(path.join(run.runnerDir, 'temp/fleetc-secrets')), 'and the secret files are gone');
    assert.match(step(run, /Write the secrets/)!.output, /wrote 2 secret file\(s\)/);
    assert.ok(!run.log.includes(TOKEN_VALUE), 'no secret value in the log');
    assert.match(run.summary, /## fleetc apply: ok \(exit 0\)/);
    assert.match(run.summary, /\| `new-1` \| deployed \|/);
    const logs = path.join(run.artifacts, 'fleetc-apply-logs');
    assert.ok(readdirSync(logs, { recursive: true }).some((f) => String(f).endsWith('new-1.log')), 'the run logs are kept');
  });

  await t.test('a dispatch from an unmerged branch is refused before anything is recorded; fleetc refuses another job ref itself', async () => {
    const refs = remoteRefs();
    hub.git('checkout', '-q', '-B', 'rogue', 'origin/main');
    hub.git('rm', '-q', 'examples/photon-lab/fleet/hosts/wk-1.yaml');
    const rogue = hub.commit('rogue', 'decommission wk-1');
    const run = await runJob('apply.yml', 'apply', hub.dispatch('rogue', 'apply.yml'));
    assert.equal(run.conclusion, 'failure');
    assert.equal(step(run, /Refuse any ref but the deploy branch/)?.outcome, 'failure');
    assert.match(run.annotations.join('\n'), /refused: this run is for refs\/heads\/rogue/);
    assert.ok(run.steps.slice(1).every((s) => s.outcome === 'skipped'), 'nothing after it ran');
    assert.equal(remoteRefs(), refs, 'no state or lock ref changed');

    // fleetc's own check, for a job that skipped the workflow's: an old commit of main is on main too.
    const old = hub.git('rev-parse', 'origin/main~1');
    hub.git('checkout', '-q', '--detach', old);
    const direct = await runFleetc(['apply', '--identity', lab.clientKey, '--remote', 'origin', '--dry-run'], { cwd: hub.fleetRoot, env: { ...lab.env, GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/heads/rogue' } });
    assert.equal(direct.exitCode, 7, direct.stderr);
    assert.match(direct.stderr, /refused: this CI job runs for refs\/heads\/rogue, not for the deploy branch main/);
    hub.git('checkout', '-q', 'rogue');
    assert.notEqual(rogue, old);
  });

  await t.test('a cancelled apply stops cleanly: the host in flight is recorded, the lock released, the secrets removed', async () => {
    const profile = hub.read('fleet/profiles/base.yaml', 'origin/main');
    hub.commit('tools', 'tools everywhere', { 'fleet/profiles/base.yaml': `${profile.trimEnd()}\npackages: [htop, jq]\n` }, { from: 'origin/main' });
    const push = hub.merge('tools');
    lab.setFlag('cp-1', 'delay', '3');
    const run = await runJob('apply.yml', 'apply', push, {
      cancel: {
        step: (name) => /› Deploy$/.test(name),
        when: () => until('cp-1 in flight under the deploy lock', () => /refs\/fleetc\/lock/.test(remoteRefs()) && lab.doubleCalls().some((c) => c.argv.some((a) => a.includes(`rev=${push.sha}`) && a.endsWith('#cp-1')))),
      },
    });
    lab.setFlag('cp-1', 'delay', '0');
    assert.equal(run.conclusion, 'cancelled', run.log);
    const deploy = step(run, /› Deploy$/)!;
    assert.equal(deploy.exitCode, 8, deploy.output);
    assert.match(deploy.output, /stopped \(stopped by SIGINT\); the deploy lock is released/);
    assert.doesNotMatch(remoteRefs(), /refs\/fleetc\/lock/, 'the lock is released on the remote');
    assert.equal(remoteState('cp-1').deployed?.commit, push.sha, 'the host in flight finished and was recorded');
    assert.notEqual(lab.current('wk-1'), push.sha, 'no host started after the cancel');
    assert.equal(step(run, /Remove the secrets/)?.outcome, 'success', 'the cleanup runs on cancellation');
    assert.ok(!existsSync(`${root}/secrets/join-token`));
    assert.match(run.summary, /## fleetc apply: stopped \(exit 8\)/);
    assert.ok(statSync(path.join(run.artifacts, 'fleetc-apply-logs')).isDirectory());
  });
});
