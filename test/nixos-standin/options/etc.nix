# Stand-in for environment.etc of nixos/modules/system/etc/etc.nix: attrsOf submodule with text
# (nullOr lines), source (path), mode, user and group. Like the real module, `text` becomes the source.
{ lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
in
{
  options.environment.etc = mkOption {
    default = { };
    type = types.attrsOf (types.submodule ({ name, config, ... }: {
      options = {
        enable = mkOption { type = types.bool; default = true; description = "Whether to create the file."; };
        target = mkOption { type = types.str; default = name; description = "Path under /etc."; };
        text = mkOption { type = types.nullOr types.lines; default = null; description = "The file's contents."; };
        source = mkOption { type = types.path; description = "The file's source."; };
        mode = mkOption { type = types.str; default = "symlink"; description = "Mode, or symlink."; };
        user = mkOption { type = types.str; default = "+0"; description = "Owner."; };
        group = mkOption { type = types.str; default = "+0"; description = "Group."; };
      };
      config.source = lib.mkIf (config.text != null) (lib.mkDefault (pkgs.writeText "etc-${baseNameOf name}" config.text));
    }));
    description = "Files under /etc.";
  };
}
