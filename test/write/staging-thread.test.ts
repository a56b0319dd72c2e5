// The staging thread (write/staging-thread.ts): after flush every queued file is on disk with its
// text, directories made; a file-system error the thread meets comes back from flush as the errno
// error it was (the writer then undoes everything: faults.test.ts, signals.test.ts).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { StagingThread } from '../../src/write/staging-thread.ts';
import { isFileSystemError } from '../../src/write/index.ts';
import { walkFiles } from '../../src/util/walk-files.ts';
import { tempDir } from '../helpers/tmp.ts';

test('after flush, every queued file is written, in batches and directories of its own', (t) => {
  const root = tempDir(t);
  const thread = new StagingThread();
  try {
    const expected = new Map<string, string>();
    for (let i = 0; i < 3000; i++) {
      const file = `hosts/h${i % 300}/f${i}.nix`;
      const text = `${'x'.repeat(i % 700)}☃${i}\n`;
      expected.set(file, text);
      thread.write(path.join(root, file), text);
    }
    thread.flush();
    assert.equal(walkFiles(root).length, expected.size);
    for (const [file, text] of expected) assert.equal(readFileSync(path.join(root, file), 'utf8'), text);
  } finally {
    thread.close();
  }
});

test('a file-system error in the thread comes back from flush as an errno error', (t) => {
  const root = tempDir(t);
  writeFileSync(path.join(root, 'a-file'), '');
  const thread = new StagingThread();
  try {
    thread.write(path.join(root, 'ok.nix'), 'fine');
    thread.write(path.join(root, 'a-file/under-a-file.nix'), 'cannot be');
    assert.throws(() => thread.flush(), (error: unknown) => isFileSystemError(error) && ['EEXIST', 'ENOTDIR'].includes(error.code!) && /a-file/.test(String(error.path ?? error.message)));
  } finally {
    thread.close();
  }
});
