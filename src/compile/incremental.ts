// The compile pipeline run again and again on a changing fleet (fleetc watch): each stage keeps what
// it found for files that did not change (CompileMemo), and per-host emitters run only for the
// hosts a change can touch (affected.ts says which, by the emitters' scopes). The artifacts are
// byte-identical to a full compileRaw.
import type { Artifact, EmitContext, Emitter } from '../emit/artifact.ts';
import { EMITTERS, finishArtifacts } from '../emit/index.ts';
import { ManifestMemo } from '../emit/manifest.ts';
import { ParseCache } from '../load/parse-cache.ts';
import type { RawFleet } from '../load/types.ts';
import type { Fleet } from '../model/fleet.ts';
import { affectedHosts, fleetShape, hostsToEmit, type FleetShape } from './affected.ts';
import { compileStages, emitContext, newCompileMemo, type Compilation, type CompileMemo, type CompileOptions } from './index.ts';

export interface IncrementalCompilation extends Compilation {
  /** Hosts emitted again by this run (new or changed inputs); every host on the first run. */
  emittedHosts: string[];
  /** Hosts removed since the last successful run. */
  removedHosts: string[];
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
  readonly memo: CompileMemo = newCompileMemo();
  private readonly manifest = new ManifestMemo();
  private last: LastGood | undefined;

  constructor(private readonly options: Omit<CompileOptions, 'parseCache' | 'validateOnly' | 'memo'>, parseCache = new ParseCache()) {
    this.parseCache = parseCache;
  }

  compile(raw: RawFleet): IncrementalCompilation {
    const { compilation, checked } = compileStages(raw, { ...this.options, parseCache: this.parseCache, memo: this.memo, validateOnly: true });
    if (!compilation.fleet || !checked) return { ...compilation, emittedHosts: [], removedHosts: [] };
    const fleet = compilation.fleet;
    const context = emitContext(raw, this.options, compilation.diagnostics);
    const shape = fleetShape(fleet, checked, context);
    const previous = this.last;
    const affected = previous ? affectedHosts(previous.shape, shape) : undefined;

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
    return { ...compilation, artifacts, emittedHosts, removedHosts };
  }
}

const SHARED = '';

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
