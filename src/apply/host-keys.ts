// Which SSH host key apply pins for a host: the key fleetc generated and installed when it last
// provisioned (or replaced) the machine, recorded with its state — unless the fleet's ssh.hostKey was
// changed since (an operator who pins a key by hand after that means it) — else the fleet's pin.
import type { Host } from '../model/fleet.ts';
import type { HostState } from './state.ts';

export interface RecordedHostKey {
  /** "<type> <base64>", as known_hosts holds it. */
  key: string;
  /** The fleet's ssh.hostKey when the key was recorded (undefined: none was pinned). */
  fleetPin?: string;
  commit: string;
  at: string;
  run: string;
}

export function effectiveHostKey(host: Host, state: HostState | undefined): { key?: string; source?: 'pinned' | 'recorded' } {
  const recorded = state?.hostKey;
  const pin = host.ssh.hostKey;
  if (recorded && (pin === undefined || pin === recorded.fleetPin)) return { key: recorded.key, source: 'recorded' };
  return pin ? { key: pin, source: 'pinned' } : {};
}

/** The host with the key apply pins in place of ssh.hostKey. */
export function withHostKey(host: Host, key: string | undefined): Host {
  if (key === host.ssh.hostKey) return host;
  const { hostKey: _pin, ...ssh } = host.ssh;
  return { ...host, ssh: key === undefined ? ssh : { ...ssh, hostKey: key } };
}
