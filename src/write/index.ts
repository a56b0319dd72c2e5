// write: artifacts → the output directory (and the fleet repository root), atomically, under a lock;
// and the comparison used by build --check.
export { writeOutput, writeOutputSync, recoverInterruptedWrite, recoverInterruptedWriteSync, hasInterruptedWrite, WriteRefused, WriteFailed, CRASH_POINTS, DEFAULT_LOCK_TIMEOUT_MS, type WriteResult, type WriteOptions, type CrashPoint } from './writer.ts';
export { LockTimeout, isFileSystemError, describeFileSystemError } from './errors.ts';
export { acquireOutputLock, acquireOutputLockToRead, lockFileFor, type OutputLock } from './lock.ts';
export { StandbyLock } from './standby-lock.ts';
export { compareTouched, compareWithDisk, compareWithDiskSync, compareWithKnown, listFiles, listFilesSync, type FileChange, type FileChangeKind, type WritePatch } from './compare.ts';
