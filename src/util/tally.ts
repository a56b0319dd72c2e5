// How many of a collection's items have each key, kept up to date as items change (an incremental
// rebuild moves the changed items' counts instead of counting the whole collection again).
export class Tally {
  private readonly counts = new Map<string, number>();

  add(key: string | undefined, by = 1): void {
    if (key !== undefined) this.counts.set(key, (this.counts.get(key) ?? 0) + by);
  }

  /** The keys some item has now, sorted. */
  keys(): string[] {
    return [...this.counts].filter(([, n]) => n > 0).map(([key]) => key).sort();
  }

  has(key: string): boolean {
    return (this.counts.get(key) ?? 0) > 0;
  }
}
