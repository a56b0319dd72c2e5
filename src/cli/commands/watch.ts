// fleetc watch: rebuild the output directory whenever the fleet or nix/ changes, until interrupted.
import type { Command } from 'commander';
import { DEFAULT_DEBOUNCE_MS, startWatch } from '../../watch/watcher.ts';
import { addCacheOptions, addLockTimeoutOption, addPathOptions, cacheDirFrom, parsePositiveInteger, pathsFrom } from '../arguments.ts';
import { EXIT } from '../exit-codes.ts';
import type { Io } from '../io.ts';
import { renderWatchEvent } from '../views/watch.ts';

export function registerWatch(program: Command, io: Io, setExit: (code: number) => void): void {
  const command = program
    .command('watch')
    .description('rebuild the output directory on every change to the fleet or nix/ (Ctrl-C stops)')
    .option('--debounce <ms>', 'wait this long after a change for more before rebuilding', parsePositiveInteger, DEFAULT_DEBOUNCE_MS);
  addPathOptions(command);
  addCacheOptions(command);
  addLockTimeoutOption(command);
  command.action(async (options: Record<string, unknown>) => {
    const paths = pathsFrom(options);
    const handle = startWatch({ paths, debounceMs: options.debounce as number, cacheDir: cacheDirFrom(options), lockTimeoutMs: Number(options.lockTimeout) * 1000 }, (event) => {
      const text = renderWatchEvent(event, paths.outDir);
      if (event.kind === 'built') io.stdout(text);
      else io.stderr(text);
    });
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void handle.stop().then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    io.stderr('fleetc watch: stopped\n');
    setExit(EXIT.ok);
  });
}
