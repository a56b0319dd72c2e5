// A thread that writes the staged files, and takes their sha256, while the main thread emits the
// next ones: the kernel's share of creating thousands of files and the hashing of their bytes move
// off the main thread. The main thread encodes each file's path and text as UTF-8 into a ring of
// shared memory (no structured clone of the texts, no garbage on either side) and goes on; when the
// ring is full it may write the file itself instead (tryWrite: the other core is busy elsewhere).
// At `settle` it waits until every file handed over is on disk, which throws the first file-system
// error the thread met (errors and hashes come back through receiveMessageOnPort): the writer stays
// one synchronous function, and nothing is committed until every staged file is written. The
// thread runs a few lines of node:fs and node:crypto, not fleetc.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** The ring: this many blocks of BLOCK_BYTES, each handed over whole (a few hundred for a large fleet). */
const BLOCKS = 16;
const BLOCK_BYTES = 1 << 19;
/** A record's header: kind, path bytes, data bytes, flags (32-bit each); path and data follow, padded to 4. */
const HEADER = 16;
/** Record kinds: a whole file; a file's start, a piece of it, its end; hand the hashes back; stop. */
const FILE = 1;
const BEGIN = 2;
const PIECE = 3;
const END = 4;
const FLUSH = 5;
const STOP = 6;
/** Flags: the file's sha256 is wanted. */
const HASHED = 1;
/** The control words: blocks handed over, blocks done, the thread failed, the thread is running, skip what is left. */
const SENT = 0;
const DONE = 1;
const FAILED = 2;
const READY = 3;
const ABORT = 4;
/** A piece of a file is cut at no fewer UTF-16 units than this (a block with less room is handed over). */
const MIN_PIECE_UNITS = 1 << 12;
/** How long a block handed over may wait for the thread to start. */
const START_TIMEOUT_MS = 10_000;

/**
 * The thread's code: each block's records in turn; a directory is made once; a failed write stops
 * the writing (the rest is skipped, the blocks still counted: the main thread never waits forever).
 */
const THREAD_CODE = `
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { workerData } = require('node:worker_threads');
const { port, control, ring } = workerData;
const bytes = Buffer.from(ring);
const words = new Int32Array(ring);
const made = new Set();
let fd = -1;
let hash;
let hashes = '';
let failed = false;
// crypto.hash hashes in one call (Node >= 20.12).
const sha256 = crypto.hash ? (data) => crypto.hash('sha256', data, 'hex') : (data) => crypto.createHash('sha256').update(data).digest('hex');
function open(file) {
  const dir = path.dirname(file);
  if (!made.has(dir)) { fs.mkdirSync(dir, { recursive: true }); made.add(dir); }
  return fs.openSync(file, 'w');
}
function writeAll(at, length) {
  for (let done = 0; done < length; ) done += fs.writeSync(fd, bytes, at + done, length - done);
}
function close() {
  const closing = fd;
  fd = -1;
  fs.closeSync(closing);
}
function record(kind, at, pathBytes, dataBytes, flags) {
  const data = at + ${HEADER} + pathBytes;
  if (kind === ${FILE} || kind === ${BEGIN}) fd = open(bytes.toString('utf8', at + ${HEADER}, data));
  if (kind === ${FILE}) {
    writeAll(data, dataBytes);
    close();
    if (flags & ${HASHED}) hashes += sha256(bytes.subarray(data, data + dataBytes));
  } else if (kind === ${BEGIN}) hash = flags & ${HASHED} ? crypto.createHash('sha256') : undefined;
  else if (kind === ${PIECE}) {
    writeAll(data, dataBytes);
    hash?.update(bytes.subarray(data, data + dataBytes));
  } else if (kind === ${END}) {
    close();
    if (hash) hashes += hash.digest('hex');
    hash = undefined;
  }
}
function fail(error) {
  failed = true;
  if (fd !== -1) try { close(); } catch {}
  port.postMessage({ error: { message: error.message, code: error.code, errno: error.errno, syscall: error.syscall, path: error.path, dest: error.dest, stack: error.stack } });
  Atomics.store(control, ${FAILED}, 1);
}
// Below the main thread: on a busy machine this thread takes what is left of the CPU, and the main
// thread writes what it cannot take (tryWrite). Linux gives a thread its own nice value.
try { require('node:os').setPriority(Number(fs.readlinkSync('/proc/thread-self').split('/').pop()), 10); } catch {}
Atomics.store(control, ${READY}, 1);
Atomics.notify(control, ${READY});
try {
for (let done = 0, stop = false; !stop; ) {
  for (let sent = Atomics.load(control, ${SENT}); sent === done; sent = Atomics.load(control, ${SENT})) Atomics.wait(control, ${SENT}, sent);
  const base = (done % ${BLOCKS}) * ${BLOCK_BYTES};
  const end = base + words[base >> 2];
  for (let at = base + 4; at < end; ) {
    const kind = words[at >> 2], pathBytes = words[(at >> 2) + 1], dataBytes = words[(at >> 2) + 2], flags = words[(at >> 2) + 3];
    if (kind === ${STOP}) {
      stop = true;
      if (fd !== -1) try { close(); } catch {}
    }
    else if (kind === ${FLUSH}) { if (hashes) port.postMessage({ hashes }); hashes = ''; }
    else if (!failed && !Atomics.load(control, ${ABORT})) {
      try { record(kind, at, pathBytes, dataBytes, flags); } catch (error) { fail(error); }
    }
    at += ${HEADER} + ((pathBytes + dataBytes + 3) & ~3);
  }
  Atomics.store(control, ${DONE}, ++done);
  Atomics.notify(control, ${DONE});
}
} catch (error) {
  // Not a file's error: the main thread must neither wait for this thread nor miss it.
  fail(error);
  Atomics.store(control, ${DONE}, 0x7fffffff);
  Atomics.notify(control, ${DONE});
}
`;

export class StagingThread {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * 5));
  private readonly ring = new SharedArrayBuffer(BLOCKS * BLOCK_BYTES);
  private readonly bytes = Buffer.from(this.ring);
  private readonly words = new Int32Array(this.ring);
  /** Blocks handed over; where the block being filled starts, and its next record (0: none held). */
  private sent = 0;
  private base = 0;
  private at = 4;
  /** The setters of the hashes wanted, in the order the files were handed over, not yet given. */
  private wanted: Array<(hash: string) => void> = [];
  private closed = false;
  private started = false;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    // None of this process's flags (a loader, --input-type): the thread runs plain CommonJS.
    this.worker = new Worker(THREAD_CODE, { eval: true, execArgv: [], workerData: { port: port2, control: this.control, ring: this.ring }, transferList: [port2] });
    // The thread never keeps the process alive; `close` stops it.
    this.worker.unref();
  }

  /** The thread has started (until then, the caller writes its files itself). */
  get ready(): boolean {
    return (this.started ||= Atomics.load(this.control, READY) === 1);
  }

  /**
   * Waits until the thread has started (at most a few seconds: a thread that never starts must not
   * hang the build). Once it runs, it counts every block done, whatever it meets.
   */
  waitUntilReady(): void {
    const until = Date.now() + START_TIMEOUT_MS;
    while (Atomics.load(this.control, READY) === 0) {
      if (Atomics.wait(this.control, READY, 0, until - Date.now()) === 'timed-out') throw new Error(`staging thread: not started after ${START_TIMEOUT_MS} ms`);
    }
  }

  /** Hands over a file to be written (its directory made); setHash, if given, gets its sha256 at `settle`. */
  write(file: string, contents: string, setHash?: (hash: string) => void): void {
    if (this.take(file, contents, setHash, true) === 'larger than a block') this.writePieces(file, [contents], setHash);
  }

  /**
   * Hands over a file unless that means waiting for the thread (it is behind: the caller had better
   * write this one itself); false when it did not. Throws the thread's error, as write does.
   */
  tryWrite(file: string, contents: string, setHash?: (hash: string) => void): boolean {
    const taken = this.take(file, contents, setHash, false);
    // The few files larger than a block (a fleet's DHCP configuration) come first, into an empty ring.
    if (taken === 'larger than a block') this.writePieces(file, [contents], setHash);
    return taken !== 'busy';
  }

  /** Hands over a file given in pieces, each cut to fit the blocks. */
  writePieces(file: string, pieces: Iterable<string>, setHash?: (hash: string) => void): void {
    this.ensureRoom(HEADER + 3 * file.length);
    this.record(BEGIN, file, '', setHash);
    for (const piece of pieces) {
      for (let from = 0; from < piece.length; ) {
        this.ensureRoom(HEADER + 3 * MIN_PIECE_UNITS);
        const units = Math.floor((BLOCK_BYTES - this.at - HEADER) / 3);
        let to = Math.min(piece.length, from + units);
        // A surrogate pair is never cut: each piece must be valid UTF-16 on its own.
        if (to < piece.length && isHighSurrogate(piece.charCodeAt(to - 1))) to--;
        this.record(PIECE, '', from === 0 && to === piece.length ? piece : piece.slice(from, to));
        from = to;
      }
    }
    this.ensureRoom(HEADER);
    this.record(END, '', '');
  }

  /** Waits until every file handed over is written, throws the first file-system error met, gives the hashes. */
  settle(): void {
    if (this.sent === 0 && this.at === 4) return;
    this.ensureRoom(HEADER);
    this.record(FLUSH, '', '');
    this.handOver();
    this.waitFor(this.sent);
    this.throwFailure();
    const wanted = this.wanted;
    this.wanted = [];
    let at = 0;
    for (let message = receiveMessageOnPort(this.port); message; message = receiveMessageOnPort(this.port)) {
      const { hashes } = message.message as { hashes: string };
      for (let i = 0; i < hashes.length; i += 64) wanted[at++]!(hashes.slice(i, i + 64));
    }
    if (at !== wanted.length) throw new Error(`staging thread: ${wanted.length} hashes wanted, ${at} given`);
  }

  /** Skips what is left, waits until the thread has stopped touching the files, stops it; call it whatever happened. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Not started: nothing was handed over (the first block waits for it), no file touched.
    if (this.ready && (this.sent > 0 || this.at > 4)) {
      Atomics.store(this.control, ABORT, 1);
      this.ensureRoom(HEADER, false);
      this.record(STOP, '', '');
      this.handOver();
      this.waitFor(this.sent);
    }
    this.port.close();
    void this.worker.terminate();
  }

  /** A whole file's record, in the block held or the next one (waiting for it, or not: false). */
  private take(file: string, contents: string, setHash: ((hash: string) => void) | undefined, waiting: boolean): 'taken' | 'busy' | 'larger than a block' {
    const pathRoom = HEADER + 3 * file.length;
    // A UTF-16 unit is at most 3 bytes of UTF-8: most files fit without being measured.
    let dataBytes = 3 * contents.length;
    if (this.at === 0 || this.at + pathRoom + dataBytes > BLOCK_BYTES) {
      dataBytes = Buffer.byteLength(contents);
      if (4 + pathRoom + dataBytes > BLOCK_BYTES) return 'larger than a block';
      if (this.at === 0 || this.at + pathRoom + dataBytes > BLOCK_BYTES) {
        this.handOver();
        if (!waiting && !this.nextIsFree()) {
          this.throwFailure();
          return 'busy';
        }
        this.acquire(true);
      }
    }
    this.record(FILE, file, contents, setHash);
    return 'taken';
  }

  /** Hands the block held over when fewer than `bytes` are left in it, and takes the next one. */
  private ensureRoom(bytes: number, throwing = true): void {
    if (this.at !== 0 && this.at + bytes <= BLOCK_BYTES) return;
    this.handOver();
    this.acquire(throwing);
  }

  /** Appends one record to the block held (the caller made room for it). */
  private record(kind: number, file: string, data: string, setHash?: (hash: string) => void): void {
    const { bytes, words, base } = this;
    const pathAt = base + this.at + HEADER;
    const pathBytes = file.length === 0 ? 0 : bytes.write(file, pathAt);
    const dataBytes = data.length === 0 ? 0 : bytes.write(data, pathAt + pathBytes);
    const word = (base + this.at) >> 2;
    words[word] = kind;
    words[word + 1] = pathBytes;
    words[word + 2] = dataBytes;
    words[word + 3] = setHash ? HASHED : 0;
    if (setHash) this.wanted.push(setHash);
    this.at += HEADER + ((pathBytes + dataBytes + 3) & ~3);
  }

  /** Hands the block held over (nothing when it is empty); none is held after. */
  private handOver(): void {
    if (this.at === 0) return;
    if (this.at === 4) {
      this.at = 0;
      return;
    }
    if (this.sent === 0) this.waitUntilReady();
    this.words[this.base >> 2] = this.at;
    this.at = 0;
    Atomics.store(this.control, SENT, ++this.sent);
    Atomics.notify(this.control, SENT);
  }

  /** The next block's place in the ring is free: the block that held it last is done. */
  private nextIsFree(): boolean {
    return Atomics.load(this.control, DONE) >= this.sent - BLOCKS + 1;
  }

  /** Takes the next block, once its place is free; throws the thread's error (unless closing). */
  private acquire(throwing: boolean): void {
    this.waitFor(this.sent - BLOCKS + 1);
    this.base = (this.sent % BLOCKS) * BLOCK_BYTES;
    this.at = 4;
    if (throwing) this.throwFailure();
  }

  private waitFor(count: number): void {
    for (let done = Atomics.load(this.control, DONE); done < count; done = Atomics.load(this.control, DONE)) Atomics.wait(this.control, DONE, done);
  }

  /** The thread's file-system error, as the errno error it was (the writer turns it into its diagnostic). */
  private throwFailure(): void {
    if (Atomics.load(this.control, FAILED) === 0) return;
    for (let message = receiveMessageOnPort(this.port); message; message = receiveMessageOnPort(this.port)) {
      const { error } = message.message as { error?: Partial<NodeJS.ErrnoException> & { message: string; dest?: string } };
      if (error) throw Object.assign(new Error(error.message), error);
    }
    throw new Error('staging thread: failed without saying why');
  }
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}
