# The fleet's network boot server: DHCP (Kea, or ISC dhcpd) configured from generated/dhcp, TFTP for
# the iPXE binaries plain PXE firmware asks for, and HTTP for generated/ipxe, the netboot images of
# the fleet's profiles (nix/images/netboot-<profile>.nix) and each host's first-boot file.
# The boot URL, the TFTP file names and the DHCP interfaces are read from generated/dhcp, so the
# fleet YAML stays the only place they are written. See docs/network-boot.md.
#
#   imports = [ ./nix/modules/pxe-server.nix ];
#   services.fleet-pxe = {
#     enable = true;
#     generated = ./generated;
#     profiles = [ "base" "control-plane" "worker" "all-in-one" ];
#   };
{ config, lib, pkgs, ... }:
let
  cfg = config.services.fleet-pxe;
  inherit (lib) mkEnableOption mkIf mkOption types;

  kea = builtins.fromJSON (builtins.readFile (cfg.generated + "/dhcp/kea-dhcp4.json"));
  bootFile = class:
    (lib.findFirst (c: c.name == class) (throw "fleet-pxe: generated/dhcp/kea-dhcp4.json has no client class ${class}; rebuild generated/ with fleetc build") kea.Dhcp4."client-classes")."boot-file-name";

  # http://host[:port][/path]/boot.ipxe, as the DHCP server hands it to iPXE.
  bootUrl = builtins.match "(https?)://[^/:]+(:([0-9]+))?(/.*)?/boot\\.ipxe" (bootFile "ipxe");
  urlPort = if bootUrl == null || builtins.elemAt bootUrl 2 == null then 80 else lib.toInt (builtins.elemAt bootUrl 2);
  urlPath = if bootUrl == null || builtins.elemAt bootUrl 3 == null then "" else builtins.elemAt bootUrl 3;

  # One netboot installer per profile and system, evaluated from nix/images/netboot-<profile>.nix.
  netbootImage = profile: system:
    (import (pkgs.path + "/nixos/lib/eval-config.nix") {
      inherit system;
      modules = [ (../images + "/netboot-${profile}.nix") ];
    }).config.system.build.fleetNetboot;

  images = lib.listToAttrs (lib.concatMap
    (profile: map (system: lib.nameValuePair "${profile}/${system}" (netbootImage profile system)) cfg.systems)
    cfg.profiles) // cfg.extraImages;

  # The tree served under the boot URL's path.
  httpRoot = pkgs.runCommand "fleet-boot-http" { } ''
    mkdir -p $out/images $out/hosts
    cp -r ${cfg.generated + "/ipxe"}/. $out/
    ${lib.concatStrings (lib.mapAttrsToList (name: image: ''
      mkdir -p $out/images/${lib.escapeShellArg name}
      ln -s ${image}/kernel ${image}/initrd $out/images/${lib.escapeShellArg name}/
    '') images)}
    # Each host's first-boot file (written by fleetc into generated/hosts/<host>/first-boot.json).
    for dir in ${cfg.generated + "/hosts"}/*/; do
      host=$(basename "$dir")
      if [ -f "$dir/first-boot.json" ]; then
        mkdir -p "$out/hosts/$host"
        cp "$dir/first-boot.json" "$out/hosts/$host/"
      fi
    done
  '';

  # The TFTP root: the iPXE binaries under the names the DHCP configuration hands out.
  tftpRoot = pkgs.runCommand "fleet-boot-tftp" { } ''
    mkdir -p $out
    install -D -m 0444 ${cfg.ipxe.bios} $out/${lib.escapeShellArg (bootFile "pxe-bios")}
    install -D -m 0444 ${cfg.ipxe.uefi} $out/${lib.escapeShellArg (bootFile "pxe-uefi-x64")}
    ${lib.optionalString (cfg.ipxe.arm64 != null) ''
      install -D -m 0444 ${cfg.ipxe.arm64} $out/${lib.escapeShellArg (bootFile "pxe-uefi-arm64")}
    ''}
  '';

  interfaces = kea.Dhcp4."interfaces-config".interfaces;
  arm64Ipxe = if pkgs.stdenv.hostPlatform.isAarch64 then pkgs.ipxe else pkgs.pkgsCross.aarch64-multiplatform.ipxe;
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

    profiles = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "control-plane" "worker" ];
      description = "Profiles whose netboot images are built and served (each needs nix/images/netboot-<profile>.nix).";
    };

    systems = mkOption {
      type = types.listOf (types.enum [ "x86_64-linux" "aarch64-linux" ]);
      default = [ "x86_64-linux" ];
      description = "Systems to build each profile's netboot image for (aarch64 needs a builder or binfmt emulation).";
    };

    extraImages = mkOption {
      type = types.attrsOf types.package;
      default = { };
      example = lib.literalExpression ''{ "worker/aarch64-linux" = prebuiltImage; }'';
      description = "Netboot images by <profile>/<system>, each a directory with kernel and initrd; they override the built ones.";
    };

    ipxe = {
      bios = mkOption {
        type = types.path;
        default = "${pkgs.ipxe}/undionly.kpxe";
        defaultText = lib.literalExpression ''"''${pkgs.ipxe}/undionly.kpxe"'';
        description = "iPXE for BIOS PXE firmware.";
      };
      uefi = mkOption {
        type = types.path;
        default = "${pkgs.ipxe}/ipxe.efi";
        defaultText = lib.literalExpression ''"''${pkgs.ipxe}/ipxe.efi"'';
        description = "iPXE for x86_64 UEFI firmware.";
      };
      arm64 = mkOption {
        type = types.nullOr types.path;
        default = "${arm64Ipxe}/ipxe.efi";
        defaultText = lib.literalExpression ''"''${pkgs.pkgsCross.aarch64-multiplatform.ipxe}/ipxe.efi"'';
        description = "iPXE for aarch64 UEFI firmware; null when the fleet has no aarch64 machines.";
      };
    };
  };

  config = mkIf cfg.enable {
    assertions = [
      {
        assertion = cfg.dhcpServer != "dhcpd" || cfg.dhcpdPackage != null;
        message = "services.fleet-pxe: dhcpServer = \"dhcpd\" needs dhcpdPackage (nixpkgs no longer ships ISC dhcpd); use Kea otherwise.";
      }
      {
        assertion = bootUrl != null && builtins.elemAt bootUrl 0 == "http";
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
          ++ lib.filter (name: name != "*") interfaces);
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
        listen = [ { addr = "0.0.0.0"; port = urlPort; } ];
        locations."${urlPath}/".alias = "${httpRoot}/";
      };
    };

    networking.firewall = {
      allowedUDPPorts = [ 67 69 ];
      allowedTCPPorts = [ urlPort ];
    };
  };
}
