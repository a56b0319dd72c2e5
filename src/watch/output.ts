// What fleetc watch knows of the output directory it writes: the files as it wrote them last, the
// compile they came from, and manifest.json's signature (any other fleetc that writes the output
// changes it). A write under the output lock compares only what the compile touched since the
// compile it wrote last (IncrementalCompilation.delta), or everything when that is not known.
import { statSync } from 'node:fs';
import path from 'node:path';
import type { IncrementalCompilation } from '../compile/incremental.ts';
import type { Artifact } from '../emit/artifact.ts';
import { MANIFEST_PATH } from '../emit/manifest.ts';
import { writeOutputSync, type FileChange, type OutputLock } from '../write/index.ts';

export interface OutputWrite {
  changes: FileChange[];
  /** The changed paths' artifacts before the write (the others are unchanged). */
  before: ReadonlyMap<string, Artifact>;
  /** Every path's artifact now. */
  after: ReadonlyMap<string, Artifact>;
}

export class WatchedOutput {
  /** The output directory's files as written last (path under it → contents). */
  private known: Map<string, string> | undefined;
  private artifacts = new Map<string, Artifact>();
  private generation: number | undefined;
  private manifest: string | undefined;

  constructor(
    private readonly outDir: string,
    private readonly rootDir: string,
  ) {}

  /** Writes a compilation's artifacts; call it holding the output lock. */
  write(result: IncrementalCompilation & { artifacts: Artifact[] }, lock: OutputLock): OutputWrite {
    // Another fleetc wrote the output since this watch did: what this watch knows is stale.
    if (this.signature() !== this.manifest) this.known = undefined;
    const known = this.known;
    const patch = known && result.delta && result.delta.since === this.generation ? result.delta : undefined;
    let changes: FileChange[];
    try {
      changes = writeOutputSync(this.outDir, result.artifacts, undefined, { rootDir: this.rootDir, lock, ...(known ? { known, ...(patch ? { patch } : {}) } : {}) }).changes;
    } catch (error) {
      this.known = undefined; // read the directory again next time
      throw error;
    }
    this.manifest = this.signature();
    this.generation = result.generation;
    if (known && patch) {
      // Only the touched paths change: both maps are updated in place.
      const before = new Map<string, Artifact>();
      for (const change of changes) {
        const artifact = this.artifacts.get(change.path);
        if (artifact) before.set(change.path, artifact);
      }
      for (const file of patch.removed) {
        known.delete(file);
        this.artifacts.delete(file);
      }
      for (const artifact of patch.touched) {
        this.artifacts.set(artifact.path, artifact);
        if (!artifact.root) known.set(artifact.path, artifact.contents);
      }
      return { changes, before, after: this.artifacts };
    }
    const before = this.artifacts;
    this.artifacts = new Map(result.artifacts.map((a) => [a.path, a]));
    // The output directory's files only: the root files are read each time, and a root path among
    // them would be an output file gone (compareWithKnown).
    this.known = new Map(result.artifacts.filter((a) => !a.root).map((a) => [a.path, a.contents]));
    return { changes, before, after: this.artifacts };
  }

  private signature(): string | undefined {
    const stat = statSync(path.join(this.outDir, MANIFEST_PATH), { throwIfNoEntry: false });
    return stat && `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
  }
}
