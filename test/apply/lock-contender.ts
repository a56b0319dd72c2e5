// One contender for the deploy lock, run as its own process by lock.test.ts: waits for the common
// start time, tries to take the lock, holds it a while, releases it, and logs what happened.
import { appendFileSync } from 'node:fs';
import { acquireLock, newLockInfo, releaseLock } from '../../src/apply/lock.ts';
import { defaultRemote } from '../../src/apply/remote.ts';
import { openRepository } from '../../src/git/repository.ts';

const [repoDir, logFile, id, startAt, holdMs] = process.argv.slice(2) as [string, string, string, string, string];
const now = () => performance.timeOrigin + performance.now();

const repo = await openRepository(repoDir);
const remote = await defaultRemote(repo, 'origin');
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
const tried = now();
const attempt = await acquireLock(repo, remote, newLockInfo(id, '0'.repeat(40), 'lock contention test'));
if (!attempt.acquired) {
  appendFileSync(logFile, `${JSON.stringify({ id, event: 'refused', holder: attempt.holder?.id ?? null, from: tried, to: now() })}\n`);
} else {
  appendFileSync(logFile, `${JSON.stringify({ id, event: 'acquired', at: now(), tried })}\n`);
  await new Promise((resolve) => setTimeout(resolve, Number(holdMs)));
  const releasedAt = now();
  await releaseLock(repo, remote, attempt.oid);
  // at: the hold surely ended no earlier; until: the lock was surely gone by then.
  appendFileSync(logFile, `${JSON.stringify({ id, event: 'released', at: releasedAt, until: now() })}\n`);
}
