// The flake reference apply hands to nixos-rebuild and nixos-anywhere: the repository's commit as a
// git+file URL, percent-encoded the way Nix parses it (its URL grammar, libutil/url-parts.hh, takes
// unreserved characters as they are and decodes %XX in the path and in query values), so a
// repository or directory name with a space, #, ?, & or any other character names the same path.

export interface FlakeLocation {
  /** Absolute path of the git repository's top level. */
  repoToplevel: string;
  /** The flake's directory relative to the top level, '/'-separated; '' for the top level itself. */
  flakeDir: string;
  /** The full commit id to build. */
  rev: string;
}

/** git+file://<path>?rev=<rev>[&dir=<dir>] */
export function flakeReference({ repoToplevel, flakeDir, rev }: FlakeLocation): string {
  if (!repoToplevel.startsWith('/')) throw new Error(`flake reference: the repository path must be absolute: ${repoToplevel}`);
  if (!/^[0-9a-f]{40}$/.test(rev)) throw new Error(`flake reference: not a full commit id: ${rev}`);
  if (flakeDir.startsWith('/') || flakeDir.split('/').some((s) => s === '..' || (s === '' && flakeDir !== ''))) throw new Error(`flake reference: not a directory inside the repository: ${flakeDir}`);
  const dir = flakeDir === '' || flakeDir === '.' ? '' : `&dir=${percentEncode(flakeDir, false)}`;
  return `git+file://${percentEncode(repoToplevel, true)}?rev=${rev}${dir}`;
}

/** Every byte of the UTF-8 text but RFC 3986's unreserved characters (and, in a path, '/') as %XX. */
export function percentEncode(text: string, keepSlash: boolean): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === '/') ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
