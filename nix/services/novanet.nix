# NovaNet virtual network controller.
import ../lib/platform-service.nix {
  name = "novanet";
  description = "NovaNet virtual network controller";
}
