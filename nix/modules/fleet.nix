# Imported by every generated host: the fleet.host option and the platform's services.
{ config, lib, ... }:
{
  imports = [ ../lib/platform-services.nix ];

  options.fleet.host = lib.mkOption {
    type = lib.types.attrs;
    description = "The host's resolved fleet data: generated/hosts/<host>/host.nix.";
  };

  # Tools on the machine (first boot, health checks) read the host's data from here.
  config.environment.etc."fleet/host.json".text = builtins.toJSON config.fleet.host;
}
