# First boot: runs the steps of this host's first-boot.json (generated/hosts/<host>/) as oneshot
# systemd units — <service>-cluster-join, iam-initial-setup, cluster-health-check — in the file's
# order. A step's marker under /var/lib/fleet-first-boot keeps it from ever running twice; see
# docs/first-boot.md for the order, the log and how to re-run a step.
{ config, lib, pkgs, ... }:
let
  cfg = config.fleet.firstBoot;
  plan = builtins.fromJSON (builtins.readFile cfg.configFile);
  stateDir = "/var/lib/fleet-first-boot";
  configPath = "/etc/fleet/first-boot.json";
  agent = ../first-boot/agent.mjs;

  unitOf = name: "${(builtins.head (builtins.filter (step: step.name == name) plan.steps)).unit}.service";
  serviceUnits = map (service: "${service}.service");

  stepUnit = step: {
    name = step.unit;
    value = {
      description = step.description;
      wantedBy = [ "multi-user.target" ];
      # Steps require the steps before them; the host's own services are only wanted, so a service
      # that fails to start is reported by the agent (in the JSON log) rather than by systemd.
      wants = [ "network-online.target" ] ++ serviceUnits step.localServices;
      after = [ "network-online.target" ] ++ map unitOf step.after ++ serviceUnits step.localServices;
      requires = map unitOf step.after;
      # A completed step leaves its marker; the unit is then skipped (not failed), so the steps
      # after it still start.
      unitConfig.ConditionPathExists = "!${stateDir}/${step.name}.done";
      serviceConfig = {
        Type = "oneshot";
        RemainAfterExit = true;
        ExecStart = lib.escapeShellArgs [ "${cfg.package}/bin/node" "${agent}" "--config" configPath "--step" step.name "--state-dir" stateDir ];
        StateDirectory = "fleet-first-boot";
        StateDirectoryMode = "0700";
        # Secrets referenced as { env: NAME }; "-": a missing file is the agent's to report.
        EnvironmentFile = lib.optional (cfg.environmentFile != null) "-${cfg.environmentFile}";
      };
    };
  };

  # For operators: fleet-first-boot --step NAME runs one step by hand, logging as the unit does.
  command = pkgs.writeShellScriptBin "fleet-first-boot" ''
    exec ${cfg.package}/bin/node ${agent} --config ${configPath} --state-dir ${stateDir} "$@"
  '';
in
{
  options.fleet.firstBoot = {
    enable = lib.mkOption {
      type = lib.types.bool;
      default = true;
      description = "Run the first-boot steps (cluster join, IAM setup, health check) of fleet.firstBoot.configFile.";
    };

    configFile = lib.mkOption {
      type = lib.types.path;
      description = "The host's first-boot.json, as fleetc emits it (generated/hosts/<host>/first-boot.json). It holds secret references only.";
    };

    package = lib.mkOption {
      type = lib.types.package;
      default = pkgs.nodejs;
      defaultText = lib.literalExpression "pkgs.nodejs";
      description = "Node.js (20 or later) that runs the agent, nix/first-boot/agent.mjs.";
    };

    environmentFile = lib.mkOption {
      type = lib.types.nullOr lib.types.str;
      default = null;
      example = "/run/secrets/first-boot.env";
      description = "A systemd EnvironmentFile that sets the variables of secrets referenced as { env: NAME }. A path string, so the secret never enters the Nix store.";
    };
  };

  config = lib.mkIf cfg.enable {
    environment.etc."fleet/first-boot.json".source = cfg.configFile;
    environment.systemPackages = [ command ];
    systemd.services = builtins.listToAttrs (map stepUnit plan.steps);
  };
}
