// Renders diagnostics for a terminal (with the source line and a caret), as JSON, or as GitHub annotations.
import path from 'node:path';
import type { Diagnostic } from '../../diagnostics/diagnostic.ts';
import { countBySeverity } from '../../diagnostics/diagnostic.ts';
import type { SourceRegistry } from '../../diagnostics/source.ts';

/** Version of the JSON diagnostics output (schema/validate-output.schema.json); incremented on incompatible changes. */
export const DIAGNOSTICS_FORMAT_VERSION = 1;

export const DIAGNOSTIC_FORMATS = ['text', 'json', 'github'] as const;
export type DiagnosticFormat = (typeof DIAGNOSTIC_FORMATS)[number];

export interface LocatedDiagnostic extends Omit<Diagnostic, 'range'> {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function locateAll(diagnostics: readonly Diagnostic[], sources: SourceRegistry): LocatedDiagnostic[] {
  return diagnostics.map(({ range, ...rest }) => {
    const start = sources.position(rest.file, range.start);
    const end = sources.position(rest.file, range.end);
    return { ...rest, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
  });
}

/**
 * annotationRoot: the directory GitHub resolves an annotation's file= against (the workspace, the
 * repository's root), when the command runs elsewhere (a fleet in a subdirectory of its repository).
 */
export function renderDiagnostics(format: DiagnosticFormat, diagnostics: readonly Diagnostic[], sources: SourceRegistry, annotationRoot?: string): string {
  const located = locateAll(diagnostics, sources);
  switch (format) {
    case 'json': {
      const { error, warning } = countBySeverity(diagnostics);
      return `${JSON.stringify({ formatVersion: DIAGNOSTICS_FORMAT_VERSION, errors: error, warnings: warning, diagnostics: located }, null, 2)}\n`;
    }
    case 'github':
      return located.map((d) => githubAnnotation(d.file && annotationRoot ? { ...d, file: path.relative(annotationRoot, path.resolve(d.file)) } : d)).join('');
    case 'text':
      return located.map((d) => textDiagnostic(d, sources)).join('');
  }
}

export function summaryLine(diagnostics: readonly Diagnostic[]): string {
  const { error, warning } = countBySeverity(diagnostics);
  return `${error} error${error === 1 ? '' : 's'}, ${warning} warning${warning === 1 ? '' : 's'}`;
}

function textDiagnostic(d: LocatedDiagnostic, sources: SourceRegistry): string {
  const lines = [`${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`];
  const source = sources.get(d.file);
  const text = source?.displayLine(d.line);
  if (source && text !== undefined && text.trim() !== '') {
    const gutter = String(d.line).length;
    const width = d.endLine === d.line ? Math.max(1, d.endColumn - d.column) : Math.max(1, text.length - d.column + 1);
    lines.push(`  ${d.line} | ${text}`);
    lines.push(`  ${' '.repeat(gutter)} | ${' '.repeat(Math.max(0, d.column - 1))}${'^'.repeat(Math.min(width, 200))}`);
  }
  if (d.hint) lines.push(`  hint: ${d.hint}`);
  return `${lines.join('\n')}\n`;
}

/** ::error file=…,line=…,col=…::message — GitHub shows it inline on the changed line. */
function githubAnnotation(d: LocatedDiagnostic): string {
  const level = d.severity === 'error' ? 'error' : 'warning';
  const properties = [
    d.file ? `file=${escapeProperty(d.file)}` : undefined,
    `line=${d.line}`,
    `col=${d.column}`,
    `endLine=${d.endLine}`,
    `endColumn=${d.endColumn}`,
    `title=${escapeProperty(d.code)}`,
  ].filter(Boolean);
  const message = d.hint ? `${d.message}\nhint: ${d.hint}` : d.message;
  return `::${level} ${properties.join(',')}::${escapeData(message)}\n`;
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
