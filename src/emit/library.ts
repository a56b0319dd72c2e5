// generated/fleetc/: fleetc's own Nix, written from the library the compile was given (the running
// fleetc's, or for a committed revision the one committed with it).
import { LIBRARY_DIR } from '../library/index.ts';
import type { Artifact, Emitter } from './artifact.ts';

export const emitLibrary: Emitter = (_fleet, context) =>
  [...context.library.sources].map(([path, contents]): Artifact => ({ path: `${LIBRARY_DIR}/${path}`, kind: 'library', contents }));
