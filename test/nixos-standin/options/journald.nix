# Stand-in for nixos/modules/system/boot/systemd/journald.nix: services.journald.storage (an enum,
# default "persistent") and extraConfig (lines). Like the real module it writes /etc/systemd/journald.conf
# as a [Journal] section with Storage= from the option followed by extraConfig, so a test can see a
# directive given twice.
{ config, lib, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.services.journald;
in
{
  options.services.journald = {
    storage = mkOption { default = "persistent"; type = types.enum [ "persistent" "volatile" "auto" "none" ]; description = "Storage= of journald.conf."; };
    extraConfig = mkOption { default = ""; type = types.lines; description = "Appended to journald.conf."; };
  };
  config.environment.etc."systemd/journald.conf".text = ''
    [Journal]
    Storage=${cfg.storage}
    ${cfg.extraConfig}
  '';
}
