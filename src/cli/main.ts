// The fleetc command line: parses arguments, runs a command, maps the outcome to an exit code.
import { Command, CommanderError } from 'commander';
import { registerBuild } from './commands/build.ts';
import { registerInit } from './commands/init.ts';
import { registerPlan } from './commands/plan.ts';
import { registerApply } from './commands/apply.ts';
import { registerAdopt } from './commands/adopt.ts';
import { registerStatus } from './commands/status.ts';
import { registerValidate } from './commands/validate.ts';
import { registerWatch } from './commands/watch.ts';
import { UsageError } from './arguments.ts';
import { EXIT } from './exit-codes.ts';
import { processIo, type Io } from './io.ts';
import { FLEETC_VERSION } from '../compile/source-key.ts';


export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const setExit = (code: number): void => {
    exitCode = code;
  };
  const program = new Command('fleetc')
    .description('Compile a bare-metal NixOS fleet from YAML: validate, build, plan and apply.')
    .version(FLEETC_VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run with --help for usage)');
  registerInit(program, io, setExit);
  registerValidate(program, io, setExit);
  registerBuild(program, io, setExit);
  registerPlan(program, io, setExit);
  registerApply(program, io, setExit);
  registerStatus(program, io, setExit);
  registerAdopt(program, io, setExit);
  registerWatch(program, io, setExit);
  for (const command of program.commands) command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  // Bare `fleetc` is a command line that names no command: the help, and the usage code.
  if (argv.length <= 2) {
    io.stderr(program.helpInformation());
    return EXIT.usage;
  }
  // --detailed-exitcode gives 2 the meaning "changes", so a bad command line must not exit 2 there.
  const usage = argv.includes('--detailed-exitcode') ? EXIT.failed : EXIT.usage;
  try {
    await program.parseAsync([...argv], { from: 'node' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      const benign = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help';
      return benign ? EXIT.ok : usage;
    }
    if (error instanceof UsageError) {
      io.stderr(`fleetc: ${error.message}\n`);
      return usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`fleetc: internal error: ${message}\n`);
    if (process.env.FLEETC_DEBUG === '1' && error instanceof Error) io.stderr(`${error.stack}\n`);
    else io.stderr('  this is a bug in fleetc; rerun with FLEETC_DEBUG=1 for details and report it\n');
    return EXIT.internal;
  }
}
