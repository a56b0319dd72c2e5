// The staging thread (write/staging-thread.ts): after settle every file handed over is on disk with
// its text, directories made, texts larger than the ring's blocks and pieces cut between the two
// halves of a surrogate pair included, and each hash wanted is the sha256 of the file's UTF-8
// bytes; a file-system error the thread meets comes back as the errno error it was, and close never
// waits forever; a thread that is behind is not waited for (tryWrite declines: the writer writes
// the file itself). The writer with the thread (FLEETC_STAGING_THREAD=1) gives what it gives without it
// (=0): the same tree, changes and manifest records, on a first build and on a later one that
// rewrites every file (the manifest compared with the old one once the thread's hashes are in).
// A full disk met by the thread: faults.test.ts.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { compileRaw, emitContext } from '../../src/compile/index.ts';
import { FleetStream } from '../../src/emit/stream.ts';
import { walkFiles } from '../../src/util/walk-files.ts';
import { isFileSystemError, writeOutputSync } from '../../src/write/index.ts';
import { StagingThread } from '../../src/write/staging-thread.ts';
import { generateFleet } from '../../bench/generate.ts';
import { rawOf } from '../helpers/raw-fleet.ts';
import { tempDir } from '../helpers/tmp.ts';
import { treeHash } from '../helpers/tree-hash.ts';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

test('after settle, every file handed over is written and hashed, whole or in pieces, whatever its size', (t) => {
  const root = tempDir(t);
  const thread = new StagingThread();
  try {
    const expected = new Map<string, string>();
    const hashes = new Map<string, string>();
    const wanted = (file: string) => (hash: string) => hashes.set(file, hash);
    for (let i = 0; i < 1500; i++) {
      const file = `hosts/h${i % 150}/f${i}.nix`;
      // ASCII, two- and three-byte characters and surrogate pairs; a few texts larger than a block (512 KB).
      const text = `${'x'.repeat(i % 700)}é☃😀${i}\n`.repeat(i % 500 === 7 ? 40_000 : 1);
      expected.set(file, text);
      thread.write(path.join(root, file), text, i % 3 === 0 ? undefined : wanted(file));
    }
    // A file in pieces: 3 MB, with a surrogate pair at each cut the thread may make.
    const pieces = Array.from({ length: 300 }, (_, i) => `${'a'.repeat(i)}${'😀'.repeat(5000)}${i}\n`);
    expected.set('manifest.json', pieces.join(''));
    thread.writePieces(path.join(root, 'manifest.json'), pieces, wanted('manifest.json'));
    thread.settle();
    assert.equal(walkFiles(root).length, expected.size);
    for (const [file, text] of expected) assert.equal(readFileSync(path.join(root, file), 'utf8'), text, file);
    let count = 0;
    for (const [file, text] of expected) {
      if (!hashes.has(file)) continue;
      assert.equal(hashes.get(file), sha(text), file);
      count++;
    }
    assert.equal(count, hashes.size);
    assert.equal(count, 1001);
  } finally {
    thread.close();
  }
});

test('a file-system error in the thread comes back as the errno error it was; close then returns', (t) => {
  const root = tempDir(t);
  writeFileSync(path.join(root, 'a-file'), '');
  const thread = new StagingThread();
  try {
    thread.write(path.join(root, 'ok.nix'), 'fine');
    thread.write(path.join(root, 'a-file/under-a-file.nix'), 'cannot be');
    const more = () => {
      for (let i = 0; i < 3000; i++) thread.write(path.join(root, `later/f${i}.nix`), 'x'.repeat(1000));
      thread.settle();
    };
    // Thrown by the first hand-over after the thread met it, or at the latest by settle.
    assert.throws(more, (error: unknown) => isFileSystemError(error) && ['EEXIST', 'ENOTDIR'].includes(error.code!) && /a-file/.test(String(error.path ?? error.message)));
  } finally {
    thread.close();
  }
  assert.equal(readFileSync(path.join(root, 'ok.nix'), 'utf8'), 'fine');
  assert.deepEqual(walkFiles(root).sort(), ['a-file', 'ok.nix'], 'nothing written after the error');
});

test('a failure met while the ring is full: thrown by the next hand-over, and close returns (in a process of its own: a hang fails the test)', async (t) => {
  const root = tempDir(t);
  const script = `
    import { writeFileSync } from 'node:fs';
    import { StagingThread } from ${JSON.stringify(pathToFileURL(path.resolve('src/write/staging-thread.ts')).href)};
    writeFileSync('${root}/a-file', '');
    const thread = new StagingThread();
    let thrown;
    try {
      thread.write('${root}/a-file/under-a-file.nix', 'cannot be');
      // 64 MB after it, eight times the ring: the thread skips them as fast as they come.
      for (let i = 0; i < 64 * 1024; i++) thread.write('${root}/later/f' + i + '.nix', 'x'.repeat(1024));
      thread.settle();
    } catch (error) {
      thrown = error.code;
    } finally {
      thread.close();
    }
    console.log(thrown, 'closed');
  `;
  for (let round = 0; round < 5; round++) {
    const result = await execa(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 60_000, reject: false });
    assert.match(result.stdout.trim(), /^(EEXIST|ENOTDIR) closed$/, `round ${round}: ${result.stderr}${result.timedOut ? ' (timed out)' : ''}`);
  }
});

test('a thread that is behind (blocked opening a FIFO no one reads) is not waited for: tryWrite declines once the ring is full, and every file handed over is written after', (t) => {
  const root = tempDir(t);
  const fifo = path.join(root, 'blocked.fifo');
  execFileSync('mkfifo', [fifo]);
  const thread = new StagingThread();
  try {
    thread.waitUntilReady();
    thread.write(fifo, 'unblocked');
    const hashes = new Map<string, string>();
    let taken = 0;
    // 16 MB, twice the ring.
    const wanted = (file: string) => (hash: string) => hashes.set(file, hash);
    for (; taken < 16 * 1024 && thread.tryWrite(path.join(root, `f${taken}.nix`), `${taken}`.repeat(1000), wanted(`f${taken}.nix`)); taken++);
    assert.ok(taken > 1000 && taken < 8 * 1024, `${taken} files taken before the ring was full`);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      thread.settle();
    } finally {
      closeSync(reader);
    }
    assert.equal(walkFiles(root).length, taken + 1);
    assert.equal(hashes.size, taken);
    for (const [file, hash] of hashes) assert.equal(hash, sha(readFileSync(path.join(root, file), 'utf8')));
  } finally {
    thread.close();
  }
});

test('close with nothing handed over returns at once, the thread started or not', () => {
  new StagingThread().close();
  const started = new StagingThread();
  started.waitUntilReady();
  started.close();
});

/** A build of the bench fleet with the staging thread switched on or off (FLEETC_STAGING_THREAD). */
function buildWith(root: string, hosts: number, seed: number, thread: '0' | '1') {
  const layout = { nixDirFromOut: '../nix', outDirFromRoot: 'generated' };
  const raw = rawOf(Object.fromEntries(generateFleet(hosts, seed).files));
  const result = compileRaw(raw, { ...layout, validateOnly: true });
  assert.ok(result.fleet);
  const stream = new FleetStream(result.fleet, emitContext(raw, layout, result.diagnostics));
  const before = process.env.FLEETC_STAGING_THREAD;
  process.env.FLEETC_STAGING_THREAD = thread;
  try {
    const { changes } = writeOutputSync(path.join(root, 'generated'), stream, undefined, { rootDir: root });
    return { changes, records: stream.written(), tree: treeHash(root) };
  } finally {
    if (before === undefined) delete process.env.FLEETC_STAGING_THREAD;
    else process.env.FLEETC_STAGING_THREAD = before;
  }
}

test('the writer with the staging thread writes what it writes without: a first build, and a later one rewriting every file', (t) => {
  const [on, off] = [tempDir(t), tempDir(t)];
  for (const [hosts, seed] of [
    [60, 3],
    [61, 4],
  ] as const) {
    const withThread = buildWith(on, hosts, seed, '1');
    const without = buildWith(off, hosts, seed, '0');
    assert.equal(withThread.tree, without.tree, `${hosts} hosts: the same files and root files`);
    assert.deepEqual(withThread.changes, without.changes);
    assert.deepEqual(withThread.records, without.records, 'every file\'s path, kind and sha256 (the manifest\'s too)');
    assert.ok(without.changes.filter((c) => c.change === 'modified').length > (seed === 4 ? 100 : -1));
  }
});
