# Stand-ins for the options of nixos/modules/system/boot/stage-1.nix that disko's configuration
# sets: boot.resumeDevice (a string), boot.initrd.kernelModules (kernel modules loaded in stage 1, a
# list), and fileSystems.<name>.neededForBoot (a bool, added to the fileSystems submodule there).
{ lib, ... }:
let
  inherit (lib) mkOption types;
in
{
  options = {
    boot.resumeDevice = mkOption { type = types.str; default = ""; description = "Device for manual resume attempt during boot."; };
    boot.initrd.kernelModules = mkOption { type = types.listOf types.str; default = [ ]; description = "Kernel modules loaded in the initial ramdisk."; };
    fileSystems = mkOption {
      type = types.attrsOf (types.submodule {
        options.neededForBoot = mkOption { type = types.bool; default = false; description = "Mount in the initial ramdisk."; };
      });
    };
  };
}
