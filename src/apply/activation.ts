// The commands that activate a pulled system on a host, as NixOS's own tools spell them, and the
// dead-man timer that reactivates the previous generation unless apply confirms in time.
// Sources relied on (NixOS/nixpkgs): pkgs/by-name/ni/nixos-rebuild-ng/src/nixos_rebuild/nix.py —
// set_profile (`nix-env -p /nix/var/nix/profiles/system --set PATH`) and switch_to_configuration
// (`PATH/bin/switch-to-configuration ACTION`, run by recent versions inside `systemd-run … --unit=
// nixos-rebuild-switch-to-configuration --wait` so that a dropped SSH connection does not cut the
// activation short); nixos/modules/system/activation/switchable-system.nix (every system's bin/switch-to-configuration,
// the Perl one or switch-to-configuration-ng, unless system.switch.enable is off), which exits 4
// when it switched but units failed.

import { shellWord } from '../util/shell-word.ts';

export const SYSTEM_PROFILE = '/nix/var/nix/profiles/system';

/** What switch-to-configuration does: activate now (switch) or at the next boot only (boot). */
export type ActivationMode = 'switch' | 'boot';

/** nix-env -p /nix/var/nix/profiles/system --set PATH: the new generation, the boot default. */
export function setProfile(storePath: string): string[] {
  return ['nix-env', '-p', SYSTEM_PROFILE, '--set', storePath];
}

/**
 * switch-to-configuration in a transient unit of its own, as nixos-rebuild runs it: if the new
 * configuration stops sshd or the network, the activation still runs to its end.
 */
export function switchCommand(storePath: string, mode: ActivationMode): string[] {
  return ['systemd-run', '-E', 'LOCALE_ARCHIVE', '-E', 'NIXOS_INSTALL_BOOTLOADER', '--collect', '--no-ask-password', '--pipe', '--quiet', '--service-type=exec', '--unit=nixos-rebuild-switch-to-configuration', '--wait', `${storePath}/bin/switch-to-configuration`, mode];
}

/** The transient units of one run's dead-man timer on a host (<unit>.timer starts <unit>.service). */
export function deadManUnit(runId: string): string {
  return `fleetc-rollback-${runId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** The previous generation back as the profile's newest, and activated now (switch) or at the next boot. */
export function reactivationScript(previous: string, mode: ActivationMode = 'switch'): string {
  return `${setProfile(previous).join(' ')} && ${previous}/bin/switch-to-configuration ${mode}`;
}

/**
 * systemd-run --on-active=Ns: a transient timer, started before the switch, that reactivates the
 * previous generation when it fires. It lives in the host's systemd, so it fires whether or not apply
 * can still reach the host; apply's confirmation stops it.
 */
export function deadManCommand(runId: string, previous: string, confirmTimeoutSeconds: number): string[] {
  return ['systemd-run', `--unit=${deadManUnit(runId)}`, '--description=fleetc: reactivate the previous generation unless apply confirms', `--on-active=${confirmTimeoutSeconds}s`, '--timer-property=AccuracySec=1s', '--collect', '/bin/sh', '-c', reactivationScript(previous)].map(shellWord);
}

/** The confirmation: the timer is stopped, its rollback never runs. */
export function confirmCommand(runId: string): string[] {
  return ['systemctl', 'stop', `${deadManUnit(runId)}.timer`];
}
