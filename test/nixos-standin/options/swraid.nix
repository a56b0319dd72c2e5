# Stand-in for nixos/modules/tasks/swraid.nix: boot.swraid.enable (bool), boot.swraid.mdadmConf (lines)
# and boot.initrd.services.swraid.enable (bool, the systemd initrd's).
{ lib, ... }:
{
  options.boot.swraid = {
    enable = lib.mkOption { default = false; type = lib.types.bool; description = "Software RAID support."; };
    mdadmConf = lib.mkOption { default = ""; type = lib.types.lines; description = "mdadm.conf contents."; };
  };
  options.boot.initrd.services.swraid.enable = lib.mkOption { default = false; type = lib.types.bool; description = "Software RAID in the systemd initrd."; };
}
