// Power and boot control through a machine's BMC. One interface; IPMI and Redfish implement it.
import type { Bmc as BmcSpec, Host } from '../../model/fleet.ts';
import type { EventSink } from '../events.ts';
import type { CommandRunner } from './command.ts';
import { IpmiBmc } from './ipmi.ts';
import { RedfishBmc } from './redfish.ts';

export type PowerState = 'on' | 'off';
export type PowerAction = 'on' | 'off' | 'cycle';

export interface BmcClient {
  powerStatus(): Promise<PowerState>;
  power(action: PowerAction): Promise<void>;
  /** Boot from the network on the next boot only. */
  bootPxeOnce(): Promise<void>;
}

export class BmcError extends Error {}

export interface BmcOptions {
  runner: CommandRunner;
  /** Redfish requests are not processes: they are reported here like commands. */
  emit: EventSink;
  timeoutMs: number;
}

export function bmcFor(host: Host, spec: BmcSpec, options: BmcOptions): BmcClient {
  return spec.kind === 'ipmi' ? new IpmiBmc(host, spec, options) : new RedfishBmc(host, spec, options);
}
