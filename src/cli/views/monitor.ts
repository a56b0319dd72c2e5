// The one place rollout events are rendered: plain lines for CI logs (a live status line on a TTY),
// or JSON lines; plus per-host log files with every command and its full output.
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { EventSink, HostResult, RolloutEvent } from '../../apply/events.ts';
import type { Io } from '../io.ts';

export type MonitorFormat = 'text' | 'json';

/** How a command line is shown: shell-quoted so it can be copied, secrets never present. */
export function showCommand(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export function terminalMonitor(io: Io, format: MonitorFormat, options: { verbose: boolean }): EventSink {
  if (format === 'json') return (event) => io.stdout(`${JSON.stringify(event)}\n`);
  const started = Date.now();
  const counts: Record<string, number> = {};
  let running = 0;
  let dryRun = false;
  let statusShown = false;
  const stamp = () => {
    const s = Math.floor((Date.now() - started) / 1000);
    return `[${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}]`;
  };
  const line = (text: string) => {
    if (statusShown) io.stdout('\r\x1b[K');
    io.stdout(`${stamp()} ${text}\n`);
    if (io.isTty) {
      io.stdout(`${stamp()} running ${running} · ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(' · ') || 'starting'}`);
      statusShown = true;
    }
  };
  return (event: RolloutEvent) => {
    switch (event.type) {
      case 'run-started':
        dryRun = event.dryRun;
        return line(`${event.dryRun ? 'dry run' : 'apply'} ${event.runId}: ${event.hosts} host(s), ${event.waves} wave(s)`);
      case 'wave-started':
        return line(`wave ${event.index} (${event.profile}): ${event.hosts.join(', ')}`);
      case 'host-started':
        running++;
        return line(`${event.host}: ${event.action}`);
      case 'step':
        return line(`${event.host}: ${event.step}`);
      case 'command':
        return line(`${event.host}: $ ${event.env?.length ? `${event.env.map((e) => `${e}=…`).join(' ')} ` : ''}${showCommand(event.argv)}`);
      case 'command-finished':
        if (event.exitCode === 0 && !options.verbose) return;
        return line(`${event.host}:   ${event.timedOut ? 'timed out' : `exit ${event.exitCode}`} after ${(event.durationMs / 1000).toFixed(1)} s${event.exitCode !== 0 && event.output.trim() ? `: ${event.output.trim().split('\n').slice(-3).join(' | ')}` : ''}`);
      case 'host-finished':
        running--;
        counts[event.result] = (counts[event.result] ?? 0) + 1;
        return line(`${event.host}: ${event.result}${dryRun ? ' (dry run: nothing ran)' : ` (${(event.durationMs / 1000).toFixed(1)} s)`}${event.error ? `: ${event.error}` : ''}`);
      case 'halted':
        return line(`HALTED: ${event.reason}`);
      case 'notice':
        return line(`note: ${event.message}`);
      case 'run-finished':
        if (statusShown) io.stdout('\r\x1b[K');
        statusShown = false;
        return io.stdout(`${renderReport(event.results, event.durationMs)}${dryRun ? 'dry run: no command was run, no state or lock was written\n' : ''}`);
    }
  };
}

export function renderReport(results: Record<string, HostResult>, durationMs: number): string {
  const rows = Object.entries(results).sort(([a], [b]) => (a < b ? -1 : 1));
  if (rows.length === 0) return '';
  const width = Math.max(4, ...rows.map(([h]) => h.length));
  return [`\n${'host'.padEnd(width)}  result`, ...rows.map(([host, result]) => `${host.padEnd(width)}  ${result}`), `finished in ${(durationMs / 1000).toFixed(1)} s\n`].join('\n');
}

/** Per-host log files under dir: every event of the host, commands with their full output. */
export function logFiles(dir: string): EventSink {
  mkdirSync(dir, { recursive: true });
  return (event) => {
    const host = 'host' in event ? event.host : '_run';
    const text = event.type === 'command-finished' ? `exit ${event.exitCode}${event.timedOut ? ' (timed out)' : ''} after ${(event.durationMs / 1000).toFixed(1)} s\n${event.output}` : JSON.stringify(event);
    appendFileSync(path.join(dir, `${host}.log`), `${new Date().toISOString()} ${text}\n`);
  };
}

export function fanOut(...sinks: EventSink[]): EventSink {
  return (event) => {
    for (const sink of sinks) sink(event);
  };
}
