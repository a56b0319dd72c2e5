# Stand-in for nixos/modules/services/networking/ssh/sshd.nix: services.openssh.enable, ports,
# openFirewall, settings (a freeform submodule with the typed keys fleetc sets) and
# users.users.<name>.openssh.authorizedKeys.keys; as there, an enabled sshd opens its ports in the
# firewall when openFirewall is set.
{ config, lib, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.services.openssh;
in
{
  options.services.openssh = {
    enable = mkOption { default = false; type = types.bool; description = "Whether to run sshd."; };
    ports = mkOption { default = [ 22 ]; type = types.listOf types.port; description = "Ports sshd listens on."; };
    openFirewall = mkOption { default = true; type = types.bool; description = "Whether to open the ports in the firewall."; };
    settings = mkOption {
      default = { };
      type = types.submodule {
        freeformType = types.attrsOf (types.nullOr (types.oneOf [ types.bool types.int types.str (types.listOf types.str) ]));
        options = {
          PasswordAuthentication = mkOption { type = types.bool; default = true; description = "Password logins."; };
          KbdInteractiveAuthentication = mkOption { type = types.bool; default = true; description = "Keyboard-interactive logins."; };
          PermitRootLogin = mkOption {
            type = types.enum [ "yes" "without-password" "prohibit-password" "forced-commands-only" "no" ];
            default = "prohibit-password";
            description = "Root logins.";
          };
        };
      };
      description = "sshd_config settings.";
    };
  };
  options.users.users = mkOption {
    type = types.attrsOf (types.submodule {
      options.openssh.authorizedKeys.keys = mkOption { type = types.listOf types.singleLineStr; default = [ ]; description = "Authorized public keys."; };
    });
  };
  config = lib.mkIf cfg.enable {
    networking.firewall.allowedTCPPorts = lib.mkIf cfg.openFirewall cfg.ports;
  };
}
