# Stand-in for nixos/modules/system/boot/kernel.nix: boot.kernelParams (strings without unquoted
# spaces, NixOS's kernelParam type), boot.kernelModules, boot.initrd.availableKernelModules (listOf str)
# and boot.kernelPackages (raw). The real module also adds its own params (loglevel=) and modules; the
# stand-in adds none.
{ lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
in
{
  options.boot = {
    kernelParams = mkOption {
      default = [ ];
      type = types.listOf (types.strMatching ''([^"[:space:]]|"[^"]*")+'' // { name = "kernelParam"; });
      description = "Kernel command line.";
    };
    kernelModules = mkOption { default = [ ]; type = types.listOf types.str; description = "Modules loaded in stage 2."; };
    initrd.availableKernelModules = mkOption { default = [ ]; type = types.listOf types.str; description = "Modules in the initrd."; };
    kernelPackages = mkOption { default = pkgs.linuxPackages; type = types.raw; description = "The kernel package set."; };
  };
}
