# Stand-in for boot.swraid of nixos/modules/tasks/swraid.nix: enable (bool) and mdadmConf (lines).
{ lib, ... }:
{
  options.boot.swraid = {
    enable = lib.mkOption { default = false; type = lib.types.bool; description = "Software RAID support."; };
    mdadmConf = lib.mkOption { default = ""; type = lib.types.lines; description = "mdadm.conf contents."; };
  };
}
