// Collects diagnostics located at a data path of a parsed document.
import type { Diagnostic, Severity } from './diagnostic.ts';
import type { DiagnosticCode } from './codes.ts';
import { locate, type NodePart } from '../load/locate.ts';
import type { LoadedDocument, PathSegment } from '../load/types.ts';

export interface Finding {
  code: DiagnosticCode;
  message: string;
  hint?: string;
  severity?: Severity;
  part?: NodePart;
}

export class Reporter {
  readonly diagnostics: Diagnostic[] = [];

  /** A finding located at a data path of a document. */
  at(document: LoadedDocument, path: readonly PathSegment[], finding: Finding): void {
    this.diagnostics.push({
      severity: finding.severity ?? 'error',
      code: finding.code,
      message: finding.message,
      hint: finding.hint,
      file: document.file,
      range: locate(document.doc, path, finding.part ?? 'value'),
    });
  }
}

