// write: artifacts → the output directory, atomically; and the comparison used by build --check.
export { writeOutput, recoverInterruptedSwap, WriteRefused, type WriteResult, type CrashPoint } from './writer.ts';
export { compareWithDisk, listFiles, KEPT_FILES, type FileChange, type FileChangeKind } from './compare.ts';
