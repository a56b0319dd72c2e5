# FlashDNS authoritative DNS.
import ../lib/platform-service.nix {
  name = "flashdns";
  description = "FlashDNS authoritative DNS";
}
