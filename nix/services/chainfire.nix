# Chainfire distributed configuration store (Raft).
import ../lib/platform-service.nix {
  name = "chainfire";
  description = "Chainfire distributed configuration store (Raft)";
}
