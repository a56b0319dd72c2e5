# Evaluates a generated disko.nix through disko's own types (lib/default.nix's toplevel, declared the
# way disko's module.nix declares disko.devices) with nixpkgs' real lib, and returns its scripts and
# NixOS configuration. `loops` (a JSON file, optional) points every disk, partition and stand-in
# device at the test's loop devices, so the scripts run on them and on nothing else.
{ diskoSrc, nixpkgsLib, configFile, loops ? "" }:
let
  lib = import "${nixpkgsLib}/lib";
  # disko's other arguments are NixOS test helpers (defaults <nixpkgs/...>); they are never forced here.
  unused = name: throw "disko's ${name} argument is a NixOS test helper; nothing evaluated here forces it";
  diskoLib = import "${diskoSrc}/lib" {
    inherit lib;
    makeTest = unused "makeTest";
    eval-config = unused "eval-config";
    qemu-common = unused "qemu-common";
  };
  overrides = if loops == "" then { } else builtins.fromJSON (builtins.readFile loops);
  loopModule = { config, ... }: {
    disko.devices = {
      disk = lib.mapAttrs (name: disk: {
        device = lib.mkForce disk.device;
        content.partitions = lib.mapAttrs (partition: _: {
          device = lib.mkForce "${disk.device}p${toString config.disko.devices.disk.${name}.content.partitions.${partition}._index}";
        }) disk.partitions;
      }) (overrides.disk or { });
      mdadm = lib.mapAttrs (name: device: { content.device = lib.mkForce device; }) (overrides.mdadm or { });
      lvm_vg = lib.mapAttrs (vg: lvs: {
        lvs = lib.mapAttrs (lv: device: { content.device = lib.mkForce device; }) lvs;
      }) (overrides.lvm_vg or { });
    };
  };
  evaluated = lib.evalModules {
    modules = [
      { options.disko.devices = lib.mkOption { type = diskoLib.toplevel; default = { }; }; }
      configFile
      loopModule
    ];
  };
  devices = evaluated.config.disko.devices;
in
{
  create = devices._create;
  mount = devices._mount;
  unmount = devices._unmount;
  # _config holds mkMerge/mkIf values: pure data, forced here and merged by the boot evaluation.
  config = devices._config;
  partitions = lib.mapAttrs (_: disk: lib.mapAttrs (_: p: { inherit (p) _index label type size; }) disk.content.partitions) devices.disk;
  mdadm = lib.attrNames devices.mdadm;
  lvs = lib.mapAttrs (_: vg: lib.attrNames vg.lvs) devices.lvm_vg;
}
