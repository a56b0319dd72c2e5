// The deploy lock under contention: several applies race for it against one bare remote, round after
// round; no two holds ever overlap and a contender is refused only while another holds it. Also: unlock by id only.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { acquireLock, breakLock, newLockInfo, readLock, releaseLock } from '../../src/apply/lock.ts';
import { defaultRemote } from '../../src/apply/remote.ts';
import { openRepository } from '../../src/git/repository.ts';
import { REPO_ROOT } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';

const ROUNDS = 8;
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-C', cwd, '-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...args], { encoding: 'utf8' });

function setup(root: string, clones: number): string[] {
  const bare = path.join(root, 'remote.git');
  git(root, 'init', '-q', '--bare', '--initial-branch=main', bare);
  const seed = path.join(root, 'seed');
  git(root, 'init', '-q', seed);
  git(seed, 'commit', '-q', '--allow-empty', '-m', 'seed');
  git(seed, 'push', '-q', bare, 'HEAD:refs/heads/main');
  return Array.from({ length: clones }, (_, i) => {
    const dir = path.join(root, `clone-${i}`);
    git(root, 'clone', '-q', bare, dir);
    return dir;
  });
}

test(`${ROUNDS} rounds of 5 concurrent contenders against one bare remote: never two holders at once, and a refusal only while the lock is held`, async (t) => {
  const root = tempDir(t);
  const clones = setup(root, 4);
  // Five contenders: four clones, two of them sharing the first clone (local compare-and-swap too).
  const seats = [clones[0]!, clones[0]!, clones[1]!, clones[2]!, clones[3]!];
  let doubleAcquisitions = 0;
  const holders: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const log = path.join(root, `round-${round}.log`);
    writeFileSync(log, '');
    const startAt = Date.now() + 1500;
    await Promise.all(
      seats.map((dir, i) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'test/apply/lock-contender.ts'), dir, log, `r${round}-c${i}`, String(startAt), '600'], { stdio: ['ignore', 'ignore', 'inherit'] });
          child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`contender exited ${code}`))));
        }),
      ),
    );
    const events = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; event: string; at?: number; tried?: number; until?: number; from?: number; to?: number });
    // [from, to]: surely held (acquire returned, release not begun); [taken, gone]: possibly held.
    const holds = events.filter((e) => e.event === 'acquired').map((a) => {
      const released = events.find((e) => e.event === 'released' && e.id === a.id)!;
      return { id: a.id, from: a.at!, to: released.at!, taken: a.tried!, gone: released.until! };
    });
    for (const [i, a] of holds.entries()) for (const b of holds.slice(i + 1)) if (a.from < b.to && b.from < a.to) doubleAcquisitions++;
    holders.push(holds.length);
    assert.equal(events.filter((e) => e.event === 'refused').length + holds.length, seats.length);
    // A refusal is right only while somebody held the lock. (On a loaded machine a contender may
    // start after the holder released: it then rightly takes the lock, and a round has two holders.)
    for (const refusal of events.filter((e) => e.event === 'refused')) {
      assert.ok(holds.some((h) => h.taken <= refusal.to! && refusal.from! <= h.gone), `${refusal.id} was refused while nobody held the lock`);
    }
  }
  console.log(`lock contention: ${ROUNDS} rounds × ${seats.length} contenders; holders per round ${JSON.stringify(holders)}; double acquisitions ${doubleAcquisitions}`);
  assert.equal(doubleAcquisitions, 0);
  assert.ok(holders.every((n) => n >= 1), 'every round somebody holds the lock');
  // Every round released its lock: nothing is left on the remote.
  assert.equal(git(clones[1]!, 'ls-remote', 'origin', 'refs/fleetc/lock').trim(), '');
});

test('unlock breaks a lock only with its id, and says whose it was', async (t) => {
  const [clone, other] = setup(tempDir(t), 2) as [string, string];
  const repo = await openRepository(clone);
  const remote = await defaultRemote(repo, undefined);
  const taken = await acquireLock(repo, remote, newLockInfo('run-a', 'a'.repeat(40), 'test'));
  assert.ok(taken.acquired);
  const otherRepo = await openRepository(other);
  const otherRemote = await defaultRemote(otherRepo, undefined);
  const refused = await acquireLock(otherRepo, otherRemote, newLockInfo('run-b', 'b'.repeat(40), 'test'));
  assert.equal(refused.acquired, false);
  assert.equal(!refused.acquired && refused.holder?.id, 'run-a');

  assert.deepEqual((await breakLock(otherRepo, otherRemote, 'wrong-id')).broken, false);
  assert.equal((await readLock(otherRepo, otherRemote))?.info.id, 'run-a', 'a wrong id changes nothing');
  const broken = await breakLock(otherRepo, otherRemote, 'run-a');
  assert.equal(broken.broken, true);
  assert.equal(broken.lock?.who.length && broken.lock.id, 'run-a');
  assert.equal(await readLock(otherRepo, otherRemote), undefined);
  // The original holder's release after a break must not delete a newer lock.
  const next = await acquireLock(otherRepo, otherRemote, newLockInfo('run-c', 'c'.repeat(40), 'test'));
  assert.ok(next.acquired);
  if (taken.acquired) await releaseLock(repo, remote, taken.oid);
  assert.equal((await readLock(otherRepo, otherRemote))?.info.id, 'run-c');
});
