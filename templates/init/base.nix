# Your own NixOS module for every host (fleet/profiles/base.yaml names it): SSH with keys only,
# flakes, a firewall. fleetc's own modules (generated/fleetc/) are imported beside it.
{ lib, ... }:
{
  services.openssh = {
    enable = true;
    settings = {
      PasswordAuthentication = false;
      KbdInteractiveAuthentication = false;
      PermitRootLogin = "prohibit-password";
    };
  };

  nix.settings.experimental-features = [ "nix-command" "flakes" ];
  networking.firewall.enable = true;
  documentation.enable = lib.mkDefault false;
}
