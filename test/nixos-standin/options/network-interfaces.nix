# Stand-in for the networking options of nixos/modules/tasks/network-interfaces.nix that fleetc sets:
# hostName (the DNS-label check NixOS applies), domain, hostId, useDHCP, nameservers, defaultGateway
# (a string or { address, interface, metric }), vlans and interfaces (with ipv4.addresses, useDHCP,
# mtu). The scripted backend (network-interfaces-scripted.nix) turns interfaces.<name>.mtu into its own
# 40-<name>.link; the stand-in does not generate that file (the tests model it, naming that file).
{ lib, ... }:
let
  inherit (lib) mkOption types;
  addressOptions = {
    address = mkOption { type = types.str; description = "IPv4 address."; };
    prefixLength = mkOption { type = types.addCheck types.int (n: n >= 0 && n <= 32); description = "Prefix length."; };
  };
  interfaceOptions = { name, ... }: {
    options = {
      name = mkOption { type = types.str; default = name; description = "Interface name."; };
      useDHCP = mkOption { type = types.nullOr types.bool; default = null; description = "DHCP on this interface."; };
      ipv4.addresses = mkOption { type = types.listOf (types.submodule { options = addressOptions; }); default = [ ]; description = "Static IPv4 addresses."; };
      mtu = mkOption { type = types.nullOr types.int; default = null; description = "MTU of the interface."; };
    };
  };
  gatewayOptions = {
    address = mkOption { type = types.str; description = "Gateway address."; };
    interface = mkOption { type = types.nullOr types.str; default = null; description = "Interface of the route."; };
    metric = mkOption { type = types.nullOr types.int; default = null; description = "Route metric."; };
  };
in
{
  options.networking = {
    hostName = mkOption {
      default = "nixos";
      type = types.strMatching "^$|^[[:alnum:]]([[:alnum:]_-]{0,61}[[:alnum:]])?$";
      description = "The host name.";
    };
    domain = mkOption { default = null; type = types.nullOr types.str; description = "The domain."; };
    hostId = mkOption { default = null; type = types.nullOr types.str; description = "32-bit host id (8 hex digits)."; };
    useDHCP = mkOption { default = true; type = types.bool; description = "DHCP on every interface not configured otherwise."; };
    nameservers = mkOption { default = [ ]; type = types.listOf types.str; description = "DNS resolvers."; };
    defaultGateway = mkOption {
      default = null;
      type = types.nullOr (types.coercedTo types.str (address: { inherit address; }) (types.submodule { options = gatewayOptions; }));
      description = "The default IPv4 gateway.";
    };
    vlans = mkOption {
      default = { };
      type = types.attrsOf (types.submodule {
        options = {
          id = mkOption { type = types.int; description = "VLAN id."; };
          interface = mkOption { type = types.str; description = "Parent interface."; };
        };
      });
      description = "802.1Q VLAN interfaces.";
    };
    interfaces = mkOption { default = { }; type = types.attrsOf (types.submodule interfaceOptions); description = "Per-interface settings."; };
  };
}
