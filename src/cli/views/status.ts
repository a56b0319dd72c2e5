// fleetc status as a table.
import type { FleetStatus } from '../../apply/status.ts';

export function renderStatus(status: FleetStatus): string {
  const probed = status.hosts.some((h) => h.probe);
  const rows = status.hosts.map((h) => [
    h.host,
    h.pending,
    h.deployedCommit ? h.deployedCommit.slice(0, 12) : '-',
    ...(probed ? [h.probe ? `${h.probe.state === 'drift' ? 'DRIFT' : h.probe.state}: ${h.probe.detail}` : '-'] : []),
    h.last ? `${h.last.result} ${h.last.at.replace(/\.\d+Z$/, 'Z')}${h.last.error ? ` (${h.last.error.slice(0, 60)})` : ''}` : '-',
  ]);
  const header = ['host', 'state', 'deployed', ...(probed ? ['running (probed)'] : []), 'last result'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((r) => r[i]!.length)));
  const format = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const lock = !status.lock
    ? 'deploy lock: free'
    : status.lock.stale
      ? `deploy lock (${status.lock.where}): STALE — run ${status.lock.id}, ${status.lock.who}@${status.lock.machine} (pid ${status.lock.pid}) stopped renewing it; its lease ran out at ${status.lock.leaseExpiresAt}. The next fleetc apply takes it over (or: fleetc unlock ${status.lock.id})`
      : `deploy lock (${status.lock.where}): held by run ${status.lock.id}, ${status.lock.who}@${status.lock.machine} since ${status.lock.startedAt}${status.lock.leaseExpiresAt ? `, lease renewed until ${status.lock.leaseExpiresAt}` : ''}`;
  return [`HEAD ${status.head.slice(0, 12)}`, format(header), ...rows.map(format), lock, ''].join('\n');
}

/** Version of status's JSON (schema/status-output.schema.json); incremented on incompatible changes. */
export const STATUS_FORMAT_VERSION = 1;

export function renderStatusJson(status: FleetStatus): string {
  return `${JSON.stringify({ formatVersion: STATUS_FORMAT_VERSION, ...status }, null, 2)}\n`;
}
