// What fleetc watch prints for each rebuild: diagnostics, then one line saying what changed per host.
import type { WatchEvent } from '../../watch/watcher.ts';
import { renderDiagnostics, summaryLine } from './diagnostics.ts';

const MAX_HOSTS_LISTED = 8;

export function renderWatchEvent(event: WatchEvent, outDir: string, now: Date = new Date()): string {
  const time = now.toTimeString().slice(0, 8);
  const ms = (m: number) => `${Math.round(m)} ms`;
  switch (event.kind) {
    case 'failed':
      return `[${time}] fleetc: ${event.message}\n`;
    case 'invalid':
      return `${renderDiagnostics('text', event.diagnostics, event.sources)}[${time}] invalid (${summaryLine(event.diagnostics)}); ${outDir} keeps the last good build (${ms(event.milliseconds)})\n`;
    case 'built': {
      const warnings = event.diagnostics.length > 0 ? renderDiagnostics('text', event.diagnostics, event.sources) : '';
      if (event.first) return `${warnings}[${time}] built ${outDir}: ${event.hosts} hosts, ${event.files} files, ${event.changes.length} changed (${ms(event.milliseconds)}); watching for changes\n`;
      if (event.changes.length === 0) return `${warnings}[${time}] no change to ${outDir} (${ms(event.milliseconds)})\n`;
      const hosts = event.hostChanges.slice(0, MAX_HOSTS_LISTED).map((h) => (h.change === 'modified' ? `${h.host} (${h.kinds.join(', ')})` : `${h.host} ${h.change}`));
      if (event.hostChanges.length > MAX_HOSTS_LISTED) hosts.push(`and ${event.hostChanges.length - MAX_HOSTS_LISTED} more`);
      const which = hosts.length > 0 ? `: ${hosts.join(', ')}` : '';
      return `${warnings}[${time}] ${outDir}: ${event.changes.length} file${event.changes.length === 1 ? '' : 's'} changed, ${event.hostChanges.length} host${event.hostChanges.length === 1 ? '' : 's'}${which} (${ms(event.milliseconds)})\n`;
    }
  }
}
