# The stand-in nixpkgs flake for `--override-input nixpkgs path:…`: its lib is nixpkgs' real lib with a
# lib.nixosSystem built on the real lib.evalModules and the stand-in options and packages (README.md).
{
  outputs = { self }: {
    inherit (import ./default.nix) lib;
  };
}
