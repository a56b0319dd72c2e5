# Stand-in for systemd.services and systemd.timers, declared in nixos/modules/system/boot/systemd.nix
# with the unit types of nixos/lib/systemd-types.nix (`services`, `timers`: attrsOf submodule) and the
# unit options of nixos/lib/systemd-unit-options.nix. Only the unit options fleetc's modules set are
# declared, with the same names and types; any other option inside a unit is an error here.
{ lib, ... }:
let
  inherit (lib) mkOption types;
  systemd = import ./systemd-lib.nix { inherit lib; };
  inherit (systemd) unitNameType unitOption;

  units = description: mkOption {
    default = [ ];
    type = types.listOf unitNameType;
    inherit description;
  };

  # commonUnitOptions and sharedOptions of systemd-unit-options.nix (the part fleetc uses).
  commonUnitOptions = {
    enable = mkOption { default = true; type = types.bool; description = "Whether the unit is enabled."; };
    description = mkOption { default = ""; type = types.singleLineStr; description = "Description= of the unit."; };
    wantedBy = units "Units that want this unit.";
    requiredBy = units "Units that require this unit.";
    wants = units "Wants=";
    requires = units "Requires=";
    after = units "After=";
    before = units "Before=";
    unitConfig = mkOption { default = { }; type = types.attrsOf unitOption; description = "The [Unit] section."; };
    startLimitIntervalSec = mkOption { type = types.int; description = "StartLimitIntervalSec= of [Unit]."; };
    startLimitBurst = mkOption { type = types.int; description = "StartLimitBurst= of [Unit]."; };
    # stage2CommonUnitOptions: a changed item makes a switch restart the unit.
    restartTriggers = mkOption { default = [ ]; type = types.listOf types.unspecified; description = "Restart the unit when these change."; };
  };

  # systemd-unit-options.nix checkService: the values of Type= and Restart= NixOS itself checks.
  checkService = systemd.sectionCheck "Service" [
    (systemd.oneOf "Type" [ "exec" "simple" "forking" "oneshot" "dbus" "notify" "notify-reload" "idle" ])
    (systemd.oneOf "Restart" [ "no" "on-success" "on-failure" "on-abnormal" "on-abort" "always" ])
  ];

  serviceOptions = commonUnitOptions // {
    serviceConfig = mkOption { default = { }; type = types.addCheck (types.attrsOf unitOption) checkService; description = "The [Service] section."; };
    restartIfChanged = mkOption { default = true; type = types.bool; description = "Restart the unit when a switch changes it."; };
  };

  timerOptions = commonUnitOptions // {
    timerConfig = mkOption { default = { }; type = types.attrsOf unitOption; description = "The [Timer] section."; };
  };
in
{
  options.systemd = {
    services = mkOption {
      default = { };
      type = types.attrsOf (types.submodule { options = serviceOptions; });
      description = "systemd services.";
    };
    timers = mkOption {
      default = { };
      type = types.attrsOf (types.submodule { options = timerOptions; });
      description = "systemd timers.";
    };
  };
}
