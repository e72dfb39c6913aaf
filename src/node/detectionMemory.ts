/**
 * What this thread and this machine have for tagging a file (core/detectionMemory.ts says what
 * tagging takes).
 */
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { DETECTION_BYTES_PER_FILE_BYTE } from '../core/detectionMemory';

const MB = 1024 * 1024;

/**
 * True when a file of `bytes` can be tagged on this thread, in the heap it has left. Past that heap
 * V8 ends the whole process ("JavaScript heap out of memory"), so such a file goes to a worker,
 * which stops alone.
 */
export function fitsThisThread(bytes: number): boolean {
  const heap = getHeapStatistics();
  // V8's limit counts the young generation too (112 MB for --max-old-space-size=64): what a run
  // holds lives in the old one, which the flag bounds.
  const limit = Math.min(heap.heap_size_limit, (heapFlagMB() ?? Infinity) * MB);
  return bytes * DETECTION_BYTES_PER_FILE_BYTE <= limit - heap.used_heap_size;
}

/**
 * The heap a worker tagging a file too large for this thread may take when nothing says otherwise:
 * three quarters of the machine's memory. V8's own default is about 4 GB however much the machine
 * has, and a 1.5 GB run log already needs that.
 */
function largeFileWorkerMB(): number {
  return Math.floor((totalmem() * 0.75) / MB);
}

/** This thread's heap limit in MB (V8's default, or `--max-old-space-size`). */
function heapLimitMB(): number {
  return Math.floor(getHeapStatistics().heap_size_limit / MB);
}

/**
 * The heap `--max-old-space-size` sets (on the command line or in NODE_OPTIONS), in MB. It bounds
 * worker threads too, whatever their `resourceLimits` say (Node's documentation of Worker).
 */
function heapFlagMB(): number | undefined {
  let mb: number | undefined;
  for (const arg of [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/)]) {
    const m = /^--max[-_]old[-_]space[-_]size=(\d+)$/.exec(arg);
    if (m) mb = Number(m[1]);
  }
  return mb;
}

/** A tagging worker's heap and what chose it (for the message of a file that needs more). */
export interface WorkerHeap {
  mb: number;
  setBy: string;
}

/**
 * The heap of tagging workers: `--max-old-space-size` bounds them whatever else says (so it is
 * named), then `--max-memory-mb` (`optionMB`); else, when a file is too large for this thread
 * (`largeFileAmong` workers), three quarters of the machine's memory shared between them; else
 * V8's default (undefined).
 */
export function workerHeap(optionMB: number | undefined, largeFileAmong?: number): WorkerHeap | undefined {
  const flag = heapFlagMB();
  if (flag !== undefined) return { mb: flag, setBy: '--max-old-space-size' };
  if (optionMB !== undefined) return { mb: optionMB, setBy: '--max-memory-mb' };
  if (largeFileAmong !== undefined) return { mb: Math.max(Math.floor(largeFileWorkerMB() / largeFileAmong), heapLimitMB()), setBy: "three quarters of this machine's memory; --max-memory-mb sets it" };
  return undefined;
}
