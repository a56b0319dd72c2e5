// Paths of the repository and its test fixtures.
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES = `${REPO_ROOT}test/fixtures`;
export const MINIMAL_FLEET = `${FIXTURES}/fleets/minimal`;
/** The example fleet repository: its root (fleetc.json, flake.nix), fleet, hand-written nix/ and output. */
export const EXAMPLE_ROOT = `${REPO_ROOT}examples/photon-lab/`;
export const EXAMPLE_FLEET = `${EXAMPLE_ROOT}fleet`;
export const EXAMPLE_NIX = `${EXAMPLE_ROOT}nix`;
export const EXAMPLE_GENERATED = `${EXAMPLE_ROOT}generated`;
/** fleetc's own Nix (the library build writes into generated/fleetc/). */
export const LIBRARY_NIX = `${REPO_ROOT}nix`;
export const FLEETC_BIN = `${REPO_ROOT}bin/fleetc.js`;
