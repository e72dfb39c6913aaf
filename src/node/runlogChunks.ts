/**
 * A large run log read on every core: `peerwatch parse` (and the first pass of `convert` and
 * `parse --json`) cut the file into pieces of about 8 MB at line boundaries, read by worker threads
 * and the main thread at once, each with its own RunlogReader, and join what they found in file order.
 *
 * A piece after the first is read as if the header were already read and no line before it. When it
 * finds nothing wrong (no diagnostic), only its counts are joined: what it read does not depend on the
 * lines before it. Otherwise, or when the lines before it left the log in another state (no header yet,
 * a newer version), the main thread reads that piece again with a reader resumed from the joined state,
 * so every diagnostic, line number and count is the one-thread reader's, in the same order.
 *
 * The workers run this same bundle (dist/cli.js): `serveRunlogPieces` below answers when it is loaded in
 * a worker started by `summarizeRunlogFile`.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { RunHeader } from '../core/model';
import { RunlogReader, type RunlogReaderState } from '../core/runlog/runlog';
import type { StreamedRunlog } from './runlogFile';
import { nodeRunFiles } from './readTranscript';

/** The nominal size of a piece: its lines are those starting in it. */
export const PIECE_BYTES = 8 * 1024 * 1024;
/** Smaller files are read on the main thread alone (a worker takes longer to start than they to read). */
export const PARALLEL_MIN_BYTES = 3 * PIECE_BYTES;
/** Marks the worker data of a piece reader. */
const WORKER_MARK = 'peerwatchRunlogPieces';
const READ_BYTES = 1024 * 1024;

interface PieceRequest {
  k: number;
}

/** What reading one piece found. */
interface PieceResult {
  k: number;
  /** Bytes [start, end) of the file: whole lines (the last piece may end without a newline). */
  start: number;
  end: number;
  /** The reader's state after the piece (for piece 0, the log's state so far). */
  state: RunlogReaderState;
  /** Events by kind, in order of first appearance. */
  kinds: Array<[string, number]>;
}

interface PieceJob {
  path: string;
  display: string;
  size: number;
  pieces: number;
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

/** The offset just after the first newline at or after `at` (or `size`). */
function lineEndFrom(fd: number, buffer: Buffer, at: number, size: number): number {
  while (at < size) {
    const bytes = readAt(fd, buffer, at, Math.min(size, at + READ_BYTES));
    if (bytes.length === 0) return size;
    const nl = bytes.indexOf(10);
    if (nl >= 0) return at + nl + 1;
    at += bytes.length;
  }
  return size;
}

/** Where piece k's lines begin: at 0, or after the newline ending the line that holds byte k·PIECE_BYTES − 1. */
function pieceStart(fd: number, buffer: Buffer, k: number, job: PieceJob): number {
  if (k === 0) return 0;
  return lineEndFrom(fd, buffer, Math.min(job.size, k * PIECE_BYTES) - 1, job.size);
}

/**
 * Bytes [start, end) of the log pushed through `reader`, `onEvent` seeing each event; `last`: the end of
 * the file, where a line without a newline is read too.
 */
function readRange(fd: number, buffer: Buffer, reader: RunlogReader, start: number, end: number, last: boolean, onEvent: (kind: string) => void): void {
  for (let at = start; at < end; ) {
    const bytes = readAt(fd, buffer, at, Math.min(end, at + READ_BYTES));
    if (bytes.length === 0) break;
    for (const e of reader.pushBytes(bytes)) onEvent(e.kind);
    at += bytes.length;
  }
  if (last) for (const e of reader.finish()) onEvent(e.kind);
}

/** A header standing for the one the lines before a piece gave (only that there was one matters). */
const ASSUMED_HEADER = RunHeader.parse({ format: 'runlog' });
const ASSUMED: RunlogReaderState = { lines: 0, events: 0, header: ASSUMED_HEADER, stopped: false, diagnostics: [] };

/** Reads piece k on its own: piece 0 as the log's start, any other as if the header were read. */
function readPiece(fd: number, buffer: Buffer, k: number, job: PieceJob): PieceResult {
  const start = pieceStart(fd, buffer, k, job);
  const last = k === job.pieces - 1;
  const end = last ? job.size : pieceStart(fd, buffer, k + 1, job);
  const reader = new RunlogReader(job.display, { keepEvents: false, ...(k === 0 ? {} : { resume: ASSUMED }) });
  const kinds = new Map<string, number>();
  readRange(fd, buffer, reader, start, end, last, (kind) => kinds.set(kind, (kinds.get(kind) ?? 0) + 1));
  return { k, start, end, state: reader.state(), kinds: [...kinds] };
}

/** In a worker started by summarizeRunlogFile: reads the pieces asked for. */
function serveRunlogPieces(job: PieceJob): void {
  const fd = openSync(job.path, 'r');
  const buffer = Buffer.allocUnsafe(READ_BYTES);
  parentPort!.on('message', (m: PieceRequest) => parentPort!.postMessage(readPiece(fd, buffer, m.k, job) satisfies PieceResult));
}

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[WORKER_MARK]) serveRunlogPieces((workerData as Record<string, PieceJob>)[WORKER_MARK]!);

/** A run log read for its summary: what streamRunlogFile gives, with the events counted by kind. */
export interface SummarizedRunlog extends StreamedRunlog {
  readonly counts: Map<string, number>;
}

/**
 * Reads the run log at `path` for its header, diagnostics and event counts (no event is kept), on the
 * main thread and in up to `workers` worker threads running `workerFile` (this bundle): the same
 * result as streamRunlogFile counting the events, in the same order. Files under PARALLEL_MIN_BYTES,
 * or no workers, are read on the main thread only.
 */
export async function summarizeRunlogFile(path: string, opts: { workerFile?: string; workers?: number } = {}): Promise<SummarizedRunlog> {
  const display = nodeRunFiles.display?.(path) ?? path;
  const fd = openSync(path, 'r');
  const workers: Worker[] = [];
  try {
    const size = fstatSync(fd).size;
    const job: PieceJob = { path, display, size, pieces: Math.max(1, Math.ceil(size / PIECE_BYTES)) };
    const wanted = size < PARALLEL_MIN_BYTES || !opts.workerFile ? 0 : Math.min(opts.workers ?? Math.min(3, availableParallelism() - 1), job.pieces - 1);
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    if (wanted <= 0) {
      // One piece: the whole file, read as the one-thread reader reads it.
      const r = readPiece(fd, buffer, 0, { ...job, pieces: 1 });
      return finished(path, display, r.state, new Map(r.kinds), size);
    }

    const results = new Map<number, PieceResult>();
    let next = 0;
    let joined = 0;
    let state: RunlogReaderState | undefined;
    const counts = new Map<string, number>();
    /** Pieces a worker was given and has not answered, by worker. */
    const given = new Map<Worker, number>();
    /** Pieces of a worker that died, read by the main thread instead. */
    const orphans: number[] = [];
    let wake: (() => void) | undefined;
    const give = (w: Worker) => {
      given.delete(w);
      if (next < job.pieces) {
        given.set(w, next);
        w.postMessage({ k: next++ } satisfies PieceRequest);
      }
    };
    let closing = false;
    for (let i = 0; i < wanted; i++) {
      const w = new Worker(opts.workerFile!, { workerData: { [WORKER_MARK]: job } });
      w.on('message', (r: PieceResult) => {
        results.set(r.k, r);
        give(w);
        wake?.();
      });
      // A worker that fails leaves its piece to the main thread (which reads the rest then).
      const died = () => {
        const k = given.get(w);
        given.delete(w);
        if (k !== undefined && !closing) orphans.push(k);
        wake?.();
      };
      w.on('error', died);
      w.on('exit', died);
      workers.push(w);
      give(w);
    }

    /** Joins the pieces that arrived, in file order. */
    const join = () => {
      for (let r = results.get(joined); r; r = results.get(joined)) {
        results.delete(joined);
        const add = (kind: string, n: number) => counts.set(kind, (counts.get(kind) ?? 0) + n);
        if (!state) {
          state = r.state;
          for (const [kind, n] of r.kinds) add(kind, n);
        } else if (r.state.diagnostics.length === 0 && state.header && !state.stopped) {
          state = { ...state, lines: state.lines + r.state.lines, events: state.events + r.state.events, ...(r.state.ended ? { ended: r.state.ended } : {}) };
          for (const [kind, n] of r.kinds) add(kind, n);
        } else {
          // Read again after the lines before it, as the one-thread reader reads it.
          const reader = new RunlogReader(display, { keepEvents: false, resume: state });
          readRange(fd, buffer, reader, r.start, r.end, r.k === job.pieces - 1, (kind) => add(kind, 1));
          state = reader.state();
        }
        joined++;
      }
    };

    // The main thread reads pieces too, between joining what the workers sent.
    while (joined < job.pieces) {
      const k = orphans.length ? orphans.shift()! : next < job.pieces ? next++ : undefined;
      if (k !== undefined) {
        results.set(k, readPiece(fd, buffer, k, job));
        join();
        await new Promise((resolve) => setImmediate(resolve));
      } else {
        join();
        if (joined < job.pieces && !orphans.length) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    }
    closing = true;
    return finished(path, display, state!, counts, size);
  } finally {
    closeSync(fd);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function finished(path: string, display: string, state: RunlogReaderState, counts: Map<string, number>, bytes: number): SummarizedRunlog {
  const transcript = new RunlogReader(display, { keepEvents: false, resume: state }).transcript();
  return { source: path, transcript, eventCount: state.events, bytes, counts };
}
