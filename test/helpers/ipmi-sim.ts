// OpenIPMI's ipmi_sim as a BMC for tests, on a loopback port: RMCP+ with one admin user, and a chassis
// control script that keeps power and boot device in files and logs every call.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface IpmiSim {
  port: number;
  /** Calls of the chassis control script: "get power", "set boot pxe", … */
  calls(): string[];
  power(): '0' | '1';
  stop(): Promise<void>;
}

export async function startIpmiSim(dir: string, port: number, user: string, password: string, address = '127.0.0.1'): Promise<IpmiSim> {
  mkdirSync(path.join(dir, 'state'), { recursive: true });
  const script = path.join(dir, 'chassis.sh');
  writeFileSync(
    script,
    [
      '#!/bin/bash',
      `dir=${dir}`,
      'shift',
      'echo "$*" >> "$dir/calls.log"',
      'op=$1; shift',
      '[ -f "$dir/power" ] || echo 0 > "$dir/power"',
      '[ -f "$dir/boot" ] || echo default > "$dir/boot"',
      'if [ "$op" = get ]; then',
      '  for p in "$@"; do case $p in power) echo "power:$(cat "$dir/power")";; boot) echo "boot:$(cat "$dir/boot")";; esac; done',
      'else',
      '  while [ $# -gt 0 ]; do case $1 in power) echo "$2" > "$dir/power"; shift 2;; boot) echo "$2" > "$dir/boot"; shift 2;; *) shift;; esac; done',
      'fi',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  writeFileSync(
    path.join(dir, 'lan.conf'),
    [
      'name "fleetc-test"',
      'set_working_mc 0x20',
      '  startlan 1',
      `    addr ${address} ${port}`,
      '    priv_limit admin',
      '    allowed_auths_callback none md2 md5 straight',
      '    allowed_auths_user none md2 md5 straight',
      '    allowed_auths_operator none md2 md5 straight',
      '    allowed_auths_admin none md2 md5 straight',
      '    guid a123456789abcdefa123456789abcdef',
      '  endlan',
      `  chassis_control "${script} 0x20"`,
      `  user 2 true "${user}" "${password}" admin 10 none md2 md5 straight`,
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(dir, 'bmc.emu'), 'mc_setbmc 0x20\nmc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr\nmc_enable 0x20\n');
  const child: ChildProcess = spawn('ipmi_sim', ['-c', path.join(dir, 'lan.conf'), '-f', path.join(dir, 'bmc.emu'), '-s', path.join(dir, 'state'), '-n'], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 300));
  if (child.exitCode !== null) throw new Error('ipmi_sim did not start');
  const log = path.join(dir, 'calls.log');
  return {
    port,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
    power: () => (existsSync(path.join(dir, 'power')) ? (readFileSync(path.join(dir, 'power'), 'utf8').trim() as '0' | '1') : '0'),
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
