// The one way fleetc starts processes during apply: argument arrays (never a shell string), a
// timeout, and every command and its output reported per host. A dry run only records.
import type { EventSink } from '../events.ts';
import type { StopControl } from '../stop.ts';

export interface CommandSpec {
  host: string;
  argv: readonly string[];
  /** Extra environment; only names are reported, never values (they may carry secrets). */
  env?: Record<string, string>;
  timeoutMs: number;
  /** Exit codes that count as success (default [0]). */
  okExitCodes?: readonly number[];
  /** Written to the process's stdin (a secret never goes on a command line); never reported. */
  input?: string;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ok: boolean;
}

export interface CommandRunner {
  readonly dryRun: boolean;
  run(spec: CommandSpec): Promise<CommandResult>;
}

/**
 * Commands run in a process group of their own (detached), so the Ctrl-C a terminal sends to its
 * whole foreground group reaches fleetc alone, which lets them finish; an abort (a second signal)
 * ends the commands running at that moment, and commands started after it (rollbacks) run.
 */
export class ProcessRunner implements CommandRunner {
  readonly dryRun = false;

  constructor(
    private readonly emit: EventSink,
    private readonly stop?: StopControl,
  ) {}

  async run(spec: CommandSpec): Promise<CommandResult> {
    const [file, ...args] = spec.argv;
    this.emit({ type: 'command', host: spec.host, argv: spec.argv, ...(spec.env ? { env: Object.keys(spec.env) } : {}) });
    const started = performance.now();
    // Loaded when a command first runs: only apply starts processes, and execa takes long to load.
    const { execa } = await import('execa');
    const subprocess = execa(file!, args, { env: spec.env, timeout: spec.timeoutMs, reject: false, detached: true, ...(spec.input === undefined ? { stdin: 'ignore' as const } : { input: spec.input }), all: true, forceKillAfterDelay: 5_000 });
    // Streamed as it comes: a long nixos-rebuild shows its progress, and its log has it even if fleetc dies.
    const decoder = new TextDecoder();
    subprocess.all?.on('data', (chunk: Uint8Array) => {
      const text = decoder.decode(chunk, { stream: true });
      if (text) this.emit({ type: 'output', host: spec.host, text });
    });
    // The whole group: a tool's own children (ssh, nix) end with it.
    const endGroup = () => {
      try {
        if (subprocess.pid) process.kill(-subprocess.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    };
    const unsubscribe = this.stop?.aborted ? () => undefined : (this.stop?.onAbort(endGroup) ?? (() => undefined));
    const result = await subprocess.finally(unsubscribe);
    const exitCode = result.exitCode ?? (result.timedOut ? 124 : 255);
    const ok = !result.timedOut && (spec.okExitCodes ?? [0]).includes(exitCode);
    this.emit({ type: 'command-finished', host: spec.host, argv: spec.argv, exitCode, durationMs: performance.now() - started, timedOut: Boolean(result.timedOut), output: String(result.all ?? '') });
    return { exitCode, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), timedOut: Boolean(result.timedOut), ok };
  }
}

/** --dry-run: report each command in order, run nothing, answer as if it succeeded. */
export class DryRunRunner implements CommandRunner {
  readonly dryRun = true;

  constructor(private readonly emit: EventSink) {}

  async run(spec: CommandSpec): Promise<CommandResult> {
    this.emit({ type: 'command', host: spec.host, argv: spec.argv, ...(spec.env ? { env: Object.keys(spec.env) } : {}) });
    return { exitCode: 0, stdout: '', stderr: '', timedOut: false, ok: true };
  }
}
