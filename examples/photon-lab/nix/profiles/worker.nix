# Compute machines: KVM, libvirt for plasmavmc, and forwarding for novanet's overlays.
{ ... }:
{
  virtualisation.libvirtd.enable = true;

  boot.kernel.sysctl = {
    "net.ipv4.ip_forward" = 1;
    "net.bridge.bridge-nf-call-iptables" = 0;
  };

  boot.kernelModules = [ "br_netfilter" "vhost_net" ];
}
