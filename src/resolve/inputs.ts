// Flake inputs with their revision pinned into the reference that flake.nix uses.
import type { FlakeInputSpec } from '../model/input.ts';
import type { FlakeInput } from '../model/fleet.ts';

/**
 * github:/gitlab:/sourcehut: references take the revision as their third path part (it replaces a
 * branch name, which cannot be combined with a rev); git+ URLs take it as the rev query parameter.
 */
export function pinFlakeInput(spec: FlakeInputSpec): FlakeInput {
  return { url: spec.url, rev: spec.rev, pinned: pinnedReference(spec.url, spec.rev) };
}

function pinnedReference(url: string, rev: string): string {
  const [base, query] = splitQuery(url);
  const shorthand = /^(github|gitlab|sourcehut):([^/]+)\/([^/]+)(\/.*)?$/.exec(base);
  if (shorthand) {
    const params = new URLSearchParams(query);
    params.delete('ref');
    params.delete('rev');
    const rest = params.toString();
    return `${shorthand[1]}:${shorthand[2]}/${shorthand[3]}/${rev}${rest ? `?${rest}` : ''}`;
  }
  const params = new URLSearchParams(query);
  params.set('rev', rev);
  return `${base}?${params.toString()}`;
}

function splitQuery(url: string): [string, string] {
  const index = url.indexOf('?');
  return index < 0 ? [url, ''] : [url.slice(0, index), url.slice(index + 1)];
}
