// Per-host emit split across worker threads (fleetc build on large fleets): the same artifacts as emitFleet.
//
// The per-host emitters (those whose files belong to one host and read nothing of other hosts but,
// for first boot, the Raft voters of its cluster: Emitter.crossHost) run on chunks of hosts, each
// chunk on a fleet holding just the hosts it must see (compile/affected.ts hostsToEmit), on the
// worker threads and on the main thread alike; each worker hands back its artifacts with their
// sha256. The shared files are emitted on the main thread. Artifacts are then sorted by path, so
// the result does not depend on which thread did which chunk, nor on how many there are. Workers
// never write: the writer stays the only one.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { hostsToEmit } from '../compile/affected.ts';
import type { Fleet } from '../model/fleet.ts';
import type { Artifact, EmitContext } from './artifact.ts';
import { EMITTERS, emitFleet, finishArtifacts } from './index.ts';
import { rememberHash, sha256 } from './manifest.ts';

/** Below this many hosts, starting a worker (~70 ms to load fleetc in it) costs more than it gains. */
export const PARALLEL_MIN_HOSTS = 2000;
/** Hosts per chunk: small enough to share the work evenly, large enough that messages stay few. */
const CHUNK_HOSTS = 500;
const ROLE = 'fleetc-emit-worker';

interface ChunkRequest {
  id: number;
  fleet: Fleet;
  names: string[];
  /** Indices in EMITTERS of the per-host emitters. */
  emitters: number[];
  context: EmitContext;
}

type ChunkReply =
  | { id: number; artifacts: Artifact[]; hashes: string[] }
  /** An emitter wrote a file that is not one host's own (then the main thread emits everything itself). */
  | { id: number; notPerHost: string }
  | { id: number; error: string };


/** How many worker threads a build of this many hosts uses: FLEETC_WORKERS, else one less than the cores (at most 3). */
export function workerCount(hosts: number, cores: number, setting = process.env.FLEETC_WORKERS): number {
  if (setting !== undefined && setting !== '') {
    const n = Number(setting);
    return Number.isInteger(n) && n >= 0 ? Math.min(n, 16) : 0;
  }
  return hosts >= PARALLEL_MIN_HOSTS ? Math.max(0, Math.min(cores - 1, 3)) : 0;
}

/** Started before the fleet is parsed, so that loading fleetc in them overlaps the main thread's work. */
export class EmitPool {
  private readonly workers: Worker[];

  /** chunkHosts: hosts per chunk; mainToo: the main thread takes chunks too (tests leave them all to the workers). */
  constructor(count: number, private readonly chunkHosts = CHUNK_HOSTS, private readonly mainToo = true) {
    this.workers = Array.from({ length: count }, startWorker);
  }

  get size(): number {
    return this.workers.length;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** Every artifact of the fleet, sorted by path, the manifest last: byte-identical to emitFleet. */
  async emit(fleet: Fleet, context: EmitContext): Promise<Artifact[]> {
    if (this.workers.length === 0 || fleet.hosts.length === 0) return emitFleet(fleet, context);
    const chunks: string[][] = [];
    for (let i = 0; i < fleet.hosts.length; i += this.chunkHosts) chunks.push(fleet.hosts.slice(i, i + this.chunkHosts).map((h) => h.name));
    const results: Artifact[][] = new Array(chunks.length);
    let next = 0;
    let failed: Error | undefined;
    let notPerHost = false;
    const perHost = perHostEmitters(fleet, context);
    const request = (id: number): ChunkRequest => ({ id, fleet: chunkFleet(fleet, chunks[id]!), names: chunks[id]!, emitters: perHost, context });
    const runWorker = (worker: Worker) =>
      new Promise<void>((resolve) => {
        const take = () => {
          if (failed || notPerHost || next >= chunks.length) return finish();
          worker.postMessage(request(next++));
        };
        const onMessage = (reply: ChunkReply) => {
          if ('error' in reply) failed ??= new Error(reply.error);
          else if ('notPerHost' in reply) notPerHost = true;
          else {
            reply.artifacts.forEach((a, i) => rememberHash(a, reply.hashes[i]!));
            results[reply.id] = reply.artifacts;
          }
          take();
        };
        const onError = (error: Error) => {
          failed ??= new Error(`emit worker failed: ${error.message}`);
          finish();
        };
        const finish = () => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          resolve();
        };
        worker.on('message', onMessage);
        worker.once('error', onError);
        take();
      });
    const working = this.workers.map(runWorker);
    const shared = EMITTERS.filter((_, i) => !perHost.includes(i)).flatMap((emit) => emit(fleet, context));
    // The main thread takes chunks too, letting the workers' replies in between.
    while (this.mainToo && !failed && !notPerHost && next < chunks.length) {
      const id = next++;
      const reply = emitChunk(request(id), false);
      if ('error' in reply) throw new Error(reply.error);
      if ('notPerHost' in reply) notPerHost = true;
      else results[id] = reply.artifacts;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(working);
    if (failed) throw failed;
    if (notPerHost) return emitFleet(fleet, context);
    return finishArtifacts(fleet, [...shared, ...results.flat()], context);
  }
}

/**
 * Which emitters write per-host files, found on a fleet of the first host (and its voters): every
 * file one host's own, none shared or at the root. Any chunk that shows otherwise sends the whole
 * emit back to the main thread. An emitter that writes nothing there runs on the whole fleet.
 */
function perHostEmitters(fleet: Fleet, context: EmitContext): number[] {
  const probe = chunkFleet(fleet, [fleet.hosts[0]!.name]);
  return EMITTERS.flatMap((emit, i) => {
    if (emit.crossHost === true) return [];
    const artifacts = emit(probe, context);
    return artifacts.length > 0 && artifacts.every((a) => a.host !== undefined && !a.fragments && !a.root) ? [i] : [];
  });
}

/** The fleet a chunk's emitters see: the chunk's hosts and, for first boot, their clusters' voters. */
function chunkFleet(fleet: Fleet, names: string[]): Fleet {
  return { ...fleet, hosts: hostsToEmit(fleet, new Set(names), 'cluster') };
}

function emitChunk({ id, fleet, names, emitters, context }: ChunkRequest, hash: boolean): ChunkReply {
  const wanted = new Set(names);
  const artifacts: Artifact[] = [];
  try {
    for (const index of emitters) {
      for (const artifact of EMITTERS[index]!(fleet, context)) {
        if (artifact.host === undefined || artifact.fragments || artifact.root) return { id, notPerHost: artifact.path };
        if (wanted.has(artifact.host)) artifacts.push(artifact);
      }
    }
  } catch (error) {
    return { id, error: error instanceof Error ? error.message : String(error) };
  }
  return { id, artifacts, hashes: hash ? artifacts.map((a) => sha256(a.contents)) : [] };
}

function startWorker(): Worker {
  const data = { role: ROLE };
  const self = import.meta.url;
  // From the TypeScript sources (tests, FLEETC_FROM_SOURCE), the worker loads them through tsx as bin/fleetc.js does.
  const worker = self.endsWith('.ts')
    ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(self)}); });`, { eval: true, workerData: data })
    : new Worker(new URL(self), { workerData: data });
  return worker;
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === ROLE && parentPort) {
  const port = parentPort;
  port.on('message', (request: ChunkRequest) => port.postMessage(emitChunk(request, true)));
}
