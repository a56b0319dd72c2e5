// Where secrets live and who puts them there. A reference says where fleetc apply reads the value on
// the deployer ({ file } or { env }), or that another tool (sops-nix, agenix) keeps it on the host
// ({ host }). Secrets a host needs at first boot are delivered by apply to one persistent directory,
// from where the first-boot units load them as systemd credentials (LoadCredential=).
import type { SecretRef } from './input.ts';

/** On every host: one file per delivered secret, 0400 root, in a 0700 directory (persistent, unlike /run). */
export const CREDENTIALS_DIR = '/var/lib/fleetc/credentials';

export type SecretDelivery = 'fleetc-apply' | 'host';

export interface SecretSource {
  /** The file on the host the unit's LoadCredential= reads. */
  path: string;
  delivery: SecretDelivery;
}

export function secretSource(name: string, ref: SecretRef): SecretSource {
  return 'host' in ref ? { path: ref.host, delivery: 'host' } : { path: `${CREDENTIALS_DIR}/${name}`, delivery: 'fleetc-apply' };
}

/** apply reads { file } and { env } references itself; a { host } reference exists only on the host. */
export function readableByApply(ref: SecretRef): boolean {
  return !('host' in ref);
}
