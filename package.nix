# fleetc as a Nix package: its npm dependencies come from package-lock.json (each locked by its
# integrity hash through importNpmLock, so no aggregate hash is kept by hand), and the committed
# bundle dist/fleetc.cjs is what runs: nothing is built but the dependency tree.
{ lib, buildNpmPackage, importNpmLock }:
buildNpmPackage {
  pname = "fleetc";
  version = (lib.importJSON ./package.json).version;

  # What the npm package ships (package.json "files"), nothing of the development tree.
  src =
    let
      root = toString ./.;
      shipped = [ "package.json" "package-lock.json" "bin" "dist" "schema" "nix" "templates" "actions" "examples" "docs" "README.md" ];
      topLevel = path: builtins.head (lib.splitString "/" (lib.removePrefix "${root}/" (toString path)));
    in
    lib.cleanSourceWith {
      name = "fleetc-source";
      src = ./.;
      filter = path: _type: builtins.elem (topLevel path) shipped;
    };

  npmDeps = importNpmLock { npmRoot = ./.; };
  npmConfigHook = importNpmLock.npmConfigHook;
  # dist/ is committed (npm run build:cli, checked by the tests); no install script is needed either.
  dontNpmBuild = true;
  npmFlags = [ "--ignore-scripts" ];

  meta = {
    description = "Git-driven declarative fleet compiler for bare-metal NixOS";
    license = lib.licenses.mit;
    mainProgram = "fleetc";
    platforms = lib.platforms.linux;
  };
}
