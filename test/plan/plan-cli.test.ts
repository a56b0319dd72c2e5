// fleetc plan through the real binary: formats, --plan-file, --detailed-exitcode, errors without
// stack traces; and the pull-request workflows checked by a real GitHub Actions validator.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { hasStackTrace, runFleetc } from '../helpers/cli.ts';
import { FleetRepo } from '../helpers/git-repo.ts';
import { REPO_ROOT } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';

test('plan: text by default, markdown and JSON on request, exit codes', async (t) => {
  const repo = new FleetRepo(tempDir(t));
  repo.commit('base');
  const unchanged = await runFleetc(['plan', '--base', 'HEAD', '--detailed-exitcode'], { cwd: repo.root });
  assert.equal(unchanged.exitCode, 0, unchanged.stderr);
  assert.match(unchanged.stdout, /Plan: No changes\./);

  repo.rewrite('fleet/hosts/wk-1.yaml', (s) => s.replace('52:54:00:00:00:21', '52:54:00:00:00:98'));
  const text = await runFleetc(['plan', '--base', 'HEAD', '--detailed-exitcode', '--plan-file', 'plan.json'], { cwd: repo.root });
  assert.equal(text.exitCode, 2, 'changes present');
  assert.match(text.stdout, /^! wk-1: replace \(worker\)$/m);
  assert.match(text.stdout, /^ {4}interface eno1: mac 52:54:00:00:00:21 → 52:54:00:00:00:98$/m);
  assert.match(text.stdout, /^ {6}\+ {4}matchConfig\.PermanentMACAddress = "52:54:00:00:00:98";$/m);
  const saved = JSON.parse(readFileSync(path.join(repo.root, 'plan.json'), 'utf8'));
  assert.equal(saved.formatVersion, 2);
  assert.equal(saved.hosts.find((h: { name: string }) => h.name === 'wk-1').action, 'replace');

  const plain = await runFleetc(['plan', '--base', 'HEAD'], { cwd: repo.root });
  assert.equal(plain.exitCode, 0, 'without --detailed-exitcode changes are success');
  const markdown = await runFleetc(['plan', '--base', 'HEAD', '--format', 'markdown'], { cwd: repo.root });
  assert.match(markdown.stdout, /^<!-- fleetc-plan -->\n## fleetc plan · mini/);
  const json = await runFleetc(['plan', '--base', 'HEAD', '--format', 'json'], { cwd: repo.root });
  assert.deepEqual(JSON.parse(json.stdout), saved);
});

test('plan --format json: with output committed at the base, unchanged hosts by name and reference; --list-unchanged lists them by value; the text is the same', async (t) => {
  const repo = new FleetRepo(tempDir(t));
  assert.equal((await runFleetc(['build'], { cwd: repo.root })).exitCode, 0);
  const base = repo.commit('base');
  repo.rewrite('fleet/hosts/wk-1.yaml', (s) => `${s}labels: { rack: r9 }\n`);
  const run = (...args: string[]) => runFleetc(['plan', '--base', 'HEAD', ...args], { cwd: repo.root });
  const [byReference, byValue] = [JSON.parse((await run('--format', 'json')).stdout), JSON.parse((await run('--format', 'json', '--list-unchanged')).stdout)];
  // Unchanged with nothing to say (a host can be unchanged with reasons: listed by value then).
  const unchangedHosts = byValue.hosts.filter((h: { action: string; reasons: string[] }) => h.action === 'unchanged' && h.reasons.length === 0);
  assert.ok(unchangedHosts.length >= 3, 'the fixture has unchanged hosts');
  assert.equal(byValue.unchanged, undefined);
  assert.deepEqual(byReference.unchanged.hosts, unchangedHosts.map((h: { name: string }) => h.name));
  assert.equal(byReference.unchanged.manifest.commit, base);
  assert.equal(byReference.unchanged.manifest.path, 'generated/manifest.json');
  assert.equal(byReference.unchanged.manifest.blob, repo.git('rev-parse', `${base}:generated/manifest.json`));
  // The referenced blob holds each unchanged host's hashes, as listed by value.
  const manifest = JSON.parse(repo.git('cat-file', 'blob', byReference.unchanged.manifest.blob));
  for (const host of unchangedHosts) assert.deepEqual(Object.fromEntries(Object.entries(manifest.hosts[host.name].artifacts as Record<string, { sha256: string }>).map(([p, a]) => [p, a.sha256])), host.headManifest);
  assert.deepEqual(byReference.hosts, byValue.hosts.filter((h: unknown) => !unchangedHosts.includes(h)));
  assert.deepEqual(byReference.summary, byValue.summary);
  for (const format of ['text', 'markdown']) assert.equal((await run('--format', format)).stdout, (await run('--format', format, '--list-unchanged')).stdout);
});

test('plan: bad revision, invalid head, outside a repository — messages, exit 1, no stack trace', async (t) => {
  const repo = new FleetRepo(tempDir(t));
  repo.commit('base');
  const bad = await runFleetc(['plan', '--base', 'nope'], { cwd: repo.root });
  assert.equal(bad.exitCode, 1);
  assert.match(bad.stderr, /fleetc plan: unknown revision "nope"/);

  repo.rewrite('fleet/hosts/wk-1.yaml', (s) => s.replace('profile: worker', 'profile: wrker'));
  const invalid = await runFleetc(['plan', '--base', 'HEAD'], { cwd: repo.root });
  assert.equal(invalid.exitCode, 1);
  assert.match(invalid.stderr, /fleet\/hosts\/wk-1\.yaml:1:10: error PROFILE_UNKNOWN/);
  assert.match(invalid.stderr, /the fleet at head \(working tree\) has errors/);

  const outside = await runFleetc(['plan', '--base', 'HEAD'], { cwd: tempDir(t) });
  assert.equal(outside.exitCode, 1);
  assert.match(outside.stderr, /is not inside a git repository/);
  assert.equal((await runFleetc(['plan'], { cwd: repo.root })).exitCode, 2, '--base is required');
  for (const r of [bad, invalid, outside]) assert.ok(!hasStackTrace(r.stdout + r.stderr));
});

test('the GitHub workflows, fleetc\'s actions and the workflows fleetc init writes pass a real workflow validator', () => {
  const validator = path.join(REPO_ROOT, 'node_modules/.bin/action-validator');
  const dir = path.join(REPO_ROOT, '.github/workflows');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yml')).sort();
  assert.deepEqual(files, ['apply.yml', 'pr.yml', 'validate.yml']);
  const actions = ['validate', 'plan', 'apply'].map((name) => path.join(REPO_ROOT, 'actions', name, 'action.yml'));
  const initWorkflows = ['pr.yml', 'apply.yml'].map((name) => path.join(REPO_ROOT, 'templates/init/workflows', name));
  for (const file of [...files.map((f) => path.join(dir, f)), ...actions, ...initWorkflows]) execFileSync(validator, [file], { stdio: 'pipe' });
  // The repository's workflows and a fleet repository's run the same steps: fleetc's actions.
  const pr = readFileSync(path.join(dir, 'pr.yml'), 'utf8');
  assert.match(pr, /uses: \.\/actions\/validate\n/);
  assert.match(pr, /uses: \.\/actions\/plan\n/);
  assert.match(readFileSync(initWorkflows[0]!, 'utf8'), /uses: \.\/node_modules\/fleetc\/actions\/plan\n/);
  const plan = readFileSync(actions[1]!, 'utf8');
  assert.match(plan, /git merge-base "origin\/\$BASE_REF" "\$HEAD_SHA"/);
  assert.match(readFileSync(path.join(REPO_ROOT, 'actions/plan/comment.mjs'), 'utf8'), /<!-- fleetc-plan -->/);
  const applyWorkflow = readFileSync(path.join(dir, 'apply.yml'), 'utf8');
  assert.match(applyWorkflow, /branches: \[main\]/);
  assert.match(applyWorkflow, /concurrency:\n  group: fleetc-apply\n  cancel-in-progress: false/);
  assert.match(readFileSync(actions[2]!, 'utf8'), /exec node "\$GITHUB_ACTION_PATH\/..\/..\/bin\/fleetc.js" apply/);
});

test('the validator rejects a broken workflow (it is not a rubber stamp)', (t) => {
  const file = path.join(tempDir(t), 'broken.yml');
  writeFileSync(file, 'name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n');
  assert.throws(() => execFileSync(path.join(REPO_ROOT, 'node_modules/.bin/action-validator'), [file], { stdio: 'pipe' }));
});
