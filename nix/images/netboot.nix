# What every netboot installer image of the fleet has in common: NixOS's netboot module, SSH that
# the fleet's keys (and only they) can log into, and the tree the boot server publishes as
# images/<profile>/<system>/. The boot server (modules/pxe-server.nix) evaluates it once per profile
# and system with the fleet's data from generated/netboot/installer.json, and the profile's own extra
# modules (services.fleet-pxe.imageModules).
#
# The installer installs nothing by itself: `fleetc apply` waits until it answers on SSH, then runs
# nixos-anywhere against it, which partitions the disks and installs the host (docs/network-boot.md).
{ config, lib, pkgs, modulesPath, ... }:
let
  cfg = config.fleet.netboot;
  inherit (lib) mkOption types;
  inherit (config.system.boot.loader) kernelFile;

  # Its own command line (init=, boot.kernelParams) lives in the image's script, not in fleetc's.
  ipxeScript = pkgs.writeText "netboot.ipxe" (import ./netboot-ipxe.nix { inherit lib; } {
    inherit kernelFile;
    init = "${config.system.build.toplevel}/init";
    inherit (config.boot) kernelParams;
  });
in
{
  imports = [ (modulesPath + "/installer/netboot/netboot-minimal.nix") ];

  options.fleet.netboot = {
    profile = mkOption {
      type = types.str;
      example = "worker";
      description = "The fleet profile whose installer this image is; the boot server serves it as images/<profile>/<system>/.";
    };
    authorizedKeys = mkOption {
      type = types.listOf types.singleLineStr;
      description = "SSH public keys that may log into the installer: the fleet's ssh.authorizedKeys (generated/netboot/installer.json).";
    };
    ssh = {
      ports = mkOption {
        type = types.listOf types.port;
        default = [ 22 ];
        description = "Ports the installer's sshd listens on: every ssh.port of the fleet's hosts, since apply reaches a new host's installer where it will reach the host.";
      };
      users = mkOption {
        type = types.listOf types.str;
        default = [ "root" ];
        description = "Users apply logs in as (every ssh.user of the fleet's hosts); a user other than root gets passwordless sudo through wheel.";
      };
    };
  };

  config = {
    assertions = [
      {
        assertion = cfg.authorizedKeys != [ ];
        message = "fleet.netboot.authorizedKeys is empty: nobody could log into the installer. Add ssh.authorizedKeys to fleet.yaml and run fleetc build.";
      }
    ];

    # Keys only: the fleet's keys are the only way in.
    services.openssh = {
      enable = true;
      inherit (cfg.ssh) ports;
      settings = {
        PasswordAuthentication = false;
        KbdInteractiveAuthentication = false;
        PermitRootLogin = "prohibit-password";
      };
    };
    users.users = lib.genAttrs cfg.ssh.users (user: {
      openssh.authorizedKeys.keys = cfg.authorizedKeys;
    } // lib.optionalAttrs (user != "root") {
      isNormalUser = true;
      extraGroups = [ "wheel" ];
    });

    # What the boot server publishes: images/<profile>/<system>/{netboot.ipxe,<kernel>,initrd}, the
    # tree NixOS's own netboot builds have. The ramdisk is NixOS's (system.build.netbootRamdisk).
    system.build.fleetNetboot = pkgs.linkFarm "fleet-netboot-${cfg.profile}-${pkgs.stdenv.hostPlatform.system}" [
      { name = "netboot.ipxe"; path = ipxeScript; }
      { name = kernelFile; path = "${config.system.build.kernel}/${kernelFile}"; }
      { name = "initrd"; path = "${config.system.build.netbootRamdisk}/initrd"; }
    ];
  };
}
