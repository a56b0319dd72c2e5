// A step's output is streamed: into the host's log as it is printed (a long nixos-rebuild's log is
// never empty while it runs), and as a live tail on a terminal; without a TTY, or under TERM=dumb,
// the output carries no control sequence at all.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { RolloutEvent } from '../../src/apply/events.ts';
import { ProcessRunner } from '../../src/apply/transports/command.ts';
import { fanOut, isLiveTerminal, logFiles, terminalMonitor } from '../../src/cli/views/monitor.ts';
import { tempDir } from '../helpers/tmp.ts';

test('a running command\'s output reaches its host log while it runs, before it exits', async (t) => {
  const dir = tempDir(t);
  const events: RolloutEvent[] = [];
  const runner = new ProcessRunner(fanOut(logFiles(dir), (e) => events.push(e)));
  const log = path.join(dir, 'wk-1.log');
  const running = runner.run({ host: 'wk-1', argv: ['bash', '-c', 'echo "building /nix/store/abc-system"; sleep 1.5; echo done; exit 3'], timeoutMs: 10_000 });
  await new Promise((resolve) => setTimeout(resolve, 800));
  assert.match(readFileSync(log, 'utf8'), /building \/nix\/store\/abc-system\n/, 'the first line is in the log while the command still runs');
  assert.doesNotMatch(readFileSync(log, 'utf8'), /\ndone\n/);
  const result = await running;
  assert.equal(result.exitCode, 3);
  assert.equal(result.stdout, 'building /nix/store/abc-system\ndone', 'the result keeps the whole output too');
  assert.match(readFileSync(log, 'utf8'), /building \/nix\/store\/abc-system\ndone\n\S+ exit 3 after/);
  assert.deepEqual(events.filter((e) => e.type === 'output').map((e) => (e as { text: string }).text).join(''), 'building /nix/store/abc-system\ndone\n');
});

function capture(isTty: boolean, live: boolean): { out: () => string; sink: ReturnType<typeof terminalMonitor> } {
  let text = '';
  const io = { stdout: (s: string) => void (text += s), stderr: (s: string) => void (text += s), isTty };
  return { out: () => text, sink: terminalMonitor(io, 'text', { verbose: false, live, columns: 70 }) };
}

const rollout: RolloutEvent[] = [
  { type: 'run-started', runId: 'r1', hosts: 1, waves: 1, dryRun: false },
  { type: 'host-started', host: 'cp-1', action: 'update' },
  { type: 'command', host: 'cp-1', argv: ['nixos-rebuild', 'switch'] },
  { type: 'output', host: 'cp-1', text: 'copying path /nix/store/aaaa-etc\nbuilding the system confi' },
  { type: 'output', host: 'cp-1', text: 'guration\x1b[31m…\n' },
  { type: 'command-finished', host: 'cp-1', argv: ['nixos-rebuild', 'switch'], exitCode: 0, durationMs: 2000, timedOut: false, output: '' },
  { type: 'host-finished', host: 'cp-1', action: 'update', result: 'deployed', durationMs: 2100 },
  { type: 'run-finished', results: { 'cp-1': 'deployed' }, durationMs: 2200 },
];

test('on a terminal: a live line with the tail of the running command, cut to the width, without the output\'s own escapes', () => {
  const { out, sink } = capture(true, true);
  for (const event of rollout.slice(0, 4)) sink(event);
  const live = out().split('\r\x1b[K').at(-1)!;
  assert.match(live, /running 1 · starting \| cp-1: building the system confi$/);
  sink(rollout[4]!);
  const next = out().split('\r\x1b[K').at(-1)!;
  assert.ok(next.length <= 69, `cut to the terminal's width: ${JSON.stringify(next)}`);
  assert.match(next, /cp-1: /);
  assert.ok(!next.includes('\x1b') && !next.includes('[31m'), 'a command\'s own control sequences never reach the live line');
  for (const event of rollout.slice(5)) sink(event);
  assert.match(out(), /cp-1  deployed/);
});

test('without a TTY, or under TERM=dumb, not one control sequence; the output goes to the log only', () => {
  assert.equal(isLiveTerminal(true, { TERM: 'dumb' }), false);
  assert.equal(isLiveTerminal(false, { TERM: 'xterm-256color' }), false);
  assert.equal(isLiveTerminal(true, { TERM: 'xterm-256color' }), true);
  const { out, sink } = capture(true, isLiveTerminal(true, { TERM: 'dumb' }));
  for (const event of rollout) sink(event);
  assert.ok(!/[\x1b\r]/.test(out()), JSON.stringify(out()));
  assert.doesNotMatch(out(), /copying path/, 'no command output on the terminal without a live line');
  assert.match(out(), /cp-1: deployed/);
});
