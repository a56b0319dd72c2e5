// emit: the Fleet model → artifacts ({ path, contents }); pure, no I/O.
import type { Fleet } from '../model/fleet.ts';
import type { Artifact, EmitContext, Emitter } from './artifact.ts';
import { emitDhcpd } from './dhcpd.ts';
import { emitDisko } from './disko.ts';
import { emitFirstBoot } from './first-boot.ts';
import { emitFlake } from './flake.ts';
import { emitHostData } from './host-data.ts';
import { emitHostModules } from './host-module.ts';
import { emitIpxe, emitIpxeHosts } from './ipxe.ts';
import { emitKea } from './kea.ts';
import { emitLibrary } from './library.ts';
import { emitNetboot } from './netboot.ts';
import { buildManifest, type ManifestMemo } from './manifest.ts';
import { emitReadme } from './readme.ts';

export type { Artifact, ArtifactKind, EmitContext } from './artifact.ts';

export const EMITTERS: readonly Emitter[] = [emitReadme, emitFlake, emitHostData, emitHostModules, emitDisko, emitFirstBoot, emitDhcpd, emitKea, emitIpxe, emitIpxeHosts, emitLibrary, emitNetboot];

/** Every artifact of the fleet, sorted by path, the manifest last. */
export function emitFleet(fleet: Fleet, context: EmitContext): Artifact[] {
  return finishArtifacts(fleet, EMITTERS.flatMap((emit) => emit(fleet, context)), context);
}

/** Artifacts whose path was checked (fleetc watch passes the unchanged ones again). */
const safeArtifacts = new WeakSet<Artifact>();

/** Throws for an artifact path outside the output root; each artifact object is checked once. */
export function checkArtifactPath(artifact: Artifact, what = 'emit: unsafe artifact path'): void {
  if (safeArtifacts.has(artifact)) return;
  if (!isSafeRelativePath(artifact.path)) throw new Error(`${what} ${artifact.path}`);
  safeArtifacts.add(artifact);
}

/**
 * The emitters' artifacts checked (safe, unique paths), sorted by path, and the manifest added
 * last. Artifacts already in path order (fleetc watch arranges them so) are not sorted again.
 */
export function finishArtifacts(fleet: Fleet, emitted: readonly Artifact[], context: EmitContext, manifest?: ManifestMemo): Artifact[] {
  const artifacts = [...emitted];
  for (const artifact of artifacts) checkArtifactPath(artifact);
  if (!artifacts.every((a, i) => i === 0 || artifacts[i - 1]!.path <= a.path)) artifacts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  // Sorted, two artifacts at one path are neighbours.
  artifacts.forEach((a, i) => {
    if (i > 0 && artifacts[i - 1]!.path === a.path) throw new Error(`emit: two artifacts at ${a.path}`);
  });
  return [...artifacts, buildManifest(fleet, artifacts, context, manifest)];
}

/** Inside the output root: relative, no empty, '.' or '..' segments, no backslash or NUL. */
export function isSafeRelativePath(path: string): boolean {
  return path.length > 0 && path[0] !== '/' && !UNSAFE_PATH.test(path);
}

/** A segment of at most two dots (none: an empty one), or a backslash or NUL anywhere: one test, no array of segments. */
const UNSAFE_PATH = /(?:^|\/)\.{0,2}(?:\/|$)|[\\\0]/;
