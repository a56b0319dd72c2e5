// actionlint on the repository's workflows and the ones fleetc init writes: no finding but the deploy
// runner's own label, which .github/actionlint.yaml declares (the wasm build reads no config file).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/paths.ts';
import { actionlint } from './actionlint.ts';

const declaredLabels = (parse(readFileSync(path.join(REPO_ROOT, '.github/actionlint.yaml'), 'utf8')) as { 'self-hosted-runner': { labels: string[] } })['self-hosted-runner'].labels;

const workflows = [
  ...readdirSync(path.join(REPO_ROOT, '.github/workflows')).map((f) => `.github/workflows/${f}`),
  ...readdirSync(path.join(REPO_ROOT, 'templates/init/workflows')).map((f) => `templates/init/workflows/${f}`),
].sort();

for (const file of workflows) {
  test(`actionlint: ${file}`, async () => {
    const findings = (await actionlint(readFileSync(path.join(REPO_ROOT, file), 'utf8'), file)).filter((e) => !(e.kind === 'runner-label' && declaredLabels.some((label) => e.message.startsWith(`label "${label}" is unknown`))));
    assert.deepEqual(findings.map((e) => `${file}:${e.line}:${e.column} ${e.kind}: ${e.message}`), []);
  });
}

test('actionlint finds what it should (it is not a rubber stamp): a misspelt context, an unknown label, a misspelt function', async () => {
  const broken = 'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: [self-hosted, other-runner]\n    timeout-minutes: 5\n    steps:\n      - run: echo "${{ github.evnt.number }}"\n      - if: ${{ sucess() }}\n        run: true\n';
  const kinds = (await actionlint(broken, 'broken.yml')).map((e) => `${e.line} ${e.kind}`);
  assert.deepEqual(kinds, ['5 runner-label', '8 expression', '9 expression']);
});

test('every workflow sets permissions: {} at the top, and every job its own permissions and a timeout', () => {
  for (const file of workflows) {
    const workflow = parse(readFileSync(path.join(REPO_ROOT, file), 'utf8')) as { permissions?: unknown; jobs: Record<string, { permissions?: unknown; 'timeout-minutes'?: number; steps: Array<{ uses?: string }> }> };
    assert.deepEqual(workflow.permissions, {}, `${file}: permissions: {} at the top`);
    for (const [name, job] of Object.entries(workflow.jobs)) {
      assert.ok(job.permissions && typeof job.permissions === 'object', `${file} ${name}: per-job permissions`);
      assert.ok(typeof job['timeout-minutes'] === 'number' && job['timeout-minutes'] > 0, `${file} ${name}: timeout-minutes`);
    }
  }
});

test('every action a workflow or fleetc\'s own actions use is a local action or pinned by a full commit with its version', () => {
  const files = [...workflows, ...['validate', 'plan', 'apply'].map((a) => `actions/${a}/action.yml`)];
  for (const file of files) {
    const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
    for (const [, uses, comment] of text.matchAll(/uses: (\S+)(.*)/g)) {
      if (uses!.startsWith('./')) continue;
      assert.match(uses!, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/, `${file}: ${uses} is not pinned by a full commit`);
      assert.match(comment!, /^ # v\d+\.\d+\.\d+$/, `${file}: ${uses} has no version comment`);
    }
  }
  const dependabot = parse(readFileSync(path.join(REPO_ROOT, '.github/dependabot.yml'), 'utf8')) as { updates: Array<{ 'package-ecosystem': string; directories?: string[] }> };
  assert.deepEqual(dependabot.updates.find((u) => u['package-ecosystem'] === 'github-actions')?.directories, ['/', '/actions/*']);
  assert.equal(readFileSync(path.join(REPO_ROOT, 'templates/init/dependabot.yml'), 'utf8'), readFileSync(path.join(REPO_ROOT, '.github/dependabot.yml'), 'utf8'), 'fleetc init writes the same');
});
