# Control-plane machines: Raft voters, so steady disk latency and no surprise reboots.
{ lib, ... }:
{
  boot.kernel.sysctl = {
    "vm.swappiness" = 10;
    "vm.dirty_background_ratio" = 5;
  };

  # Unattended upgrades would reboot Raft voters at random; fleetc apply rolls them one by one.
  system.autoUpgrade.enable = lib.mkForce false;

  # Raft voters keep their logs across reboots. The option, not extraConfig: NixOS's journald module
  # already writes Storage= from it (nixos/modules/system/boot/systemd/journald.nix).
  services.journald.storage = "persistent";
}
