# Stand-in for nixos/lib/eval-config.nix, with the same arguments and the same handling of the
# legacy `system` one: unless it is null it becomes `nixpkgs.system = mkDefault system`. Instead of
# NixOS's module list it evaluates the stand-in declarations of ../modules/stand-in-options.nix,
# with nixpkgs' real lib.evalModules and the same modulesPath special argument.
evalConfigArgs@{
  system ? builtins.currentSystem,
  modules,
  specialArgs ? { },
  lib ? import ../../lib,
  ...
}:
lib.evalModules {
  specialArgs = { modulesPath = builtins.toString ../modules; } // specialArgs;
  modules =
    [ ../modules/stand-in-options.nix ]
    ++ lib.optional (system != null) { nixpkgs.system = lib.mkDefault system; }
    ++ modules;
}
