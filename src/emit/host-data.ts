// hosts/<host>/host.nix: the host's resolved model as a pure Nix attribute set.
import type { Host } from '../model/fleet.ts';
import type { Artifact, Emitter } from './artifact.ts';
import { GENERATED_HEADER } from './artifact.ts';
import { nixCode, nixFile, nixValue, type NixCode } from './nix/printer.ts';

export const emitHostData: Emitter = (fleet) =>
  fleet.hosts.map((host): Artifact => ({
    path: `hosts/${host.name}/host.nix`,
    kind: 'host-data',
    host: host.name,
    contents: nixFile(`# ${GENERATED_HEADER}\n# The resolved data of host ${host.name}; nix-instantiate --eval --strict --json gives back the model.\n`, withSharedLists(host)),
  }));
emitHostData.perHost = true;

/** The host's lists that resolve takes from its profiles as they are: one array for all the profile's hosts. */
const PROFILE_LISTS = ['profiles', 'services', 'modules', 'packages', 'authorizedKeys'] as const;

/** Those lists printed, by array: as printing them in place gives, each line indented where it lands. */
const printedLists = new WeakMap<readonly string[], NixCode>();

/** The host with its profile lists as their printed text (the same text as printing the host whole). */
function withSharedLists(host: Host): Record<string, unknown> {
  const data: Record<string, unknown> = { ...host };
  for (const key of PROFILE_LISTS) {
    const list = host[key];
    let printed = printedLists.get(list);
    if (!printed) printedLists.set(list, (printed = nixCode(nixValue(list))));
    data[key] = printed;
  }
  return data;
}
