// Finds the YAML node behind a data path, so any stage can point a diagnostic at the right spot.
import type { Document, Node } from 'yaml';
import { yaml } from '../util/lazy-modules.ts';
import type { SourceRange } from '../diagnostics/diagnostic.ts';
import type { PathSegment } from './types.ts';

export type NodePart = 'key' | 'value';

/**
 * The range of the node at `path`: the value, or with part 'key' the key of the last segment.
 * Falls back to the deepest node that exists, so a missing property points at its parent mapping.
 */
export function locate(doc: Document.Parsed, path: readonly PathSegment[], part: NodePart = 'value'): SourceRange {
  const { isMap, isPair, isSeq } = yaml();
  let node: unknown = doc.contents;
  let best: SourceRange = rangeOf(node) ?? { start: 0, end: 0 };
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const isLast = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
      if (!pair) return best;
      const keyRange = rangeOf(pair.key);
      if (isLast && part === 'key' && keyRange) return keyRange;
      node = pair.value;
      best = rangeOf(node) ?? keyRange ?? best;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      if (node === undefined) return best;
      best = rangeOf(node) ?? best;
    } else {
      return best;
    }
  }
  return best;
}

function keyText(key: unknown): string | undefined {
  if (yaml().isScalar(key)) return String(key.value);
  return undefined;
}

function rangeOf(node: unknown): SourceRange | undefined {
  const range = (node as Node | null | undefined)?.range;
  if (!range) return undefined;
  // A flow or block collection's range covers its whole body; point at where it starts.
  return { start: range[0], end: range[1] };
}
