// A plan resolves its revisions and the repository root with one git process
// (git/repository.ts resolveRevisions): the same commits as resolveCommit one at a time, and the same
// errors — an unknown revision (the base's first), one that looks like an option, no repository.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GitError, openRepository, resolveCommit, resolveRevisions } from '../../src/git/repository.ts';
import { FleetRepo } from '../helpers/git-repo.ts';
import { tempDir } from '../helpers/tmp.ts';

test('revisions resolve as resolveCommit resolves them, and fail as it does', async (t) => {
  const root = tempDir(t);
  const repo = new FleetRepo(root);
  const first = repo.commit('one');
  const second = repo.commit('two');
  repo.git('tag', 'v1', first);
  const resolved = await resolveRevisions(root, ['HEAD~1', 'HEAD', 'v1', second.slice(0, 10)]);
  assert.equal(resolved.repo.root, (await openRepository(root)).root);
  assert.deepEqual(resolved.commits, [first, second, first, second]);
  const one = await openRepository(root);
  const failure = async (revisions: string[]) => resolveRevisions(root, revisions).then(() => 'resolved', (error: unknown) => (error instanceof GitError ? error.message : `not a GitError: ${String(error)}`));
  assert.equal(await failure(['nope', 'HEAD']), 'unknown revision "nope"');
  assert.equal(await failure(['HEAD', 'nope']), 'unknown revision "nope"');
  assert.equal(await failure(['nope', 'nope2']), 'unknown revision "nope"');
  assert.equal(await failure(['HEAD', '--all']), '"--all" is not a revision');
  assert.equal(await resolveCommit(one, 'HEAD'), second);
  const outside = tempDir(t);
  assert.equal(await resolveRevisions(outside, ['HEAD']).then(() => 'resolved', (error: Error) => error.message), `${outside} is not inside a git repository`);
});
