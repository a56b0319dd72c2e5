// flake.nix and flake.lock, at the fleet repository root: the pinned inputs, the platform's overlays
// and modules, and one nixosConfigurations.<host> per host.
import { readFileSync } from 'node:fs';
import type { Artifact, Emitter } from './artifact.ts';
import { GENERATED_HEADER } from './artifact.ts';
import { compileTemplate } from './templates.ts';
import { packageFile } from '../package-root.ts';
import { renderFlakeLock } from './flake-lock.ts';

interface FlakeContext {
  header: string;
  description: string;
  inputs: Array<{ name: string; pinned: string; follows: Array<{ name: string; target: string }> }>;
  platform?: { overlays: Array<{ input: string; name: string }>; modules: Array<{ input: string; name: string }> };
  hosts: Array<{ name: string; path: string }>;
}

const render = compileTemplate<FlakeContext>('flake.nix', readFileSync(packageFile('templates/flake.nix.hbs'), 'utf8'));

export const FLAKE_PATH = 'flake.nix';
export const FLAKE_LOCK_PATH = 'flake.lock';

export const emitFlake: Emitter = (fleet, context) => {
  const inputs = Object.values(fleet.inputs).map((input) => ({
    name: input.name,
    pinned: input.pinned,
    follows: Object.entries(input.follows).map(([name, target]) => ({ name, target })),
  }));
  const platform = fleet.platform && {
    overlays: fleet.platform.overlays.map((name) => ({ input: fleet.platform!.input, name })),
    modules: fleet.platform.modules.map((name) => ({ input: fleet.platform!.input, name })),
  };
  const hosts = fleet.hosts.map((host) => ({ name: host.name, path: `./${context.outDirFromRoot}/hosts/${host.name}` }));
  // Every host depends on the pinned inputs (with their hashes) and the platform, and on its own entry.
  const inputsFragment = [
    ...Object.values(fleet.inputs).flatMap((i) => [
      `${i.name}=${i.pinned}${'narHash' in i.lock.locked ? ` ${i.lock.locked.narHash}` : ''}`,
      ...Object.entries(i.follows).map(([name, target]) => `${i.name}.inputs.${name}.follows=${target}`),
    ]),
    ...(fleet.platform ? [`platform=${fleet.platform.input} overlays=${fleet.platform.overlays.join(',')} modules=${fleet.platform.modules.join(',')}`] : []),
  ].join('\n');
  const flakeContext: FlakeContext = { header: GENERATED_HEADER, description: `${fleet.name}: NixOS hosts compiled by fleetc`, inputs, ...(platform ? { platform } : {}), hosts };
  // An edit of a host rarely changes the flake (its host list and inputs): the same artifact then.
  const key = JSON.stringify([flakeContext, inputsFragment]);
  if (lastFlake?.key !== key) {
    lastFlake = {
      key,
      flake: {
        path: FLAKE_PATH,
        root: true,
        kind: 'flake',
        contents: render(flakeContext),
        fragmentBase: inputsFragment,
        // The host's entry, without the output directory's path: where --out is does not change a system.
        fragments: Object.fromEntries(fleet.hosts.map((h) => [h.name, `${h.name}=hosts/${h.name}`])),
      },
    };
  }
  const lock: Artifact = { path: FLAKE_LOCK_PATH, root: true, kind: 'flake', contents: renderFlakeLock(fleet) };
  return [lastFlake.flake, lock];
};

/**
 * emitFlake after only some hosts changed (fleetc watch): flake.nix lists the hosts by name only, so
 * with the same names and the same fleet-wide part it is the same file (no key of every host to
 * build again); flake.lock is the inputs'.
 */
emitFlake.patch = (previous, fleet, context) => {
  const [flake, lock] = previous;
  const key = JSON.stringify([fleet.name, fleet.inputs, fleet.platform ?? null, context.outDirFromRoot]);
  if (flake && lock && flakeKeys.get(flake) === key && Object.keys(flake.fragments ?? {}).length === fleet.hosts.length && fleet.hosts.every((h) => flake.fragments![h.name] !== undefined)) return [flake, lock];
  const fresh = emitFlake(fleet, context);
  flakeKeys.set(fresh[0]!, key);
  return fresh;
};

/** What flake.nix was rendered from besides the host names, for emitFlake.patch. */
const flakeKeys = new WeakMap<Artifact, string>();

/** The last flake.nix emitted, by everything it was rendered from. */
let lastFlake: { key: string; flake: Artifact } | undefined;
