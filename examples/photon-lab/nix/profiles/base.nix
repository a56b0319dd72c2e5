# Every machine of the fleet: SSH with keys only, flakes, a firewall, and the initrd drivers of
# the fleet's hardware (NVMe, SATA/SAS, virtio for lab VMs).
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

  nix.settings = {
    experimental-features = [ "nix-command" "flakes" ];
    trusted-users = [ "root" ];
  };

  networking.firewall.enable = true;
  services.timesyncd.enable = true;

  boot.initrd.availableKernelModules = [ "nvme" "ahci" "xhci_pci" "sd_mod" "megaraid_sas" "mpt3sas" "virtio_pci" "virtio_blk" "virtio_net" ];

  documentation.enable = lib.mkDefault false;
  services.journald.extraConfig = "SystemMaxUse=2G";
}
