# A platform service as a NixOS module: options under platform.services.<name> and a hardened
# systemd unit. Each file in ../services is one call of this function.
{ name, description }:
{ config, lib, pkgs, ... }:
let
  cfg = config.platform.services.${name};
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
      type = lib.types.attrsOf lib.types.port;
      default = { };
      description = "Named TCP ports, from the fleet's service catalogue (fleet.yaml services).";
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

    networking.firewall.allowedTCPPorts = lib.attrValues cfg.ports;

    # The service reads its ports and the host's identity from here.
    environment.etc."photon/${name}.json".text = builtins.toJSON {
      inherit name;
      inherit (cfg) ports;
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
      };
    };
  };
}
