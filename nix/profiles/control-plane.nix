# Control-plane machines: Raft voters, so steady disk latency and no surprise reboots.
{ lib, ... }:
{
  boot.kernel.sysctl = {
    "vm.swappiness" = 10;
    "vm.dirty_background_ratio" = 5;
  };

  # Unattended upgrades would reboot Raft voters at random; fleetc apply rolls them one by one.
  system.autoUpgrade.enable = lib.mkForce false;

  services.journald.extraConfig = lib.mkAfter "Storage=persistent";
}
