// The plan for a terminal: one block per changed host with reasons and diffs, then the rollout.
import type { Plan } from '../../plan/types.ts';
import { actionLabel, artifactLabel, changedHosts, diffBody, revisionLabel, summarySentence } from './plan-common.ts';

const MARKS: Record<string, string> = { destructive: '!', replace: '!', decommission: '-', provision: '+', 'reboot-required': '~', update: '~', 'network-only': '~' };

export function renderPlanText(plan: Plan, options: { diffs: boolean }): string {
  const lines = [`Plan for fleet ${plan.fleet}: ${revisionLabel(plan.base)} → ${revisionLabel(plan.head)}`, ''];
  for (const host of changedHosts(plan)) {
    const extra = [host.profile, host.raftGroups.length ? `voter in ${host.raftGroups.join(', ')}` : ''].filter(Boolean).join('; ');
    lines.push(`${MARKS[host.action]} ${host.name}: ${actionLabel(host)} (${extra})`);
    for (const reason of host.reasons) lines.push(`    ${reason}`);
    if (host.install) {
      lines.push('    how apply installs it:');
      host.install.forEach((step, i) => lines.push(`      ${i + 1}. ${step}`));
    }
    if (host.hostKey?.source === 'new') lines.push('    SSH host key: a new key pair is generated, installed with the system and recorded; later deploys pin it, with no ssh.hostKey to write by hand');
    else if (host.hostKey) lines.push(`    SSH host key ${host.hostKey.fingerprint} (${host.hostKey.source === 'pinned' ? 'ssh.hostKey in the fleet' : 'recorded by fleetc when it installed the host'})`);
    if (options.diffs) {
      for (const artifact of host.artifacts) {
        const { file, change } = artifactLabel(artifact);
        lines.push(`    ${file}: ${change}`);
        for (const line of diffBody(artifact.diff)) if (line !== '') lines.push(`      ${line}`);
      }
    }
    lines.push('');
  }
  for (const change of plan.shared) {
    lines.push(`* ${change.path} ${change.change} (used by ${change.hosts.join(', ') || 'no host'})`);
    if (options.diffs) for (const line of diffBody(change.diff)) if (line !== '') lines.push(`      ${line}`);
    lines.push('');
  }
  if (plan.waves.length > 0) {
    lines.push(`Rollout (max ${plan.policy.maxParallel === 0 ? 'unlimited' : plan.policy.maxParallel} at once, one Raft voter per group at a time):`);
    for (const wave of plan.waves) lines.push(`  wave ${wave.index} (${wave.profile}): ${wave.hosts.join(', ')}`);
    lines.push('');
  }
  lines.push(`Plan: ${summarySentence(plan)}`);
  return `${lines.join('\n')}\n`;
}
