// Worker threads for the large stages of a cold build: parsing the fleet's files and the per-host emit.
//
// Both are split into chunks that worker threads and the main thread take in turn; each chunk's
// result depends on nothing but the chunk, so the result does not depend on which thread did which
// chunk, nor on how many threads there are.
//
// - parse: a chunk of files' texts → parseText's results (the data, or the diagnostics), which
//   load/parse.ts takes instead of parsing those files itself;
// - emit: the per-host emitters (whose files belong to one host and read nothing of other hosts
//   but, for first boot, the Raft voters of its cluster: Emitter.crossHost) on a chunk of hosts, on
//   a fleet holding just the hosts they must see (affected.ts hostsToEmit); a worker hands back the
//   artifacts with their sha256. The shared files are emitted on the main thread, and the artifacts
//   sorted by path.
//
// Workers never write: the writer stays the only one. An error in a worker is an Error with its
// message on the main thread, as it would have been on one thread.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Artifact, EmitContext } from '../emit/artifact.ts';
import { EMITTERS, emitFleet, finishArtifacts } from '../emit/index.ts';
import { rememberHash, sha256 } from '../emit/manifest.ts';
import { decodeUtf8, parseText, type ParsedText } from '../load/parse.ts';
import type { RawFile, RawFleet } from '../load/types.ts';
import type { Fleet } from '../model/fleet.ts';
import { hostsToEmit } from './affected.ts';

/** Hosts per emit chunk, files per parse chunk: small enough to share the work evenly, large enough that messages stay few. */
const CHUNK_HOSTS = 500;
const CHUNK_FILES = 500;
const ROLE = 'fleetc-stage-worker';

interface EmitRequest {
  kind: 'emit';
  id: number;
  fleet: Fleet;
  names: string[];
  /** Indices in EMITTERS of the per-host emitters. */
  emitters: number[];
  context: EmitContext;
}

interface ParseRequest {
  kind: 'parse';
  id: number;
  files: Array<{ text: string; relPath: string; path: string }>;
}

type Request = EmitRequest | ParseRequest;

type Reply =
  | { id: number; artifacts: Artifact[]; hashes: string[] }
  | { id: number; parsed: ParsedText[] }
  /** An emitter wrote a file that is not one host's own (then the main thread emits everything itself). */
  | { id: number; notPerHost: string }
  | { id: number; error: string };

/**
 * How many worker threads a build uses: FLEETC_WORKERS (0 to 16), else none. On the 2-core machine
 * the bench runs on they made a cold build slower at every size (docs/scale.md, "Third round"):
 * the main thread still receives, holds and writes every artifact, and the copies between threads
 * cost more than the second core gives, which V8's own threads (TurboFan, the collector) already
 * keep busy.
 */
export function workerCount(setting = process.env.FLEETC_WORKERS): number {
  if (setting === undefined || setting === '') return 0;
  const n = Number(setting);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, 16) : 0;
}

/** Started before the files are parsed, so that loading fleetc in the workers overlaps the main thread's reading. */
export class StagePool {
  private readonly workers: Worker[];

  /** chunk: hosts or files per chunk; mainToo: the main thread takes chunks too (tests leave them all to the workers). */
  constructor(count: number, private readonly chunk?: number, private readonly mainToo = true) {
    this.workers = Array.from({ length: count }, startWorker);
  }

  get size(): number {
    return this.workers.length;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** parseText of every readable file, by file. */
  async parse(raw: RawFleet): Promise<Map<RawFile, ParsedText>> {
    const files = raw.files.flatMap((file) => {
      const text = file.problem || !file.bytes ? undefined : decodeUtf8(file.bytes);
      return text === undefined ? [] : [{ file, text }];
    });
    const chunks = split(files, this.chunk ?? CHUNK_FILES);
    const results = await this.distribute<ParsedText[]>(chunks.length, (id): ParseRequest => ({ kind: 'parse', id, files: chunks[id]!.map(({ file, text }) => ({ text, relPath: file.relPath, path: file.displayPath })) }), (reply) => ('parsed' in reply ? reply.parsed : undefined));
    const parsed = new Map<RawFile, ParsedText>();
    chunks.forEach((chunk, i) => chunk.forEach(({ file }, j) => parsed.set(file, results![i]![j]!)));
    return parsed;
  }

  /** Every artifact of the fleet, sorted by path, the manifest last: byte-identical to emitFleet. */
  async emit(fleet: Fleet, context: EmitContext): Promise<Artifact[]> {
    if (this.workers.length === 0 || fleet.hosts.length === 0) return emitFleet(fleet, context);
    const chunks = split(fleet.hosts.map((h) => h.name), this.chunk ?? CHUNK_HOSTS);
    const perHost = perHostEmitters(fleet, context);
    const shared: Artifact[] = [];
    const results = await this.distribute<Artifact[]>(
      chunks.length,
      (id): EmitRequest => ({ kind: 'emit', id, fleet: chunkFleet(fleet, chunks[id]!), names: chunks[id]!, emitters: perHost, context }),
      (reply) => {
        if (!('artifacts' in reply)) return undefined;
        reply.artifacts.forEach((a, i) => rememberHash(a, reply.hashes[i]!));
        return reply.artifacts;
      },
      // The shared files, while the workers take their first chunks.
      () => shared.push(...EMITTERS.filter((_, i) => !perHost.includes(i)).flatMap((emit) => emit(fleet, context))),
    );
    if (!results) return emitFleet(fleet, context);
    return finishArtifacts(fleet, [...shared, ...results.flat()], context);
  }

  /**
   * Chunks 0..count-1 taken in turn by the workers and the main thread (between two of its chunks
   * it lets the workers' replies in); undefined when a chunk's reply says the work cannot be split.
   */
  private async distribute<T>(count: number, request: (id: number) => Request, accept: (reply: Reply) => T | undefined, first?: () => void): Promise<T[] | undefined> {
    const results: T[] = new Array(count);
    let next = 0;
    let failed: Error | undefined;
    let unsplittable = false;
    const take = (reply: Reply, id: number) => {
      if ('error' in reply) failed ??= new Error(reply.error);
      else {
        const value = accept(reply);
        if (value === undefined) unsplittable = true;
        else results[id] = value;
      }
    };
    const stopped = () => failed !== undefined || unsplittable || next >= count;
    const working = this.workers.map((worker) => new Promise<void>((resolve) => {
      const onMessage = (reply: Reply) => {
        take(reply, reply.id);
        more();
      };
      const onError = (error: Error) => {
        failed ??= new Error(`a worker thread failed: ${error.message}`);
        done();
      };
      const done = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        resolve();
      };
      const more = () => (stopped() ? done() : worker.postMessage(request(next++)));
      worker.on('message', onMessage);
      worker.once('error', onError);
      more();
    }));
    first?.();
    while (this.mainToo && !stopped()) {
      const id = next++;
      take(run(request(id), false), id);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(working);
    if (failed) throw failed;
    return unsplittable ? undefined : results;
  }
}

function split<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
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

function run(request: Request, inWorker: boolean): Reply {
  try {
    return request.kind === 'parse' ? { id: request.id, parsed: request.files.map((f) => parseText(f.text, f.relPath, f.path)) } : emitChunk(request, inWorker);
  } catch (error) {
    return { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
}

function emitChunk({ id, fleet, names, emitters, context }: EmitRequest, hash: boolean): Reply {
  const wanted = new Set(names);
  const artifacts: Artifact[] = [];
  for (const index of emitters) {
    for (const artifact of EMITTERS[index]!(fleet, context)) {
      if (artifact.host === undefined || artifact.fragments || artifact.root) return { id, notPerHost: artifact.path };
      if (wanted.has(artifact.host)) artifacts.push(artifact);
    }
  }
  return { id, artifacts, hashes: hash ? artifacts.map((a) => sha256(a.contents)) : [] };
}

function startWorker(): Worker {
  const data = { role: ROLE };
  const self = import.meta.url;
  // From the TypeScript sources (tests, FLEETC_FROM_SOURCE), the worker loads them through tsx as bin/fleetc.js does.
  return self.endsWith('.ts')
    ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(self)}); });`, { eval: true, workerData: data })
    : new Worker(new URL(self), { workerData: data });
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === ROLE && parentPort) {
  const port = parentPort;
  port.on('message', (request: Request) => port.postMessage(run(request, true)));
}
