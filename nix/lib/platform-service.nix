# A platform service as a NixOS module: options under platform.services.<name> and a hardened
# systemd unit whose ports are opened per device and protocol. Each file in ../services is one call of
# this function.
{ name, description }:
{ config, lib, pkgs, ... }:
let
  cfg = config.platform.services.${name};

  portOptions = {
    port = lib.mkOption { type = lib.types.port; description = "The port number."; };
    protocols = lib.mkOption {
      type = lib.types.listOf (lib.types.enum [ "tcp" "udp" ]);
      default = [ "tcp" ];
      description = "Protocols the service listens on at this port.";
    };
    interfaces = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ ];
      description = "Devices the firewall opens the port on (fleetc lists the host's devices on the port's networks).";
    };
  };

  # networking.firewall.interfaces.<device>.allowed{TCP,UDP}Ports for one port.
  openPort = spec: lib.mkMerge (lib.concatMap (device: map (protocol: {
    ${device}.${if protocol == "tcp" then "allowedTCPPorts" else "allowedUDPPorts"} = [ spec.port ];
  }) spec.protocols) spec.interfaces);

  # Binding a port below 1024 needs CAP_NET_BIND_SERVICE (capabilities(7)); the unit runs as its own
  # user, so it gets that one capability as ambient, and no other in its bounding set.
  bindsPrivileged = lib.any (spec: spec.port < 1024) (lib.attrValues cfg.ports);
in
{
  options.platform.services.${name} = {
    enable = lib.mkEnableOption description;

    package = lib.mkOption {
      type = lib.types.package;
      default = pkgs.${name} or (throw "platform.services.${name}.package: pkgs has no ${name}; add the platform's overlay");
      defaultText = lib.literalExpression "pkgs.${name}";
      description = "Package that provides bin/${name}.";
    };

    ports = lib.mkOption {
      type = lib.types.attrsOf (lib.types.submodule { options = portOptions; });
      default = { };
      description = "Named ports, from the fleet's service catalogue (fleet.yaml services), with the devices they are opened on.";
    };

    after = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ ];
      description = "Platform services that must be running first on this host.";
    };

    extraArgs = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ ];
      description = "Extra command-line arguments.";
    };
  };

  config = lib.mkIf cfg.enable {
    users.users.${name} = {
      isSystemUser = true;
      group = name;
    };
    users.groups.${name} = { };

    networking.firewall.interfaces = lib.mkMerge (map openPort (lib.attrValues cfg.ports));

    # The service reads its ports and the host's identity from here.
    environment.etc."photon/${name}.json".text = builtins.toJSON {
      inherit name;
      ports = lib.mapAttrs (_: spec: spec.port) cfg.ports;
      host = config.fleet.host.name;
      cluster = config.fleet.host.cluster;
    };

    systemd.services.${name} = {
      inherit description;
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
        CapabilityBoundingSet = if bindsPrivileged then [ "CAP_NET_BIND_SERVICE" ] else [ "" ];
        AmbientCapabilities = lib.optionals bindsPrivileged [ "CAP_NET_BIND_SERVICE" ];
      };
    };
  };
}
