// Process exit codes of fleetc, documented in the README.
export const EXIT = {
  ok: 0,
  /** Diagnostics with errors, or build --check found changes. */
  failed: 1,
  /** Bad command line. */
  usage: 2,
  /** A bug in fleetc (reported without a stack trace unless FLEETC_DEBUG=1). */
  internal: 3,
} as const;
