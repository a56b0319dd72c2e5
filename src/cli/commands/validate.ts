// fleetc validate: every diagnostic of the fleet, in text, JSON or GitHub annotation form.
import type { Command } from 'commander';
import { hasErrors } from '../../diagnostics/diagnostic.ts';
import { compileFromDisk } from '../../compile/index.ts';
import { addCacheOptions, addFormatOption, addPathOptions, cacheDirFrom, formatFrom, pathsFrom } from '../arguments.ts';
import { EXIT } from '../exit-codes.ts';
import type { Io } from '../io.ts';
import { renderDiagnostics, summaryLine } from '../views/diagnostics.ts';

export function registerValidate(program: Command, io: Io, setExit: (code: number) => void): void {
  const command = program.command('validate').description('check the fleet: YAML, schemas and cross-file rules');
  addPathOptions(command);
  addFormatOption(command);
  addCacheOptions(command);
  command.action(async (options: Record<string, unknown>) => {
    const paths = pathsFrom(options, { layout: false });
    const format = formatFrom(options);
    const result = await compileFromDisk(paths, { validateOnly: true, cacheDir: cacheDirFrom(options) });
    io.stdout(renderDiagnostics(format, result.diagnostics, result.sources, process.env.GITHUB_WORKSPACE));
    if (format === 'text') {
      const verdict = hasErrors(result.diagnostics) ? 'invalid' : 'valid';
      io.stderr(`${paths.fleetDir}: ${verdict} (${result.hostCount} hosts, ${result.profileCount} profiles; ${summaryLine(result.diagnostics)})\n`);
    }
    setExit(hasErrors(result.diagnostics) ? EXIT.failed : EXIT.ok);
  });
}
