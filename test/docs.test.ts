// The README stays current: it names every diagnostic code, and every
// command option.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ALL_CODES } from '../src/diagnostics/codes.ts';
import { main } from '../src/cli/main.ts';
import { REPO_ROOT } from './helpers/paths.ts';

const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
/** The README itself must name every command and option: it is the CLI reference. */
const documentation = readme;

test('README lists every diagnostic code', () => {
  assert.deepEqual(ALL_CODES.filter((code) => !readme.includes(`\`${code}\``)), []);
});

test('README documents every command and option', async () => {
  // Collect commands and long options from the real program via its --help output.
  let help = '';
  const io = { stdout: (t: string) => void (help += t), stderr: () => {}, isTty: false };
  await main(['node', 'fleetc', '--help'], io);
  const commands = [...help.matchAll(/^  ([a-z]+) /gm)].map((m) => m[1]!).filter((c) => c !== 'help');
  assert.ok(commands.length >= 2);
  for (const command of commands) {
    assert.ok(documentation.includes(`fleetc ${command}`), `README documents fleetc ${command}`);
    let commandHelp = '';
    await main(['node', 'fleetc', command, '--help'], { ...io, stdout: (t: string) => void (commandHelp += t) });
    for (const [, option] of commandHelp.matchAll(/(--[a-z-]+)/g)) {
      if (option === '--help') continue;
      assert.ok(documentation.includes(option!), `README mentions ${command} ${option}`);
    }
  }
});
