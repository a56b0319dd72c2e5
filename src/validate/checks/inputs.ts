// Flake inputs: follows and the platform name real inputs, path: inputs are flakes kept under nix/,
// and no pin is a placeholder (a rev or hash made of one repeated character, or the schema's sample).
import type { FleetInput } from '../../model/input.ts';
import type { Checked, CheckedFleet } from '../context.ts';
import type { RepositoryLayout } from '../index.ts';
import type { Reporter } from '../../diagnostics/reporter.ts';
import { closestMatch } from '../suggest.ts';

/** Placeholders seen in examples and templates: never a real commit or NAR hash. */
const PLACEHOLDER_REVS = new Set(['0123456789abcdef0123456789abcdef01234567', '89abcdef0123456789abcdef0123456789abcdef', 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef']);

export function checkInputs(fleet: CheckedFleet, report: Reporter, layout?: RepositoryLayout): void {
  const file = fleet.fleet;
  if (!file) return;
  const inputs = file.data.inputs;
  const names = Object.keys(inputs);
  const unknown = (path: (string | number)[], name: string, what: string) => {
    const suggestion = closestMatch(name, names);
    report.at(file.document, path, { code: 'INPUT_UNKNOWN', message: `${what} names input "${name}", which fleet.yaml does not define under inputs:`, hint: suggestion ? `did you mean "${suggestion}"?` : `inputs: ${names.join(', ')}` });
  };
  for (const [name, input] of Object.entries(inputs)) {
    for (const [own, target] of Object.entries(input.follows ?? {})) {
      if (target === name) report.at(file.document, ['inputs', name, 'follows', own], { code: 'INPUT_UNKNOWN', message: `input ${name} cannot follow itself`, hint: 'follow another input of the fleet, usually nixpkgs' });
      else if (!(target in inputs)) unknown(['inputs', name, 'follows', own], target, `inputs.${name}.follows.${own}`);
    }
    if (input.url.startsWith('path:')) checkPath(file, name, input.url, report, layout, fleet.nixFiles);
    else checkPins(file, name, input, report);
  }
  const platform = file.data.platform;
  if (platform && !(platform.input in inputs)) unknown(['platform', 'input'], platform.input, 'platform.input');
}

/**
 * A path: input is a flake of this repository, kept under the nix directory: fleetc hashes every file
 * there into the manifest, so plan and apply see a change to it on every host (Nix pins it only by
 * the commit, with no hash of its own in flake.lock).
 */
function checkPath(file: Checked<FleetInput>, name: string, url: string, report: Reporter, layout: RepositoryLayout | undefined, nixFiles: ReadonlyMap<string, string>): void {
  const segments = url.slice('path:'.length).split('/').filter((s) => s !== '' && s !== '.');
  // A nix directory outside the root (only `fleetc validate` allows one) cannot hold the flake's inputs.
  const nixDir = layout && !layout.nixDirFromRoot.startsWith('..') ? layout.nixDirFromRoot.split('/').filter((s) => s !== '' && s !== '.') : undefined;
  const underNix = nixDir === undefined || (segments.length > nixDir.length && nixDir.every((part, i) => segments[i] === part));
  if (segments.length === 0 || segments.includes('..') || !underNix) {
    report.at(file.document, ['inputs', name, 'url'], {
      code: 'INPUT_PATH_INVALID',
      message: `input ${name} (${url}) is not a directory under the fleet's nix directory${nixDir ? ` (${nixDir.join('/')}/)` : ''}`,
      hint: `keep a flake of this repository under nix/, e.g. path:./${nixDir?.join('/') ?? 'nix'}/platform; pin other flakes by url, rev, narHash and lastModified`,
    });
    return;
  }
  // The flake Nix will read: a missing one is a located error here, not a broken flake later.
  const flakeFile = nixDir ? [...segments.slice(nixDir.length), 'flake.nix'].join('/') : undefined;
  if (flakeFile !== undefined && !nixFiles.has(flakeFile)) {
    report.at(file.document, ['inputs', name, 'url'], { code: 'INPUT_PATH_INVALID', message: `input ${name} (${url}) has no flake.nix: ${nixDir!.join('/')}/${flakeFile} does not exist`, hint: 'create the flake there, or point the input at the directory that holds it' });
  }
}

function checkPins(file: Checked<FleetInput>, name: string, input: FleetInput['inputs'][string], report: Reporter): void {
  const oneCharacter = (text: string) => new Set(text).size === 1;
  if (input.rev !== undefined && (oneCharacter(input.rev) || PLACEHOLDER_REVS.has(input.rev))) {
    report.at(file.document, ['inputs', name, 'rev'], { code: 'INPUT_PLACEHOLDER', message: `input ${name}'s rev ${input.rev} is a placeholder, not a commit`, hint: "copy the commit and its narHash and lastModified from the input's node in a flake.lock that pins it" });
  }
  const hash = input.narHash?.slice('sha256-'.length, -1);
  if (hash !== undefined && oneCharacter(hash)) {
    report.at(file.document, ['inputs', name, 'narHash'], { code: 'INPUT_PLACEHOLDER', message: `input ${name}'s narHash is a placeholder, not the hash of its source`, hint: 'run `nix flake prefetch --json <url>/<rev>` where the network is reachable, or copy it from a flake.lock that pins the same rev' });
  }
}
