# Netboot installer of profile base (the common base every profile extends), served as images/base/<system>/{kernel,initrd}.
# The installer only identifies the machine, partitions it and installs the host's configuration
# from generated/, so it carries the fleet's base module (SSH with keys, drivers), not the
# profile's services. Add here what this profile's machines need to install (storage drivers, firmware).
{ ... }:
{
  imports = [ ./netboot.nix ../profiles/base.nix ];
  fleet.netboot.profile = "base";
}
