// emit, one artifact at a time (a build that writes as it emits): the shared files first, then the
// per-host files a few hosts at a time, then the manifest, rendered from the path, kind and sha256
// kept of each file. Nothing is held but those records, so a file's text is garbage once written.
// The same artifacts and manifest as emitFleet (test/emit/stream.test.ts).
import { createHash } from 'node:crypto';
import type { Fleet, Host } from '../model/fleet.ts';
import type { Artifact, ArtifactInPieces, EmitContext, Emitter } from './artifact.ts';
import { EMITTERS, isSafeRelativePath } from './index.ts';
import { sha256 } from './manifest.ts';
import { ManifestRecorder, type FileRecord } from './manifest-stream.ts';

/** Hosts per run of the per-host emitters: their artifacts die young, a few MB at a time. */
export const STREAM_CHUNK_HOSTS = 128;

export class FleetStream implements Iterable<Artifact | ArtifactInPieces> {
  private readonly recorder: ManifestRecorder;
  private manifest: ArtifactInPieces | undefined;
  private manifestHash: string | undefined;
  /** With deferHashes: each passed file's hash setter, until its consumer takes it. */
  private setters: WeakMap<object, (hash: string) => void> | undefined;

  constructor(
    private readonly fleet: Fleet,
    private readonly context: EmitContext,
    private readonly chunkHosts = STREAM_CHUNK_HOSTS,
    private readonly emitters: readonly Emitter[] = EMITTERS,
  ) {
    this.recorder = new ManifestRecorder(fleet, context);
  }

  /** What has passed so far: every file's path, kind and sha256 (the manifest's once it was written whole). */
  written(): FileRecord[] {
    return this.manifestHash === undefined ? this.recorder.files : [...this.recorder.files, { path: this.manifest!.path, kind: 'manifest', sha256: this.manifestHash }];
  }

  /** How many files the build has, once the stream has ended. */
  get count(): number {
    return this.recorder.files.length + (this.manifest ? 1 : 0);
  }

  /**
   * Leaves each file's sha256 to the consumer (the writer hashes the bytes it writes, on its staging
   * thread): call it before iterating; for every artifact the stream gives, the function returned
   * gives the setter of its hash (once), which must be called before the manifest's pieces are taken.
   */
  deferHashes(): (artifact: object) => ((hash: string) => void) | undefined {
    const setters = (this.setters = new WeakMap());
    return (artifact) => {
      const setter = setters.get(artifact);
      setters.delete(artifact);
      return setter;
    };
  }

  *[Symbol.iterator](): Generator<Artifact | ArtifactInPieces> {
    const { fleet, context } = this;
    for (const emit of this.emitters) if (!emit.perHost) for (const artifact of emit(fleet, context)) yield this.pass(artifact);
    const perHost = this.emitters.filter((emit) => emit.perHost);
    const index = new Map(fleet.hosts.map((host, i) => [host.name, i]));
    for (let start = 0; start < fleet.hosts.length; start += this.chunkHosts) {
      const chunk = fleet.hosts.slice(start, start + this.chunkHosts);
      const names = new Set(chunk.map((h) => h.name));
      let withVoters: Fleet | undefined;
      for (const emit of perHost) {
        const scoped = emit.crossHost === 'cluster' ? (withVoters ??= { ...fleet, hosts: withClusterVoters(fleet, chunk, start, index) }) : { ...fleet, hosts: chunk };
        for (const artifact of emit(scoped, context)) {
          if (artifact.host === undefined || artifact.fragments || artifact.root) throw new Error(`emit: ${artifact.path} is not a host's own file`);
          if (names.has(artifact.host)) yield this.pass(artifact);
        }
      }
    }
    this.manifest = this.recorder.finish();
    if (!this.setters) yield { ...this.manifest, pieces: () => this.hashed(this.manifest!.pieces()) };
    else {
      const manifest = { ...this.manifest };
      this.setters.set(manifest, (hash) => (this.manifestHash = hash));
      yield manifest;
    }
  }

  /** Checks the path, records the file (its hash now, or from the consumer). */
  private pass(artifact: Artifact): Artifact {
    if (!isSafeRelativePath(artifact.path)) throw new Error(`emit: unsafe artifact path ${artifact.path}`);
    if (this.setters) this.setters.set(artifact, this.recorder.addHashLater(artifact));
    else this.recorder.add(artifact, sha256(artifact.contents));
    return artifact;
  }

  /** The manifest's pieces, its sha256 kept once they have all been given. */
  private *hashed(pieces: Iterable<string>): Generator<string> {
    const hash = createHash('sha256');
    for (const piece of pieces) {
      hash.update(piece);
      yield piece;
    }
    this.manifestHash = hash.digest('hex');
  }
}

/** A chunk's hosts and, in the fleet's order, their clusters' Raft voters from outside it. */
function withClusterVoters(fleet: Fleet, chunk: readonly Host[], start: number, index: ReadonlyMap<string, number>): Host[] {
  const outside = new Set<number>();
  const end = start + chunk.length;
  for (const host of chunk) {
    for (const group of fleet.clusters[host.cluster]?.raft ?? []) {
      for (const voter of group.voters) {
        const at = index.get(voter);
        if (at !== undefined && (at < start || at >= end)) outside.add(at);
      }
    }
  }
  if (outside.size === 0) return [...chunk];
  const order = [...outside].sort((a, b) => a - b);
  const before = order.filter((i) => i < start).map((i) => fleet.hosts[i]!);
  const after = order.filter((i) => i >= end).map((i) => fleet.hosts[i]!);
  return [...before, ...chunk, ...after];
}
