/**
 * A large run log read on every core. The file is cut into pieces of about 8 MB at line boundaries,
 * read by worker threads and the main thread at once, each piece with its own RunlogReader, and what
 * they give is joined in file order.
 *
 * First pass (`summarizeRunlogFile`: `peerwatch parse`, and the first pass of `convert` and
 * `parse --json`): a piece after the first is read as if the header were already read and no line
 * before it. When it finds nothing wrong (no diagnostic), only its counts are joined: what it read
 * does not depend on the lines before it. Otherwise, or when the lines before it left the log in
 * another state (no header yet, a newer version), the main thread reads that piece again with a
 * reader resumed from the joined state, so every diagnostic, line number and count is the one-thread
 * reader's, in the same order. The pass also notes the state before each piece.
 *
 * Second pass (`writeRunlogEvents`: the events `convert` and `parse --json` write): each piece is read
 * by a reader resumed from the state the first pass noted before it, so its events are numbered as the
 * one-thread reader numbers them; each piece's text is written in file order, a few pieces in flight.
 *
 * `convert` of a log whose first line is its header and last its end record needs no second pass
 * (`predictRunlogFrame`, the `convert` option of the first pass): the header it writes is known from
 * those two lines and the file's hash, and each piece's events are written as the piece is joined,
 * numbered from the events before it. convert writes each event's line as it was read where it can
 * (readLines, numberLines; docs/runlog-cli.md "What convert writes"), so no event is serialized again.
 *
 * The workers run this same bundle (dist/cli.js): `servePieces` below answers when it is loaded in a
 * worker started here. A worker that dies leaves its piece to the main thread.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isUtf8 } from 'node:buffer';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { RunHeader, type Transcript, type TranscriptEvent } from '../core/model';
import { EVENT_LINE_PREFIX, RunlogReader, serializedEventTail, type EventLineListener, type RunlogReaderState } from '../core/runlog/runlog';
import type { StreamedRunlog } from './runlogFile';
import { nodeRunFiles } from './readTranscript';

/** The nominal size of a piece: its lines are those starting in it. */
export const PIECE_BYTES = 8 * 1024 * 1024;
/** The pieces of a one-pass convert (its text waits in memory for the pieces before it). */
const CONVERT_PIECE_BYTES = 2 * 1024 * 1024;
/** How far a one-pass convert's pieces may run ahead of those written (their bytes wait in memory). */
const CONVERT_AHEAD_BYTES = 48 * 1024 * 1024;
/** Smaller files are read on the main thread alone (a worker takes longer to start than they to read). */
export const PARALLEL_MIN_BYTES = 3 * PIECE_BYTES;

/** Marks the worker data of a piece reader. */
const WORKER_MARK = 'peerwatchRunlogPieces';
const READ_BYTES = 1024 * 1024;
/** Pieces a worker holds at once: one it reads, one waiting, so it never waits for the main thread to give it the next. */
const QUEUED = 2;

/** How the second pass writes each event: a run-log line, or an element of `parse --json`'s events array. */
export type EventFormat = { kind: 'runlog' } | { kind: 'json'; inner: string };

/** One event as `parse --json` writes it, beginning with a comma (the first one's is the caller's to replace). */
function eventJson(e: TranscriptEvent, inner: string): string {
  return `,${inner}${JSON.stringify(e, null, 2).replace(/\n/g, inner)}`;
}

/**
 * A piece's events as run-log lines before they are numbered: event i's line is EVENT_LINE_PREFIX,
 * its index, then its tail: `bytes`[from[i], to[i]) and a newline for a line kept as written
 * (keptEventTail, and its bytes UTF-8) and read with the piece, else (from[i] is −1) the next of
 * `others`, newline included: the serializer's tail, or a kept line's that was read apart (the
 * file's last line, when it has no newline).
 */
interface UnnumberedLines {
  /** The piece's bytes as read (moved, not copied, from a worker to the main thread). */
  bytes: Uint8Array;
  from: number[];
  to: number[];
  others: Uint8Array[];
}

const NEWLINE = Buffer.from('\n');

/**
 * Bytes [start, end) of `fd` read whole and pushed through a reader made by `reader` (given the
 * listener that notes each event's line); `last`: the file's end, where a line without a newline is
 * read too. `onEvent` sees each event.
 */
function readLines(fd: number, start: number, end: number, last: boolean, reader: (onEventLine: EventLineListener) => RunlogReader, onEvent?: (e: TranscriptEvent) => void): { reader: RunlogReader; lines: UnnumberedLines } {
  // A buffer of its own (never Node's shared pool): a worker moves it to the main thread.
  const bytes = readAt(fd, Buffer.allocUnsafeSlow(end - start), start, end);
  const lines: UnnumberedLines = { bytes, from: [], to: [], others: [] };
  // A line is cut from the piece at a newline byte, never inside a character: in a piece of UTF-8, every line is UTF-8.
  const utf8 = isUtf8(bytes);
  const r = reader((e, line, tail, to) => {
    onEvent?.(e);
    // A line that is not UTF-8 (the reader read U+FFFD for its bad bytes) is serialized: the output stays UTF-8.
    const kept = tail >= 0 && ((utf8 && line === bytes) || isUtf8(line.subarray(tail, to)));
    if (kept && line === bytes) {
      lines.from.push(tail);
      lines.to.push(to);
      return;
    }
    lines.from.push(-1);
    lines.to.push(0);
    lines.others.push(kept ? Buffer.concat([line.subarray(tail, to), NEWLINE]) : Buffer.from(serializedEventTail(e), 'utf8'));
  });
  r.pushBytes(bytes);
  if (last) r.finish();
  return { reader: r, lines };
}

const PREFIX = Buffer.from(EVENT_LINE_PREFIX, 'latin1');

/** The lines numbered from `base`: the run-log text of the events. */
function numberLines(lines: UnnumberedLines, base: number): Buffer {
  const { bytes, from, to, others } = lines;
  const { buffer, byteOffset } = bytes;
  const n = from.length;
  // The kept tails are parts of the piece, each followed in it by at least its newline.
  let size = bytes.length + n * (PREFIX.length + String(base + n).length);
  for (const o of others) size += o.length;
  // A buffer of its own (never Node's shared pool): a worker moves it to the main thread.
  const out = Buffer.allocUnsafeSlow(size);
  let at = 0;
  let other = 0;
  // The index's digits, and the next index that has one more.
  let d = String(base).length;
  let more = 10 ** d;
  for (let i = 0; i < n; i++) {
    out.set(PREFIX, at);
    at += PREFIX.length;
    let v = base + i;
    if (v >= more) {
      d++;
      more *= 10;
    }
    for (let p = at + d - 1; p >= at; p--, v = Math.floor(v / 10)) out[p] = 48 + (v % 10);
    at += d;
    const f = from[i]!;
    if (f >= 0) {
      // A plain view and set: Buffer's copy makes the view too, behind more calls.
      out.set(new Uint8Array(buffer, byteOffset + f, to[i]! - f), at);
      at += to[i]! - f;
      out[at++] = 10;
    } else {
      const o = others[other++]!;
      out.set(o, at);
      at += o.length;
    }
  }
  return out.subarray(0, at);
}

/** What a piece's second-pass reader starts from: the state before it, without diagnostics. */
type Before = Omit<RunlogReaderState, 'diagnostics' | 'ended'>;

type PieceRequest = { op: 'count' | 'convert'; k: number } | { op: 'write'; k: number; start: number; end: number; before: Before; format: EventFormat };

/** What the first pass found in one piece. */
interface CountResult {
  k: number;
  /** Bytes [start, end) of the file: whole lines (the last piece may end without a newline). */
  start: number;
  end: number;
  /** The reader's state after the piece (for piece 0, the log's state so far). */
  state: RunlogReaderState;
  /** Events by kind, in order of first appearance. */
  kinds: Array<[string, number]>;
  /** `convert`: the piece's events as run-log lines, for the joiner to number. */
  lines?: UnnumberedLines;
}

/** What the second pass wrote for one piece: JSON text, or run-log lines. */
interface WriteResult {
  k: number;
  text: string | Uint8Array;
  events: number;
}

interface PieceJob {
  path: string;
  display: string;
  size: number;
  pieces: number;
  /** The nominal size of a piece (PIECE_BYTES but in tests). */
  pieceBytes: number;
}

/** Bytes [from, to) of `fd` into `buffer`, which is large enough. */
function readAt(fd: number, buffer: Buffer, from: number, to: number): Buffer {
  let n = 0;
  while (from + n < to) {
    const got = readSync(fd, buffer, n, to - from - n, from + n);
    if (got === 0) break;
    n += got;
  }
  return buffer.subarray(0, n);
}

/** Where piece k's lines begin: at 0, or after the newline ending the line that holds byte k·pieceBytes − 1. */
function pieceStart(fd: number, buffer: Buffer, k: number, job: PieceJob): number {
  if (k === 0) return 0;
  // Lines are short next to a piece: look 64 KB ahead first, more only for a longer line.
  for (let at = Math.min(job.size, k * job.pieceBytes) - 1, look = 64 * 1024; at < job.size; look = READ_BYTES) {
    const bytes = readAt(fd, buffer, at, Math.min(job.size, at + look));
    if (bytes.length === 0) break;
    const nl = bytes.indexOf(10);
    if (nl >= 0) return at + nl + 1;
    at += bytes.length;
  }
  return job.size;
}

/** Bytes [start, end) pushed through `reader`, `onEvent` seeing each event; `last`: the file's end, where a line without a newline is read too. */
function readRange(fd: number, buffer: Buffer, reader: RunlogReader, start: number, end: number, last: boolean, onEvent: (e: TranscriptEvent) => void): void {
  for (let at = start; at < end; ) {
    const bytes = readAt(fd, buffer, at, Math.min(end, at + READ_BYTES));
    if (bytes.length === 0) break;
    for (const e of reader.pushBytes(bytes)) onEvent(e);
    at += bytes.length;
  }
  if (last) for (const e of reader.finish()) onEvent(e);
}

/** A header standing for the one the lines before a piece gave (only that there was one matters). */
const ASSUMED: RunlogReaderState = { lines: 0, events: 0, header: RunHeader.parse({ format: 'runlog' }), stopped: false, diagnostics: [] };

/** First pass over piece k on its own: piece 0 as the log's start, any other as if the header were read. */
function countPiece(fd: number, buffer: Buffer, k: number, job: PieceJob, convert = false): CountResult {
  const start = pieceStart(fd, buffer, k, job);
  const last = k === job.pieces - 1;
  const end = last ? job.size : pieceStart(fd, buffer, k + 1, job);
  const kinds = new Map<string, number>();
  const count = (e: TranscriptEvent) => kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
  const opts = { keepEvents: false, ...(k === 0 ? {} : { resume: ASSUMED }) };
  if (convert) {
    // The piece is read whole, so that its kept lines are written from the bytes read.
    const { reader, lines } = readLines(fd, start, end, last, (onEventLine) => new RunlogReader(job.display, { ...opts, onEventLine }), count);
    return { k, start, end, state: reader.state(), kinds: [...kinds], lines };
  }
  const reader = new RunlogReader(job.display, opts);
  readRange(fd, buffer, reader, start, end, last, count);
  return { k, start, end, state: reader.state(), kinds: [...kinds] };
}

/** Second pass over piece k: its events, numbered from the state before it, as `format` writes them. */
function writePiece(fd: number, buffer: Buffer, m: Extract<PieceRequest, { op: 'write' }>, job: PieceJob): WriteResult {
  const resume = m.k === 0 ? {} : { resume: { ...m.before, diagnostics: [] } };
  const last = m.k === job.pieces - 1;
  if (m.format.kind === 'runlog') {
    const { lines } = readLines(fd, m.start, m.end, last, (onEventLine) => new RunlogReader(job.display, { keepEvents: false, ...resume, onEventLine }));
    return { k: m.k, text: numberLines(lines, m.k === 0 ? 0 : m.before.events), events: lines.from.length };
  }
  const inner = m.format.inner;
  const parts: string[] = [];
  readRange(fd, buffer, new RunlogReader(job.display, { keepEvents: false, ...resume }), m.start, m.end, last, (e) => parts.push(eventJson(e, inner)));
  return { k: m.k, text: parts.join(''), events: parts.length };
}

function answer(fd: number, buffer: Buffer, m: PieceRequest, job: PieceJob): CountResult | WriteResult {
  return m.op === 'write' ? writePiece(fd, buffer, m, job) : countPiece(fd, buffer, m.k, job, m.op === 'convert');
}

/** In a worker started by inPieces: reads the pieces asked for. */
function servePieces(job: PieceJob): void {
  const fd = openSync(job.path, 'r');
  const buffer = Buffer.allocUnsafe(READ_BYTES);
  parentPort!.on('message', (m: PieceRequest) => {
    const r = answer(fd, buffer, m, job);
    // Run-log lines are moved to the main thread, not copied (each is in a buffer of its own).
    const moved: ArrayBuffer[] = [];
    if ('lines' in r && r.lines) moved.push(r.lines.bytes.buffer as ArrayBuffer);
    if ('text' in r && typeof r.text !== 'string') moved.push(r.text.buffer as ArrayBuffer);
    parentPort!.postMessage(r, moved);
  });
  // Work is given once the bundle is loaded: until then the main thread reads the first pieces.
  parentPort!.postMessage({ ready: true });
}

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[WORKER_MARK]) servePieces((workerData as Record<string, PieceJob>)[WORKER_MARK]!);

/** Workers to start for a file of `size` bytes in `pieces` pieces. */
function workerCount(size: number, pieces: number, opts: { workerFile?: string; workers?: number; pieceBytes?: number }): number {
  // Tests cut small logs into small pieces: the threshold is then three of them.
  if (size < (opts.pieceBytes ? 3 * opts.pieceBytes : PARALLEL_MIN_BYTES) || !opts.workerFile) return 0;
  return Math.max(0, Math.min(opts.workers ?? Math.min(3, availableParallelism() - 1), pieces - 1));
}

/**
 * Runs `request(k)` for every piece, in `workers` workers and on the main thread (whichever is free),
 * at most `window` pieces ahead of the last one taken; `take` sees the results in file order.
 * `first`: work for the main thread before it reads pieces (the workers start meanwhile).
 */
async function inPieces<R extends { k: number }>(
  fd: number,
  job: PieceJob,
  workerFile: string,
  workers: number,
  request: (k: number) => PieceRequest,
  take: (r: R) => void,
  opts: { window?: number; first?: () => Promise<void> } = {},
): Promise<void> {
  const buffer = Buffer.allocUnsafe(READ_BYTES);
  const window = opts.window ?? Infinity;
  const results = new Map<number, R>();
  let next = 0;
  let taken = 0;
  /** Pieces a worker was given and has not answered, by worker, in the order given. */
  const given = new Map<Worker, number[]>();
  /** Pieces of a worker that died, read by the main thread instead. */
  const orphans: number[] = [];
  let wake: (() => void) | undefined;
  let closing = false;
  /** Gives `w` pieces until it holds QUEUED (or the window is full): its next piece waits there while the main thread reads one of its own. */
  const give = (w: Worker) => {
    const queue = given.get(w);
    if (!queue || closing) return;
    while (queue.length < QUEUED && next < job.pieces && next < taken + window) {
      queue.push(next);
      w.postMessage(request(next++));
    }
  };
  const started: Worker[] = [];
  for (let i = 0; i < workers; i++) {
    const w = new Worker(workerFile, { workerData: { [WORKER_MARK]: job } });
    w.on('message', (r: R | { ready: true }) => {
      if ('k' in r) {
        results.set(r.k, r);
        given.get(w)?.shift();
      } else given.set(w, []);
      give(w);
      wake?.();
    });
    const died = () => {
      const queue = given.get(w) ?? [];
      given.delete(w);
      if (!closing) orphans.push(...queue);
      wake?.();
    };
    w.on('error', died);
    w.on('exit', died);
    started.push(w);
  }
  const takeReady = () => {
    for (let r = results.get(taken); r; r = results.get(taken)) {
      results.delete(taken);
      take(r);
      taken++;
    }
    // Workers held back by the window get work again.
    for (const w of given.keys()) give(w);
  };
  try {
    await opts.first?.();
    while (taken < job.pieces) {
      const k = orphans.length ? orphans.shift()! : next < job.pieces && next < taken + window ? next++ : undefined;
      if (k !== undefined) {
        results.set(k, answer(fd, buffer, request(k), job) as unknown as R);
        takeReady();
        // Lets the workers' answers in.
        await new Promise((resolve) => setImmediate(resolve));
      } else {
        takeReady();
        if (taken < job.pieces && !orphans.length) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    }
  } finally {
    closing = true;
    await Promise.all(started.map((w) => w.terminate()));
  }
}

/** The state before each piece, noted by the first pass for the second. */
export interface RunlogPieces {
  readonly pieces: ReadonlyArray<{ start: number; end: number; before: Before }>;
  readonly pieceBytes: number;
}

/** A run log read for its summary: what streamRunlogFile gives, with the events counted by kind. */
export interface SummarizedRunlog extends StreamedRunlog {
  readonly counts: Map<string, number>;
  /** How the second pass (writeRunlogEvents) reads it again in pieces. */
  readonly split: RunlogPieces;
}

interface SummarizeOptions {
  workerFile?: string;
  workers?: number;
  hash?: boolean;
  pieceBytes?: number;
  /**
   * One pass of `convert`: once the file is hashed, `head` is written, then every event as a run-log
   * line, numbered, in file order (`write`); `head` is given the run as it will have been read.
   */
  convert?: { predicted: Transcript; head: (sha256: string) => string; write: (text: string | Uint8Array) => void };
}

/**
 * Reads the run log at `path` for its header, diagnostics and event counts (no event is kept), on the
 * main thread and in worker threads running `workerFile` (this bundle; at most `workers`): the same
 * result as streamRunlogFile counting the events, in the same order. Files under PARALLEL_MIN_BYTES,
 * or no workerFile, are read on the main thread only. `hash`: the file's SHA-256 too.
 */
export async function summarizeRunlogFile(path: string, opts: SummarizeOptions = {}): Promise<SummarizedRunlog> {
  const display = nodeRunFiles.display?.(path) ?? path;
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    // convert keeps a piece's text until the pieces before it are written: smaller pieces keep that small.
    const pieceBytes = opts.pieceBytes ?? (opts.convert ? CONVERT_PIECE_BYTES : PIECE_BYTES);
    const job: PieceJob = { path, display, size, pieces: Math.max(1, Math.ceil(size / pieceBytes)), pieceBytes };
    const workers = workerCount(size, job.pieces, opts);
    if (workers === 0) job.pieces = 1;

    let state: RunlogReaderState | undefined;
    const counts = new Map<string, number>();
    const add = (kind: string, n: number) => counts.set(kind, (counts.get(kind) ?? 0) + n);
    const pieces: Array<{ start: number; end: number; before: Before }> = [];
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    const take = (r: CountResult) => {
      const { diagnostics: _d, ended: _e, ...before } = state ?? { lines: 0, events: 0, stopped: false, diagnostics: [] };
      pieces.push({ start: r.start, end: r.end, before });
      if (!state) {
        state = r.state;
        for (const [kind, n] of r.kinds) add(kind, n);
        if (r.lines && convert) convert.write(numberLines(r.lines, 0));
      } else if (r.state.diagnostics.length === 0 && state.header && !state.stopped) {
        if (r.lines && convert) convert.write(numberLines(r.lines, state.events));
        state = { ...state, lines: state.lines + r.state.lines, events: state.events + r.state.events, ...(r.state.ended ? { ended: r.state.ended } : {}) };
        for (const [kind, n] of r.kinds) add(kind, n);
      } else {
        // Read again after the lines before it, as the one-thread reader reads it.
        const last = r.k === job.pieces - 1;
        const resume = { keepEvents: false, resume: state };
        if (convert) {
          const { reader, lines } = readLines(fd, r.start, r.end, last, (onEventLine) => new RunlogReader(display, { ...resume, onEventLine }), (e) => add(e.kind, 1));
          if (lines.from.length) convert.write(numberLines(lines, state.events));
          state = reader.state();
        } else {
          const reader = new RunlogReader(display, resume);
          readRange(fd, buffer, reader, r.start, r.end, last, (e) => add(e.kind, 1));
          state = reader.state();
        }
      }
    };
    const convert = opts.convert;
    let sha256: string | undefined;
    const hashFile = async () => {
      if (!opts.hash && !convert) return;
      const hash = createHash('sha256');
      const chunk = Buffer.allocUnsafe(4 * READ_BYTES);
      for (let at = 0; at < size; ) {
        const bytes = readAt(fd, chunk, at, Math.min(size, at + chunk.length));
        if (bytes.length === 0) break;
        hash.update(bytes);
        at += bytes.length;
        // Lets the workers' answers in.
        await new Promise((resolve) => setImmediate(resolve));
      }
      sha256 = hash.digest('hex');
      if (convert) convert.write(convert.head(sha256));
    };
    // convert: a piece's lines wait for the pieces before it, so the pieces ahead are bounded: enough
    // for the workers to read on while the main thread hashes the file (about 1 GB/s) before anything
    // can be written, and a few a thread after.
    const window = Math.max(4 * (workers + 1), Math.floor(CONVERT_AHEAD_BYTES / CONVERT_PIECE_BYTES));
    await inPieces<CountResult>(fd, job, opts.workerFile ?? '', workers, (k) => ({ op: convert ? 'convert' : 'count', k }), take, { first: hashFile, ...(convert ? { window } : {}) });
    const transcript = new RunlogReader(display, { keepEvents: false, resume: state! }).transcript();
    if (convert && JSON.stringify([transcript.header, transcript.live]) !== JSON.stringify([convert.predicted.header, convert.predicted.live])) {
      // closingEndRecord's prediction is the reader's by construction; should they ever differ, the output is not trusted.
      throw new Error(`${display}: the run log's header was written before its end was read, and the end read differs; convert it again`);
    }
    return { source: path, transcript, eventCount: state!.events, bytes: size, counts, split: { pieces, pieceBytes }, ...(sha256 ? { sha256 } : {}) };
  } finally {
    closeSync(fd);
  }
}

/**
 * The second pass: every event of the run log the first pass read (`split`), as `format` writes it,
 * handed to `write` in file order, a piece's text at a time, read on the main thread and in worker
 * threads running `workerFile` (at most `workers`). Returns how many events were written.
 */
export async function writeRunlogEvents<F extends EventFormat>(
  path: string,
  split: RunlogPieces,
  format: F,
  write: (text: F extends { kind: 'runlog' } ? Uint8Array : string) => void,
  opts: { workerFile?: string; workers?: number } = {},
): Promise<number> {
  const display = nodeRunFiles.display?.(path) ?? path;
  const fd = openSync(path, 'r');
  try {
    const last = split.pieces.at(-1);
    const size = last?.end ?? 0;
    const job: PieceJob = { path, display, size, pieces: split.pieces.length, pieceBytes: split.pieceBytes };
    const workers = workerCount(size, job.pieces, { ...opts, ...(split.pieceBytes !== PIECE_BYTES ? { pieceBytes: split.pieceBytes } : {}) });
    let events = 0;
    const request = (k: number): PieceRequest => ({ op: 'write', k, start: split.pieces[k]!.start, end: split.pieces[k]!.end, before: split.pieces[k]!.before, format });
    // A few pieces in flight: the text waiting to be written stays bounded.
    await inPieces<WriteResult>(fd, job, opts.workerFile ?? '', workers, request, (r) => {
      // A run log's pieces are bytes, JSON's text (writePiece).
      if (r.text.length) write(r.text as Parameters<typeof write>[0]);
      events += r.events;
    }, { window: 2 * (workers + 1) });
    return events;
  } finally {
    closeSync(fd);
  }
}

/**
 * What reading the whole log at `path` will give as its transcript's header and `live`, known from its
 * first and last lines alone when the first is a valid header and the last one that is not blank a
 * valid end record (the record the reader keeps then); undefined otherwise. Both lines are read by
 * the reader itself, so its rules (byte order mark, CRLF, depth, the records' schemas) hold.
 */
export function predictRunlogFrame(path: string): Transcript | undefined {
  const display = nodeRunFiles.display?.(path) ?? path;
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    // The first line, whole (a header longer than READ_BYTES is left to the two passes).
    const head = readAt(fd, buffer, 0, Math.min(size, READ_BYTES));
    const nl = head.indexOf(10);
    if (nl < 0) return undefined;
    const first = new RunlogReader(display, { keepEvents: false });
    first.pushBytes(head.subarray(0, nl + 1));
    const opened = first.state();
    if (opened.diagnostics.length || !opened.header || opened.stopped || opened.events) return undefined;
    // The last line that holds more than whitespace, within the last READ_BYTES.
    const from = Math.max(nl + 1, size - READ_BYTES);
    const tail = Buffer.from(readAt(fd, buffer, from, size));
    let end = tail.length;
    while (end > 0 && (tail[end - 1] === 10 || tail[end - 1] === 13 || tail[end - 1] === 32 || tail[end - 1] === 9)) end--;
    const start = tail.lastIndexOf(10, end - 1) + 1;
    if (end === 0 || (start === 0 && from > nl + 1)) return undefined;
    const last = new RunlogReader(display, { keepEvents: false, resume: ASSUMED });
    last.pushBytes(tail.subarray(start));
    last.finish();
    const closed = last.state();
    if (closed.diagnostics.length || closed.events || !closed.ended) return undefined;
    return new RunlogReader(display, { keepEvents: false, resume: { ...opened, ended: closed.ended } }).transcript();
  } finally {
    closeSync(fd);
  }
}
