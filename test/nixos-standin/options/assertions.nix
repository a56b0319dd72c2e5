# Stand-in for nixos/modules/misc/assertions.nix: assertions (a list of { assertion; message; })
# and warnings (strings). Declared only: NixOS checks them in nixos/modules/system/activation/top-level.nix,
# which is not here; test/disko/nix/boot-eval.nix evaluates the boot loader's.
{ lib, ... }:
{
  options = {
    assertions = lib.mkOption { type = lib.types.listOf lib.types.unspecified; default = [ ]; internal = true; };
    warnings = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; internal = true; };
  };
}
