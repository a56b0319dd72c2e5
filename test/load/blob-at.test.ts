// readBlobAt (a plan reads the base's committed manifest.json by commit and path, before the tree is
// listed) and readFleetAt's early extra file: the listing decides, the early read only saves a read.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openRepository } from '../../src/git/repository.ts';
import { readBlobAt, readFleetAt } from '../../src/git/tree-reader.ts';
import { FleetRepo } from '../helpers/git-repo.ts';
import { tempDir } from '../helpers/tmp.ts';

test('readBlobAt gives a committed file and its blob id, and nothing for a missing path, a directory or a bad name', async (t) => {
  const repo = new FleetRepo(tempDir(t));
  mkdirSync(path.join(repo.root, 'generated'));
  // Bytes that are no UTF-8 and lines that look like cat-file headers: read as they are.
  const bytes = Buffer.concat([Buffer.from('x missing\n0123 blob 4\n'), Buffer.from([0xff, 0xfe, 0x00, 0x0a])]);
  writeFileSync(path.join(repo.root, 'generated/manifest.json'), bytes);
  const commit = repo.commit('manifest');
  const git = await openRepository(repo.root);
  const read = await readBlobAt(git, commit, 'generated/manifest.json');
  assert.equal(read?.id, repo.git('rev-parse', `${commit}:generated/manifest.json`));
  assert.deepEqual(read?.bytes, bytes);
  assert.equal(await readBlobAt(git, commit, 'generated/none.json'), undefined);
  assert.equal(await readBlobAt(git, commit, 'generated'), undefined);
  assert.equal(await readBlobAt(git, commit, 'generated/manifest.json\nHEAD:fleet/fleet.yaml'), undefined);
  assert.equal(await readBlobAt(git, '0'.repeat(40), 'generated/manifest.json'), undefined);
});

test('readFleetAt takes the early read only for the listing\'s own regular file', async (t) => {
  const repo = new FleetRepo(tempDir(t));
  mkdirSync(path.join(repo.root, 'generated'));
  writeFileSync(path.join(repo.root, 'generated/manifest.json'), '{"committed": true}\n');
  symlinkSync('manifest.json', path.join(repo.root, 'generated/link.json'));
  const commit = repo.commit('manifest');
  const git = await openRepository(repo.root);
  const read = (file: string, early?: { id: string; bytes: Buffer }) => readFleetAt(git, commit, 'fleet', 'nix', 'fleet', undefined, undefined, { path: file, early: Promise.resolve(early) });
  const committed = readFileSync(path.join(repo.root, 'generated/manifest.json'));
  // An early read of another blob (none can be, for the same commit and path: still checked) is not taken.
  const other = { id: '1'.repeat(40), bytes: Buffer.from('other') };
  assert.deepEqual((await read('generated/manifest.json', other)).extra?.bytes, committed);
  assert.deepEqual((await read('generated/manifest.json', undefined)).extra?.bytes, committed);
  const early = (await readBlobAt(git, commit, 'generated/manifest.json'))!;
  assert.deepEqual((await read('generated/manifest.json', { ...early, bytes: Buffer.from('the early read') })).extra?.bytes, Buffer.from('the early read'));
  // A link is no regular file: no extra, whatever the early read (git gives its target's name) was.
  assert.equal((await read('generated/link.json', await readBlobAt(git, commit, 'generated/link.json'))).extra, undefined);
});
