// flake.lock from the fleet's pinned inputs, byte for byte as Nix writes it (lock version 7, keys
// sorted, two-space indent: src/libflake/lockfile.cc LockFile::toJSON and to_string in NixOS/nix).
import type { Fleet } from '../model/fleet.ts';

type Json = string | number | boolean | Json[] | { [key: string]: Json };

export function renderFlakeLock(fleet: Fleet): string {
  const nodes: Record<string, Json> = {};
  const root: Record<string, string> = {};
  for (const input of Object.values(fleet.inputs)) {
    root[input.name] = input.name;
    const node: Record<string, Json> = { locked: input.lock.locked, original: input.lock.original };
    // A followed input is an edge to an input path ([name] = the root's input of that name).
    if (Object.keys(input.follows).length > 0) node.inputs = Object.fromEntries(Object.entries(input.follows).map(([name, target]) => [name, [target]]));
    if (input.lock.parent) node.parent = input.lock.parent;
    nodes[input.name] = node;
  }
  nodes.root = { inputs: root };
  return `${JSON.stringify(sortKeys({ nodes, root: 'root', version: 7 }), null, 2)}\n`;
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key]!)]));
}
