// The working tree and a commit of it read as the same fleet: build reads one, plan the other. A
// symbolic link is refused in the fleet directory by both, and skipped in nix/ by both (git keeps
// a link's target name as its content, which is no Nix file).
import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openRepository } from '../../src/git/repository.ts';
import { readFleetAt } from '../../src/git/tree-reader.ts';
import { readFleetDirSync } from '../../src/load/index.ts';
import { FleetRepo } from '../helpers/git-repo.ts';
import { tempDir } from '../helpers/tmp.ts';

test('links read the same from the working tree and from a commit', async (t) => {
  const repo = new FleetRepo(tempDir(t));
  symlinkSync('base.nix', path.join(repo.paths.nixDir, 'profiles/alias.nix'));
  symlinkSync('wk-1.yaml', path.join(repo.paths.fleetDir, 'hosts/wk-9.yaml'));
  const commit = repo.commit('links');
  const tree = readFleetDirSync(repo.paths.fleetDir, repo.paths.nixDir);
  const git = await readFleetAt(await openRepository(repo.root), commit, 'fleet', 'nix', 'fleet');
  assert.deepEqual([...git.nixFiles].sort(), [...tree.nixFiles].sort());
  assert.equal(tree.nixFiles.has('profiles/alias.nix'), false);
  const problems = (raw: typeof tree) => raw.files.filter((f) => f.problem).map((f) => `${f.relPath} ${f.problem!.code}`);
  assert.deepEqual(problems(git), problems(tree));
  assert.deepEqual(problems(tree), ['hosts/wk-9.yaml FILE_SYMLINK']);
  assert.deepEqual(git.files.map((f) => f.relPath), tree.files.map((f) => f.relPath));
});
