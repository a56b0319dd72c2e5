# Stand-in for the helpers of nixos/lib/systemd-lib.nix and nixos/lib/systemd-unit-options.nix that the
# option types below need: the unit-name type, the "systemd option" value type and a section check.
# Written for the stand-in (no code copied); the behaviour mirrored is named at each helper.
{ lib }:
let
  inherit (lib) types;
in
rec {
  # nixos/lib/systemd-lib.nix `unitNameType`: a unit name with one of systemd's unit suffixes.
  unitNameType = types.strMatching "[a-zA-Z0-9@%:_.\\-]+[.](service|socket|device|mount|automount|swap|target|path|timer|scope|slice)";

  # nixos/lib/systemd-unit-options.nix `unitOption`: any value; lists from several definitions are
  # concatenated (repeatable directives), single values must agree.
  unitOption = lib.mkOptionType {
    name = "systemd option";
    merge =
      loc: defs:
      let
        kept = lib.filterOverrides defs;
      in
      if lib.any (def: builtins.isList def.value) kept then
        lib.concatMap (def: lib.toList def.value) kept
      else
        lib.mergeEqualOption loc kept;
  };

  # Like checkUnitConfig in nixos/lib/systemd-lib.nix: a section's attribute set passes only when every
  # check returns no error; errors are traced, so the evaluation names the bad directive.
  sectionCheck =
    section: checks: attrs:
    let
      plain = lib.mapAttrs (_: v: if builtins.isAttrs v && (v._type or "") != "" && v ? content then v.content else v) attrs;
      errors = lib.concatMap (check: check section plain) checks;
    in
    errors == [ ] || builtins.trace (lib.concatStringsSep "\n" errors) false;

  oneOf =
    key: allowed: section: attrs:
    lib.optional (attrs ? ${key} && !(builtins.elem attrs.${key} allowed)) "systemd [${section}] ${key}= cannot be ${builtins.toJSON attrs.${key}}";

  onlyKeys =
    allowed: section: attrs:
    let
      unknown = builtins.filter (key: !(builtins.elem key allowed)) (builtins.attrNames attrs);
    in
    lib.optional (unknown != [ ]) "systemd [${section}] has keys the stand-in does not know: ${lib.concatStringsSep " " unknown}";

  # nixos/lib/systemd-lib.nix isByteFormat: digits with an optional K/M/G/T suffix, as a string.
  byteFormat =
    key: section: attrs:
    lib.optional (attrs ? ${key} && !(builtins.isString attrs.${key} && builtins.match "[0-9]+[KMGT]?" attrs.${key} != null)) "systemd [${section}] ${key}= must be a string in byte format [0-9]+[KMGT]";
}
