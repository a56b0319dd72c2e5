# Netboot installer of profile all-in-one (every service on one machine), served as images/all-in-one/<system>/{kernel,initrd}.
# The installer only identifies the machine, partitions it and installs the host's configuration
# from generated/, so it carries the fleet's base module (SSH with keys, drivers), not the
# profile's services. Add here what this profile's machines need to install (storage drivers, firmware).
{ ... }:
{
  imports = [ ./netboot.nix ../profiles/base.nix ];
  fleet.netboot.profile = "all-in-one";
}
