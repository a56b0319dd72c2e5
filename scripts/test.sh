#!/usr/bin/env bash
# The test command (npm test): installs missing system tools, then runs every test, the slow
# end-to-end ones included, with node's test runner through tsx.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-tools.sh
# Debian's Nix runs without a daemon or build users; tests evaluate only.
export NIX_CONFIG='build-users-group =
experimental-features = nix-command flakes'
export FLEETC_REQUIRE_TOOLS=1
mapfile -t files < <(find test -name '*.test.ts' | sort)
if [ "$#" -gt 0 ]; then files=("$@"); fi
# A hung test fails after 10 minutes instead of stalling CI.
exec node --import tsx --test --test-reporter=spec --test-concurrency=2 --test-timeout=600000 "${files[@]}"
