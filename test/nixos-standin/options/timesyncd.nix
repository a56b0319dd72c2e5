# Stand-in for services.timesyncd.enable of nixos/modules/system/boot/timesyncd.nix.
{ lib, ... }:
{
  options.services.timesyncd.enable = lib.mkOption { default = true; type = lib.types.bool; description = "Whether to run systemd-timesyncd."; };
}
