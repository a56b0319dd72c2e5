# Stand-in for the boot loader options fleetc sets: boot.loader.systemd-boot.enable
# (nixos/modules/system/boot/loader/systemd-boot/systemd-boot.nix), boot.loader.efi.canTouchEfiVariables
# (.../loader/efi.nix), boot.loader.grub.{enable, zfsSupport, devices, efiSupport, efiInstallAsRemovable,
# mirroredBoots} (.../loader/grub/grub.nix; mirroredBoots is a list of { path, efiSysMountPoint,
# efiBootloaderId, devices } there). Only the declarations: grub.nix's own rules (the /boot entry it
# adds from devices, its assertions) are modelled in test/disko/nix/boot-eval.nix.
{ lib, ... }:
let
  inherit (lib) mkOption types;
  bool = default: description: mkOption { inherit default description; type = types.bool; };
in
{
  options.boot.loader = {
    systemd-boot.enable = bool false "Use systemd-boot.";
    efi.canTouchEfiVariables = bool false "May write EFI variables.";
    grub = {
      enable = bool true "Use GRUB.";
      zfsSupport = bool false "GRUB can read ZFS.";
      efiSupport = bool false "GRUB for EFI.";
      efiInstallAsRemovable = bool false "Install GRUB to the removable-media path of the ESP.";
      devices = mkOption { type = types.listOf types.str; default = [ ]; description = "Disks GRUB is installed to (nodev: none)."; };
      mirroredBoots = mkOption {
        default = [ ];
        description = "One GRUB installation per /boot.";
        type = types.listOf (types.submodule {
          options = {
            path = mkOption { type = types.str; };
            efiSysMountPoint = mkOption { type = types.nullOr types.str; default = null; };
            efiBootloaderId = mkOption { type = types.nullOr types.str; default = null; };
            devices = mkOption { type = types.listOf types.str; default = [ ]; };
          };
        });
      };
    };
  };
}
