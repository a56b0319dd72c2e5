// The compile pipeline run again and again on a changing fleet (fleetc watch): files whose content
// did not change are not parsed or schema-checked again, and per-host emitters run only for the
// hosts whose inputs changed. The artifacts are byte-identical to a full compileRaw.
//
// What a host's own artifacts may depend on: its host file, and everything fleet-wide (fleet.yaml,
// the profiles, the resolved fleet apart from its host list — clusters included —, the nix/ files
// and the output paths). When anything fleet-wide changes, every host is emitted again. An emitter
// whose host files read other hosts (Emitter.crossHost) runs on the whole fleet every time.
import type { Artifact, EmitContext, Emitter } from '../emit/artifact.ts';
import { EMITTERS, finishArtifacts } from '../emit/index.ts';
import { ParseCache } from '../load/parse-cache.ts';
import type { RawFleet } from '../load/types.ts';
import type { Fleet, Host } from '../model/fleet.ts';
import type { CheckedFleet } from '../validate/index.ts';
import { installedLibrary } from '../library/index.ts';
import { compileStages, type Compilation, type CompileOptions } from './index.ts';

export interface IncrementalCompilation extends Compilation {
  /** Hosts emitted again by this run (new or changed inputs); every host on the first run. */
  emittedHosts: string[];
  /** Hosts removed since the last successful run. */
  removedHosts: string[];
}

interface EmitterState {
  emit: Emitter;
  /** An emitter whose every artifact belongs to one host runs per host; others run whole. */
  perHost: boolean;
  byHost: Map<string, Artifact[]>;
}

interface LastGood {
  sharedKey: string;
  hostInputs: Map<string, unknown>;
  emitters: EmitterState[];
}

export class IncrementalCompiler {
  readonly parseCache: ParseCache;
  private last: LastGood | undefined;

  constructor(private readonly options: Omit<CompileOptions, 'parseCache' | 'validateOnly'>, parseCache = new ParseCache()) {
    this.parseCache = parseCache;
  }

  compile(raw: RawFleet): IncrementalCompilation {
    const { compilation, checked } = compileStages(raw, { ...this.options, parseCache: this.parseCache, validateOnly: true });
    if (!compilation.fleet || !checked) return { ...compilation, emittedHosts: [], removedHosts: [] };
    const fleet = compilation.fleet;
    const context: EmitContext = { nixDir: this.options.nixDirFromOut, outDirFromRoot: this.options.outDirFromRoot, nixFiles: raw.nixFiles, library: raw.library ?? installedLibrary() };
    const sharedKey = sharedInputs(fleet, checked, context);
    const hostInputs = new Map<string, unknown>(checked.hosts.map((c) => [c.name, c.data]));
    const previous = this.last;
    const names = new Set(fleet.hosts.map((h) => h.name));
    const removedHosts = previous ? [...previous.hostInputs.keys()].filter((name) => !names.has(name)).sort() : [];

    let emitters: EmitterState[] | undefined;
    let emittedHosts: string[];
    if (previous && previous.sharedKey === sharedKey) {
      const changed = fleet.hosts.filter((host) => previous.hostInputs.get(host.name) !== hostInputs.get(host.name));
      emitters = emitChanged(fleet, context, previous.emitters, changed, removedHosts);
      emittedHosts = changed.map((h) => h.name);
    }
    if (!emitters) {
      emitters = emitAll(fleet, context);
      emittedHosts = fleet.hosts.map((h) => h.name);
    }
    const emitted = emitters.flatMap((state) => [...state.byHost.values()].flat());
    this.last = { sharedKey, hostInputs, emitters };
    return { ...compilation, artifacts: finishArtifacts(fleet, emitted, context), emittedHosts: emittedHosts!, removedHosts };
  }
}

const SHARED = '';

/** Every emitter on the whole fleet; each one's artifacts filed by host ('' for shared files). */
function emitAll(fleet: Fleet, context: EmitContext): EmitterState[] {
  return EMITTERS.map((emit) => {
    const artifacts = emit(fleet, context);
    const perHost = !emit.crossHost && artifacts.length > 0 && artifacts.every((a) => a.host !== undefined && !a.fragments);
    return { emit, perHost, byHost: fileByHost(artifacts, perHost) };
  });
}

/**
 * Per-host emitters for the changed hosts only (on a fleet holding just those hosts), whole-fleet
 * emitters again; undefined when an emitter does not behave as its kind promised (then all run).
 */
function emitChanged(fleet: Fleet, context: EmitContext, previous: EmitterState[], changed: Host[], removed: string[]): EmitterState[] | undefined {
  const changedNames = new Set(changed.map((h) => h.name));
  const out: EmitterState[] = [];
  for (const state of previous) {
    if (!state.perHost) {
      out.push({ ...state, byHost: fileByHost(state.emit(fleet, context), false) });
      continue;
    }
    const byHost = new Map(state.byHost);
    for (const name of [...changedNames, ...removed]) byHost.delete(name);
    if (changed.length > 0) {
      const artifacts = state.emit({ ...fleet, hosts: changed }, context);
      if (!artifacts.every((a) => a.host !== undefined && changedNames.has(a.host) && !a.fragments)) return undefined;
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

/** Everything a host's artifacts may depend on besides its own file, as one comparable string. */
function sharedInputs(fleet: Fleet, checked: CheckedFleet, context: EmitContext): string {
  const { hosts: _hosts, ...rest } = fleet;
  return JSON.stringify([rest, checked.fleet?.data, checked.profiles.map((p) => [p.name, p.data]), context.nixDir, [...context.nixFiles], [...context.library.files]]);
}
