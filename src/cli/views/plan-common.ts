// Words and orderings the plan views share.
import type { HostAction, HostPlan, Plan, RevisionInfo } from '../../plan/types.ts';
import { HOST_ACTIONS } from '../../plan/types.ts';

export const ACTION_PHRASES: Record<HostAction, string> = {
  destructive: 'destructive',
  replace: 'to replace (new hardware)',
  decommission: 'to decommission',
  provision: 'to provision',
  'reboot-required': 'to update with a reboot',
  update: 'to update',
  'network-only': 'network-only',
  unchanged: 'unchanged',
};

export function summarySentence(plan: Plan): string {
  const parts = HOST_ACTIONS.filter((a) => a !== 'unchanged' && plan.summary[a] > 0).map((a) => `${plan.summary[a]} ${ACTION_PHRASES[a]}`);
  const unchanged = plan.summary.unchanged;
  if (parts.length === 0) return `No changes. ${unchanged} host${unchanged === 1 ? '' : 's'} unchanged.`;
  return `${parts.join(', ')}; ${unchanged} unchanged.`;
}

export function revisionLabel(info: RevisionInfo): string {
  const commit = info.commit ? ` (${info.commit.slice(0, 7)})` : '';
  const notes = [!info.fleetExists ? 'no fleet yet' : '', info.treatedAsEmpty ? 'invalid, treated as empty' : ''].filter(Boolean);
  return `${info.ref}${commit}${notes.length ? ` [${notes.join(', ')}]` : ''}`;
}

/** The lines of a unified diff without its ---/+++ header. */
export function diffBody(diff: string): string[] {
  return diff.split('\n').slice(2);
}

/** Changed hosts, the most dangerous first, then by name. */
export function changedHosts(plan: Plan): HostPlan[] {
  return plan.hosts.filter((h) => h.action !== 'unchanged').sort((a, b) => HOST_ACTIONS.indexOf(a.action) - HOST_ACTIONS.indexOf(b.action) || (a.name < b.name ? -1 : 1));
}
