/**
 * How much memory tagging a file takes, in one place for the editor's detection worker and the CLI
 * (node/detectionMemory.ts adds what this thread and this machine have). Tagging holds the run's
 * events for the detectors: a run log takes about three times its size (2.9 GB for the bench's 1 GB
 * log, 420 MB for its 100 MB one, README "Benchmarks").
 *
 * Pure module: no `vscode`, no Node built-ins.
 */

const MB = 1024 * 1024;

/** Memory tagging a file takes per byte of the file (measured: 2.9), with a margin. */
export const DETECTION_BYTES_PER_FILE_BYTE = 3.5;

/**
 * A file larger than half a worker's memory is not tried, rather than read for seconds to stop at
 * the bound; between a third and a half, the worker tries and its bound decides. Only a worker may
 * try: a bounded worker stops alone, where the main thread would take the process down.
 */
const FILE_SHARE_OF_DETECTION_MEMORY = 0.5;

/** True when a worker whose heap is bounded at `memoryMB` may try to tag a file of `bytes`. */
export function fitsDetection(bytes: number, memoryMB: number): boolean {
  return bytes <= memoryMB * MB * FILE_SHARE_OF_DETECTION_MEMORY;
}
