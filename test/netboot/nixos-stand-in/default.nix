# Stand-in for a nixpkgs package set: only what nix/images and nix/modules/pxe-server.nix use, for
# evaluating them with nixpkgs' real lib (./lib, unpacked by the test). Each builder makes a real
# derivation that is never built: its environment holds what the real builder would get, so a test
# reads, from `nix show-derivation --recursive`, what would be built, for which platform, from what.
# The platforms are lib.systems' real ones; pkgsCross names the real lib.systems.examples.
{ localSystem, crossSystem ? null }:
let
  lib = import ./lib;
  buildPlatform = lib.systems.elaborate localSystem;
  hostPlatform = if crossSystem == null then buildPlatform else lib.systems.elaborate crossSystem;

  # A derivation is built on the build platform; standInFor says which platform its output runs on.
  drv = name: env: derivation ({
    inherit name;
    system = buildPlatform.system;
    builder = "/bin/sh";
    args = [ "-c" "echo stand-in derivation, never built; exit 1" ];
    standInFor = hostPlatform.system;
  } // env);

  # The binaries pkgs/by-name/ip/ipxe/package.nix installs, by the platform it is built for.
  ipxeFiles =
    lib.optionals hostPlatform.isx86_64 [ "ipxe.efi" "ipxe.efirom" "ipxe-efi.usb" "snp.efi" ]
    ++ lib.optionals hostPlatform.isx86 [ "ipxe.dsk" "ipxe.usb" "ipxe.iso" "ipxe.lkrn" "undionly.kpxe" ]
    ++ lib.optionals hostPlatform.isAarch64 [ "ipxe.efi" "ipxe.efirom" "ipxe-efi.usb" "snp.efi" ];
in
{
  inherit lib;
  path = ./.;
  stdenv = { inherit hostPlatform buildPlatform; };

  ipxe = drv "ipxe" { files = ipxeFiles; };
  pkgsCross = {
    aarch64-multiplatform = import ./. { inherit localSystem; crossSystem = lib.systems.examples.aarch64-multiplatform; };
    gnu64 = import ./. { inherit localSystem; crossSystem = lib.systems.examples.gnu64; };
  };

  # nixpkgs' Linux kernels name their image bzImage on x86 and Image on aarch64.
  linuxPackages.kernel = drv "linux" { } // { target = if hostPlatform.isx86 then "bzImage" else "Image"; };
  coreutils = drv "coreutils" { };

  # pkgs/build-support/trivial-builders: runCommand's script is its buildCommand; writeText keeps
  # the text; linkFarm links each entry's path under its name.
  runCommand = name: env: buildCommand: drv name (env // { inherit buildCommand; });
  writeText = name: text: drv name { inherit text; };
  linkFarm = name: entries: drv name { entries = builtins.toJSON entries; };

  # pkgs/build-support/kernel/make-initrd-ng.nix: `contents` reaches its Rust tool as JSON
  # (make-initrd-ng/src/main.rs parses it as a list of StoreInput).
  makeInitrdNG = { contents, name ? "initrd", prepend ? [ ], compressor ? "gzip", ... }:
    drv name { contents = builtins.toJSON contents; inherit prepend; compressor = toString compressor; };
}
