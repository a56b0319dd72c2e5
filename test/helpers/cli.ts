// Runs the real fleetc binary as a child process, as an operator or CI would.
import { execa } from 'execa';
import { FLEETC_BIN } from './paths.ts';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runFleetc(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliResult> {
  const result = await execa(process.execPath, [FLEETC_BIN, ...args], { cwd: options.cwd, env: options.env, reject: false, stripFinalNewline: false });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** A stack trace in output means an exception escaped: never acceptable for bad input. */
export function hasStackTrace(text: string): boolean {
  return /\n\s+at .+:\d+:\d+\)?/.test(text) || /^\w*Error: /m.test(text);
}
