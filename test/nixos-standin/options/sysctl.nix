# Stand-in for boot.kernel.sysctl of nixos/modules/config/sysctl.nix: an attribute set of values that
# are booleans, strings, integers or null (one definition wins, as with the real sysctlOption).
{ lib, ... }:
let
  sysctlValue = lib.mkOptionType {
    name = "sysctl option value";
    check = value: builtins.isBool value || builtins.isString value || builtins.isInt value || value == null;
    merge = loc: defs: lib.mergeOneOption loc (lib.filterOverrides defs);
  };
in
{
  options.boot.kernel.sysctl = lib.mkOption { default = { }; type = lib.types.attrsOf sysctlValue; description = "sysctl settings."; };
}
