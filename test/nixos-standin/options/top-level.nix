# Stand-in for system.build of nixos/modules/system/activation/top-level.nix: an attribute set that
# modules add their build products to (a freeform submodule of lazily evaluated values, as there).
{ lib, ... }:
{
  options.system.build = lib.mkOption {
    type = lib.types.submoduleWith { modules = [ { freeformType = with lib.types; lazyAttrsOf (uniq unspecified); } ]; };
    default = { };
    description = "Attribute set of derivations used to set up the system.";
  };
}
