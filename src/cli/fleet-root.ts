// The fleet repository root, found upward from the current directory as git finds .git: the nearest
// directory with a fleetc.json (which `fleetc init` writes). It names the fleet, nix and output
// directories, relative to itself; without one, they are fleet/, nix/ and generated/ of the
// current directory, and the root is the fleet directory's parent.
import fs from 'node:fs';
import path from 'node:path';
import type { Paths } from '../compile/index.ts';

export const ROOT_MARKER = 'fleetc.json';

/** What fleetc.json says; every path relative to the directory it is in. */
export interface RootMarker {
  fleet: string;
  nix: string;
  out: string;
}

export const DEFAULT_MARKER: RootMarker = { fleet: 'fleet', nix: 'nix', out: 'generated' };

/** A fleetc.json that is not what fleetc writes: the command cannot know its paths (exit 2). */
export class RootMarkerInvalid extends Error {}

/** The nearest directory at or above `from` holding fleetc.json, or undefined. */
export function findFleetRoot(from: string): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.statSync(path.join(dir, ROOT_MARKER), { throwIfNoEntry: false })?.isFile()) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

export function readRootMarker(root: string): RootMarker {
  const file = path.join(root, ROOT_MARKER);
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new RootMarkerInvalid(`${file} is not JSON (${(error as Error).message}); it names the fleet's directories, as fleetc init writes it`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new RootMarkerInvalid(`${file} must be a JSON object such as ${JSON.stringify(DEFAULT_MARKER)}`);
  const marker = { ...DEFAULT_MARKER };
  for (const [key, value] of Object.entries(data)) {
    if (key === '$schema' || key === 'fleetc') continue;
    if (!(key in DEFAULT_MARKER)) throw new RootMarkerInvalid(`${file}: unknown key "${key}" (known: ${Object.keys(DEFAULT_MARKER).join(', ')})`);
    const inside = typeof value === 'string' && value !== '' && !path.isAbsolute(value) && !path.normalize(value).startsWith('..');
    if (!inside) throw new RootMarkerInvalid(`${file}: "${key}" must be a directory below the root, not ${JSON.stringify(value)}`);
    marker[key as keyof RootMarker] = value as string;
  }
  return marker;
}

/**
 * The paths of a command: each --fleet, --out or --nix given is relative to the current directory;
 * each one not given comes from the root's fleetc.json (or the defaults), shown relative to the
 * current directory.
 */
export function resolvePaths(given: { fleet?: unknown; out?: unknown; nix?: unknown }, cwd = process.cwd()): Paths {
  const root = findFleetRoot(cwd);
  const marker = root ? readRootMarker(root) : DEFAULT_MARKER;
  const shown = (dir: string) => path.relative(cwd, dir) || '.';
  const pick = (value: unknown, key: keyof RootMarker) => (typeof value === 'string' ? value : root ? shown(path.join(root, marker[key])) : marker[key]);
  return { fleetDir: pick(given.fleet, 'fleet'), outDir: pick(given.out, 'out'), nixDir: pick(given.nix, 'nix'), ...(root ? { rootDir: root } : {}) };
}
