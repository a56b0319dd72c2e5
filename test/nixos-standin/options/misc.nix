# Stand-ins for single switches fleetc's profiles set, each a bool as in nixpkgs:
# documentation.enable (nixos/modules/misc/documentation.nix), system.autoUpgrade.enable
# (nixos/modules/tasks/auto-upgrade.nix), virtualisation.libvirtd.enable
# (nixos/modules/virtualisation/libvirtd.nix).
{ lib, ... }:
let
  bool = default: description: lib.mkOption { inherit default description; type = lib.types.bool; };
in
{
  options = {
    documentation.enable = bool true "Install documentation.";
    system.autoUpgrade.enable = bool false "Unattended upgrades.";
    virtualisation.libvirtd.enable = bool false "Run libvirtd.";
  };
}
