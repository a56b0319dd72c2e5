// The one place rollout events are rendered: plain lines for CI logs (on a terminal, a live status
// line with the tail of each running command's output), or JSON lines; plus per-host log files with
// every command and its output, written as it is printed.
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { EventSink, HostResult, RolloutEvent } from '../../apply/events.ts';
import type { Io } from '../io.ts';
import { shellWord } from '../../util/shell-word.ts';

export type MonitorFormat = 'text' | 'json';

/** Version of apply's JSON lines (schema/apply-output.schema.json); incremented on incompatible changes. */
export const APPLY_OUTPUT_FORMAT_VERSION = 1;

export interface MonitorOptions {
  verbose: boolean;
  /** A terminal that understands control sequences (a TTY whose TERM is not dumb): a live status line. */
  live: boolean;
  /** Width of the terminal, for the live line. */
  columns?: number;
}

/** Whether the output may carry control sequences: only a TTY, and never under TERM=dumb. */
export function isLiveTerminal(isTty: boolean, env: NodeJS.ProcessEnv): boolean {
  return isTty && env.TERM !== 'dumb';
}

/** How a command line is shown: shell-quoted so it can be copied, secrets never present. */
export function showCommand(argv: readonly string[]): string {
  return argv.map(shellWord).join(' ');
}

export function terminalMonitor(io: Io, format: MonitorFormat, options: MonitorOptions): EventSink {
  if (format === 'json') return (event) => io.stdout(`${JSON.stringify({ formatVersion: APPLY_OUTPUT_FORMAT_VERSION, ...event })}\n`);
  const started = Date.now();
  const counts: Record<string, number> = {};
  let running = 0;
  let dryRun = false;
  let statusShown = false;
  // The last line each running host's command printed: the live tail.
  const tails = new Map<string, string>();
  const partial = new Map<string, string>();
  const statusLine = () => {
    const counters = `${stamp()} running ${running} · ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(' · ') || 'starting'}`;
    const tail = [...tails].map(([host, text]) => `${host}: ${text}`).join(' · ');
    const full = tail ? `${counters} | ${tail}` : counters;
    const width = Math.max(20, (options.columns ?? 80) - 1);
    // Printable characters only, cut to the width: the line is redrawn in place.
    const clean = full.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
    return clean.length > width ? `${clean.slice(0, width - 1)}…` : clean;
  };
  const redraw = () => {
    io.stdout(`\r\x1b[K${statusLine()}`);
    statusShown = true;
  };
  const stamp = () => {
    const s = Math.floor((Date.now() - started) / 1000);
    return `[${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}]`;
  };
  const line = (text: string) => {
    if (statusShown) io.stdout('\r\x1b[K');
    statusShown = false;
    io.stdout(`${stamp()} ${text}\n`);
    if (options.live) redraw();
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
      case 'output': {
        if (!options.live) return;
        const lines = `${partial.get(event.host) ?? ''}${event.text}`.split(/\r?\n|\r/);
        partial.set(event.host, lines.pop() ?? '');
        const last = [...lines, partial.get(event.host)!].filter((l) => l.trim() !== '').at(-1);
        if (last !== undefined) tails.set(event.host, last.trim());
        return redraw();
      }
      case 'command-finished':
        tails.delete(event.host);
        partial.delete(event.host);
        if (event.exitCode === 0 && !options.verbose) return;
        return line(`${event.host}:   ${event.timedOut ? 'timed out' : `exit ${event.exitCode}`} after ${(event.durationMs / 1000).toFixed(1)} s${event.exitCode !== 0 && event.output.trim() ? `: ${event.output.trim().split('\n').slice(-3).join(' | ')}` : ''}`);
      case 'host-finished':
        running--;
        tails.delete(event.host);
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

/**
 * Per-host log files under dir: every event of the host, and each command's output appended as it is
 * printed (a run that dies mid-step leaves what the step printed so far).
 */
export function logFiles(dir: string): EventSink {
  mkdirSync(dir, { recursive: true });
  const midLine = new Set<string>();
  return (event) => {
    const host = 'host' in event ? event.host : '_run';
    const file = path.join(dir, `${host}.log`);
    if (event.type === 'output') {
      appendFileSync(file, event.text);
      if (event.text.endsWith('\n')) midLine.delete(host);
      else midLine.add(host);
      return;
    }
    const text = event.type === 'command-finished' ? `exit ${event.exitCode}${event.timedOut ? ' (timed out)' : ''} after ${(event.durationMs / 1000).toFixed(1)} s` : JSON.stringify(event);
    appendFileSync(file, `${midLine.delete(host) ? '\n' : ''}${new Date().toISOString()} ${text}\n`);
  };
}

export function fanOut(...sinks: EventSink[]): EventSink {
  return (event) => {
    for (const sink of sinks) sink(event);
  };
}
