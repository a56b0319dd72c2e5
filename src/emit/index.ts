// emit: the Fleet model → artifacts ({ path, contents }); pure, no I/O.
import type { Fleet } from '../model/fleet.ts';
import type { Artifact, EmitContext, Emitter } from './artifact.ts';
import { emitDhcpd } from './dhcpd.ts';
import { emitDisko } from './disko.ts';
import { emitFirstBoot } from './first-boot.ts';
import { emitFlake } from './flake.ts';
import { emitHostData } from './host-data.ts';
import { emitHostModules } from './host-module.ts';
import { emitIpxe } from './ipxe.ts';
import { emitKea } from './kea.ts';
import { emitLibrary } from './library.ts';
import { emitNetboot } from './netboot.ts';
import { buildManifest } from './manifest.ts';
import { emitReadme } from './readme.ts';

export type { Artifact, ArtifactKind, EmitContext } from './artifact.ts';

export const EMITTERS: readonly Emitter[] = [emitReadme, emitFlake, emitHostData, emitHostModules, emitDisko, emitFirstBoot, emitDhcpd, emitKea, emitIpxe, emitLibrary, emitNetboot];

/** Every artifact of the fleet, sorted by path, the manifest last. */
export function emitFleet(fleet: Fleet, context: EmitContext): Artifact[] {
  return finishArtifacts(fleet, EMITTERS.flatMap((emit) => emit(fleet, context)), context);
}

/** The emitters' artifacts checked (safe, unique paths), sorted by path, and the manifest added last. */
export function finishArtifacts(fleet: Fleet, emitted: readonly Artifact[], context: EmitContext): Artifact[] {
  const artifacts = [...emitted];
  const seen = new Set<string>();
  for (const artifact of artifacts) {
    if (!isSafeRelativePath(artifact.path)) throw new Error(`emit: unsafe artifact path ${artifact.path}`);
    if (seen.has(artifact.path)) throw new Error(`emit: two artifacts at ${artifact.path}`);
    seen.add(artifact.path);
  }
  artifacts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return [...artifacts, buildManifest(fleet, artifacts, context)];
}

/** Inside the output root: relative, no empty, '.' or '..' segments. */
export function isSafeRelativePath(path: string): boolean {
  return path.length > 0 && !path.startsWith('/') && path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..' && !segment.includes('\\') && !segment.includes('\0'));
}
