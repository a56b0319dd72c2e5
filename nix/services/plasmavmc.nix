# PlasmaVMC virtual machine controller.
import ../lib/platform-service.nix {
  name = "plasmavmc";
  description = "PlasmaVMC virtual machine controller";
}
