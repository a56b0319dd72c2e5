// The deploy lock: refs/fleetc/lock, taken with compare-and-swap locally (git update-ref with the
// all-zero old value: "must not exist") and on the remote (a push that must find no lock there).
// It holds who took it, where, when and for which run, and a lease: the run renews it while it runs
// (a new lock commit, swapped in for the one it holds), so a lock whose lease ran out belongs to a
// run that is gone, and the next run may take it over (swapping it out by its id). It is released
// at the end of the run.
import { hostname, userInfo } from 'node:os';
import type { Repository } from '../git/repository.ts';
import { gitWithIdentity, ZERO_OID } from './git-objects.ts';
import type { Remote } from './remote.ts';

/** The single-site lock; a site's is refs/fleetc/sites/<site>/lock (site.ts). */
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
  /** The lease: the holder renews the lock at least this often; absent in locks of older fleetc (never stale). */
  leaseSeconds?: number;
  /** When the holder last renewed the lock (its own clock). */
  renewedAt?: string;
}

/** tookOver: the stale lock this one replaced. */
export type LockAttempt = { acquired: true; oid: string; tookOver?: LockInfo } | { acquired: false; holder?: LockInfo };

export function newLockInfo(id: string, commit: string, run: string, leaseSeconds?: number): LockInfo {
  let who = process.env.GITHUB_ACTOR ?? '';
  try {
    who ||= userInfo().username;
  } catch {
    who ||= 'unknown';
  }
  const now = new Date().toISOString();
  return { id, who, machine: hostname(), pid: process.pid, startedAt: now, commit, run, ...(leaseSeconds !== undefined ? { leaseSeconds, renewedAt: now } : {}) };
}

/** When the lease of a lock runs out, or undefined for a lock without one. */
export function leaseExpiry(info: LockInfo): Date | undefined {
  if (info.leaseSeconds === undefined) return undefined;
  return new Date(Date.parse(info.renewedAt ?? info.startedAt) + info.leaseSeconds * 1000);
}

/** A lock whose holder stopped renewing it: the run is gone (or cut off from the remote). */
export function isStale(info: LockInfo, now = new Date()): boolean {
  const expiry = leaseExpiry(info);
  return expiry !== undefined && expiry.getTime() < now.getTime();
}

async function lockCommit(repo: Repository, info: LockInfo): Promise<string> {
  const git = gitWithIdentity(repo);
  const blob = (await git(['hash-object', '-w', '--stdin'], `${JSON.stringify(info, null, 2)}\n`)).trim();
  const tree = (await git(['mktree'], `100644 blob ${blob}\tlock.json\n`)).trim();
  return (await git(['commit-tree', tree, '-m', `fleetc lock ${info.id} by ${info.who}@${info.machine}`])).trim();
}

/**
 * Takes the lock: it must be free, or held under a lease that ran out (a stale lock, swapped out by
 * its exact id, so of two runs taking over the same stale lock only one wins).
 */
export async function acquireLock(repo: Repository, remote: Remote | undefined, info: LockInfo, lockRef = LOCK_REF): Promise<LockAttempt> {
  const git = gitWithIdentity(repo);
  const oid = await lockCommit(repo, info);
  let tookOver: LockInfo | undefined;
  let localOld = ZERO_OID;
  try {
    await git(['update-ref', lockRef, oid, ZERO_OID]);
  } catch {
    const local = await readLocalLockRef(repo, lockRef);
    if (!local || !isStale(local.info)) return { acquired: false, holder: local?.info };
    try {
      await git(['update-ref', lockRef, oid, local.oid]);
    } catch {
      return { acquired: false, holder: await readLocalLock(repo, lockRef) };
    }
    tookOver = local.info;
    localOld = local.oid;
  }
  if (remote && !(await remote.compareAndSwap(lockRef, oid, undefined))) {
    const held = await readRemoteLock(repo, remote, lockRef);
    if (!held || !isStale(held.info) || !(await remote.compareAndSwap(lockRef, oid, held.oid))) {
      await git(['update-ref', ...(localOld === ZERO_OID ? ['-d', lockRef, oid] : [lockRef, localOld, oid])]).catch(() => undefined);
      return { acquired: false, holder: held?.info ?? (await readRemoteLock(repo, remote, lockRef))?.info };
    }
    tookOver = held.info;
  }
  return { acquired: true, oid, ...(tookOver ? { tookOver } : {}) };
}

/**
 * Renews the lease of the lock held as oid: a new lock commit swapped in for it, here and on the
 * remote. Returns the new oid, or undefined when the lock is no longer this run's (broken by
 * fleetc unlock, or taken over after the lease ran out).
 */
export async function renewLock(repo: Repository, remote: Remote | undefined, oid: string, info: LockInfo, lockRef = LOCK_REF): Promise<string | undefined> {
  const git = gitWithIdentity(repo);
  const next = await lockCommit(repo, { ...info, renewedAt: new Date().toISOString() });
  if (remote && !(await remote.compareAndSwap(lockRef, next, oid))) return undefined;
  await git(['update-ref', lockRef, next, oid]).catch(() => undefined);
  return next;
}

export async function releaseLock(repo: Repository, remote: Remote | undefined, oid: string, lockRef = LOCK_REF): Promise<void> {
  const git = gitWithIdentity(repo);
  if (remote) await remote.compareAndDelete(lockRef, oid);
  await git(['update-ref', '-d', lockRef, oid]).catch(() => undefined);
}

/**
 * The lock that blocks a run: the remote's when there is one, else this repository's (a local lock
 * left by a run killed before it reached the remote blocks local runs too).
 */
export async function readLock(repo: Repository, remote: Remote | undefined, lockRef = LOCK_REF): Promise<{ oid: string; info: LockInfo; where: 'remote' | 'local' } | undefined> {
  const onRemote = remote ? await readRemoteLock(repo, remote, lockRef) : undefined;
  if (onRemote) return { ...onRemote, where: 'remote' };
  const local = await readLocalLockRef(repo, lockRef);
  return local ? { ...local, where: 'local' } : undefined;
}

/**
 * fleetc unlock: breaks a lock only when given its id. Returns the lock that was broken, or the one
 * that is held when the id does not match (nothing is changed then).
 */
export async function breakLock(repo: Repository, remote: Remote | undefined, id: string, lockRef = LOCK_REF): Promise<{ broken: boolean; lock?: LockInfo }> {
  const current = await readLock(repo, remote, lockRef);
  if (!current) return { broken: false };
  if (current.info.id !== id) return { broken: false, lock: current.info };
  if (current.where === 'remote' && !(await remote!.compareAndDelete(lockRef, current.oid))) return { broken: false, lock: current.info };
  const local = await readLocalLockRef(repo, lockRef);
  if (local && local.info.id === id) await gitWithIdentity(repo)(['update-ref', '-d', lockRef, local.oid]).catch(() => undefined);
  return { broken: true, lock: current.info };
}

async function readLocalLock(repo: Repository, lockRef: string): Promise<LockInfo | undefined> {
  return (await readLocalLockRef(repo, lockRef))?.info;
}

async function readLocalLockRef(repo: Repository, lockRef: string): Promise<{ oid: string; info: LockInfo } | undefined> {
  const oid = await gitWithIdentity(repo)(['rev-parse', '--verify', '--quiet', lockRef]).then((o) => o.trim(), () => '');
  return oid ? { oid, info: await readLockObject(repo, oid) } : undefined;
}

async function readRemoteLock(repo: Repository, remote: Remote, lockRef: string): Promise<{ oid: string; info: LockInfo } | undefined> {
  const scratch = `refs/fleetc/observed/lock-${process.pid}`;
  const oid = await remote.fetchRef(lockRef, scratch);
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
