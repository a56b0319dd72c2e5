# The stand-in package set: real `derivation`s (evaluated, never built: their builder fails) for the
# packages the fleet and fleetc's modules name, the trivial builders the modules call, and overlays
# applied for real (lib.fix over lib.extends, as nixpkgs composes them). Each package exists under the
# same attribute in nixpkgs (file named beside it); pkgs.chainfire and the other platform packages do
# not, so they exist only through an overlay, and reading one without it fails as in nixpkgs.
{ lib, system, overlays ? [ ] }:
let
  # A derivation that evaluates like a package (outPath, name, drvPath) and refuses to build.
  standIn = name: attrs: derivation ({
    inherit name system;
    builder = "/bin/sh";
    args = [ "-c" "echo 'nixos-standin: ${name} is a stand-in and cannot be built' >&2; exit 1" ];
  } // attrs) // { pname = name; meta = { }; };

  base = self: {
    inherit lib;
    stdenv.hostPlatform = lib.systems.elaborate system;

    htop = standIn "htop" { };                  # pkgs/by-name/ht/htop/package.nix
    tcpdump = standIn "tcpdump" { };            # pkgs/by-name/tc/tcpdump/package.nix
    iperf3 = standIn "iperf3" { };              # pkgs/by-name/ip/iperf3/package.nix
    smartmontools = standIn "smartmontools" { }; # pkgs/by-name/sm/smartmontools/package.nix
    ipmitool = standIn "ipmitool" { };          # pkgs/by-name/ip/ipmitool/package.nix
    nodejs = standIn "nodejs" { };              # pkgs/top-level/all-packages.nix (nodejs = nodejs_<LTS>)
    jq = standIn "jq" { };                      # pkgs/by-name/jq/jq/package.nix (the platform stand-in's runtimeInputs)
    python3 = standIn "python3" { };            # pkgs/top-level/all-packages.nix (python3 = python313)
    util-linux = standIn "util-linux" { };      # pkgs/by-name/ut/util-linux/package.nix (the mdadm alert's logger)
    linuxPackages = { kernel = standIn "linux" { }; }; # pkgs/top-level/linux-kernels.nix via all-packages.nix

    # pkgs/build-support/trivial-builders/default.nix
    writeText = name: text: standIn name { inherit text; };
    writeShellScript = name: text: standIn name { inherit text; };
    writeShellScriptBin = name: text: standIn name { inherit text; passthru = "bin/${name}"; };
    writeShellApplication = { name, text, runtimeInputs ? [ ], ... }: standIn name { inherit text runtimeInputs; };
    linkFarm = name: entries: standIn name { entries = builtins.toJSON entries; };
    runCommand = name: env: script: standIn name ({ inherit script; } // builtins.removeAttrs env [ "passthru" "meta" ]);
  };
in
lib.fix (lib.foldl' (lib.flip lib.extends) base overlays)
