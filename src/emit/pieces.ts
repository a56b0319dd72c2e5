// A text kept as its pieces in order (a shared file's per-host parts and what lies between them):
// replacing a few pieces gives the new text from slices of the old one, without joining thousands
// of pieces again (fleetc watch patches dhcpd.conf and the Kea configuration so).
import type { Fleet, Host } from '../model/fleet.ts';
import type { Artifact } from './artifact.ts';
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

/** What a shared file's patch keeps beside its artifact: the pieces, and where each host is. */
export interface HostPieces {
  hosts: readonly Host[];
  /** Each host's index in hosts (the names stay while the pieces are patched). */
  index: Map<string, number>;
  pieces: Pieces;
}

/**
 * A shared file with the changed hosts' pieces replaced (`replaceHost` sets them by index, false
 * when they cannot be) and their fragments made again: the same artifact when nothing differs,
 * undefined when a host cannot be patched (the file is then emitted in full). The new artifact's
 * pieces are kept in `store` for the next patch.
 */
export function patchHostPieces<Kept extends HostPieces>(
  old: Artifact,
  kept: Kept,
  fleet: Fleet,
  changed: Iterable<string>,
  replaceHost: (host: Host, index: number, replace: Map<number, string>) => boolean,
  fragmentOf: (host: Host) => string,
  store: WeakMap<Artifact, Kept>,
): Artifact[] | undefined {
  const replace = new Map<number, string>();
  let fragments: Record<string, string> | undefined;
  for (const name of changed) {
    const index = kept.index.get(name);
    if (index === undefined) return undefined;
    const host = fleet.hosts[index]!;
    if (!replaceHost(host, index, replace)) return undefined;
    const fragment = fragmentOf(host);
    if (fragment !== old.fragments?.[name]) (fragments ??= { ...old.fragments })[name] = fragment;
  }
  const pieces = kept.pieces.with(replace);
  if (pieces === kept.pieces && !fragments) return [old];
  const artifact: Artifact = { ...old, contents: pieces.text, fragments: fragments ?? old.fragments };
  store.set(artifact, { ...kept, hosts: fleet.hosts, pieces });
  return [artifact];
}
