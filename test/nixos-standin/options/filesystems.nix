# Stand-in for boot.supportedFilesystems of nixos/modules/tasks/filesystems.nix: a list of names coerced
# to an attribute set of booleans.
{ lib, ... }:
let
  inherit (lib) types;
in
{
  options.boot.supportedFilesystems = lib.mkOption {
    default = { };
    type = types.coercedTo (types.listOf types.str) (names: lib.genAttrs names (_: true)) (types.attrsOf types.bool);
    description = "File systems the system can mount.";
  };
}
