// Redfish over HTTPS: ComputerSystem.Reset and a one-time PXE boot override. TLS is always verified
// (against the BMC's CA file when the fleet names one); there is no insecure mode.
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import type { Bmc, Host } from '../../model/fleet.ts';
import { readSecret } from '../secrets.ts';
import type { BmcClient, BmcOptions, PowerAction, PowerState } from './bmc.ts';
import { BmcError } from './bmc.ts';

const RESET_TYPES: Record<PowerAction, string> = { on: 'On', off: 'ForceOff', cycle: 'PowerCycle' };

export class RedfishBmc implements BmcClient {
  private systemPath: string | undefined;

  constructor(
    private readonly host: Host,
    private readonly spec: Bmc,
    private readonly options: BmcOptions,
  ) {}

  async powerStatus(): Promise<PowerState> {
    if (this.options.runner.dryRun) return this.dryRun('GET', this.systemLabel(), 'on');
    const system = await this.request('GET', await this.system());
    const state = String((system as { PowerState?: unknown }).PowerState ?? '');
    if (state === 'On' || state === 'PoweringOff') return 'on';
    if (state === 'Off' || state === 'PoweringOn') return 'off';
    throw new BmcError(`Redfish: unexpected PowerState ${JSON.stringify(state)}`);
  }

  async power(action: PowerAction): Promise<void> {
    if (this.options.runner.dryRun) return this.dryRun('POST', `${this.systemLabel()}/Actions/ComputerSystem.Reset`, undefined, { ResetType: RESET_TYPES[action] });
    await this.request('POST', `${await this.system()}/Actions/ComputerSystem.Reset`, { ResetType: RESET_TYPES[action] });
  }

  async bootPxeOnce(): Promise<void> {
    const body = { Boot: { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once', ...(this.host.firmware === 'uefi' ? { BootSourceOverrideMode: 'UEFI' } : { BootSourceOverrideMode: 'Legacy' }) } };
    if (this.options.runner.dryRun) return this.dryRun('PATCH', this.systemLabel(), undefined, body);
    await this.request('PATCH', await this.system(), body);
  }

  /** The ComputerSystem: the fleet's systemId, or the only member of /redfish/v1/Systems. */
  private async system(): Promise<string> {
    if (this.systemPath) return this.systemPath;
    if (this.spec.systemId) return (this.systemPath = `/redfish/v1/Systems/${this.spec.systemId}`);
    const collection = (await this.request('GET', '/redfish/v1/Systems')) as { Members?: Array<{ '@odata.id'?: string }> };
    const members = collection.Members ?? [];
    if (members.length !== 1 || !members[0]!['@odata.id']) throw new BmcError(`Redfish: ${members.length} systems on ${this.spec.address}; set bmc.systemId`);
    return (this.systemPath = members[0]!['@odata.id']);
  }

  private systemLabel(): string {
    return this.spec.systemId ? `/redfish/v1/Systems/${this.spec.systemId}` : '/redfish/v1/Systems/<the only member>';
  }

  /** The request as a report line: method, URL and body, never the credentials. */
  private argv(method: string, path: string, body?: unknown): string[] {
    return ['redfish', method, `https://${this.spec.address}:${this.spec.port}${path}`, ...(body === undefined ? [] : [JSON.stringify(body)])];
  }

  private dryRun<T>(method: string, path: string, value: T, body?: unknown): T {
    this.options.emit({ type: 'command', host: this.host.name, argv: this.argv(method, path, body) });
    return value;
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const argv = this.argv(method, path, body);
    this.options.emit({ type: 'command', host: this.host.name, argv });
    const started = performance.now();
    const report = (exitCode: number, output: string) =>
      this.options.emit({ type: 'command-finished', host: this.host.name, argv, exitCode, durationMs: performance.now() - started, timedOut: false, output });
    try {
      const answer = await this.send(method, path, body);
      report(0, JSON.stringify(answer).slice(0, 2_000));
      return answer;
    } catch (error) {
      report(1, (error as Error).message);
      throw error;
    }
  }

  private async send(method: string, path: string, body?: unknown): Promise<unknown> {
    const password = await readSecret(this.spec.password);
    const ca = this.spec.caFile ? await readFile(this.spec.caFile) : undefined;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const request = https.request(
        {
          host: this.spec.address,
          port: this.spec.port,
          path,
          method,
          ca,
          rejectUnauthorized: true,
          timeout: this.options.timeoutMs,
          headers: {
            Authorization: `Basic ${Buffer.from(`${this.spec.user}:${password}`).toString('base64')}`,
            Accept: 'application/json',
            'OData-Version': '4.0',
            ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = response.statusCode ?? 0;
            if (status < 200 || status >= 300) return reject(new BmcError(`Redfish ${method} ${path}: HTTP ${status} ${text.slice(0, 200)}`));
            try {
              resolve(text ? JSON.parse(text) : {});
            } catch {
              reject(new BmcError(`Redfish ${method} ${path}: the answer is not JSON`));
            }
          });
        },
      );
      request.on('timeout', () => request.destroy(new BmcError(`Redfish ${method} ${path}: timed out`)));
      request.on('error', (error) => reject(error instanceof BmcError ? error : new BmcError(`Redfish ${method} ${path}: ${error.message}`)));
      if (payload) request.write(payload);
      request.end();
    });
  }
}
