// IPMI over LAN with ipmitool. The password never reaches the command line (/proc/*/cmdline is
// world-readable): a file reference is passed with -f, an environment reference through -E.
import type { Bmc, Host } from '../../model/fleet.ts';
import { readSecret } from '../secrets.ts';
import type { BmcClient, BmcOptions, PowerAction, PowerState } from './bmc.ts';
import { BmcError } from './bmc.ts';

export class IpmiBmc implements BmcClient {
  constructor(
    private readonly host: Host,
    private readonly spec: Bmc,
    private readonly options: BmcOptions,
  ) {}

  async powerStatus(): Promise<PowerState> {
    const output = await this.ipmitool(['chassis', 'power', 'status']);
    if (this.options.runner.dryRun) return 'on';
    if (/Chassis Power is on/i.test(output)) return 'on';
    if (/Chassis Power is off/i.test(output)) return 'off';
    throw new BmcError(`ipmitool: unexpected power status: ${output.trim()}`);
  }

  async power(action: PowerAction): Promise<void> {
    await this.ipmitool(['chassis', 'power', action]);
  }

  async bootPxeOnce(): Promise<void> {
    // Without options=persistent the boot device applies to the next boot only.
    await this.ipmitool(['chassis', 'bootdev', 'pxe', ...(this.host.firmware === 'uefi' ? ['options=efiboot'] : [])]);
  }

  private async ipmitool(command: string[]): Promise<string> {
    const env: Record<string, string> = {};
    const auth: string[] = [];
    if ('file' in this.spec.password) auth.push('-f', this.spec.password.file);
    else {
      auth.push('-E');
      if (!this.options.runner.dryRun) env.IPMI_PASSWORD = await readSecret(this.spec.password);
    }
    // -C 3: cipher suite 3; without it ipmitool spends ~10 s per call probing.
    const argv = ['ipmitool', '-I', 'lanplus', '-C', '3', '-N', '2', '-R', '2', '-H', this.spec.address, '-p', String(this.spec.port), '-U', this.spec.user, ...auth, ...command];
    const result = await this.options.runner.run({ host: this.host.name, argv, env, timeoutMs: this.options.timeoutMs });
    if (!result.ok) throw new BmcError(`ipmitool ${command.join(' ')} failed (exit ${result.exitCode}): ${result.stderr.trim() || result.stdout.trim()}`);
    return result.stdout;
  }
}
