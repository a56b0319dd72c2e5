# Stand-in for nixos/modules/services/networking/firewall.nix: enable, and the port lists both globally
# and per interface (networking.firewall.interfaces.<device>), lists of `port` (0..65535) as there.
{ lib, ... }:
let
  inherit (lib) mkOption types;
  portLists = {
    allowedTCPPorts = mkOption { default = [ ]; type = types.listOf types.port; apply = ports: lib.unique (builtins.sort builtins.lessThan ports); description = "Open TCP ports."; };
    allowedUDPPorts = mkOption { default = [ ]; type = types.listOf types.port; apply = ports: lib.unique (builtins.sort builtins.lessThan ports); description = "Open UDP ports."; };
  };
in
{
  options.networking.firewall = portLists // {
    enable = mkOption { default = true; type = types.bool; description = "Whether to enable the firewall."; };
    interfaces = mkOption { default = { }; type = types.attrsOf (types.submodule { options = portLists; }); description = "Ports open on one interface."; };
  };
}
