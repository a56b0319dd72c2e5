// The writer's user errors: a refusal (the target is not fleetc's to replace) and a failure of the
// file system (read-only, full, permissions). Both leave the output as it was; the CLI exits 1.

/** The output directory or a root file is not fleetc's to replace; nothing was touched. */
export class WriteRefused extends Error {}

/** The file system refused a write (read-only, full disk, permissions); the output is as it was. */
export class WriteFailed extends Error {
  constructor(
    message: string,
    /** What the user can do about it. */
    readonly hint: string,
  ) {
    super(message);
  }
}

/** Another fleetc held the output lock for longer than the caller was willing to wait. */
export class LockTimeout extends Error {}

const REASONS: Record<string, string> = {
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  ENOTDIR: 'a path component is not a directory',
  EISDIR: 'is a directory',
  ENOTEMPTY: 'directory not empty',
  EEXIST: 'already exists',
  ENAMETOOLONG: 'file name too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EXDEV: 'on another file system',
  ELOOP: 'too many symbolic links',
  ENOENT: 'no such file or directory',
  EBUSY: 'device or resource busy',
};

/** An error from the file system (it carries an errno code), as opposed to a bug. */
export function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code in REASONS;
}

/** The hint for a write that failed with this error and was undone. */
export function hintFor(error: NodeJS.ErrnoException): string {
  const space = error.code === 'ENOSPC' || error.code === 'EDQUOT';
  return `${space ? 'free some space' : 'make the output directory and its parent writable'}, then build again; nothing was changed`;
}

/** "read-only file system (EROFS, rename /repo/generated/a.nix)". */
export function describeFileSystemError(error: NodeJS.ErrnoException): string {
  const where = [error.syscall, error.path].filter(Boolean).join(' ');
  return `${REASONS[error.code!] ?? error.message} (${error.code}${where ? `, ${where}` : ''})`;
}
