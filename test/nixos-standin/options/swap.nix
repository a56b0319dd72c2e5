# Stand-in for swapDevices of nixos/modules/config/swap.nix: a list of submodules with the same
# options and types (device, label, size, priority, randomEncryption — a bool coerced to
# { enable, … } —, discardPolicy, options).
{ lib, ... }:
let
  inherit (lib) mkOption types;
  randomEncryption = types.submodule {
    options = {
      enable = mkOption { type = types.bool; default = false; };
      cipher = mkOption { type = types.str; default = "aes-xts-plain64"; };
      source = mkOption { type = types.str; default = "/dev/urandom"; };
      allowDiscards = mkOption { type = types.bool; default = false; };
    };
  };
in
{
  options.swapDevices = mkOption {
    default = [ ];
    description = "The swap devices and swap files.";
    type = types.listOf (types.submodule {
      options = {
        device = mkOption { type = types.str; };
        label = mkOption { type = types.str; };
        size = mkOption { type = types.nullOr types.int; default = null; };
        priority = mkOption { type = types.nullOr types.int; default = null; };
        randomEncryption = mkOption { type = types.coercedTo types.bool (enable: { inherit enable; }) randomEncryption; default = false; };
        discardPolicy = mkOption { type = types.nullOr (types.enum [ "once" "pages" "both" ]); default = null; };
        options = mkOption { type = types.listOf types.nonEmptyStr; default = [ "defaults" ]; };
      };
    });
  };
}
