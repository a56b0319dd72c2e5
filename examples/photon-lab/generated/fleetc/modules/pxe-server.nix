# The fleet's network boot server: DHCP (Kea, or ISC dhcpd) configured from generated/dhcp, TFTP for
# the iPXE binaries plain PXE firmware asks for, and HTTP for generated/ipxe and the netboot
# installer images of the fleet's profiles (fleetc's images/netboot.nix, one per profile and system). What it serves —
# the boot URL, the DHCP interfaces, the TFTP file names, which images and which iPXE builds the
# fleet's machines need — is read from generated/netboot/boot-server.json, and the installers carry
# generated/netboot/installer.json, so the fleet YAML stays the only place any of it is written.
# See docs/network-boot.md.
#
#   imports = [ ./generated/fleetc/modules/pxe-server.nix ];
#   services.fleet-pxe = { enable = true; generated = ./generated; };
{ config, lib, pkgs, ... }:
let
  cfg = config.services.fleet-pxe;
  inherit (lib) mkEnableOption mkIf mkOption types;

  server = lib.importJSON (cfg.generated + "/netboot/boot-server.json");
  installer = lib.importJSON (cfg.generated + "/netboot/installer.json");

  # One installer per profile and system. Its platform is set modularly: eval-config's legacy
  # `system` argument is null (nixos/lib/eval-config.nix), nixpkgs.hostPlatform names the system.
  netbootImage = name:
    let
      parts = lib.splitString "/" name;
      profile = builtins.elemAt parts 0;
    in
    (import (pkgs.path + "/nixos/lib/eval-config.nix") {
      system = null;
      modules = [
        ../images/netboot.nix
        { nixpkgs.hostPlatform = builtins.elemAt parts 1; fleet.netboot = installer // { inherit profile; }; }
      ] ++ cfg.imageModules.${profile} or [ ];
    }).config.system.build.fleetNetboot;

  images = lib.genAttrs cfg.images netbootImage // cfg.extraImages;

  # iPXE for the firmware of one architecture: this server's own build when it runs on that
  # architecture, a cross build otherwise (pkgs/by-name/ip/ipxe/package.nix builds undionly.kpxe and
  # the x86_64 ipxe.efi only for x86, the arm64 ipxe.efi only for aarch64).
  platform = pkgs.stdenv.hostPlatform;
  x86Ipxe = if platform.isx86_64 then pkgs.ipxe else pkgs.pkgsCross.gnu64.ipxe;
  arm64Ipxe = if platform.isAarch64 then pkgs.ipxe else pkgs.pkgsCross.aarch64-multiplatform.ipxe;
  # The fleet commit this boot server was built from (the generated flake sets it): served as
  # <boot.http>/fleet-revision, which fleetc apply reads before it network-boots any machine.
  revision = config.system.configurationRevision or null;
  # The tree served under the boot URL's path.
  httpRoot = pkgs.runCommand "fleet-boot-http" { } ''
    mkdir -p $out/images
    cp -r ${cfg.generated + "/ipxe"}/. $out/
    ${lib.optionalString (revision != null) "printf '%s\\n' ${lib.escapeShellArg revision} > $out/fleet-revision"}
    ${lib.concatStrings (lib.mapAttrsToList (name: image: ''
      mkdir -p $out/images/${lib.escapeShellArg (dirOf name)}
      ln -s ${image} $out/images/${lib.escapeShellArg name}
    '') images)}
  '';

  # The TFTP root: the iPXE binaries under the names the DHCP configuration hands out.
  tftpRoot = pkgs.runCommand "fleet-boot-tftp" { } ''
    mkdir -p $out
    ${lib.concatStrings (lib.mapAttrsToList (kind: binary: lib.optionalString (binary != null) ''
      install -D -m 0444 ${binary} $out/${lib.escapeShellArg server.ipxe.${kind}.file}
    '') cfg.ipxe)}
  '';

  # A binary is built only when one of the fleet's machines boots with that firmware.
  ipxeOption = kind: description: default: defaultText: mkOption {
    type = types.nullOr types.path;
    default = if server.ipxe.${kind}.needed then default else null;
    defaultText = lib.literalMD "`${defaultText}` when a host of the fleet boots with this firmware (generated/netboot/boot-server.json), else `null`";
    description = "${description}, served over TFTP under the file name generated/netboot/boot-server.json gives; null serves none.";
  };
in
{
  options.services.fleet-pxe = {
    enable = mkEnableOption "the fleet's network boot server (DHCP, TFTP and HTTP)";

    generated = mkOption {
      type = types.path;
      description = "The fleet's generated/ directory (fleetc build output). It holds references to secrets, never secrets.";
    };

    dhcpServer = mkOption {
      type = types.enum [ "kea" "dhcpd" ];
      default = "kea";
      description = "Which DHCP server runs: Kea (generated/dhcp/kea-dhcp4.json) or ISC dhcpd (generated/dhcp/dhcpd.conf).";
    };

    dhcpdPackage = mkOption {
      type = types.nullOr types.package;
      default = null;
      description = "ISC dhcpd, which nixpkgs no longer ships (end of life); needed only with dhcpServer = \"dhcpd\".";
    };

    images = mkOption {
      type = types.listOf (types.strMatching "[A-Za-z0-9_][A-Za-z0-9._-]*/(x86_64|aarch64)-linux");
      default = server.images;
      defaultText = lib.literalMD "every `<profile>/<system>` a host of the fleet boots (generated/netboot/boot-server.json)";
      example = [ "worker/x86_64-linux" "base/x86_64-linux" ];
      description = "Netboot installers to build and serve, as <profile>/<system> (an image for another architecture needs a builder or binfmt emulation). Add images the fallback menu of unknown machines should offer.";
    };

    imageModules = mkOption {
      type = types.attrsOf (types.listOf types.deferredModule);
      default = { };
      example = lib.literalExpression ''{ worker = [ ./nix/images/worker.nix ]; }'';
      description = "More NixOS modules for the installer of a profile, by profile name: the drivers or firmware its machines need to be installed. Every installer already is fleetc's netboot image with the fleet's SSH keys.";
    };

    extraImages = mkOption {
      type = types.attrsOf types.package;
      default = { };
      example = lib.literalExpression ''{ "worker/aarch64-linux" = prebuiltImage; }'';
      description = "Netboot images by <profile>/<system>, each a directory with netboot.ipxe, the kernel and initrd; they override the built ones.";
    };

    ipxe = {
      bios = ipxeOption "bios" "iPXE for BIOS PXE firmware" "${x86Ipxe}/undionly.kpxe" "\${pkgs.ipxe}/undionly.kpxe (pkgsCross.gnu64 on a server that is not x86_64)";
      uefi = ipxeOption "uefi" "iPXE for x86_64 UEFI firmware" "${x86Ipxe}/ipxe.efi" "\${pkgs.ipxe}/ipxe.efi (pkgsCross.gnu64 on a server that is not x86_64)";
      arm64 = ipxeOption "arm64" "iPXE for aarch64 UEFI firmware" "${arm64Ipxe}/ipxe.efi" "\${pkgs.ipxe}/ipxe.efi (pkgsCross.aarch64-multiplatform on a server that is not aarch64)";
    };
  };

  config = mkIf cfg.enable {
    assertions = [
      {
        assertion = cfg.dhcpServer != "dhcpd" || cfg.dhcpdPackage != null;
        message = "services.fleet-pxe: dhcpServer = \"dhcpd\" needs dhcpdPackage (nixpkgs no longer ships ISC dhcpd); use Kea otherwise.";
      }
      {
        assertion = server.http.scheme == "http";
        message = "services.fleet-pxe serves plain HTTP; the fleet's boot.http must be an http:// URL (put a TLS proxy in front for https).";
      }
    ];

    services.kea.dhcp4 = mkIf (cfg.dhcpServer == "kea") {
      enable = true;
      configFile = cfg.generated + "/dhcp/kea-dhcp4.json";
    };

    systemd.services.fleet-dhcpd = mkIf (cfg.dhcpServer == "dhcpd") {
      description = "ISC dhcpd for the fleet's provisioning networks";
      wantedBy = [ "multi-user.target" ];
      after = [ "network-online.target" ];
      wants = [ "network-online.target" ];
      serviceConfig = {
        ExecStartPre = "${pkgs.coreutils}/bin/touch /var/lib/fleet-dhcpd/dhcpd.leases";
        ExecStart = lib.escapeShellArgs ([ "${cfg.dhcpdPackage}/bin/dhcpd" "-4" "-f" "-cf" "${cfg.generated + "/dhcp/dhcpd.conf"}" "-lf" "/var/lib/fleet-dhcpd/dhcpd.leases" "--no-pid" ]
          ++ lib.filter (name: name != "*") server.dhcp.interfaces);
        StateDirectory = "fleet-dhcpd";
        Restart = "on-failure";
      };
    };

    services.dnsmasq = {
      enable = true;
      resolveLocalQueries = false;
      settings = {
        port = 0; # TFTP only: no DNS, no DHCP
        enable-tftp = true;
        tftp-root = "${tftpRoot}";
      };
    };

    services.nginx = {
      enable = true;
      virtualHosts.fleet-boot = {
        listen = [ { addr = "0.0.0.0"; inherit (server.http) port; } ];
        locations."${server.http.path}/".alias = "${httpRoot}/";
      };
    };

    networking.firewall = {
      allowedUDPPorts = [ 67 69 ];
      allowedTCPPorts = [ server.http.port ];
    };
  };
}
