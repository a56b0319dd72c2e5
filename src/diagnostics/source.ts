// Source texts by file, with one line counter per file, to turn byte offsets into line:column; and
// the lines as a renderer may show them, with whatever is written at a secret position masked.
import type { SourceRange } from './diagnostic.ts';

export interface Position {
  line: number; // 1-based
  column: number; // 1-based, in UTF-16 code units like editors and GitHub
}

export class SourceText {
  private lineStarts: number[] | undefined;
  private secretRanges: SourceRange[] | undefined;
  /** Where secrets (or values mistaken for them) are written; computed the first time a line is shown. */
  secrets: (() => SourceRange[]) | undefined;

  constructor(
    readonly path: string,
    readonly text: string,
  ) {}

  /** A line for display: every character at a secret position replaced by '*', so carets still align. */
  displayLine(line: number): string {
    const text = this.lineText(line);
    const ranges = (this.secretRanges ??= this.secrets?.() ?? []);
    const start = this.lineStarts![line - 1] ?? 0;
    let out = '';
    for (let i = 0; i < text.length; i++) out += ranges.some((r) => start + i >= r.start && start + i < r.end) ? '*' : text[i];
    return out;
  }

  position(offset: number): Position {
    const starts = (this.lineStarts ??= computeLineStarts(this.text));
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: clamped - starts[low]! + 1 };
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const starts = (this.lineStarts ??= computeLineStarts(this.text));
    const start = starts[line - 1];
    if (start === undefined) return '';
    const next = starts[line];
    return this.text.slice(start, next === undefined ? undefined : next).replace(/\r?\n$/, '');
  }
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** Every source the run has read, so renderers can place any diagnostic. */
export class SourceRegistry {
  private readonly texts = new Map<string, SourceText>();

  add(path: string, text: string): SourceText {
    const source = new SourceText(path, text);
    this.texts.set(path, source);
    return source;
  }

  /** A source read by an earlier run (an unchanged file), shared as it is. */
  adopt(source: SourceText): void {
    this.texts.set(source.path, source);
  }

  get(path: string): SourceText | undefined {
    return this.texts.get(path);
  }

  position(path: string, offset: number): Position {
    return this.texts.get(path)?.position(offset) ?? { line: 1, column: 1 };
  }
}
