# Stand-in for security.sudo.extraRules of nixos/modules/security/sudo.nix: a list of rules, each naming
# users or groups and the commands they may run, a command a string or { command; options; } with the
# options sudoers knows.
{ lib, ... }:
let
  inherit (lib) mkOption types;
  command = types.submodule {
    options = {
      command = mkOption { type = types.str; description = "The command, or ALL."; };
      options = mkOption {
        type = types.listOf (types.enum [ "NOPASSWD" "PASSWD" "NOEXEC" "EXEC" "SETENV" "NOSETENV" "LOG_INPUT" "NOLOG_INPUT" "LOG_OUTPUT" "NOLOG_OUTPUT" ]);
        default = [ ];
        description = "sudoers tags.";
      };
    };
  };
in
{
  options.security.sudo.extraRules = mkOption {
    default = [ ];
    type = types.listOf (types.submodule {
      options = {
        users = mkOption { type = types.listOf (types.either types.str types.int); default = [ ]; description = "Users the rule applies to."; };
        groups = mkOption { type = types.listOf (types.either types.str types.int); default = [ ]; description = "Groups the rule applies to."; };
        host = mkOption { type = types.str; default = "ALL"; description = "Host the rule applies on."; };
        runAs = mkOption { type = types.str; default = "ALL:ALL"; description = "Who the commands run as."; };
        commands = mkOption { type = types.listOf (types.either types.str command); description = "Commands the rule allows."; };
      };
    });
    description = "Rules added to sudoers.";
  };
}
