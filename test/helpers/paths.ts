// Paths of the repository and its test fixtures.
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES = `${REPO_ROOT}test/fixtures`;
export const MINIMAL_FLEET = `${FIXTURES}/fleets/minimal`;
export const REPO_NIX = `${REPO_ROOT}nix`;
export const FLEETC_BIN = `${REPO_ROOT}bin/fleetc.js`;
