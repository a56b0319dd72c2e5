# Entry point of the stand-in: nixpkgs' real lib (unpacked beside this file as nixpkgs-lib/ by the
# test helper) extended with lib.nixosSystem.
let
  realLib = import ./nixpkgs-lib/lib;
in
{
  lib = realLib.extend (final: prev: { nixosSystem = import ./nixos-system.nix final; });
}
