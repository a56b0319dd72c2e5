# Stand-in for the boot loader options fleetc sets: boot.loader.systemd-boot.enable
# (nixos/modules/system/boot/loader/systemd-boot/systemd-boot.nix), boot.loader.efi.canTouchEfiVariables
# (.../loader/efi.nix), boot.loader.grub.enable and zfsSupport (.../loader/grub/grub.nix). All booleans.
{ lib, ... }:
let
  bool = default: description: lib.mkOption { inherit default description; type = lib.types.bool; };
in
{
  options.boot.loader = {
    systemd-boot.enable = bool false "Use systemd-boot.";
    efi.canTouchEfiVariables = bool false "May write EFI variables.";
    grub.enable = bool true "Use GRUB.";
    grub.zfsSupport = bool false "GRUB can read ZFS.";
  };
}
