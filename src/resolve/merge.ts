// The merge rule for profiles and host overrides: maps merge deeply, lists join without repeats
// (parent items first), scalars of the child win.

type Plain = Record<string, unknown>;

export function mergeLayers<T>(parent: T, child: T): T {
  return merge(parent, child) as T;
}

function merge(parent: unknown, child: unknown): unknown {
  if (child === undefined) return parent;
  if (parent === undefined) return child;
  if (Array.isArray(parent) && Array.isArray(child)) return joinLists(parent, child);
  if (isPlain(parent) && isPlain(child)) {
    const out: Plain = {};
    for (const key of new Set([...Object.keys(parent), ...Object.keys(child)])) out[key] = merge(parent[key], child[key]);
    return out;
  }
  return child;
}

export function joinLists<T>(first: readonly T[], second: readonly T[]): T[] {
  const out: T[] = [];
  const seen = new Set<string>();
  for (const item of [...first, ...second]) {
    // Most lists are of strings: their JSON is the string quoted, a key of its own kind.
    const key = typeof item === 'string' ? item : `\0${JSON.stringify(item)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(item);
  }
  return out;
}

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
