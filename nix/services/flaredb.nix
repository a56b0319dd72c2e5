# FlareDB distributed key-value database (Raft).
import ../lib/platform-service.nix {
  name = "flaredb";
  description = "FlareDB distributed key-value database (Raft)";
}
