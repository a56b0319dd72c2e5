# First boot: runs the steps of this host's first-boot.json (generated/hosts/<host>/) as oneshot
# systemd units — <service>-cluster-join, iam-initial-setup, cluster-health-check — in the file's order,
# sandboxed, with their secrets as systemd credentials, restarted with backoff until they succeed. A
# step's marker under /var/lib/fleet-first-boot keeps it from ever running twice; see docs/first-boot.md.
{ config, lib, pkgs, ... }:
let
  cfg = config.fleet.firstBoot;
  plan = builtins.fromJSON (builtins.readFile cfg.configFile);
  stateDir = "/var/lib/fleet-first-boot";
  configPath = "/etc/fleet/first-boot.json";
  agent = ../first-boot/agent.mjs;
  # One dynamic user for every step (the same name shares it), so the state directory keeps its owner.
  user = "fleet-first-boot";

  unitOf = name: "${(builtins.head (builtins.filter (step: step.name == name) plan.steps)).unit}.service";
  serviceUnits = map (service: "${service}.service");

  # LoadCredential=NAME:PATH (systemd.exec(5)): systemd copies the file into the unit's private
  # $CREDENTIALS_DIRECTORY, readable by the unit's user only; the agent reads it there.
  loadCredentials = map (name: "${name}:${plan.secrets.${name}.path}");

  # systemd.exec(5) sandboxing. Not MemoryDenyWriteExecute=: V8's JIT needs writable code pages.
  sandbox = {
    DynamicUser = true;
    User = user;
    StateDirectory = "fleet-first-boot";
    StateDirectoryMode = "0700";
    UMask = "0077";
    NoNewPrivileges = true;
    CapabilityBoundingSet = [ "" ];
    ProtectSystem = "strict";
    ProtectHome = true;
    PrivateTmp = true;
    PrivateDevices = true;
    ProtectKernelTunables = true;
    ProtectKernelModules = true;
    ProtectKernelLogs = true;
    ProtectControlGroups = true;
    ProtectClock = true;
    ProtectHostname = true;
    ProtectProc = "invisible";
    RestrictAddressFamilies = [ "AF_UNIX" "AF_INET" "AF_INET6" ];
    RestrictNamespaces = true;
    RestrictRealtime = true;
    RestrictSUIDSGID = true;
    LockPersonality = true;
    SystemCallArchitectures = "native";
    SystemCallFilter = [ "@system-service" ];
  };

  # systemd.service(5): when the agent gives up (exit 1), restart the step, waiting RestartSec= and
  # growing over RestartSteps= to RestartMaxDelaySec=; RestartMode=direct keeps the unit activating
  # meanwhile, so the steps after it wait instead of failing. Exit 2 (invalid configuration) is final.
  restart = {
    Restart = "on-failure";
    RestartMode = "direct";
    RestartSec = plan.restart.delaySeconds;
    RestartPreventExitStatus = 2;
  } // lib.optionalAttrs (plan.restart.steps > 0) {
    RestartSteps = plan.restart.steps;
    RestartMaxDelaySec = plan.restart.maxDelaySeconds;
  };

  stepUnit = step: {
    name = step.unit;
    value = {
      description = step.description;
      # Steps require the steps before them; the host's own services are only wanted, so a service
      # that fails to start is reported by the agent (in the JSON log) rather than by systemd.
      wants = [ "network-online.target" ] ++ serviceUnits step.localServices;
      after = [ "network-online.target" ] ++ map unitOf step.after ++ serviceUnits step.localServices;
      requires = map unitOf step.after;
      # No start limit: restarts go on until the cluster forms.
      startLimitIntervalSec = 0;
      # A switch must not restart (and then wait for) a step; fleet-first-boot.timer starts the chain.
      restartIfChanged = false;
      # A completed step leaves its marker; the unit is then skipped (not failed), so the steps after
      # it still start.
      unitConfig.ConditionPathExists = "!${stateDir}/${step.name}.done";
      serviceConfig = sandbox // restart // {
        Type = "oneshot";
        RemainAfterExit = true;
        ExecStart = lib.escapeShellArgs [ "${cfg.package}/bin/node" "${agent}" "--config" configPath "--step" step.name "--state-dir" stateDir ];
        LoadCredential = loadCredentials step.credentials;
      };
    };
  };

  lastStep = lib.last plan.steps;

  # For operators: fleet-first-boot --step NAME runs one step by hand, through systemd-run with the
  # host's first-boot credentials and user, logging to the terminal.
  allCredentials = lib.unique (lib.concatMap (step: step.credentials) plan.steps);
  command = pkgs.writeShellScriptBin "fleet-first-boot" ''
    exec systemd-run --quiet --pipe --wait --collect --service-type=exec ${lib.escapeShellArgs (map (p: "--property=${p}") ([ "DynamicUser=yes" "User=${user}" "StateDirectory=fleet-first-boot" ] ++ map (c: "LoadCredential=${c}") (loadCredentials allCredentials)))} \
      ${cfg.package}/bin/node ${agent} --config ${configPath} --state-dir ${stateDir} "$@"
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
      description = "The host's first-boot.json, as fleetc emits it (generated/hosts/<host>/first-boot.json). It names secrets, never holds them.";
    };

    package = lib.mkOption {
      type = lib.types.package;
      default = pkgs.nodejs;
      defaultText = lib.literalExpression "pkgs.nodejs";
      description = "Node.js (20 or later) that runs the agent, nix/first-boot/agent.mjs.";
    };
  };

  config = lib.mkIf cfg.enable {
    environment.etc."fleet/first-boot.json".source = cfg.configFile;
    environment.systemPackages = [ command ];
    systemd.services = builtins.listToAttrs (map stepUnit plan.steps);

    # Starts the chain once per boot, and again when a switch changes it (a changed timer is
    # restarted). Not wanted by multi-user.target: the boot, and a switch, never wait for a step that
    # is still retrying. Starting the last step pulls in the ones before it (Requires=).
    systemd.timers.fleet-first-boot = {
      description = "Start the first-boot steps of ${plan.host}";
      wantedBy = [ "timers.target" ];
      restartTriggers = [ cfg.configFile ];
      timerConfig = {
        OnActiveSec = "1s";
        Unit = "${lastStep.unit}.service";
      };
    };
  };
}
