// SSH to fleet hosts with pinned host keys: a known_hosts file written from the fleet, and
// StrictHostKeyChecking=yes for every tool (ssh itself, nixos-rebuild, nixos-anywhere).
import type { Host } from '../../model/fleet.ts';
import { shellWord } from '../../util/shell-word.ts';
import type { CommandResult, CommandRunner } from './command.ts';

/** --first-contact: whether a machine without a pinned key (a new machine's installer) may be reached. */
export type FirstContact = 'refuse' | 'accept-new';

/**
 * How a connection trusts the host key: the fleet's pinned key, or first contact — the first key
 * seen is accepted and recorded in a known_hosts file used for that one host and phase only.
 */
export type Trust = { kind: 'pinned' } | { kind: 'first-contact'; knownHostsFile: string };

export interface SshSettings {
  /** known_hosts written from the fleet's pinned keys. */
  knownHostsFile: string;
  identityFile?: string;
  connectTimeoutSeconds: number;
}

export interface SshTarget {
  host: string;
  address: string;
  port: number;
  user: string;
  trust: Trust;
}

export function pinnedTarget(host: Host): SshTarget {
  const address = host.interfaces.find((i) => i.boot)?.address ?? host.fqdn;
  return { host: host.name, address, port: host.ssh.port, user: host.ssh.user, trust: { kind: 'pinned' } };
}

/** known_hosts lines for every host with a pinned key ("[addr]:port" when the port is not 22). */
export function knownHostsFor(hosts: readonly Host[]): string {
  return hosts
    .filter((h) => h.ssh.hostKey)
    .map((h) => {
      const address = pinnedTarget(h).address;
      const name = h.ssh.port === 22 ? address : `[${address}]:${h.ssh.port}`;
      const [type, key] = h.ssh.hostKey!.split(' ');
      return `${name} ${type} ${key}\n`;
    })
    .join('');
}

/** -o options: StrictHostKeyChecking=yes against the fleet's keys, or accept-new into a first-contact file. */
export function sshOptions(settings: SshSettings, target: SshTarget): string[] {
  const pinned = target.trust.kind === 'pinned';
  return [
    'BatchMode=yes',
    `StrictHostKeyChecking=${pinned ? 'yes' : 'accept-new'}`,
    `UserKnownHostsFile=${target.trust.kind === 'pinned' ? settings.knownHostsFile : target.trust.knownHostsFile}`,
    'GlobalKnownHostsFile=/dev/null',
    `ConnectTimeout=${settings.connectTimeoutSeconds}`,
    'ServerAliveInterval=10',
    'ServerAliveCountMax=3',
    ...(settings.identityFile ? [`IdentityFile=${settings.identityFile}`, 'IdentitiesOnly=yes'] : []),
  ];
}

export class Ssh {
  constructor(
    private readonly runner: CommandRunner,
    private readonly settings: SshSettings,
  ) {}

  /** ssh argv: -F /dev/null so no user config can loosen the options. */
  argv(target: SshTarget, command: readonly string[]): string[] {
    return ['ssh', '-F', '/dev/null', ...sshOptions(this.settings, target).flatMap((o) => ['-o', o]), '-p', String(target.port), `${target.user}@${target.address}`, '--', ...asRoot(target, command)];
  }

  run(target: SshTarget, command: readonly string[], timeoutMs = 60_000, input?: string): Promise<CommandResult> {
    return this.runner.run({ host: target.host, argv: this.argv(target, command), timeoutMs, ...(input !== undefined ? { input } : {}) });
  }

  /** NIX_SSHOPTS for nixos-rebuild (space-separated, so paths must not contain spaces). */
  nixSshOpts(target: SshTarget): string {
    return ['-F', '/dev/null', '-p', String(target.port), ...sshOptions(this.settings, target).flatMap((o) => ['-o', o])].join(' ');
  }

  /** --ssh-option values for nixos-anywhere, whose own default accepts any host key. */
  anywhereOptions(target: SshTarget): string[] {
    return sshOptions(this.settings, target).flatMap((o) => ['--ssh-option', o]);
  }
}

/**
 * The command line as root runs it. A deploy user other than root goes through `sudo -n` (fleetc's
 * fleet.nix gives it a NOPASSWD rule, the installer's wheel needs no password): sshd hands the words,
 * joined by spaces, to the login shell, so the same line becomes one `sh -c` script under sudo, and a
 * script of several commands (`umask 077 && … > file`) runs all of them as root, not only the first.
 */
export function asRoot(target: Pick<SshTarget, 'user'>, command: readonly string[]): readonly string[] {
  return target.user === 'root' ? command : ['sudo', '-n', '--', '/bin/sh', '-c', shellWord(command.join(' '))];
}
