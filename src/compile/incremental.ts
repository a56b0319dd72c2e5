// The compile pipeline run again and again on a changing fleet (fleetc watch): each stage keeps what
// it found for files that did not change (CompileMemo), and per-host emitters run only for the
// hosts a change can touch (affected.ts says which, by the emitters' scopes). The artifacts are
// byte-identical to a full compileRaw.
import type { Artifact, EmitContext, Emitter } from '../emit/artifact.ts';
import { checkArtifactPath, EMITTERS, finishArtifacts } from '../emit/index.ts';
import { buildManifest, ManifestMemo, patchManifest } from '../emit/manifest.ts';
import { ParseCache } from '../load/parse-cache.ts';
import type { RawFleet } from '../load/types.ts';
import type { Fleet } from '../model/fleet.ts';
import { affectedHosts, fleetShape, hostsToEmit, type FleetShape } from './affected.ts';
import { ClaimsIndex } from '../validate/claims-index.ts';
import { PortsMemo } from '../validate/ports-memo.ts';
import { compileStages, emitContext, newCompileMemo, type Compilation, type CompileMemo, type CompileOptions } from './index.ts';

export interface IncrementalCompilation extends Compilation {
  /** Hosts emitted again by this run (new or changed inputs); every host on the first run. */
  emittedHosts: string[];
  /** Hosts removed since the last successful run. */
  removedHosts: string[];
  /** Counts the runs that gave artifacts (1 for the first). */
  generation?: number;
  /** What differs from the artifacts of run `since` (the last that gave artifacts); absent for the first. */
  delta?: ArtifactDelta;
}

/** Between two runs: the artifacts that are not the same objects (every root artifact too), and the output paths gone. */
export interface ArtifactDelta {
  since: number;
  touched: Artifact[];
  removed: string[];
}

type Scope = 'host' | 'cluster' | 'fleet';

interface EmitterState {
  emit: Emitter;
  scope: Scope;
  byHost: Map<string, Artifact[]>;
}

interface LastGood {
  shape: FleetShape;
  emitters: EmitterState[];
  order: Map<string, number>;
}

export class IncrementalCompiler {
  readonly parseCache: ParseCache;
  readonly memo: CompileMemo = { ...newCompileMemo(), claims: new ClaimsIndex(), ports: new PortsMemo() };
  private readonly manifest = new ManifestMemo();
  private last: LastGood | undefined;
  private lastArtifacts: Artifact[] | undefined;
  private lastEmit: { fleet: Fleet; context: EmitContext } | undefined;
  private generation = 0;

  constructor(private readonly options: Omit<CompileOptions, 'parseCache' | 'validateOnly' | 'memo'>, parseCache = new ParseCache()) {
    this.parseCache = parseCache;
  }

  compile(raw: RawFleet): IncrementalCompilation {
    const { compilation, checked } = compileStages(raw, { ...this.options, parseCache: this.parseCache, memo: this.memo, validateOnly: true });
    if (!compilation.fleet || !checked) return { ...compilation, emittedHosts: [], removedHosts: [] };
    const fleet = compilation.fleet;
    const context = emitContext(raw, this.options, compilation.diagnostics);
    this.lastEmit = { fleet, context };
    const shape = fleetShape(fleet, checked, context);
    const previous = this.last;
    const affected = previous ? affectedHosts(previous.shape, shape) : undefined;

    // The edit of a few hosts that adds and removes no file: their artifacts replaced in place.
    const fast = previous && affected && !affected.all && this.lastArtifacts ? patchArtifacts(fleet, context, shape, previous, affected, this.lastArtifacts, this.manifest) : undefined;
    if (fast && previous && affected && !affected.all) {
      const { artifacts, touched } = fast;
      const delta: ArtifactDelta = { since: this.generation, touched, removed: [] };
      this.last = { shape, emitters: previous.emitters, order: previous.order };
      this.lastArtifacts = artifacts;
      this.generation++;
      const emittedHosts = fleet.hosts.filter((h) => affected.host.has(h.name)).map((h) => h.name);
      return { ...compilation, artifacts, emittedHosts, removedHosts: [], generation: this.generation, delta };
    }

    let emitters: EmitterState[] | undefined;
    let emittedHosts: string[] = [];
    if (previous && affected && !affected.all) {
      emitters = emitChanged(fleet, context, previous.emitters, affected.host, affected.cluster, affected.removed);
      emittedHosts = fleet.hosts.filter((h) => affected.host.has(h.name)).map((h) => h.name);
    }
    if (!emitters) {
      emitters = emitAll(fleet, context);
      emittedHosts = fleet.hosts.map((h) => h.name);
    }
    const emitted = emitters.flatMap((state) => [...state.byHost.values()].flat());
    const arranged = previous && inLastOrder(emitted, previous.order);
    const artifacts = finishArtifacts(fleet, arranged || emitted, context, this.manifest);
    this.last = { shape, emitters, order: arranged ? previous.order : pathOrder(artifacts) };
    const removedHosts = previous ? [...previous.shape.hosts.keys()].filter((name) => !shape.hosts.has(name)).sort() : [];
    const delta = this.lastArtifacts && { since: this.generation, ...artifactDelta(this.lastArtifacts, artifacts, Boolean(arranged)) };
    this.lastArtifacts = artifacts;
    this.generation++;
    return { ...compilation, artifacts, emittedHosts, removedHosts, generation: this.generation, ...(delta ? { delta } : {}) };
  }

  /**
   * Prepares the next rebuild while watch waits for an edit: each shared file's patch is run with no
   * host changed, which builds the pieces it keeps beside the current artifact (dhcpd.conf's and
   * Kea's: a walk of the whole fleet) and returns that artifact unchanged. Changes nothing else.
   */
  prime(): void {
    if (!this.last || !this.lastEmit) return;
    const { fleet, context } = this.lastEmit;
    for (const state of this.last.emitters) if (state.scope === 'fleet') state.emit.patch?.(state.byHost.get(SHARED) ?? [], fleet, context, new Set());
  }
}

const SHARED = '';

/** What the fast path replaces: an emitter's list of artifacts for a host (or SHARED), by the new list. */
type Replacement = [EmitterState, string, Artifact[]];

/**
 * The last run's artifacts with those of the changed hosts (and the shared files) replaced in place,
 * when the edit adds or removes no file: per-host emitters run for the hosts they must write again,
 * whole-fleet emitters are patched (Emitter.patch) or run, and the manifest is patched. Undefined
 * when an emitter's files moved (then the general path runs).
 */
function patchArtifacts(fleet: Fleet, context: EmitContext, shape: FleetShape, previous: LastGood, affected: { host: Set<string>; cluster: Set<string>; removed: string[] }, last: readonly Artifact[], manifest: ManifestMemo): { artifacts: Artifact[]; touched: Artifact[] } | undefined {
  if (affected.removed.length > 0) return undefined;
  const replacements: Replacement[] = [];
  const replaced: Array<{ index: number; before: Artifact }> = [];
  const artifacts = [...last];
  const place = (before: readonly Artifact[], after: readonly Artifact[]): boolean => {
    if (before.length !== after.length) return false;
    for (let i = 0; i < after.length; i++) {
      const index = previous.order.get(after[i]!.path);
      if (index === undefined || after[i]!.path !== before[i]!.path || Boolean(after[i]!.root) !== Boolean(before[i]!.root) || artifacts[index] !== before[i]) return false;
      if (after[i] === before[i]) continue;
      checkArtifactPath(after[i]!);
      artifacts[index] = after[i]!;
      replaced.push({ index, before: before[i]! });
    }
    return true;
  };
  // A file rendered again to the same bytes keeps its object: nothing to hash, compare or write.
  for (const state of previous.emitters) {
    const before = state.byHost;
    if (state.scope === 'fleet') {
      const old = before.get(SHARED) ?? [];
      const fresh = state.emit.patch?.(old, fleet, context, affected.host) ?? state.emit(fleet, context);
      const kept = fresh.map((a, i) => (old[i] && sameArtifact(old[i]!, a) ? old[i]! : a));
      if (!place(old, kept)) return undefined;
      replacements.push([state, SHARED, kept]);
      continue;
    }
    const names = state.scope === 'cluster' ? affected.cluster : affected.host;
    if (names.size === 0) continue;
    const seen = hostsToEmit(fleet, names, state.scope);
    const seenNames = new Set(seen.map((h) => h.name));
    const emitted = state.emit({ ...fleet, hosts: seen }, context);
    if (!emitted.every((a) => a.host !== undefined && seenNames.has(a.host) && !a.fragments)) return undefined;
    const filed = fileByHost(emitted.filter((a) => names.has(a.host!)), true);
    for (const name of names) {
      const old = before.get(name) ?? [];
      const now = (filed.get(name) ?? []).map((a, i) => (old[i] && sameArtifact(old[i]!, a) ? old[i]! : a));
      if (!place(old, now)) return undefined;
      replacements.push([state, name, now]);
    }
  }
  const changedHosts = new Map([...affected.host].map((name) => [name, shape.hosts.get(name)!]));
  const files = artifacts.slice(0, -1);
  const patched = patchManifest(fleet, files, replaced, changedHosts, context, manifest) ?? buildManifest(fleet, files, context, manifest);
  artifacts[artifacts.length - 1] = patched;
  for (const [state, name, list] of replacements) {
    if (list.length === 0) state.byHost.delete(name);
    else state.byHost.set(name, list);
  }
  const touched = [...replaced.map(({ index }) => artifacts[index]!), patched];
  for (const a of artifacts) if (a.root && !touched.includes(a)) touched.push(a);
  return { artifacts, touched };
}

/** The same file: path, bytes and what it says of each host. */
function sameArtifact(a: Artifact, b: Artifact): boolean {
  if (a === b) return true;
  if (a.path !== b.path || a.contents !== b.contents || a.kind !== b.kind || a.root !== b.root || a.host !== b.host || a.fragmentBase !== b.fragmentBase) return false;
  if (!a.fragments || !b.fragments) return a.fragments === b.fragments;
  const keys = Object.keys(a.fragments);
  if (keys.length !== Object.keys(b.fragments).length) return false;
  for (const key of keys) if (a.fragments[key] !== b.fragments[key]) return false;
  return true;
}

function scopeOf(emit: Emitter, artifacts: readonly Artifact[]): Scope {
  if (emit.crossHost === true || artifacts.length === 0 || !artifacts.every((a) => a.host !== undefined && !a.fragments)) return 'fleet';
  return emit.crossHost === 'cluster' ? 'cluster' : 'host';
}

/** Every emitter on the whole fleet; each one's artifacts filed by host ('' for shared files). */
function emitAll(fleet: Fleet, context: EmitContext): EmitterState[] {
  return EMITTERS.map((emit) => {
    const artifacts = emit(fleet, context);
    const scope = scopeOf(emit, artifacts);
    return { emit, scope, byHost: fileByHost(artifacts, scope !== 'fleet') };
  });
}

/**
 * Per-host emitters for the hosts they must write again only (on a fleet holding just the hosts they
 * need to see), whole-fleet emitters again; undefined when an emitter does not behave as its scope
 * promised (then all run).
 */
function emitChanged(fleet: Fleet, context: EmitContext, previous: EmitterState[], host: Set<string>, cluster: Set<string>, removed: string[]): EmitterState[] | undefined {
  const out: EmitterState[] = [];
  for (const state of previous) {
    if (state.scope === 'fleet') {
      out.push({ ...state, byHost: fileByHost(state.emit(fleet, context), false) });
      continue;
    }
    const names = state.scope === 'cluster' ? cluster : host;
    const byHost = new Map(state.byHost);
    for (const name of [...names, ...removed]) byHost.delete(name);
    if (names.size > 0) {
      const seen = hostsToEmit(fleet, names, state.scope);
      const seenNames = new Set(seen.map((h) => h.name));
      const artifacts = state.emit({ ...fleet, hosts: seen }, context);
      if (!artifacts.every((a) => a.host !== undefined && seenNames.has(a.host) && !a.fragments)) return undefined;
      for (const [name, list] of fileByHost(artifacts.filter((a) => names.has(a.host!)), true)) byHost.set(name, list);
    }
    out.push({ ...state, byHost });
  }
  return out;
}

function fileByHost(artifacts: Artifact[], perHost: boolean): Map<string, Artifact[]> {
  const byHost = new Map<string, Artifact[]>();
  for (const artifact of artifacts) {
    const key = perHost ? artifact.host! : SHARED;
    const list = byHost.get(key);
    if (list) list.push(artifact);
    else byHost.set(key, [artifact]);
  }
  return byHost;
}

/** Each path's place among the last run's artifacts (the manifest aside). */
function pathOrder(artifacts: readonly Artifact[]): Map<string, number> {
  return new Map(artifacts.slice(0, -1).map((a, i) => [a.path, i]));
}

/**
 * The artifacts in path order without sorting, when they are at the same paths as last time (an
 * edit that adds or removes no file); undefined otherwise (finishArtifacts sorts them).
 */
function inLastOrder(artifacts: readonly Artifact[], order: Map<string, number>): Artifact[] | undefined {
  if (order.size !== artifacts.length) return undefined;
  const placed: Artifact[] = new Array(artifacts.length);
  for (const artifact of artifacts) {
    const index = order.get(artifact.path);
    if (index === undefined || placed[index] !== undefined) return undefined;
    placed[index] = artifact;
  }
  return placed;
}

/** The artifacts that are not last run's objects, and the output paths gone; samePaths: at the same paths, in the same order. */
function artifactDelta(last: readonly Artifact[], artifacts: readonly Artifact[], samePaths: boolean): Omit<ArtifactDelta, 'since'> {
  if (samePaths) return { touched: artifacts.filter((a, i) => a !== last[i] || a.root), removed: [] };
  const key = (a: Artifact) => `${a.root ? 'root' : 'out'}\0${a.path}`;
  const before = new Map(last.map((a) => [key(a), a]));
  const after = new Set(artifacts.map(key));
  return { touched: artifacts.filter((a) => before.get(key(a)) !== a || a.root), removed: last.filter((a) => !a.root && !after.has(key(a))).map((a) => a.path) };
}
