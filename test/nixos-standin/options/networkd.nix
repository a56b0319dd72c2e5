# Stand-in for systemd.network.links, declared in nixos/modules/system/boot/networkd.nix
# (attrsOf submodule of linkOptions: enable, matchConfig, linkConfig, extraConfig). networkd.nix writes
# .link files whether or not networkd is enabled ("honored by udev"). Its [Link] check allows a long
# list of systemd.link(5) keys; this stand-in allows only the ones fleetc writes, so an unknown or
# misspelled key fails here, and checks MTUBytes= the way NixOS does (a byte-format string).
{ lib, ... }:
let
  inherit (lib) mkOption types;
  systemd = import ./systemd-lib.nix { inherit lib; };
  checkLink = systemd.sectionCheck "Link" [
    (systemd.onlyKeys [ "Name" "MTUBytes" "MACAddress" "Description" ])
    (systemd.byteFormat "MTUBytes")
  ];
in
{
  options.systemd.network.links = mkOption {
    default = { };
    type = types.attrsOf (types.submodule {
      options = {
        enable = mkOption { default = true; type = types.bool; description = "Whether to write this .link file."; };
        matchConfig = mkOption { default = { }; type = types.attrsOf systemd.unitOption; description = "The [Match] section."; };
        linkConfig = mkOption { default = { }; type = types.addCheck (types.attrsOf systemd.unitOption) checkLink; description = "The [Link] section."; };
        extraConfig = mkOption { default = ""; type = types.lines; description = "Appended to the file."; };
      };
    });
    description = "systemd .link files, applied by udev.";
  };
}
