# Stand-in for nix.settings of nixos/modules/config/nix.nix: a freeform submodule of nix.conf values
# (atoms or lists of atoms) with the typed keys fleetc sets (trusted-users: listOf str).
{ lib, ... }:
let
  inherit (lib) mkOption types;
  atom = types.nullOr (types.oneOf [ types.bool types.int types.float types.str types.path types.package ]);
in
{
  options.nix.settings = mkOption {
    default = { };
    type = types.submodule {
      freeformType = types.attrsOf (types.either atom (types.listOf atom));
      options.trusted-users = mkOption { type = types.listOf types.str; default = [ "root" ]; description = "Users the daemon trusts."; };
    };
    description = "nix.conf settings.";
  };
}
