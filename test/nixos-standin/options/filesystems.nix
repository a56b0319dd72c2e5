# Stand-in for nixos/modules/tasks/filesystems.nix: fileSystems (an attribute set of submodules
# with the same options and types: enable, mountPoint defaulting to the name, device, fsType,
# options — a non-empty list —, depends, label, autoFormat, autoResize, noCheck) and
# boot.supportedFilesystems (a list of names coerced to an attribute set of booleans).
{ lib, ... }:
let
  inherit (lib) types;
in
{
  options.fileSystems = lib.mkOption {
    default = { };
    description = "The file systems to be mounted.";
    type = types.attrsOf (types.submodule ({ name, ... }: {
      options = {
        enable = lib.mkOption { type = types.bool; default = true; };
        mountPoint = lib.mkOption { type = types.str; default = name; };
        device = lib.mkOption { type = types.nullOr types.nonEmptyStr; default = null; };
        fsType = lib.mkOption { type = types.nonEmptyStr; default = "auto"; };
        options = lib.mkOption { type = types.nonEmptyListOf types.nonEmptyStr; default = [ "defaults" ]; };
        depends = lib.mkOption { type = types.listOf types.str; default = [ ]; };
        label = lib.mkOption { type = types.nullOr types.nonEmptyStr; default = null; };
        autoFormat = lib.mkOption { type = types.bool; default = false; };
        autoResize = lib.mkOption { type = types.bool; default = false; };
        noCheck = lib.mkOption { type = types.bool; default = false; };
      };
    }));
  };

  options.boot.supportedFilesystems = lib.mkOption {
    default = { };
    type = types.coercedTo (types.listOf types.str) (names: lib.genAttrs names (_: true)) (types.attrsOf types.bool);
    description = "File systems the system can mount.";
  };
}
