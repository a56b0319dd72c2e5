// Diagnostics are values: every stage returns them beside its result, none throws them.
import type { DiagnosticCode } from './codes.ts';

export type Severity = 'error' | 'warning';

/** Byte offsets into the file's text; line and column are computed only when rendering. */
export interface SourceRange {
  start: number;
  end: number;
}

export interface Diagnostic {
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  hint?: string;
  /** Path as the user named it (relative to the working directory), '' for fleet-wide problems. */
  file: string;
  range: SourceRange;
}

/** What every stage returns: a value (absent when the stage could not produce one) and diagnostics. */
export interface StageResult<T> {
  value: T;
  diagnostics: Diagnostic[];
}

export const NO_RANGE: SourceRange = { start: 0, end: 0 };

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

export function countBySeverity(diagnostics: readonly Diagnostic[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0 };
  for (const d of diagnostics) counts[d.severity]++;
  return counts;
}

/** Stable order: by file, then position, then code, then message; exact duplicates dropped. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const unique = diagnostics.filter((d) => {
    const key = `${d.file}\0${d.range.start}\0${d.code}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort(
    (a, b) =>
      compareText(a.file, b.file) ||
      a.range.start - b.range.start ||
      compareText(a.code, b.code) ||
      compareText(a.message, b.message),
  );
}

/** Code-unit order, independent of locale, so output is the same on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
