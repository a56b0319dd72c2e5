# k8shost Kubernetes control-plane host agent.
import ../lib/platform-service.nix {
  name = "k8shost";
  description = "k8shost Kubernetes control-plane host agent";
}
