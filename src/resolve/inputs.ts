// Flake inputs: the reference flake.nix pins (the rev in the URL) and the node flake.lock records.
import type { FlakeInputSpec } from '../model/input.ts';
import type { FlakeInput, FlakeLockNode } from '../model/fleet.ts';

/** disko's only flake input is nixpkgs (its flake.nix): it follows the fleet's unless told otherwise. */
const DEFAULT_FOLLOWS: Record<string, Record<string, string>> = { disko: { nixpkgs: 'nixpkgs' } };

/**
 * github:/gitlab:/sourcehut: references take the revision as their third path part (it replaces a
 * branch name, which cannot be combined with a rev); git+ URLs take it as the rev query parameter;
 * a path:./ input is pinned by the fleet's own commit and keeps its URL.
 */
export function pinFlakeInput(name: string, spec: FlakeInputSpec): FlakeInput {
  const follows = spec.follows ?? DEFAULT_FOLLOWS[name] ?? {};
  const parsed = parseFlakeUrl(spec.url);
  if (parsed.kind === 'path') {
    const attrs = { path: parsed.path, type: 'path' };
    return { name, url: spec.url, pinned: spec.url, follows, lock: { original: attrs, locked: { ...attrs }, parent: [] } };
  }
  const rev = spec.rev!;
  const pinned = pinnedReference(parsed, rev);
  const original: Record<string, string | number> = { ...parsed.attrs, rev };
  const locked: Record<string, string | number> = { ...original, narHash: spec.narHash! };
  if (spec.lastModified !== undefined) locked.lastModified = spec.lastModified;
  const lock: FlakeLockNode = { original, locked };
  return { name, url: spec.url, rev, pinned, follows, lock };
}

type ParsedUrl =
  | { kind: 'forge'; scheme: string; attrs: Record<string, string>; params: URLSearchParams }
  | { kind: 'git'; base: string; attrs: Record<string, string>; params: URLSearchParams }
  | { kind: 'path'; path: string };

/** The attributes Nix's fetchers parse from a URL (src/libfetchers/github.cc, git.cc, path.cc). */
export function parseFlakeUrl(url: string): ParsedUrl {
  if (url.startsWith('path:')) return { kind: 'path', path: url.slice('path:'.length).replace(/\/+$/, '') };
  const [base, query] = splitQuery(url);
  const params = new URLSearchParams(query);
  params.delete('rev');
  const forge = /^(github|gitlab|sourcehut):([^/]+)\/([^/]+)(?:\/.*)?$/.exec(base);
  if (forge) {
    params.delete('ref');
    const attrs: Record<string, string> = { owner: forge[2]!, repo: forge[3]!, type: forge[1]! };
    for (const key of ['dir', 'host'] as const) {
      const value = params.get(key);
      if (value !== null) attrs[key] = value;
    }
    return { kind: 'forge', scheme: forge[1]!, attrs, params };
  }
  // git+https://host/path → { type: git, url: https://host/path }; ref and dir stay attributes.
  const attrs: Record<string, string> = { type: 'git', url: base.slice('git+'.length) };
  for (const key of ['ref', 'dir'] as const) {
    const value = params.get(key);
    if (value !== null) attrs[key] = value;
  }
  return { kind: 'git', base, attrs, params };
}

function pinnedReference(parsed: Exclude<ParsedUrl, { kind: 'path' }>, rev: string): string {
  if (parsed.kind === 'forge') {
    const rest = parsed.params.toString();
    return `${parsed.scheme}:${parsed.attrs.owner}/${parsed.attrs.repo}/${rev}${rest ? `?${rest}` : ''}`;
  }
  const params = new URLSearchParams(parsed.params);
  params.set('rev', rev);
  return `${parsed.base}?${params.toString()}`;
}

function splitQuery(url: string): [string, string] {
  const index = url.indexOf('?');
  return index < 0 ? [url, ''] : [url.slice(0, index), url.slice(index + 1)];
}
