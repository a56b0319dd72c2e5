# LightningStor S3-compatible object storage.
import ../lib/platform-service.nix {
  name = "lightningstor";
  description = "LightningStor S3-compatible object storage";
}
