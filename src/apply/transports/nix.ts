// nixos-rebuild, nixos-anywhere and nix copy invocations: the flake pinned to the planned commit, host keys pinned.
import type { CommandResult, CommandRunner } from './command.ts';
import type { Ssh, SshTarget } from './ssh.ts';

/** switch-to-configuration exits 4 when it switched but some units failed to start: a failure. */
export const SWITCHED_WITH_FAILED_UNITS = 4;

export interface NixSettings {
  /** Flake reference of the generated flake at the planned commit, e.g. git+file:///repo?rev=…&dir=generated (see flake-ref.ts) */
  flake: string;
  timeoutMs: number;
}

export class NixDeployer {
  constructor(
    private readonly runner: CommandRunner,
    private readonly ssh: Ssh,
    private readonly settings: NixSettings,
  ) {}

  /**
   * nixos-rebuild switch|boot [--rollback] --flake …#host --target-host user@addr, with
   * --use-remote-sudo for a user other than root: both nixos-rebuild (the shell script) and
   * nixos-rebuild-ng take it (ng's own name is --sudo; pkgs/by-name/ni/nixos-rebuild-ng/src/nixos_rebuild/__init__.py).
   */
  rebuild(target: SshTarget, mode: 'switch' | 'boot', rollback = false): Promise<CommandResult> {
    const argv = ['nixos-rebuild', mode, ...(rollback ? ['--rollback'] : ['--flake', `${this.settings.flake}#${target.host}`]), '--target-host', `${target.user}@${target.address}`, ...(target.user === 'root' ? [] : ['--use-remote-sudo'])];
    return this.runner.run({ host: target.host, argv, env: { NIX_SSHOPTS: this.ssh.nixSshOpts(target) }, timeoutMs: this.settings.timeoutMs });
  }

  /**
   * nix copy --to ssh-ng://user@addr --substitute-on-destination PATH: the host fetches what it can
   * from its substituters (the fleet's cache) itself; only what they lack comes from here. The SSH
   * options (pinned host key, port) reach Nix's ssh-ng store through NIX_SSHOPTS.
   */
  copyToHost(target: SshTarget, storePath: string): Promise<CommandResult> {
    const argv = ['nix', '--extra-experimental-features', 'nix-command', 'copy', '--to', `ssh-ng://${target.user}@${target.address}`, '--substitute-on-destination', storePath];
    return this.runner.run({ host: target.host, argv, env: { NIX_SSHOPTS: this.ssh.nixSshOpts(target) }, timeoutMs: this.settings.timeoutMs });
  }

  /**
   * nixos-anywhere --flake …#host user@addr: repartitions (disko) and installs. On a reinstall the
   * host's existing SSH host keys are kept (--copy-host-keys), so its pinned key stays valid.
   * --extra-files: a tree copied into the installed system's root (the host's first-boot credentials).
   */
  install(target: SshTarget, keepHostKeys: boolean, extraFiles?: string): Promise<CommandResult> {
    const argv = ['nixos-anywhere', '--flake', `${this.settings.flake}#${target.host}`, '-p', String(target.port), ...(keepHostKeys ? ['--copy-host-keys'] : []), ...(extraFiles ? ['--extra-files', extraFiles] : []), ...this.ssh.anywhereOptions(target), `${target.user}@${target.address}`];
    return this.runner.run({ host: target.host, argv, timeoutMs: this.settings.timeoutMs });
  }
}
