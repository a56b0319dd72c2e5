# Stand-in for nixos/modules/misc/nixpkgs.nix: nixpkgs.hostPlatform (a system string or attrs,
# elaborated by lib.systems.elaborate) and nixpkgs.overlays (a list of functions, merged like the real
# overlayType), and, as there, the `pkgs` module argument built from them: the stand-in package set of
# ../pkgs.nix with every overlay applied for real.
{ config, lib, ... }:
let
  inherit (lib) mkOption types;
  overlayType = lib.mkOptionType {
    name = "nixpkgs-overlay";
    description = "nixpkgs overlay";
    check = lib.isFunction;
    merge = lib.mergeOneOption;
  };
in
{
  options.nixpkgs = {
    hostPlatform = mkOption {
      type = types.either types.str types.attrs;
      apply = lib.systems.elaborate;
      description = "The platform the system runs on.";
    };
    overlays = mkOption { default = [ ]; type = types.listOf overlayType; description = "Overlays applied to pkgs."; };
  };
  config._module.args.pkgs = import ../pkgs.nix {
    inherit lib;
    system = config.nixpkgs.hostPlatform.system;
    inherit (config.nixpkgs) overlays;
  };
}
