/**
 * The host's side of src/node/detectWorker.ts: runs detection for one run in a fresh worker thread and
 * resolves with its tags. The extension host's event loop stays free while the worker reads and tags
 * the run; `cancel` terminates the worker (the promise then resolves with `undefined`).
 */
import type { Tag } from '../core/behaviours';
import { NotATranscriptError } from '../core/formats';
import type { RunlogSource } from '../core/runlog/runlog';
import { startWorkerJob, type WorkerJob } from './workerJob';

/** What a finished detection gives back. */
export interface Detected {
  tags: Tag[];
  /** The number of events the tags were computed on. */
  eventCount: number;
  sha256?: string;
  convertedFrom?: RunlogSource;
}
import type { DetectReply, DetectRequest, SampleProgress, SampleReply } from './detectWorker';

/** A detection under way: its result (undefined when cancelled; rejects with the worker's error), and how to cancel it. */
export type DetectJob<R = Detected> = WorkerJob<R>;

/** Starts `workerFile` (the built dist/detectWorker.js) on `req`, its heap bounded to `heapMB` when given. */
export function detectInWorker(workerFile: string, req: DetectRequest, heapMB?: number): DetectJob {
  const tags: Tag[] = [];
  return startWorkerJob<DetectRequest, DetectReply, Detected>(workerFile, req, 'the detection worker', (reply, settle) => {
    if ('tags' in reply) {
      for (const t of reply.tags) tags.push(t);
      return;
    }
    if ('error' in reply) {
      // The folder scan tells "not a transcript" (skipped) from other failures, as in the host.
      settle.reject(reply.notATranscript ? new NotATranscriptError(reply.notATranscript.file, reply.notATranscript.reason) : new Error(reply.error));
      return;
    }
    const { done: _done, ...rest } = reply;
    settle.resolve({ ...rest, tags });
  }, heapMB !== undefined ? { maxOldGenerationSizeMb: heapMB } : undefined);
}

/**
 * Starts `workerFile` on the samples of the log at `path` (a `samples` request): `onReply` gets the
 * count to tag, then each sample's tags as it is tagged. `result` resolves true when every sample was
 * tagged, undefined when cancelled; rejects with the worker's error (the log could not be opened).
 */
export function detectSamplesInWorker(workerFile: string, req: Omit<DetectRequest, 'samples' | 'maxEvents' | 'hash'>, onReply: (reply: SampleProgress) => void): DetectJob<true> {
  return startWorkerJob<DetectRequest, SampleReply, true>(workerFile, { ...req, samples: true }, 'the detection worker', (reply, settle) => {
    if ('done' in reply) return settle.resolve(true);
    if ('error' in reply && !('sample' in reply)) return settle.reject(new Error(reply.error));
    onReply(reply as SampleProgress);
  });
}
