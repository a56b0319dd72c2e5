# The platform's services as NixOS options and hardened systemd units: platform.services.<name>,
# which every generated host module sets from the fleet's service catalogue (fleet.yaml services).
# A service's package is pkgs.<name> (the platform flake's overlay provides it) unless set; its ports
# are opened per device and protocol.
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;

  portOptions = {
    port = mkOption { type = types.port; description = "The port number."; };
    protocols = mkOption {
      type = types.listOf (types.enum [ "tcp" "udp" ]);
      default = [ "tcp" ];
      description = "Protocols the service listens on at this port.";
    };
    interfaces = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "Devices the firewall opens the port on (fleetc lists the host's devices on the port's networks).";
    };
  };

  serviceOptions = { name, ... }: {
    options = {
      enable = lib.mkEnableOption "the platform service ${name}";

      description = mkOption {
        type = types.str;
        default = name;
        description = "What the service is, for its systemd unit.";
      };

      package = mkOption {
        type = types.package;
        default = pkgs.${name} or (throw "platform.services.${name}.package: pkgs has no ${name}; add the platform's overlay (fleet.yaml platform)");
        defaultText = lib.literalExpression "pkgs.<name>";
        description = "Package that provides bin/<name>.";
      };

      ports = mkOption {
        type = types.attrsOf (types.submodule { options = portOptions; });
        default = { };
        description = "Named ports, from the fleet's service catalogue (fleet.yaml services), with the devices they are opened on.";
      };

      after = mkOption {
        type = types.listOf types.str;
        default = [ ];
        description = "Platform services that must be running first on this host.";
      };

      extraArgs = mkOption {
        type = types.listOf types.str;
        default = [ ];
        description = "Extra command-line arguments.";
      };
    };
  };

  enabled = lib.filterAttrs (_: service: service.enable) config.platform.services;
  forEach = f: lib.mapAttrs f enabled;

  # networking.firewall.interfaces.<device>.allowed{TCP,UDP}Ports for one port.
  openPort = spec: lib.concatMap (device: map (protocol: {
    ${device}.${if protocol == "tcp" then "allowedTCPPorts" else "allowedUDPPorts"} = [ spec.port ];
  }) spec.protocols) spec.interfaces;

  # Binding a port below 1024 needs CAP_NET_BIND_SERVICE (capabilities(7)); the unit runs as its own
  # user, so it gets that one capability as ambient, and no other in its bounding set.
  bindsPrivileged = cfg: lib.any (spec: spec.port < 1024) (lib.attrValues cfg.ports);

  unit = name: cfg: {
    inherit (cfg) description;
    wantedBy = [ "multi-user.target" ];
    wants = [ "network-online.target" ];
    after = [ "network-online.target" ] ++ map (dep: "${dep}.service") cfg.after;
    requires = map (dep: "${dep}.service") cfg.after;
    serviceConfig = {
      ExecStart = lib.escapeShellArgs ([ "${cfg.package}/bin/${name}" "--config" "/etc/photon/${name}.json" ] ++ cfg.extraArgs);
      User = name;
      Group = name;
      StateDirectory = name;
      Restart = "on-failure";
      RestartSec = 5;
      NoNewPrivileges = true;
      ProtectSystem = "strict";
      ProtectHome = true;
      PrivateTmp = true;
      # The empty string empties the bounding set (systemd.exec(5), CapabilityBoundingSet=).
      CapabilityBoundingSet = if bindsPrivileged cfg then [ "CAP_NET_BIND_SERVICE" ] else [ "" ];
      AmbientCapabilities = lib.optionals (bindsPrivileged cfg) [ "CAP_NET_BIND_SERVICE" ];
    };
  };
in
{
  options.platform.services = mkOption {
    type = types.attrsOf (types.submodule serviceOptions);
    default = { };
    description = "The platform services this host runs, by name.";
  };

  # Each option below is defined from the enabled services; none of them feeds back into
  # platform.services, so the module system evaluates them without recursion.
  config = {
    users.users = forEach (name: _: { isSystemUser = true; group = name; });
    users.groups = forEach (_: _: { });

    networking.firewall.interfaces = lib.mkMerge (lib.concatMap (cfg: lib.concatMap openPort (lib.attrValues cfg.ports)) (lib.attrValues enabled));

    # The service reads its ports and the host's identity from here.
    environment.etc = lib.mapAttrs' (name: cfg: lib.nameValuePair "photon/${name}.json" {
      text = builtins.toJSON {
        inherit name;
        ports = lib.mapAttrs (_: spec: spec.port) cfg.ports;
        host = config.fleet.host.name;
        cluster = config.fleet.host.cluster;
      };
    }) enabled;

    systemd.services = forEach unit;
  };
}
