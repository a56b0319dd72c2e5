# lib.nixosSystem for the stand-in: nixpkgs' real lib.evalModules over the stand-in option modules of
# ./options and the caller's modules, returning { config, options, pkgs, ... } like
# nixos/lib/eval-config.nix. `pkgs` comes from nixpkgs.hostPlatform and nixpkgs.overlays.
lib:
{ modules, specialArgs ? { }, ... }:
let
  evaluated = lib.evalModules {
    class = "nixos";
    specialArgs = { modulesPath = throw "nixos-standin: modulesPath (NixOS's own modules) does not exist in the stand-in"; } // specialArgs;
    modules = import ./options ++ modules;
  };
in
evaluated // { pkgs = evaluated._module.args.pkgs; }
