// A text kept as its pieces in order (a shared file's per-host parts and what lies between them):
// replacing a few pieces gives the new text from slices of the old one, without joining thousands
// of pieces again (fleetc watch patches dhcpd.conf and the Kea configuration so).
export class Pieces {
  private starts: Float64Array | undefined;

  private constructor(
    readonly text: string,
    readonly pieces: readonly string[],
    starts?: Float64Array,
  ) {
    this.starts = starts;
  }

  static of(pieces: readonly string[]): Pieces {
    return new Pieces(pieces.join(''), pieces);
  }

  /** The text with the pieces at these indexes replaced; this one when nothing differs. */
  with(replace: ReadonlyMap<number, string>): Pieces {
    const order = [...replace].filter(([i, piece]) => this.pieces[i] !== piece).sort((a, b) => a[0] - b[0]);
    if (order.length === 0) return this;
    const starts = this.startsOf();
    const pieces = [...this.pieces];
    const out: string[] = [];
    let from = 0;
    for (const [i, piece] of order) {
      out.push(this.text.slice(from, starts[i]), piece);
      from = starts[i]! + this.pieces[i]!.length;
      pieces[i] = piece;
    }
    out.push(this.text.slice(from));
    // Every piece after a replaced one moves by what the replaced ones grew.
    const next = new Float64Array(starts);
    let shift = 0;
    order.forEach(([i, piece], k) => {
      shift += piece.length - this.pieces[i]!.length;
      const end = k + 1 < order.length ? order[k + 1]![0] + 1 : pieces.length;
      for (let j = i + 1; j < end; j++) next[j] = starts[j]! + shift;
    });
    return new Pieces(out.join(''), pieces, next);
  }

  private startsOf(): Float64Array {
    if (!this.starts) {
      const starts = new Float64Array(this.pieces.length);
      for (let i = 1; i < this.pieces.length; i++) starts[i] = starts[i - 1]! + this.pieces[i - 1]!.length;
      this.starts = starts;
    }
    return this.starts;
  }
}

/** The same host names in the same order (an unchanged host keeps its name's string: mostly pointer compares). */
export function sameNames(a: ReadonlyArray<{ name: string }>, b: ReadonlyArray<{ name: string }>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.name !== b[i]!.name) return false;
  return true;
}
