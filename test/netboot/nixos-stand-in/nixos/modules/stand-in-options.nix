# The NixOS options that nix/images/netboot*.nix, nix/profiles/base.nix and
# nix/modules/pxe-server.nix set or read, declared as NixOS declares them (the file of
# NixOS/nixpkgs is named with each), so nixpkgs' real lib.evalModules type-checks every definition
# and an option NixOS does not have is an error. Submodules declare only the options used here.
{ config, options, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.nixpkgs;
  # systemd unit settings: nixos/lib/systemd-unit-options.nix (unitOption)
  unitOption = types.oneOf [ types.bool types.int types.str types.path (types.listOf (types.oneOf [ types.bool types.int types.str types.path ])) ];
in
{
  options = {
    # nixos/modules/misc/nixpkgs.nix
    nixpkgs.hostPlatform = mkOption {
      type = types.either types.str types.attrs;
      apply = lib.systems.elaborate;
    };
    nixpkgs.system = mkOption {
      type = types.str;
      default = throw "Neither nixpkgs.hostPlatform nor the legacy option nixpkgs.system has been set.";
    };

    # nixos/modules/misc/assertions.nix
    assertions = mkOption {
      type = types.listOf types.unspecified;
      default = [ ];
    };

    # nixos/modules/system/build.nix
    system.build = mkOption {
      default = { };
      type = types.submoduleWith { modules = [ { freeformType = types.lazyAttrsOf (types.uniq types.unspecified); } ]; };
    };

    # nixos/modules/system/activation/top-level.nix
    system.boot.loader.kernelFile = mkOption {
      type = types.str;
      default = config._module.args.pkgs.linuxPackages.kernel.target;
    };

    # nixos/modules/system/boot/kernel.nix
    boot.kernelParams = mkOption {
      type = types.listOf (types.strMatching ''([^"[:space:]]|"[^"]*")+'');
      default = [ ];
    };
    boot.consoleLogLevel = mkOption {
      type = types.int;
      default = 4;
    };
    boot.initrd.availableKernelModules = mkOption {
      type = types.listOf types.str;
      default = [ ];
    };

    # nixos/modules/system/boot/stage-1.nix
    boot.initrd.compressor = mkOption {
      type = types.either types.str (types.functionTo types.str);
      default = "zstd";
    };

    # nixos/modules/services/networking/ssh/sshd.nix
    services.openssh = {
      enable = mkOption {
        type = types.bool;
        default = false;
      };
      ports = mkOption {
        type = types.listOf types.port;
        default = [ 22 ];
      };
      openFirewall = mkOption {
        type = types.bool;
        default = true;
      };
      settings = mkOption {
        default = { };
        type = types.submodule {
          freeformType = types.attrsOf (types.nullOr (types.oneOf [ types.bool types.int types.str (types.listOf types.str) ]));
          options = {
            PasswordAuthentication = mkOption {
              type = types.nullOr types.bool;
              default = true;
            };
            KbdInteractiveAuthentication = mkOption {
              type = types.nullOr types.bool;
              default = true;
            };
            PermitRootLogin = mkOption {
              type = types.nullOr (types.enum [ "yes" "without-password" "prohibit-password" "forced-commands-only" "no" ]);
              default = "prohibit-password";
            };
          };
        };
      };
    };

    # nixos/modules/config/users-groups.nix, with sshd.nix's openssh.authorizedKeys
    users.users = mkOption {
      default = { };
      type = types.attrsOf (types.submodule {
        options = {
          isNormalUser = mkOption {
            type = types.bool;
            default = false;
          };
          extraGroups = mkOption {
            type = types.listOf types.str;
            default = [ ];
          };
          openssh.authorizedKeys.keys = mkOption {
            type = types.listOf types.singleLineStr;
            default = [ ];
          };
        };
      });
    };

    # nixos/modules/config/nix.nix
    nix.settings = mkOption {
      default = { };
      type = types.submodule {
        freeformType = types.attrsOf (types.either (types.oneOf [ types.bool types.int types.str ]) (types.listOf types.str));
      };
    };

    # nixos/modules/services/networking/firewall.nix
    networking.firewall = {
      enable = mkOption {
        type = types.bool;
        default = true;
      };
      allowedTCPPorts = mkOption {
        type = types.listOf types.port;
        default = [ ];
      };
      allowedUDPPorts = mkOption {
        type = types.listOf types.port;
        default = [ ];
      };
    };

    # nixos/modules/system/boot/timesyncd.nix
    services.timesyncd.enable = mkOption {
      type = types.bool;
      default = true;
    };

    # nixos/modules/misc/documentation.nix
    documentation.enable = mkOption {
      type = types.bool;
      default = true;
    };

    # nixos/modules/system/boot/systemd/journald.nix
    services.journald.extraConfig = mkOption {
      type = types.lines;
      default = "";
    };

    # nixos/modules/services/networking/kea.nix
    services.kea.dhcp4 = {
      enable = mkOption {
        type = types.bool;
        default = false;
      };
      configFile = mkOption {
        type = types.nullOr types.path;
        default = null;
      };
    };

    # nixos/modules/system/boot/systemd.nix (unit options: nixos/lib/systemd-unit-options.nix)
    systemd.services = mkOption {
      default = { };
      type = types.attrsOf (types.submodule {
        options = {
          description = mkOption {
            type = types.singleLineStr;
            default = "";
          };
          wantedBy = mkOption {
            type = types.listOf types.str;
            default = [ ];
          };
          after = mkOption {
            type = types.listOf types.str;
            default = [ ];
          };
          wants = mkOption {
            type = types.listOf types.str;
            default = [ ];
          };
          serviceConfig = mkOption {
            type = types.attrsOf unitOption;
            default = { };
          };
        };
      });
    };

    # nixos/modules/services/networking/dnsmasq.nix
    services.dnsmasq = {
      enable = mkOption {
        type = types.bool;
        default = false;
      };
      resolveLocalQueries = mkOption {
        type = types.bool;
        default = true;
      };
      settings = mkOption {
        default = { };
        type = types.submodule {
          freeformType = types.attrsOf (types.oneOf [ types.bool types.int types.str (types.listOf types.str) ]);
        };
      };
    };

    # nixos/modules/services/web-servers/nginx/default.nix, vhost-options.nix, location-options.nix
    services.nginx = {
      enable = mkOption {
        type = types.bool;
        default = false;
      };
      virtualHosts = mkOption {
        default = { };
        type = types.attrsOf (types.submodule {
          options = {
            listen = mkOption {
              default = [ ];
              type = types.listOf (types.submodule {
                options = {
                  addr = mkOption { type = types.str; };
                  port = mkOption {
                    type = types.nullOr types.port;
                    default = null;
                  };
                };
              });
            };
            locations = mkOption {
              default = { };
              type = types.attrsOf (types.submodule {
                options.alias = mkOption {
                  type = types.nullOr types.path;
                  default = null;
                };
              });
            };
          };
        });
      };
    };
  };

  config = {
    # nixos/modules/misc/nixpkgs.nix: pkgs for nixpkgs.hostPlatform, or for the legacy nixpkgs.system.
    _module.args.pkgs = import ../.. {
      localSystem = if options.nixpkgs.hostPlatform.isDefined then cfg.hostPlatform.system else cfg.system;
    };

    # nixos/modules/system/boot/kernel.nix
    boot.kernelParams = [ "loglevel=${toString config.boot.consoleLogLevel}" ];
    system.build.kernel = pkgs.linuxPackages.kernel;

    # nixos/modules/system/activation/top-level.nix refuses to build a system whose assertions fail.
    # What the system holds is rendered as sshd.nix writes it: /etc/ssh/authorized_keys.d/<user> of
    # every user with keys, and sshd_config's Port and settings; plus how its platform was chosen.
    system.build.toplevel =
      let
        failed = map (a: a.message) (lib.filter (a: !a.assertion) config.assertions);
        ssh = config.services.openssh;
      in
      if failed != [ ] then throw "Failed assertions:\n- ${lib.concatStringsSep "\n- " failed}"
      else pkgs.runCommand "nixos-system" {
        authorizedKeysD = builtins.toJSON (lib.optionalAttrs ssh.enable (lib.filterAttrs (_: keys: keys != [ ]) (lib.mapAttrs (_: u: u.openssh.authorizedKeys.keys) config.users.users)));
        sshdConfig = builtins.toJSON (lib.optionalAttrs ssh.enable { Port = ssh.ports; } // lib.optionalAttrs ssh.enable ssh.settings);
        users = builtins.toJSON (lib.mapAttrs (_: u: { inherit (u) isNormalUser extraGroups; }) config.users.users);
        platformSetBy = if options.nixpkgs.hostPlatform.isDefined then "nixpkgs.hostPlatform" else "nixpkgs.system (legacy)";
      } "stand-in for the system's toplevel";
  };
}
