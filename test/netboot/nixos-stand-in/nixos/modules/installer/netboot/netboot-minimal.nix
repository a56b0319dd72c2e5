# Stand-in for nixos/modules/installer/netboot/netboot-minimal.nix: what it and the modules it
# imports (netboot-base.nix, netboot.nix, profiles/installation-device.nix) give the image that
# nix/images reads or that meets nix/images' own definitions.
#   netboot.nix:              system.build.netbootRamdisk, NixOS's stage 1 plus the store's squashfs
#                             (makeInitrdNG with { source; target; })
#   installation-device.nix:  sshd on and PermitRootLogin = mkDefault "yes", the nixos user in wheel
{ config, lib, pkgs, ... }:
let
  squashfsStore = pkgs.runCommand "squashfs.img" { storeContents = [ config.system.build.toplevel ]; } "stand-in for the squashfs of the store";
in
{
  services.openssh = {
    enable = lib.mkDefault true;
    settings.PermitRootLogin = lib.mkDefault "yes";
  };
  users.users.nixos = {
    isNormalUser = true;
    extraGroups = [ "wheel" "networkmanager" "video" ];
  };

  system.build = {
    initialRamdisk = pkgs.runCommand "initrd" { } "stand-in for stage 1";
    netbootRamdisk = pkgs.makeInitrdNG {
      inherit (config.boot.initrd) compressor;
      prepend = [ "${config.system.build.initialRamdisk}/initrd" ];
      contents = [ { source = squashfsStore; target = "/nix-store.squashfs"; } ];
    };
  };
}
