# Stand-in for environment.systemPackages of nixos/modules/config/system-path.nix (listOf package).
{ lib, ... }:
{
  options.environment.systemPackages = lib.mkOption { default = [ ]; type = lib.types.listOf lib.types.package; description = "Packages on the system PATH."; };
}
