# Netboot installer of profile all-in-one (every service on one machine), served as images/all-in-one/<system>/.
# The installer only waits for `fleetc apply`, whose nixos-anywhere logs in over SSH, partitions the
# disks and installs the host; so it carries the fleet's base module (SSH with keys, drivers), not
# the profile's services. Add here what this profile's machines need to be installed (storage
# drivers, firmware).
{ ... }:
{
  imports = [ ./netboot.nix ../profiles/base.nix ];
  fleet.netboot.profile = "all-in-one";
}
