# Evaluates nix/modules/first-boot.nix on a first-boot.json with a small stand-in for nixpkgs' lib and
# pkgs (nixpkgs cannot be installed here): this checks the module's own logic — which units it
# defines from the JSON, with which ordering and guards — not the NixOS module system around it.
{ module, configFile }:
let
  lib = {
    mkOption = attrs: attrs;
    mkIf = condition: value: if condition then value else { };
    literalExpression = text: text;
    optional = condition: value: if condition then [ value ] else [ ];
    escapeShellArgs = args: builtins.concatStringsSep " " (map (arg: "'" + builtins.replaceStrings [ "'" ] [ "'\\''" ] arg + "'") args);
    types = {
      bool = "bool";
      path = "path";
      package = "package";
      str = "str";
      nullOr = type: "nullOr ${type}";
    };
  };
  pkgs = {
    nodejs = "/nix/store/00000000000000000000000000000000-nodejs";
    writeShellScriptBin = name: text: { inherit name text; };
  };
  config.fleet.firstBoot = {
    enable = true;
    inherit configFile;
    package = pkgs.nodejs;
    environmentFile = "/run/secrets/first-boot.env";
  };
  result = (import module) { inherit config lib pkgs; };
in
{
  options = builtins.attrNames result.options.fleet.firstBoot;
  units = result.config.systemd.services;
  etc = builtins.attrNames result.config.environment.etc;
  command = (builtins.head result.config.environment.systemPackages).name;
}
