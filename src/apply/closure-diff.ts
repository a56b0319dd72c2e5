// A system's closure change, nvd-style: from `nix path-info --json --recursive --closure-size` of the
// base and head systems, each host's packages upgraded, downgraded, added and removed (by name and
// version, split as Nix's own DrvName does: src/libstore/names.cc, the version starts at the first
// dash followed by a non-letter) and its closure size before and after.

/** One store path as nix path-info --json reports it (Nix < 2.19: an array; newer: an object by path). */
export interface PathInfo {
  path: string;
  narSize: number;
  closureSize?: number;
  references: string[];
}

export function parsePathInfo(json: string): Map<string, PathInfo> {
  const data = JSON.parse(json) as unknown;
  const entries: PathInfo[] = Array.isArray(data)
    ? (data as PathInfo[])
    : Object.entries(data as Record<string, Omit<PathInfo, 'path'> | null>)
        .filter(([, info]) => info !== null)
        .map(([path, info]) => ({ ...info!, path }));
  return new Map(entries.map((e) => [e.path, { path: e.path, narSize: e.narSize, ...(e.closureSize !== undefined ? { closureSize: e.closureSize } : {}), references: e.references ?? [] }]));
}

/** The paths reachable from root through references (root included). */
export function closureOf(root: string, infos: ReadonlyMap<string, PathInfo>): Set<string> {
  const seen = new Set<string>();
  const stack = [root];
  while (stack.length > 0) {
    const path = stack.pop()!;
    if (seen.has(path)) continue;
    seen.add(path);
    for (const ref of infos.get(path)?.references ?? []) {
      // References are full store paths in path-info's JSON.
      if (!seen.has(ref)) stack.push(ref);
    }
  }
  return seen;
}

/** name and version of a store path's name, as builtins.parseDrvName splits them. */
export function parseStoreName(path: string): { name: string; version: string } {
  const base = path.slice(path.lastIndexOf('/') + 1).replace(/^[0-9a-z]{32}-/, '');
  for (let i = 0; i < base.length - 1; i++) {
    if (base[i] === '-' && !/[A-Za-z]/.test(base[i + 1]!)) return { name: base.slice(0, i), version: base.slice(i + 1) };
  }
  return { name: base, version: '' };
}

export type PackageChange =
  | { kind: 'changed'; name: string; from: string[]; to: string[] }
  | { kind: 'added'; name: string; to: string[] }
  | { kind: 'removed'; name: string; from: string[] };

export interface ClosureDiff {
  host: string;
  base?: string;
  head: string;
  packages: PackageChange[];
  baseSize?: number;
  headSize: number;
  /** Store paths in one closure and not the other that carry no version (configuration files, units). */
  otherPathsChanged: number;
}

function versions(closure: ReadonlySet<string>, exclude: string): Map<string, Set<string>> {
  const byName = new Map<string, Set<string>>();
  for (const path of closure) {
    if (path === exclude) continue;
    const { name, version } = parseStoreName(path);
    if (!version) continue;
    if (!byName.has(name)) byName.set(name, new Set());
    byName.get(name)!.add(version);
  }
  return byName;
}

function sizeOf(root: string, closure: ReadonlySet<string>, infos: ReadonlyMap<string, PathInfo>): number {
  return infos.get(root)?.closureSize ?? [...closure].reduce((sum, p) => sum + (infos.get(p)?.narSize ?? 0), 0);
}

export function diffClosures(host: string, base: string | undefined, head: string, infos: ReadonlyMap<string, PathInfo>): ClosureDiff {
  const headClosure = closureOf(head, infos);
  const baseClosure = base ? closureOf(base, infos) : new Set<string>();
  const before = versions(baseClosure, base ?? '');
  const after = versions(headClosure, head);
  const packages: PackageChange[] = [];
  for (const name of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const from = [...(before.get(name) ?? [])].sort();
    const to = [...(after.get(name) ?? [])].sort();
    if (from.length === 0) packages.push({ kind: 'added', name, to });
    else if (to.length === 0) packages.push({ kind: 'removed', name, from });
    else if (from.join(' ') !== to.join(' ')) packages.push({ kind: 'changed', name, from, to });
  }
  const unversioned = (closure: ReadonlySet<string>, other: ReadonlySet<string>, root: string | undefined) => [...closure].filter((p) => p !== root && !other.has(p) && !parseStoreName(p).version).length;
  return {
    host,
    ...(base ? { base, baseSize: sizeOf(base, baseClosure, infos) } : {}),
    head,
    packages,
    headSize: sizeOf(head, headClosure, infos),
    otherPathsChanged: unversioned(headClosure, baseClosure, head) + unversioned(baseClosure, headClosure, base),
  };
}
