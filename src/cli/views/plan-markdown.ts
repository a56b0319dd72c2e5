// The plan as a pull-request comment: summary, table, destructive warning, a Mermaid flowchart of the
// waves, and one collapsible block per host. GitHub refuses a comment over 65,536 characters, so
// every part has a budget — the warning groups hosts with the same reasons, long host lists and
// waves are summarised, host blocks fill what is left — and a closing note names what was cut.
// Text from fleet files never becomes markup, a mention (@user) or a reference (#123).
import type { HostAction, HostPlan, Plan } from '../../plan/types.ts';
import { HOST_ACTIONS } from '../../plan/types.ts';
import { actionLabel, artifactLabel, changedHosts, diffBody, revisionLabel, summarySentence } from './plan-common.ts';

export const GITHUB_COMMENT_LIMIT = 65_536;
/** Room kept for the closing note and for GitHub's own additions. */
const BUDGET = GITHUB_COMMENT_LIMIT - 4_000;
const WARNING_BUDGET = 12_000;
const RENAME_BUDGET = 4_000;
const ROLLOUT_BUDGET = 6_000;
const APPROVAL_LIST_BUDGET = 2_000;
/** One host's block at most (a block is cut to this before it competes for the rest). */
const BLOCK_BUDGET = 16_000;
const MAX_DIFF_LINES = 120;
const MAX_LINE_LENGTH = 300;

/** A hidden marker so the workflow finds and updates its own comment instead of adding another. */
export const COMMENT_MARKER = '<!-- fleetc-plan -->';

export function renderPlanMarkdown(plan: Plan): string {
  const cut: string[] = [];
  const head = [
    COMMENT_MARKER,
    `## fleetc plan · ${escapeMd(plan.fleet)}`,
    '',
    `**${escapeMd(summarySentence(plan))}**`,
    '',
    `Base \`${code(revisionLabel(plan.base))}\` → head \`${code(revisionLabel(plan.head))}\``,
    '',
    '| action | hosts |',
    '|---|---:|',
    ...HOST_ACTIONS.filter((a) => plan.summary[a] > 0).map((a) => `| ${a === 'destructive' || a === 'replace' ? '⚠️ ' : ''}${a} | ${plan.summary[a]} |`),
    '',
    ...destructiveWarning(plan.hosts.filter((h) => h.action === 'destructive' || h.action === 'replace'), cut),
    ...renameCaution(plan.hosts.filter((h) => h.renamedFrom), cut),
    ...rollout(plan, cut),
  ];
  let text = head.join('\n');

  const hosts = changedHosts(plan);
  const blocks = [...hosts.map((h) => ({ host: h, text: hostBlock(h) })), ...plan.shared.map((c) => ({ host: undefined, text: sharedBlock(c) }))];
  if (hosts.length > 0) text += '\n### Changes by host\n\n';
  const hidden = new Map<HostAction | 'shared', number>();
  for (const block of blocks) {
    if (text.length + block.text.length <= BUDGET) text += block.text;
    else {
      const kind = block.host?.action ?? 'shared';
      hidden.set(kind, (hidden.get(kind) ?? 0) + 1);
    }
  }
  if (hidden.size > 0) {
    const hostCount = [...hidden].filter(([k]) => k !== 'shared').reduce((n, [, v]) => n + v, 0);
    const parts = [...HOST_ACTIONS.filter((a) => hidden.has(a)).map((a) => `${hidden.get(a)} ${a}`)];
    const blocksNote = hostCount > 0 ? `${hostCount} host ${hostCount === 1 ? 'block' : 'blocks'} (${parts.join(', ')})` : '';
    const shared = hidden.get('shared') ? `${hidden.get('shared')} shared-file ${hidden.get('shared') === 1 ? 'diff' : 'diffs'}` : '';
    cut.unshift([blocksNote, shared].filter(Boolean).join(' and '));
  }
  if (cut.length > 0) text += `\n_Not shown, to stay within GitHub's comment limit: ${cut.join('; ')}. The full plan is attached to the workflow run as an artifact._\n`;
  return bounded(text);
}

/** Hosts with the same reasons share one line; the list and the approval command stay within budget. */
function destructiveWarning(destructive: HostPlan[], cut: string[]): string[] {
  if (destructive.length === 0) return [];
  const names = destructive.map((h) => h.name);
  const approval = `--approve-destructive ${names.join(' ')}`;
  const command = approval.length <= APPROVAL_LIST_BUDGET ? `approved with \`${approval}\`` : `each is approved by name with \`--approve-destructive\` (the ${names.length} names are in the plan artifact)`;
  const lines = ['> [!WARNING]', `> **${destructive.length} destructive change${destructive.length === 1 ? '' : 's'}: the disks of these hosts will be repartitioned and erased.** \`fleetc apply\` refuses them unless ${command}.`];
  const groups = new Map<string, string[]>();
  for (const host of destructive) {
    const reasons = escapeMd(clip(host.reasons.join('; '), 1_000));
    groups.set(reasons, [...(groups.get(reasons) ?? []), host.name]);
  }
  let used = lines.join('\n').length;
  let listed = 0;
  for (const [reasons, group] of groups) {
    const line = `> - ${hostList(group)}: ${reasons}`;
    if (used + line.length > WARNING_BUDGET) break;
    lines.push(line);
    used += line.length + 1;
    listed += group.length;
  }
  if (listed < destructive.length) {
    lines.push(`> - …and ${destructive.length - listed} more`);
    cut.push(`${destructive.length - listed} of the ${destructive.length} destructive hosts in the warning`);
  }
  return [...lines, ''];
}

function renameCaution(renamed: HostPlan[], cut: string[]): string[] {
  if (renamed.length === 0) return [];
  const lines = ['> [!CAUTION]', '> A rename is a decommission plus a provision: the machine is reinstalled under its new name and its disks are erased; `fleetc apply` needs the new name approved with `--approve-destructive`.'];
  let used = lines.join('\n').length;
  let listed = 0;
  for (const host of renamed) {
    const line = `> - **${host.renamedFrom}** → **${host.name}**`;
    if (used + line.length > RENAME_BUDGET) break;
    lines.push(line);
    used += line.length + 1;
    listed++;
  }
  if (listed < renamed.length) {
    lines.push(`> - …and ${renamed.length - listed} more`);
    cut.push(`${renamed.length - listed} of the ${renamed.length} renames`);
  }
  return [...lines, ''];
}

/** The waves as a flowchart: host names while they fit, then counts; waves past the budget as one node. */
function rollout(plan: Plan, cut: string[]): string[] {
  if (plan.waves.length === 0) return [];
  const node = (wave: Plan['waves'][number], names: boolean) => `  w${wave.index}["wave ${wave.index} · ${wave.profile}<br/>${names ? wave.hosts.join(', ') : `${wave.hosts.length} host${wave.hosts.length === 1 ? '' : 's'}`}"]`;
  const withNames = plan.waves.map((w) => node(w, true));
  const names = withNames.join('\n').length <= ROLLOUT_BUDGET / 2;
  const nodes: string[] = [];
  let used = 0;
  let shown = 0;
  for (const wave of plan.waves) {
    const line = node(wave, names);
    if (used + line.length > ROLLOUT_BUDGET) break;
    nodes.push(line);
    used += line.length + 1;
    shown++;
  }
  const ids = plan.waves.slice(0, shown).map((w) => `w${w.index}`);
  if (shown < plan.waves.length) {
    const rest = plan.waves.slice(shown);
    nodes.push(`  more["waves ${rest[0]!.index}–${rest.at(-1)!.index} · ${rest.reduce((n, w) => n + w.hosts.length, 0)} hosts"]`);
    ids.push('more');
    cut.push(`${rest.length} of the ${plan.waves.length} waves in the flowchart`);
  }
  if (!names) cut.push('the host names of the waves (counts are shown)');
  const lines = ['### Rollout', '', '```mermaid', 'flowchart LR', ...nodes];
  if (ids.length > 1) lines.push(`  ${ids.join(' --> ')}`);
  lines.push('```', '', `At most ${plan.policy.maxParallel === 0 ? 'unlimited' : plan.policy.maxParallel} hosts at once; one voter of each Raft group at a time.`, '');
  return lines;
}

function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length)} …` : text;
}

function hostList(names: string[]): string {
  const shown = names.slice(0, 20).map((n) => `**${n}**`).join(', ');
  return names.length > 20 ? `${shown} and ${names.length - 20} more hosts` : shown;
}

function hostBlock(host: HostPlan): string {
  const lines = [`<details><summary><b>${host.name}</b> · ${actionLabel(host)} · ${escapeHtml(neutralise(host.profile))}</summary>`, ''];
  for (const reason of host.reasons) lines.push(`- ${escapeMd(clip(reason, MAX_LINE_LENGTH))}`);
  lines.push('');
  if (host.install) {
    lines.push('How apply installs it:', '');
    host.install.forEach((step, i) => lines.push(`${i + 1}. ${escapeMd(clip(step, MAX_LINE_LENGTH))}`));
    lines.push('');
  }
  for (const artifact of host.artifacts) {
    const { file, change } = artifactLabel(artifact);
    lines.push(...diffBlock(file, { diff: artifact.diff, change: escapeHtml(neutralise(change)) }));
  }
  return closeBlock(lines);
}

function sharedBlock(change: Plan['shared'][number]): string {
  return closeBlock([`<details><summary><b>${escapeHtml(neutralise(change.path))}</b> · ${change.change} · used by ${change.hosts.length} host${change.hosts.length === 1 ? '' : 's'}</summary>`, '', ...diffBlock(change.path, change)]);
}

/** Ends a block; one that would be larger than a block may be is cut at a line, its fences closed. */
function closeBlock(lines: string[]): string {
  const end = ['</details>', '', ''];
  let text = lines.join('\n');
  if (text.length + 20 > BLOCK_BUDGET) {
    let kept = 0;
    let length = 0;
    while (kept < lines.length && length + lines[kept]!.length + 1 < BLOCK_BUDGET - 400) length += lines[kept++]!.length + 1;
    const open = lines.slice(0, kept).filter((l) => /^`{3,}/.test(l)).length % 2 === 1;
    const fence = open ? [...lines.slice(0, kept)].reverse().find((l) => /^`{3,}/.test(l))!.match(/^`+/)![0] : '';
    text = [...lines.slice(0, kept), ...(open ? [fence] : []), '', '_This block is cut here; see the full plan artifact._', ''].join('\n');
  }
  return `${text}\n${end.join('\n')}`;
}

function diffBlock(title: string, artifact: { diff: string; change: string }): string[] {
  const body = diffBody(artifact.diff).filter((l, i, all) => l !== '' || i < all.length - 1);
  const cut = body.length > MAX_DIFF_LINES;
  const shown = (cut ? body.slice(0, MAX_DIFF_LINES) : body).map((l) => (l.length > MAX_LINE_LENGTH ? `${l.slice(0, MAX_LINE_LENGTH)} …` : l));
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

/** The last guard: never more than GitHub takes, cut at a line with a note (the budgets above keep it unused). */
function bounded(text: string): string {
  const limit = GITHUB_COMMENT_LIMIT - 200;
  if (text.length <= limit) return text;
  return `${text.slice(0, text.lastIndexOf('\n', limit - 200))}\n\n_The comment is cut here to stay within GitHub's comment limit; the full plan is attached to the workflow run as an artifact._\n`;
}

function longestBacktickRun(text: string): number {
  return Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * @octocat would ping that user and #123 link (and notify) an issue: a zero-width space after the
 * sign keeps the text as it reads and makes it neither. Code spans and blocks need none.
 */
export function neutralise(text: string): string {
  return text.replace(/(^|[^\w])@(?=[A-Za-z0-9])/g, '$1@\u200b').replace(/#(?=[0-9])/g, '#\u200b');
}

/** Text from the fleet (labels, descriptions) must not become markup, a mention or a reference. */
function escapeMd(text: string): string {
  return escapeHtml(neutralise(text)).replace(/([\\`*_[\]{}()#+|!~])/g, '\\$1').replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  return text.replace(/`/g, "'");
}
