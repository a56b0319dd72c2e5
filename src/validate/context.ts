// What the semantic checks share: the documents that passed their schema, with typed data.
import type { LoadedDocument, PathSegment } from '../load/types.ts';
import type { FleetInput, HostInput, ProfileInput } from '../model/input.ts';
import type { Ipv4Network } from '../model/ipv4.ts';

export interface Checked<T> {
  document: LoadedDocument;
  data: T;
  /** The name: field, or the file name when there is none. */
  name: string;
}

/** The documents that passed their schema; later stages see only these. */
export interface CheckedFleet {
  fleet?: Checked<FleetInput>;
  profiles: Checked<ProfileInput>[];
  hosts: Checked<HostInput>[];
  nixFiles: Map<string, string>;
  /** Names of every profile and host file, valid or not, so references to a broken file are not "unknown". */
  allProfileNames: Set<string>;
  allHostNames: Set<string>;
}

/** Where a name comes from: the name: field if present, else the start of the file. */
export function namePath(data: { name?: unknown }): PathSegment[] {
  return data.name === undefined ? [] : ['name'];
}

/**
 * What the checks of one host file read besides the file itself: fleet.yaml (when it passed its
 * schema), its networks as parsed, and the names of the profile files. A host's findings are a
 * function of its file and of this, which is what lets validation keep them between runs.
 */
export interface HostContext {
  fleet?: Checked<FleetInput>;
  networks: Map<string, Ipv4Network>;
  allProfileNames: Set<string>;
}
