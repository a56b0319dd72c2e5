# Stand-in for system.stateVersion (str) and system.configurationRevision (null or str) of
# nixos/modules/misc/version.nix; nixos/modules/installer/tools/tools.nix puts the latter into
# nixos-version --json as configurationRevision.
{ lib, ... }:
{
  options.system.stateVersion = lib.mkOption { type = lib.types.str; description = "The NixOS release whose stateful defaults the system keeps."; };
  options.system.configurationRevision = lib.mkOption { type = lib.types.nullOr lib.types.str; default = null; description = "The Git revision of the top-level flake from which this configuration was built."; };
}
