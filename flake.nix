# fleetc itself as a flake: the CLI as a package and an app (`nix run github:<owner>/fleetc -- build`),
# and a development shell with what the tests drive. A fleet repository does not need it: fleetc
# writes its own Nix into each fleet's generated/fleetc/.
{
  description = "fleetc: a Git-driven declarative fleet compiler for bare-metal NixOS";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      packages = forAllSystems (pkgs: rec {
        fleetc = pkgs.callPackage ./package.nix { };
        default = fleetc;
      });

      apps = forAllSystems (pkgs: rec {
        fleetc = { type = "app"; program = "${self.packages.${pkgs.stdenv.hostPlatform.system}.fleetc}/bin/fleetc"; };
        default = fleetc;
      });

      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          # Node.js (fleetc needs 20 or later) and git; the consumers its tests run (scripts/install-test-tools.sh).
          packages = [ pkgs.nodejs pkgs.git pkgs.kea pkgs.dnsmasq pkgs.qemu pkgs.ipxe pkgs.ipmitool pkgs.openssh pkgs.gptfdisk pkgs.shellcheck ];
        };
      });
    };
}
