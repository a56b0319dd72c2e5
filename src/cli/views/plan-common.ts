// Words and orderings the plan views share.
import type { ArtifactDiff, HostAction, HostPlan, Plan, RevisionInfo } from '../../plan/types.ts';
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

/** What marks an action for a reviewer: an update that only changes first-boot data is harmless. */
export function actionLabel(host: Pick<HostPlan, 'action' | 'impact'>): string {
  return host.impact === 'first-boot-data' ? `${host.action}, first-boot data only (harmless)` : host.action;
}

export function summarySentence(plan: Plan): string {
  const harmless = plan.hosts.filter((h) => h.impact === 'first-boot-data').length;
  const parts = HOST_ACTIONS.filter((a) => a !== 'unchanged' && plan.summary[a] > 0).map((a) => `${plan.summary[a]} ${ACTION_PHRASES[a]}${a === 'update' && harmless > 0 ? ` (${harmless === plan.summary[a] ? 'all' : harmless} first-boot data only, harmless)` : ''}`);
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

/**
 * What a changed artifact is, for people: its file, and how it changed — for a host's part of a
 * shared file ("dhcp/dhcpd.conf#wk-4"), the host's own lines of that file.
 */
export function artifactLabel(artifact: Pick<ArtifactDiff, 'path' | 'change'>): { file: string; change: string } {
  const part = artifact.path.indexOf('#');
  if (part < 0) return { file: artifact.path, change: artifact.change };
  return { file: artifact.path.slice(0, part), change: `${artifact.path.slice(part + 1)}'s lines ${artifact.change === 'modified' ? 'changed' : artifact.change}` };
}
