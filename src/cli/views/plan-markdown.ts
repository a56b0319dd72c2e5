// The plan as a pull-request comment: summary, table, destructive warning, a Mermaid flowchart of the
// waves, and one collapsible block per host. Kept under GitHub's 65,536-character limit by design.
import type { ArtifactDiff, HostPlan, Plan } from '../../plan/types.ts';
import { HOST_ACTIONS } from '../../plan/types.ts';
import { changedHosts, diffBody, revisionLabel, summarySentence } from './plan-common.ts';

export const GITHUB_COMMENT_LIMIT = 65_536;
/** Room kept for the tail (the "more hosts" note) and for GitHub's own additions. */
const BUDGET = GITHUB_COMMENT_LIMIT - 4_000;
const MAX_DIFF_LINES = 120;

/** A hidden marker so the workflow finds and updates its own comment instead of adding another. */
export const COMMENT_MARKER = '<!-- fleetc-plan -->';

export function renderPlanMarkdown(plan: Plan): string {
  const head: string[] = [
    COMMENT_MARKER,
    `## fleetc plan · ${escapeMd(plan.fleet)}`,
    '',
    `**${escapeMd(summarySentence(plan))}**`,
    '',
    `Base \`${code(revisionLabel(plan.base))}\` → head \`${code(revisionLabel(plan.head))}\``,
    '',
    '| action | hosts |',
    '|---|---:|',
    ...HOST_ACTIONS.filter((a) => plan.summary[a] > 0).map((a) => `| ${a === 'destructive' ? '⚠️ ' : ''}${a} | ${plan.summary[a]} |`),
    '',
  ];
  const destructive = plan.hosts.filter((h) => h.action === 'destructive');
  if (destructive.length > 0) {
    head.push('> [!WARNING]', `> **${destructive.length} destructive change${destructive.length === 1 ? '' : 's'}: the disks of these hosts will be repartitioned and erased.** \`fleetc apply\` refuses them unless approved with \`--approve-destructive ${destructive.map((h) => h.name).join(' ')}\`.`);
    for (const host of destructive) head.push(`> - **${host.name}**: ${escapeMd(host.reasons.join('; '))}`);
    head.push('');
  }
  const renamed = plan.hosts.filter((h) => h.renamedFrom);
  if (renamed.length > 0) {
    head.push('> [!CAUTION]', '> A rename is a decommission plus a provision: the machine is reinstalled.');
    for (const host of renamed) head.push(`> - **${host.renamedFrom}** → **${host.name}**`);
    head.push('');
  }
  if (plan.waves.length > 0) {
    head.push('### Rollout', '', '```mermaid', 'flowchart LR');
    for (const wave of plan.waves) head.push(`  w${wave.index}["wave ${wave.index} · ${wave.profile}<br/>${wave.hosts.join(', ')}"]`);
    if (plan.waves.length > 1) head.push(`  ${plan.waves.map((w) => `w${w.index}`).join(' --> ')}`);
    head.push('```', '', `At most ${plan.policy.maxParallel === 0 ? 'unlimited' : plan.policy.maxParallel} hosts at once; one voter of each Raft group at a time.`, '');
  }

  let text = head.join('\n');
  const hosts = changedHosts(plan);
  const blocks = [...hosts.map(hostBlock), ...plan.shared.map(sharedBlock)];
  if (hosts.length > 0) text += '\n### Changes by host\n\n';
  let shown = 0;
  for (const block of blocks) {
    if (text.length + block.length > BUDGET) break;
    text += block;
    shown++;
  }
  const hidden = blocks.length - shown;
  if (hidden > 0) text += `\n_${hidden} more ${hidden === 1 ? 'entry is' : 'entries are'} not shown to stay within GitHub's comment limit; the full plan is attached to the workflow run as an artifact._\n`;
  return text;
}

function hostBlock(host: HostPlan): string {
  const lines = [`<details><summary><b>${host.name}</b> · ${host.action} · ${escapeHtml(host.profile)}</summary>`, ''];
  for (const reason of host.reasons) lines.push(`- ${escapeMd(reason)}`);
  lines.push('');
  for (const artifact of host.artifacts) lines.push(...diffBlock(artifact.path, artifact));
  lines.push('</details>', '', '');
  return lines.join('\n');
}

function sharedBlock(change: Plan['shared'][number]): string {
  return [`<details><summary><b>${escapeHtml(change.path)}</b> · ${change.change} · used by ${change.hosts.length} host${change.hosts.length === 1 ? '' : 's'}</summary>`, '', ...diffBlock(change.path, change), '</details>', '', ''].join('\n');
}

function diffBlock(title: string, artifact: Pick<ArtifactDiff, 'diff' | 'change'>): string[] {
  const body = diffBody(artifact.diff).filter((l, i, all) => l !== '' || i < all.length - 1);
  const cut = body.length > MAX_DIFF_LINES;
  const shown = cut ? body.slice(0, MAX_DIFF_LINES) : body;
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(shown.join('\n')) + 1));
  return [
    `\`${code(title)}\` (${artifact.change})`,
    '',
    `${fence}diff`,
    ...shown,
    fence,
    ...(cut ? [`_${body.length - MAX_DIFF_LINES} more lines cut; see the full plan artifact._`] : []),
    '',
  ];
}

function longestBacktickRun(text: string): number {
  return Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text from the fleet (labels, descriptions) must not become markup in the comment. */
function escapeMd(text: string): string {
  return escapeHtml(text).replace(/([\\`*_[\]{}()#+|!~])/g, '\\$1').replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  return text.replace(/`/g, "'");
}
