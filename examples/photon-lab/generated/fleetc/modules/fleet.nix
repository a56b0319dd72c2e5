# Imported by every generated host: the fleet.host option and the platform's services.
{ config, lib, ... }:
{
  imports = [ ../lib/platform-services.nix ];

  options.fleet.host = lib.mkOption {
    type = lib.types.attrs;
    description = "The host's resolved fleet data: generated/hosts/<host>/host.nix.";
  };

  config = lib.mkMerge [
    # Tools on the machine (first boot, health checks) read the host's data from here.
    { environment.etc."fleet/host.json".text = builtins.toJSON config.fleet.host; }
    # deploy.cache with a publicKey: apply's `nix copy --substitute-on-destination` makes the host
    # fetch from the fleet's cache, which it must list and trust. NixOS adds cache.nixos.org with
    # mkAfter (nixos/modules/config/nix.nix), so these definitions are merged with it, not replacing it.
    (lib.mkIf (config.fleet.host ? nixCache) {
      nix.settings.substituters = [ config.fleet.host.nixCache.substituter ];
      nix.settings.trusted-public-keys = [ config.fleet.host.nixCache.publicKey ];
    })
  ];
}
