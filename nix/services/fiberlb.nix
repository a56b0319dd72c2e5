# FiberLB layer-4 load balancer.
import ../lib/platform-service.nix {
  name = "fiberlb";
  description = "FiberLB layer-4 load balancer";
}
