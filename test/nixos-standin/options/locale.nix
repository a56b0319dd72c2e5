# Stand-in for time.timeZone of nixos/modules/config/locale.nix: null or a string without spaces.
{ lib, ... }:
{
  options.time.timeZone = lib.mkOption {
    default = null;
    type = lib.types.nullOr (lib.types.addCheck lib.types.str (zone: !lib.hasInfix " " zone));
    description = "The time zone.";
  };
}
