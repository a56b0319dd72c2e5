// Process exit codes of fleetc, documented in the README.
export const EXIT = {
  ok: 0,
  /** Diagnostics with errors, or build --check found changes. */
  failed: 1,
  /** Bad command line (with `--detailed-exitcode`, 1 instead: 2 means "changes" there, as in Terraform). */
  usage: 2,
  /** A bug in fleetc (reported without a stack trace unless FLEETC_DEBUG=1). */
  internal: 3,
  /** apply: a host failed; it was rolled back (or nothing had changed) and the rollout halted. */
  applyFailedRolledBack: 4,
  /** apply: a host failed and its rollback failed too: it needs a human. */
  applyRollbackFailed: 5,
  /** apply: another run holds the deploy lock. */
  lockHeld: 6,
  /** apply: refused before touching anything (destructive change not approved, host key not pinned, …). */
  refused: 7,
  /** apply: stopped by a signal (or a lost deploy lock): the hosts in flight finished, the others are pending. */
  applyStopped: 8,
  /** apply: some hosts were refused and skipped (reported); every other host's change was deployed. */
  applyPartlyRefused: 9,
} as const;
