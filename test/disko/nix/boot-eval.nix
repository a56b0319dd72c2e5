# The boot half of a host as NixOS would merge it: disko's own NixOS configuration for the host's
# disko.nix (_config, passed on the way disko's module.nix passes it) together with the `boot`
# settings of the generated host module, evaluated with nixpkgs' real lib.evalModules over
# stand-in declarations of the options involved (each with its type in nixpkgs; an option that is
# not declared fails the evaluation, as on NixOS). The declarations and the two rules of GRUB's
# module that matter here follow nixpkgs nixos/modules/system/boot/loader/grub/grub.nix (read at
# infinixbot/nixpkgs 005c0eef, a mirror of NixOS/nixpkgs): `devices` adds a mirroredBoots entry for
# /boot, and the assertions on duplicated devices and efiInstallAsRemovable. swraid follows
# nixos/modules/tasks/swraid.nix. Nothing else of NixOS is here.
{ diskoSrc, nixpkgsLib, configFile, hostModule, utilLinux }:
let
  lib = import "${nixpkgsLib}/lib";
  inherit (lib) mkOption types;
  disko = import ./disko-eval.nix { inherit diskoSrc nixpkgsLib configFile; };
  # The host module needs pkgs for its mdadm alert script only: writeShellScript gives a store path
  # (as nixpkgs' does) or, for the test to run it, the script's text; util-linux is at utilLinux.
  bootWith = writeShellScript: (import hostModule { inherit lib; pkgs = { inherit writeShellScript; util-linux = utilLinux; }; config = { }; }).boot;
  hostBoot = bootWith (name: text: builtins.toFile name text);
  anything = types.lazyAttrsOf types.anything;
  standins = { config, ... }:
    let
      cfg = config.boot.loader.grub;
      efi = config.boot.loader.efi;
      counts = lib.foldr (device: acc: acc // { ${device} = (acc.${device} or 0) + 1; }) { } (lib.concatMap (b: b.devices) cfg.mirroredBoots);
    in
    {
      options = {
        assertions = mkOption { type = types.listOf anything; default = [ ]; };
        fileSystems = mkOption { type = types.attrsOf (types.submodule { freeformType = anything; options.options = mkOption { type = types.listOf types.str; default = [ ]; }; }); default = { }; };
        swapDevices = mkOption { type = types.listOf anything; default = [ ]; };
        boot = {
          kernelParams = mkOption { type = types.listOf types.str; default = [ ]; };
          kernelModules = mkOption { type = types.listOf types.str; default = [ ]; };
          kernelPackages = mkOption { type = types.raw; default = null; };
          supportedFilesystems = mkOption { type = types.coercedTo (types.listOf types.str) (names: lib.genAttrs names (_: true)) (types.attrsOf types.bool); default = { }; };
          resumeDevice = mkOption { type = types.str; default = ""; };
          initrd.kernelModules = mkOption { type = types.listOf types.str; default = [ ]; };
          swraid.enable = mkOption { type = types.bool; default = false; };
          swraid.mdadmConf = mkOption { type = types.lines; default = ""; };
          loader.efi.canTouchEfiVariables = mkOption { type = types.bool; default = false; };
          loader.efi.efiSysMountPoint = mkOption { type = types.str; default = "/boot"; };
          # NixOS defaults grub.enable to true and systemd-boot sets it to mkDefault false; here it
          # is false unless the configuration enables it.
          loader.systemd-boot.enable = mkOption { type = types.bool; default = false; };
          loader.grub = {
            enable = mkOption { type = types.bool; default = false; };
            device = mkOption { type = types.str; default = ""; };
            devices = mkOption { type = types.listOf types.str; default = [ ]; };
            efiSupport = mkOption { type = types.bool; default = false; };
            efiInstallAsRemovable = mkOption { type = types.bool; default = false; };
            zfsSupport = mkOption { type = types.bool; default = false; };
            mirroredBoots = mkOption {
              default = [ ];
              type = types.listOf (types.submodule {
                options = {
                  path = mkOption { type = types.str; };
                  efiSysMountPoint = mkOption { type = types.nullOr types.str; default = null; };
                  efiBootloaderId = mkOption { type = types.nullOr types.str; default = null; };
                  devices = mkOption { type = types.listOf types.str; default = [ ]; };
                };
              });
            };
          };
        };
      };
      config = lib.mkIf cfg.enable {
        boot.loader.grub.devices = lib.optional (cfg.device != "") cfg.device;
        boot.loader.grub.mirroredBoots = lib.optionals (cfg.devices != [ ]) [
          { path = "/boot"; inherit (cfg) devices; inherit (efi) efiSysMountPoint; }
        ];
        assertions = [
          { assertion = cfg.mirroredBoots != [ ]; message = "You must set the option boot.loader.grub.devices or boot.loader.grub.mirroredBoots to make the system bootable."; }
          { assertion = cfg.efiSupport || lib.all (c: c < 2) (lib.mapAttrsToList (n: c: if n == "nodev" then 0 else c) counts); message = "You cannot have duplicated devices in mirroredBoots"; }
          { assertion = cfg.efiInstallAsRemovable -> cfg.efiSupport; message = "efiInstallAsRemovable needs efiSupport"; }
          { assertion = cfg.efiInstallAsRemovable -> !efi.canTouchEfiVariables; message = "efiInstallAsRemovable needs canTouchEfiVariables off"; }
        ] ++ lib.concatMap (b: [
          { assertion = b.devices != [ ]; message = "A boot path cannot have an empty devices string in ${b.path}"; }
          { assertion = lib.hasPrefix "/" b.path; message = "Boot paths must be absolute, not ${b.path}"; }
        ] ++ map (device: { assertion = device == "nodev" || lib.hasPrefix "/" device; message = "GRUB devices must be absolute paths, not ${device} in ${b.path}"; }) b.devices) cfg.mirroredBoots
        # Every NixOS boot loader sets system.boot.loader.id, an option that takes one definition.
        ++ [ { assertion = !config.boot.loader.systemd-boot.enable; message = "two boot loaders enabled"; } ];
      };
    };
  evaluated = lib.evalModules {
    modules = [
      standins
      {
        fileSystems = disko.config.fileSystems or { };
        boot = disko.config.boot or { };
        swapDevices = disko.config.swapDevices or [ ];
      }
      { boot = hostBoot; }
    ];
  };
  inherit (evaluated.config) boot;
in
{
  failedAssertions = map (a: a.message) (lib.filter (a: !a.assertion) evaluated.config.assertions);
  loader = {
    systemdBoot = boot.loader.systemd-boot.enable;
    canTouchEfiVariables = boot.loader.efi.canTouchEfiVariables;
    grub = { inherit (boot.loader.grub) enable devices efiSupport efiInstallAsRemovable zfsSupport; mirroredBoots = map (b: { inherit (b) path devices; }) boot.loader.grub.mirroredBoots; };
  };
  fileSystems = lib.mapAttrs (_: fs: { inherit (fs) fsType device options; }) evaluated.config.fileSystems;
  swraid = {
    inherit (boot.swraid) enable mdadmConf;
    program = if boot.swraid.enable then lib.removePrefix "PROGRAM " (bootWith (_: text: text)).swraid.mdadmConf else null;
  };
}
