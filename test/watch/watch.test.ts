// fleetc watch rebuilds after an edit, keeps the last good output (and reports the diagnostic) after
// an invalid edit, and stops cleanly: in-process through its stop handle, and on SIGINT.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { renderWatchEvent } from '../../src/cli/views/watch.ts';
import { startWatch, type WatchEvent } from '../../src/watch/watcher.ts';
import { listFiles, listFilesSync } from '../../src/write/index.ts';
import { makeFleet } from '../helpers/fleet.ts';
import { FLEETC_BIN } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Events as a queue the test can wait on. */
function eventQueue() {
  const events: WatchEvent[] = [];
  const waiters: Array<(e: WatchEvent) => void> = [];
  return {
    push(event: WatchEvent) {
      const waiter = waiters.shift();
      if (waiter) waiter(event);
      else events.push(event);
    },
    next(timeoutMs = 10_000): Promise<WatchEvent> {
      const ready = events.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no watch event in time')), timeoutMs);
        waiters.push((e) => {
          clearTimeout(timer);
          resolve(e);
        });
      });
    },
  };
}

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(listFilesSync(dir).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
}

test('watch rebuilds on an edit, keeps the last good output on an invalid one, and stops', async (t) => {
  const root = tempDir(t);
  const paths = makeFleet(root);
  const queue = eventQueue();
  const handle = startWatch({ paths, debounceMs: 20 }, (e) => queue.push(e));
  try {
    await handle.ready;
    const first = await queue.next();
    assert.equal(first.kind, 'built');
    assert.ok(first.kind === 'built' && first.first && first.hosts === 4);
    const hostData = path.join(paths.outDir, 'hosts/wk-1/host.nix');
    assert.doesNotMatch(readFileSync(hostData, 'utf8'), /rack/);

    const wk1 = path.join(paths.fleetDir, 'hosts/wk-1.yaml');
    const original = readFileSync(wk1, 'utf8');
    writeFileSync(wk1, `${original}labels: { rack: r9 }\n`);
    const rebuilt = await queue.next();
    assert.equal(rebuilt.kind, 'built', JSON.stringify(rebuilt));
    if (rebuilt.kind !== 'built') return;
    assert.match(readFileSync(hostData, 'utf8'), /rack = "r9"/);
    assert.deepEqual(rebuilt.hostChanges, [{ host: 'wk-1', change: 'modified', kinds: ['host-data'] }]);
    // The files beside the output (flake.nix, flake.lock) are not output files gone missing.
    assert.deepEqual(rebuilt.changes.filter((c) => c.change === 'removed'), []);
    assert.match(renderWatchEvent(rebuilt, 'generated'), /wk-1 \(host-data\)/);

    const good = snapshot(paths.outDir);
    writeFileSync(wk1, original.replace('profile: worker', 'profile: [worker'));
    const invalid = await queue.next();
    assert.equal(invalid.kind, 'invalid');
    const printed = renderWatchEvent(invalid, 'generated');
    assert.match(printed, /hosts\/wk-1\.yaml:\d+:\d+: error YAML_SYNTAX/);
    assert.match(printed, /keeps the last good build/);
    assert.deepEqual(snapshot(paths.outDir), good, 'the last good output stays');

    writeFileSync(wk1, original);
    const fixed = await queue.next();
    assert.equal(fixed.kind, 'built');
    assert.doesNotMatch(readFileSync(hostData, 'utf8'), /rack/);
  } finally {
    await handle.stop();
  }
});

test('fleetc watch stops cleanly on SIGINT', async (t) => {
  const root = tempDir(t);
  makeFleet(root);
  const child = execa(process.execPath, [FLEETC_BIN, 'watch', '--fleet', 'fleet', '--out', 'generated', '--nix', 'nix'], { cwd: root, reject: false });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no first build: ${out}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (/built generated: 4 hosts/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.kill('SIGINT');
  const result = await child;
  assert.equal(result.exitCode, 0, String(result.stderr));
  assert.match(String(result.stderr), /fleetc watch: stopped/);
  assert.ok((await listFiles(path.join(root, 'generated'))).includes('manifest.json'));
});
