// How a running apply is asked to stop. A stop (the first SIGINT, SIGTERM or SIGHUP, or a lost deploy
// lock) lets no new host start while the hosts in flight finish and are recorded; an abort (a second
// signal) also cuts the commands of the hosts in flight short, and those hosts are rolled back.
export class StopControl {
  /** Why the run stops; undefined while it runs on. */
  reason: string | undefined;
  aborted = false;
  private readonly abortListeners = new Set<() => void>();

  stop(reason: string): void {
    this.reason ??= reason;
  }

  abort(reason: string): void {
    this.stop(reason);
    if (this.aborted) return;
    this.aborted = true;
    for (const listener of this.abortListeners) listener();
  }

  /** Calls listener on abort (at once if already aborted); returns the function that unsubscribes. */
  onAbort(listener: () => void): () => void {
    if (this.aborted) {
      listener();
      return () => undefined;
    }
    this.abortListeners.add(listener);
    return () => this.abortListeners.delete(listener);
  }
}
