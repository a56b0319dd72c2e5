// The deploy lock: refs/fleetc/lock, taken with compare-and-swap locally (git update-ref with the
// all-zero old value: "must not exist") and on the remote (a push that must find no lock there).
// It holds who took it, where, when and for which run; it is released at the end of the run.
import { hostname, userInfo } from 'node:os';
import type { Repository } from '../git/repository.ts';
import { gitWithIdentity, ZERO_OID } from './git-objects.ts';
import type { Remote } from './remote.ts';

export const LOCK_REF = 'refs/fleetc/lock';

export interface LockInfo {
  id: string;
  who: string;
  machine: string;
  pid: number;
  startedAt: string;
  /** The fleet commit the run deploys. */
  commit: string;
  /** What took the lock: the command line, and the CI run when there is one. */
  run: string;
}

export type LockAttempt = { acquired: true; oid: string } | { acquired: false; holder?: LockInfo };

export function newLockInfo(id: string, commit: string, run: string): LockInfo {
  let who = process.env.GITHUB_ACTOR ?? '';
  try {
    who ||= userInfo().username;
  } catch {
    who ||= 'unknown';
  }
  return { id, who, machine: hostname(), pid: process.pid, startedAt: new Date().toISOString(), commit, run };
}

export async function acquireLock(repo: Repository, remote: Remote | undefined, info: LockInfo): Promise<LockAttempt> {
  const git = gitWithIdentity(repo);
  const blob = (await git(['hash-object', '-w', '--stdin'], `${JSON.stringify(info, null, 2)}\n`)).trim();
  const tree = (await git(['mktree'], `100644 blob ${blob}\tlock.json\n`)).trim();
  const oid = (await git(['commit-tree', tree, '-m', `fleetc lock ${info.id} by ${info.who}@${info.machine}`])).trim();
  try {
    await git(['update-ref', LOCK_REF, oid, ZERO_OID]);
  } catch {
    return { acquired: false, holder: await readLocalLock(repo) };
  }
  if (remote && !(await remote.compareAndSwap(LOCK_REF, oid, undefined))) {
    await git(['update-ref', '-d', LOCK_REF, oid]).catch(() => undefined);
    return { acquired: false, holder: (await readRemoteLock(repo, remote))?.info };
  }
  return { acquired: true, oid };
}

export async function releaseLock(repo: Repository, remote: Remote | undefined, oid: string): Promise<void> {
  const git = gitWithIdentity(repo);
  if (remote) await remote.compareAndDelete(LOCK_REF, oid);
  await git(['update-ref', '-d', LOCK_REF, oid]).catch(() => undefined);
}

/**
 * The lock that blocks a run: the remote's when there is one, else this repository's (a local lock
 * left by a run killed before it reached the remote blocks local runs too).
 */
export async function readLock(repo: Repository, remote: Remote | undefined): Promise<{ oid: string; info: LockInfo; where: 'remote' | 'local' } | undefined> {
  const onRemote = remote ? await readRemoteLock(repo, remote) : undefined;
  if (onRemote) return { ...onRemote, where: 'remote' };
  const local = await readLocalLockRef(repo);
  return local ? { ...local, where: 'local' } : undefined;
}

/**
 * fleetc unlock: breaks a lock only when given its id. Returns the lock that was broken, or the one
 * that is held when the id does not match (nothing is changed then).
 */
export async function breakLock(repo: Repository, remote: Remote | undefined, id: string): Promise<{ broken: boolean; lock?: LockInfo }> {
  const current = await readLock(repo, remote);
  if (!current) return { broken: false };
  if (current.info.id !== id) return { broken: false, lock: current.info };
  if (current.where === 'remote' && !(await remote!.compareAndDelete(LOCK_REF, current.oid))) return { broken: false, lock: current.info };
  const local = await readLocalLockRef(repo);
  if (local && local.info.id === id) await gitWithIdentity(repo)(['update-ref', '-d', LOCK_REF, local.oid]).catch(() => undefined);
  return { broken: true, lock: current.info };
}

async function readLocalLock(repo: Repository): Promise<LockInfo | undefined> {
  return (await readLocalLockRef(repo))?.info;
}

async function readLocalLockRef(repo: Repository): Promise<{ oid: string; info: LockInfo } | undefined> {
  const oid = await gitWithIdentity(repo)(['rev-parse', '--verify', '--quiet', LOCK_REF]).then((o) => o.trim(), () => '');
  return oid ? { oid, info: await readLockObject(repo, oid) } : undefined;
}

async function readRemoteLock(repo: Repository, remote: Remote): Promise<{ oid: string; info: LockInfo } | undefined> {
  const scratch = `refs/fleetc/observed/lock-${process.pid}`;
  const oid = await remote.fetchRef(LOCK_REF, scratch);
  if (!oid) return undefined;
  try {
    return { oid, info: await readLockObject(repo, oid) };
  } catch {
    return undefined;
  } finally {
    await gitWithIdentity(repo)(['update-ref', '-d', scratch]).catch(() => undefined);
  }
}

async function readLockObject(repo: Repository, oid: string): Promise<LockInfo> {
  return JSON.parse(await gitWithIdentity(repo)(['cat-file', 'blob', `${oid}:lock.json`])) as LockInfo;
}
