# Stand-in for users.users and users.groups of nixos/modules/config/users-groups.nix (attrsOf submodule;
# the user options fleetc sets: isSystemUser, isNormalUser, group, extraGroups, description). sshd.nix adds the
# openssh.authorizedKeys options to the same submodule, as it does in nixpkgs.
{ lib, ... }:
let
  inherit (lib) mkOption types;
in
{
  options.users = {
    users = mkOption {
      default = { };
      type = types.attrsOf (types.submodule ({ name, ... }: {
        options = {
          name = mkOption { type = types.str; default = name; description = "User name."; };
          isSystemUser = mkOption { type = types.bool; default = false; description = "A system user."; };
          isNormalUser = mkOption { type = types.bool; default = false; description = "A normal user."; };
          group = mkOption { type = types.str; default = ""; description = "Primary group."; };
          extraGroups = mkOption { type = types.listOf types.str; default = [ ]; description = "Supplementary groups."; };
          description = mkOption { type = types.passwdEntry types.str; default = ""; description = "GECOS field."; };
        };
      }));
      description = "User accounts.";
    };
    groups = mkOption {
      default = { };
      type = types.attrsOf (types.submodule ({ name, ... }: {
        options = {
          name = mkOption { type = types.str; default = name; description = "Group name."; };
          members = mkOption { type = types.listOf types.str; default = [ ]; description = "Members."; };
        };
      }));
      description = "Groups.";
    };
  };
}
