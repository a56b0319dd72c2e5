// apply's outcome for CI: a final JSON line (--output json) and a Markdown report (--summary-file,
// e.g. $GITHUB_STEP_SUMMARY): the result, each host's outcome, the hosts refused and why.
import type { HostResult } from '../../apply/events.ts';
import { APPLY_OUTPUT_FORMAT_VERSION } from './monitor.ts';

export interface ApplyReport {
  status: string;
  exitCode: number;
  message: string;
  commit?: string;
  results: Record<string, HostResult>;
  refused: Record<string, string>;
}

export function renderResultLine(report: ApplyReport): string {
  return `${JSON.stringify({ formatVersion: APPLY_OUTPUT_FORMAT_VERSION, type: 'result', ...report })}\n`;
}

/** Markdown: text from the run (messages, reasons) goes in code spans and blocks, never as markup. */
export function renderApplySummary(report: ApplyReport): string {
  const fence = '`'.repeat(Math.max(3, ...[...report.message.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  const rows = Object.entries(report.results).sort(([a], [b]) => (a < b ? -1 : 1));
  const refused = Object.entries(report.refused).sort(([a], [b]) => (a < b ? -1 : 1));
  return [
    `## fleetc apply: ${report.status} (exit ${report.exitCode})`,
    '',
    ...(report.commit ? [`Commit \`${report.commit.slice(0, 12)}\``, ''] : []),
    ...(rows.length > 0 ? ['| host | result |', '|---|---|', ...rows.map(([host, result]) => `| \`${host}\` | ${result} |`), ''] : []),
    ...(refused.length > 0 ? ['**Refused and skipped** (the other hosts went ahead):', '', ...refused.map(([host]) => `- \`${host}\``), ''] : []),
    fence,
    report.message.trimEnd(),
    fence,
    '',
  ].join('\n');
}
