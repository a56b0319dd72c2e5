// The compile pipeline run again and again on a changing fleet (fleetc watch): each stage keeps what
// it found for files that did not change (CompileMemo), and per-host emitters run only for the
// hosts whose inputs changed. The artifacts are byte-identical to a full compileRaw.
//
// What a host's own artifacts may depend on: its Host (resolve gives an unchanged host the same
// object), and everything fleet-wide (the resolved fleet apart from its host list — clusters
// included —, fleet.yaml, the profiles, the nix/ files and the output paths). When anything
// fleet-wide changes, every host is emitted again. An emitter whose host files read the other hosts
// of the cluster (Emitter.crossHost 'cluster') runs again on every host of a cluster with a changed,
// added or removed host; one whose files read any host (crossHost true) runs on the whole fleet.
import type { Artifact, EmitContext, Emitter } from '../emit/artifact.ts';
import { EMITTERS, finishArtifacts } from '../emit/index.ts';
import { ManifestMemo } from '../emit/manifest.ts';
import { ParseCache } from '../load/parse-cache.ts';
import type { RawFleet } from '../load/types.ts';
import type { Fleet, Host } from '../model/fleet.ts';
import type { CheckedFleet } from '../validate/index.ts';
import { compileStages, newCompileMemo, type Compilation, type CompileMemo, type CompileOptions } from './index.ts';

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
  sharedKey: string;
  hosts: Map<string, Host>;
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
    const context: EmitContext = { nixDir: this.options.nixDirFromOut, outDirFromRoot: this.options.outDirFromRoot, nixFiles: raw.nixFiles };
    const sharedKey = sharedInputs(fleet, checked, context);
    const hosts = new Map(fleet.hosts.map((h) => [h.name, h]));
    const previous = this.last;
    const removedHosts = previous ? [...previous.hosts.keys()].filter((name) => !hosts.has(name)).sort() : [];

    let emitters: EmitterState[] | undefined;
    let emittedHosts: string[];
    if (previous && previous.sharedKey === sharedKey) {
      const changed = fleet.hosts.filter((host) => previous.hosts.get(host.name) !== host);
      emitters = emitChanged(fleet, context, previous, changed, removedHosts);
      emittedHosts = changed.map((h) => h.name);
    }
    if (!emitters) {
      emitters = emitAll(fleet, context);
      emittedHosts = fleet.hosts.map((h) => h.name);
    }
    const emitted = emitters.flatMap((state) => [...state.byHost.values()].flat());
    const arranged = previous && inLastOrder(emitted, previous.order);
    const artifacts = finishArtifacts(fleet, arranged || emitted, context, this.manifest);
    this.last = { sharedKey, hosts, emitters, order: arranged ? previous.order : pathOrder(artifacts) };
    return { ...compilation, artifacts, emittedHosts: emittedHosts!, removedHosts };
  }
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
 * Per-host emitters for the hosts they must see again only (on a fleet holding just those hosts),
 * whole-fleet emitters again; undefined when an emitter does not behave as its kind promised (then
 * all run).
 */
function emitChanged(fleet: Fleet, context: EmitContext, previous: LastGood, changed: Host[], removed: string[]): EmitterState[] | undefined {
  const changedNames = new Set(changed.map((h) => h.name));
  // A cluster whose member changed, came or left: every member's cluster-wide files are emitted again.
  const clusters = new Set([...changed.map((h) => h.cluster), ...changed.map((h) => previous.hosts.get(h.name)?.cluster), ...removed.map((name) => previous.hosts.get(name)!.cluster)]);
  const inChangedCluster = fleet.hosts.filter((h) => clusters.has(h.cluster));
  const out: EmitterState[] = [];
  for (const state of previous.emitters) {
    if (state.scope === 'fleet') {
      out.push({ ...state, byHost: fileByHost(state.emit(fleet, context), false) });
      continue;
    }
    const again = state.scope === 'cluster' ? inChangedCluster : changed;
    const againNames = state.scope === 'cluster' ? new Set(again.map((h) => h.name)) : changedNames;
    const byHost = new Map(state.byHost);
    for (const name of [...againNames, ...removed]) byHost.delete(name);
    if (again.length > 0) {
      const artifacts = state.emit({ ...fleet, hosts: again }, context);
      if (!artifacts.every((a) => a.host !== undefined && againNames.has(a.host) && !a.fragments)) return undefined;
      for (const [host, list] of fileByHost(artifacts, true)) byHost.set(host, list);
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

/** Everything a host's artifacts may depend on besides its own Host, as one comparable string. */
function sharedInputs(fleet: Fleet, checked: CheckedFleet, context: EmitContext): string {
  const { hosts: _hosts, ...rest } = fleet;
  return JSON.stringify([rest, checked.fleet?.data, checked.profiles.map((p) => [p.name, p.data]), context.nixDir, context.outDirFromRoot, [...context.nixFiles]]);
}
