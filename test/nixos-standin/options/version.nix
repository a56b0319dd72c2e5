# Stand-in for system.stateVersion of nixos/modules/misc/version.nix (str).
{ lib, ... }:
{
  options.system.stateVersion = lib.mkOption { type = lib.types.str; description = "The NixOS release whose stateful defaults the system keeps."; };
}
