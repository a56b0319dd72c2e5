// write: artifacts → the output directory, atomically; and the comparison used by build --check.
export { writeOutput, writeOutputSync, recoverInterruptedSwap, recoverInterruptedSwapSync, WriteRefused, type WriteResult, type WriteOptions, type CrashPoint } from './writer.ts';
export { compareWithDisk, compareWithDiskSync, compareWithKnown, listFiles, listFilesSync, compareRootFiles, type FileChange, type FileChangeKind } from './compare.ts';
