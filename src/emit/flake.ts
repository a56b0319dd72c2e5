// flake.nix: the pinned inputs and one nixosConfigurations.<host> per host.
import { readFileSync } from 'node:fs';
import type { Artifact, Emitter } from './artifact.ts';
import { GENERATED_HEADER } from './artifact.ts';
import { compileTemplate } from './templates.ts';
import { packageFile } from '../package-root.ts';

interface FlakeContext {
  header: string;
  description: string;
  inputs: Array<{ name: string; pinned: string }>;
  hosts: Array<{ name: string; path: string }>;
}

const render = compileTemplate<FlakeContext>('flake.nix', readFileSync(packageFile('src/emit/templates/flake.nix.hbs'), 'utf8'));

export const emitFlake: Emitter = (fleet) => {
  const inputs = Object.entries(fleet.inputs).map(([name, input]) => ({ name, pinned: input.pinned }));
  const hosts = fleet.hosts.map((host) => ({ name: host.name, path: `./hosts/${host.name}` }));
  const inputsFragment = inputs.map((i) => `${i.name}=${i.pinned}`).join('\n');
  const artifact: Artifact = {
    path: 'flake.nix',
    kind: 'flake',
    contents: render({ header: GENERATED_HEADER, description: `${fleet.name}: NixOS hosts compiled by fleetc`, inputs, hosts }),
    // Every host depends on the pinned inputs and on its own nixosConfigurations entry.
    fragmentBase: inputsFragment,
    fragments: Object.fromEntries(hosts.map((h) => [h.name, `${h.name}=${h.path}`])),
  };
  return [artifact];
};
