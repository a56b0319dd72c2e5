// hosts/<host>/host.nix: the host's resolved model as a pure Nix attribute set.
import type { Artifact, Emitter } from './artifact.ts';
import { GENERATED_HEADER } from './artifact.ts';
import { nixFile } from './nix/printer.ts';

export const emitHostData: Emitter = (fleet) =>
  fleet.hosts.map((host): Artifact => ({
    path: `hosts/${host.name}/host.nix`,
    kind: 'host-data',
    host: host.name,
    contents: nixFile(`# ${GENERATED_HEADER}\n# The resolved data of host ${host.name}; nix-instantiate --eval --strict --json gives back the model.\n`, host),
  }));
emitHostData.perHost = true;
