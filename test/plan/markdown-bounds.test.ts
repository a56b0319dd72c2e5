// The pull-request comment stays under GitHub's 65,536-character limit in the cases that broke it
// (60 destructive hosts and 250 new ones: 197,037 characters; one ZFS pool rename on 900 hosts:
// 85,953), says what it left out, and never pings anyone: @mentions and #123 references from fleet
// files are neutralised outside code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderPlan } from '../../src/cli/commands/plan.ts';
import { GITHUB_COMMENT_LIMIT } from '../../src/cli/views/plan-markdown.ts';
import { computePlan } from '../../src/plan/revisions.ts';
import type { Plan } from '../../src/plan/types.ts';
import { FleetRepo } from '../helpers/git-repo.ts';
import { tempDir } from '../helpers/tmp.ts';

/** A worker with a ZFS or single-disk layout, addressed in a /16. */
function host(i: number, layout: string, extra = ''): string {
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return [
    'profile: worker',
    'hardware:',
    `  disks: { a: { device: /dev/disk/by-id/nvme-g${i}a, size: 500G }, b: { device: /dev/disk/by-id/nvme-g${i}b, size: 500G } }`,
    `  layout: ${layout}`,
    'interfaces:',
    `  - { name: eno1, mac: "52:54:01:00:${hex(i >> 8)}:${hex(i & 255)}", network: prov, address: 10.0.${10 + Math.floor(i / 200)}.${10 + (i % 200)}, boot: true }`,
    extra,
  ].join('\n');
}

const ZFS = (pool: string) => `{ kind: zfs, disks: [a, b], pool: ${pool}, datasets: { root: { mount: / }, nix: { mount: /nix } } }`;
const SINGLE = (fs: string) => `{ kind: single, disk: a, root: { fs: ${fs} } }`;

function repoWith(t: Parameters<typeof tempDir>[0]): FleetRepo {
  const repo = new FleetRepo(tempDir(t));
  repo.rewrite('fleet/fleet.yaml', (s) => s.replace('cidr: 10.0.0.0/24', 'cidr: 10.0.0.0/16'));
  return repo;
}

async function markdownOf(repo: FleetRepo): Promise<{ markdown: string; plan: Plan }> {
  const outcome = await computePlan({ base: 'HEAD~1', head: 'HEAD', paths: repo.paths, allowInvalidBase: false, cwd: repo.root });
  if (!outcome.ok) throw new Error(outcome.reason);
  return { markdown: renderPlan(outcome.plan, 'markdown'), plan: outcome.plan };
}

test('60 destructive hosts and 250 new ones: under the limit, the cut named', async (t) => {
  const repo = repoWith(t);
  const files: Record<string, string> = {};
  for (let i = 0; i < 60; i++) files[`hosts/wk-g${i}.yaml`] = host(i, SINGLE('ext4'));
  repo.edit(files).commit('60 hosts');
  // Each relaid-out host also gets labels of its own: sixty long, different lists of reasons.
  const labels = (i: number) => `labels: { ${Array.from({ length: 20 }, (_, k) => `k${k}: "rack-${i}-slot-${k}-${'x'.repeat(40)}"`).join(', ')} }`;
  for (let i = 0; i < 60; i++) files[`hosts/wk-g${i}.yaml`] = host(i, SINGLE('xfs'), labels(i));
  for (let i = 60; i < 310; i++) files[`hosts/wk-g${i}.yaml`] = host(i, SINGLE('xfs'));
  repo.edit(files).commit('60 relaid out, 250 new');
  const { markdown, plan } = await markdownOf(repo);
  assert.ok(markdown.length < GITHUB_COMMENT_LIMIT, `${markdown.length} characters`);
  assert.equal(plan.summary.destructive, 60);
  assert.equal(plan.summary.provision, 250);
  // The warning lists what fits and says how many it leaves out.
  assert.match(markdown, /> - \*\*wk-g0\*\*: disk layout \\\(single\\\): root\.fs ext4 → xfs; label k0 added/);
  assert.match(markdown, /> - …and \d+ more\n/);
  assert.match(markdown, /\d+ of the 60 destructive hosts in the warning/);
  const approval = /`--approve-destructive ([^`]*)`/.exec(markdown)?.[1]?.split(' ') ?? [];
  assert.equal(approval.length, 60, 'the approval command names every destructive host');
  assert.match(markdown, /_Not shown, to stay within GitHub's comment limit: \d+ host blocks \((\d+ destructive, )?\d+ provision\)/);
});

test('one ZFS pool rename on 900 hosts: under the limit, one warning line for all of them (hosts with the same reasons share it)', async (t) => {
  const repo = repoWith(t);
  const files: Record<string, string> = {};
  for (let i = 0; i < 900; i++) files[`hosts/wk-g${i}.yaml`] = host(i, ZFS('rpool'));
  repo.edit(files).commit('900 hosts');
  for (let i = 0; i < 900; i++) files[`hosts/wk-g${i}.yaml`] = host(i, ZFS('tank'));
  repo.edit(files).commit('rename the pool');
  const { markdown, plan } = await markdownOf(repo);
  assert.ok(markdown.length < GITHUB_COMMENT_LIMIT, `${markdown.length} characters`);
  assert.equal(plan.summary.destructive, 900);
  assert.equal(markdown.match(/^> - /gm)?.length, 1, 'one line for 900 hosts with the same reason');
  assert.match(markdown, /and 880 more hosts: disk layout \\\(zfs\\\): pool rpool → tank/);
  assert.match(markdown, /each is approved by name with `--approve-destructive` \(the 900 names are in the plan artifact\)/);
  assert.match(markdown, /_Not shown, to stay within GitHub's comment limit: \d+ host blocks \(\d+ destructive\)/);
});

test('a fleet that pushes every section at once: 2,000 new hosts with long names stay under the limit', async (t) => {
  const repo = repoWith(t);
  repo.rewrite('fleet/fleet.yaml', (s) => s.replace('maxParallel: 2', 'maxParallel: 1'));
  repo.commit('empty');
  const files: Record<string, string> = {};
  const long = 'x'.repeat(50);
  for (let i = 0; i < 2000; i++) files[`hosts/h${i}-${long}.yaml`] = host(i, SINGLE('xfs'), `labels: { note: "${'long note '.repeat(40)}" }`);
  repo.edit(files).commit('2000 hosts');
  const { markdown, plan } = await markdownOf(repo);
  assert.ok(markdown.length < GITHUB_COMMENT_LIMIT, `${markdown.length} characters`);
  assert.equal(plan.summary.provision, 2000);
  assert.match(markdown, /waves \d+–\d+ · \d+ hosts/);
  assert.match(markdown, /of the \d+ waves in the flowchart/);
});

test('mentions and issue references from fleet files do not ping or link anyone', async (t) => {
  const repo = new FleetRepo(tempDir(t));
  repo.commit('base');
  repo
    .rewrite('fleet/hosts/wk-1.yaml', (s) => `${s}labels: { owner: "@octocat", ticket: "fixes #123 and org/repo#7", team: "@acme/ops" }\n`)
    .rewrite('fleet/hosts/cp-1.yaml', (s) => s.replace('root: { fs: xfs }', 'root: { fs: ext4 }'))
    .commit('labels that mention');
  const outcome = await computePlan({ base: 'HEAD~1', head: 'HEAD', paths: repo.paths, allowInvalidBase: false, cwd: repo.root });
  if (!outcome.ok) return assert.fail(outcome.reason);
  const markdown = renderPlan(outcome.plan, 'markdown');
  assert.ok(markdown.includes('@\u200boctocat'), markdown);
  // Outside code (fences and spans), no @name and no #digits is left for GitHub to act on.
  const prose = markdown.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1\s*$/gm, '').replace(/`[^`\n]*`/g, '');
  assert.doesNotMatch(prose, /(^|[^\w])@[A-Za-z0-9]/m);
  assert.doesNotMatch(prose, /#[0-9]/);
});
