# What every netboot installer image of the fleet has in common: NixOS's netboot module, the files
# the boot server serves (images/<profile>/<system>/kernel and initrd), and the host identity that
# fleetc's iPXE scripts put on the kernel command line. nix/images/netboot-<profile>.nix imports
# this file with the profile's modules; nix/modules/pxe-server.nix builds and serves the result.
#
#   nix-build '<nixpkgs/nixos>' -I nixos-config=nix/images/netboot-worker.nix -A config.system.build.fleetNetboot
{ config, lib, pkgs, modulesPath, ... }:
let
  # The stage 2 init of this system, as plain text: without the store reference the ramdisk does
  # not carry a second copy of the system (the squashfs already holds it).
  stage2Init = pkgs.writeText "fleet-stage-2-init" (builtins.unsafeDiscardStringContext "${config.system.build.toplevel}/init");

  # The netboot ramdisk, plus the file that names stage 2.
  ramdisk = pkgs.makeInitrdNG {
    name = "fleet-netboot-initrd";
    inherit (config.boot.initrd) compressor;
    prepend = [ "${config.system.build.netbootRamdisk}/initrd" ];
    contents = [ { object = stage2Init; symlink = "/fleet-stage-2-init"; } ];
  };
in
{
  imports = [ (modulesPath + "/installer/netboot/netboot-minimal.nix") ];

  options.fleet.netboot.profile = lib.mkOption {
    type = lib.types.str;
    example = "worker";
    description = "The fleet profile whose installer this image is; the boot server serves it as images/<profile>/<system>/.";
  };

  config = {
    # fleetc's iPXE scripts name the kernel and initrd but no init= (its store path changes with
    # every build): stage 1 links the new root's /init to this system's stage 2 instead.
    boot.initrd.postMountCommands = ''
      if [ -f /fleet-stage-2-init ] && [ ! -e "$targetRoot/init" ]; then
        ln -s "$(cat /fleet-stage-2-init)" "$targetRoot/init"
      fi
    '';

    # The identity iPXE passed (fleet.host, fleet.profile, fleet.mac, fleet.first-boot) as an
    # environment file for the first-boot service. systemd.hostname= has already set the hostname.
    systemd.services.fleet-boot-identity = {
      description = "Record the fleet identity from the kernel command line";
      wantedBy = [ "multi-user.target" ];
      serviceConfig = { Type = "oneshot"; RemainAfterExit = true; };
      script = ''
        mkdir -p /run/fleet
        : > /run/fleet/boot.env
        for word in $(cat /proc/cmdline); do
          case "$word" in
            fleet.host=*) echo "FLEET_HOST=''${word#fleet.host=}" >> /run/fleet/boot.env ;;
            fleet.profile=*) echo "FLEET_PROFILE=''${word#fleet.profile=}" >> /run/fleet/boot.env ;;
            fleet.mac=*) echo "FLEET_MAC=''${word#fleet.mac=}" >> /run/fleet/boot.env ;;
            fleet.first-boot=*) echo "FLEET_FIRST_BOOT_URL=''${word#fleet.first-boot=}" >> /run/fleet/boot.env ;;
          esac
        done
      '';
    };

    # What the boot server publishes: images/<profile>/<system>/{kernel,initrd}.
    system.build.fleetNetboot = pkgs.linkFarm "fleet-netboot-${config.fleet.netboot.profile}-${pkgs.stdenv.hostPlatform.system}" [
      { name = "kernel"; path = "${config.system.build.kernel}/${config.system.boot.loader.kernelFile}"; }
      { name = "initrd"; path = "${ramdisk}/initrd"; }
    ];
  };
}
