// The pull-request comment for a representative change, compared with a golden file that was
// reviewed by eye (regenerate with UPDATE_GOLDEN=1 and review the diff before committing).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderPlan } from '../../src/cli/commands/plan.ts';
import { computePlan } from '../../src/plan/revisions.ts';
import { FleetRepo } from '../helpers/git-repo.ts';
import { FIXTURES } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';

const GOLDEN = `${FIXTURES}/plan/representative.md`;

async function representativePlanRepo(root: string): Promise<FleetRepo> {
  const repo = new FleetRepo(root);
  repo.commit('base');
  repo
    .rewrite('fleet/hosts/wk-1.yaml', (s) => s.replace('root: { fs: xfs }', 'root: { fs: xfs, size: 150G }'))
    .rewrite('fleet/profiles/control-plane.yaml', (s) => s.replace('services: [chainfire, flaredb, novanet]', 'services: [chainfire, flaredb]'))
    .rewrite('fleet/hosts/cp-1.yaml', (s) => s.replace('profile: control-plane', 'profile: control-plane\nkernel: { params: [mitigations=auto] }'))
    .edit({ 'hosts/wk-2.yaml': 'profile: worker\nhardware:\n  disks: { main: { device: /dev/disk/by-id/nvme-wk2, size: 200G } }\n  layout: { kind: single, disk: main }\ninterfaces:\n  - { name: eno1, mac: "52:54:00:00:00:22", network: prov, address: 10.0.0.22, boot: true }\nlabels: { note: "<b>*not* bold</b> | `code`" }\n' })
    .commit('representative change');
  return repo;
}

test('representative plan as Markdown matches the reviewed golden file', async (t) => {
  const repo = await representativePlanRepo(tempDir(t));
  const outcome = await computePlan({ base: 'HEAD~1', head: 'HEAD', paths: repo.paths, allowInvalidBase: false, cwd: repo.root });
  if (!outcome.ok) return assert.fail(outcome.reason);
  // Commit ids depend on nix/ of the repository; the golden file shows placeholders.
  const markdown = renderPlan(outcome.plan, 'markdown')
    .replaceAll(outcome.plan.base.commit!.slice(0, 7), 'BASE123')
    .replaceAll(outcome.plan.head.commit!.slice(0, 7), 'HEAD123');
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, markdown);
  assert.equal(markdown, readFileSync(GOLDEN, 'utf8'));
});
