# Imported by every generated host: the fleet.host option and the platform's services.
{ config, lib, ... }:
let
  ssh = config.fleet.host.ssh;
in
{
  imports = [ ../lib/platform-services.nix ];

  options.fleet.host = lib.mkOption {
    type = lib.types.attrs;
    description = "The host's resolved fleet data: generated/hosts/<host>/host.nix.";
  };

  config = lib.mkMerge [
    # Tools on the machine (first boot, health checks) read the host's data from here.
    { environment.etc."fleet/host.json".text = builtins.toJSON config.fleet.host; }
    # apply reaches the installed system as it reached the installer (images/netboot.nix): sshd on
    # the host's ssh.port, the fleet's keys for its ssh.user, keys only unless a profile says otherwise.
    # openFirewall (default true, nixos/modules/services/networking/ssh/sshd.nix) opens the port.
    {
      services.openssh = {
        enable = true;
        ports = [ ssh.port ];
        settings.PasswordAuthentication = lib.mkDefault false;
        settings.KbdInteractiveAuthentication = lib.mkDefault false;
      };
      users.users.${ssh.user}.openssh.authorizedKeys.keys = config.fleet.host.authorizedKeys;
    }
    # A deploy user other than root: apply runs its commands through `sudo -n` and nixos-rebuild with
    # --use-remote-sudo, and copies closures to it (a trusted user may add unsigned store paths).
    # The rule's shape is security.sudo.extraRules' (nixos/modules/security/sudo.nix).
    (lib.mkIf (ssh.user != "root") {
      users.users.${ssh.user} = { isNormalUser = true; extraGroups = [ "wheel" ]; };
      security.sudo.extraRules = [ { users = [ ssh.user ]; commands = [ { command = "ALL"; options = [ "NOPASSWD" ]; } ]; } ];
      # Defining the list replaces the option's default [ "root" ] (nixos/modules/config/nix.nix), so
      # root is named again.
      nix.settings.trusted-users = [ "root" ssh.user ];
    })
    # deploy.cache with a publicKey: apply's `nix copy --substitute-on-destination` makes the host
    # fetch from the fleet's cache, which it must list and trust. NixOS adds cache.nixos.org with
    # mkAfter (nixos/modules/config/nix.nix), so these definitions are merged with it, not replacing it.
    (lib.mkIf (config.fleet.host ? nixCache) {
      nix.settings.substituters = [ config.fleet.host.nixCache.substituter ];
      nix.settings.trusted-public-keys = [ config.fleet.host.nixCache.publicKey ];
    })
  ];
}
