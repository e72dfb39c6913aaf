/**
 * The host's side of src/node/detectWorker.ts: runs detection for one run in a fresh worker thread and
 * resolves with its tags. The extension host's event loop stays free while the worker reads and tags
 * the run; `cancel` terminates the worker (the promise then resolves with `undefined`).
 */
import { Worker } from 'node:worker_threads';
import type { Tag } from '../core/behaviours';
import { NotATranscriptError } from '../core/formats';
import type { RunlogSource } from '../core/runlog/runlog';

/** What a finished detection gives back. */
export interface Detected {
  tags: Tag[];
  /** The number of events the tags were computed on. */
  eventCount: number;
  sha256?: string;
  convertedFrom?: RunlogSource;
}
import type { DetectReply, DetectRequest, SampleProgress, SampleReply } from './detectWorker';

export interface DetectJob<R = Detected> {
  /** The tags and the event count they cover, or undefined when cancelled; rejects with the worker's error. */
  readonly result: Promise<R | undefined>;
  cancel(): void;
}

/** Starts `workerFile` (the built dist/detectWorker.js) on `req`. */
export function detectInWorker(workerFile: string, req: DetectRequest): DetectJob {
  const worker = new Worker(workerFile);
  let settled = false;
  let cancel: () => void = () => undefined;
  const tags: Tag[] = [];
  const result = new Promise<Detected | undefined>((resolve, reject) => {
    const done = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.on('message', (reply: DetectReply) => {
      if ('tags' in reply) {
        for (const t of reply.tags) tags.push(t);
        return;
      }
      if ('error' in reply) {
        // The folder scan tells "not a transcript" (skipped) from other failures, as in the host.
        const e = reply.notATranscript ? new NotATranscriptError(reply.notATranscript.file, reply.notATranscript.reason) : new Error(reply.error);
        done(() => reject(e));
        return;
      }
      const { done: _done, ...rest } = reply;
      done(() => resolve({ ...rest, tags }));
    });
    worker.once('error', (e) => done(() => reject(e)));
    worker.once('exit', (code) => done(() => reject(new Error(`the detection worker stopped (exit code ${code})`))));
    cancel = () => done(() => resolve(undefined));
  });
  worker.postMessage(req);
  return { result, cancel: () => cancel() };
}

/**
 * Starts `workerFile` on the samples of the log at `path` (a `samples` request): `onReply` gets the
 * count to tag, then each sample's tags as it is tagged. `result` resolves true when every sample was
 * tagged, undefined when cancelled; rejects with the worker's error (the log could not be opened).
 */
export function detectSamplesInWorker(workerFile: string, req: Omit<DetectRequest, 'samples' | 'maxEvents' | 'hash'>, onReply: (reply: SampleProgress) => void): DetectJob<true> {
  const worker = new Worker(workerFile);
  let settled = false;
  let cancel: () => void = () => undefined;
  const result = new Promise<true | undefined>((resolve, reject) => {
    const done = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.on('message', (reply: SampleReply) => {
      if (settled) return;
      if ('done' in reply) return done(() => resolve(true));
      if ('error' in reply && !('sample' in reply)) return done(() => reject(new Error(reply.error)));
      onReply(reply as SampleProgress);
    });
    worker.once('error', (e) => done(() => reject(e)));
    worker.once('exit', (code) => done(() => reject(new Error(`the detection worker stopped (exit code ${code})`))));
    cancel = () => done(() => resolve(undefined));
  });
  worker.postMessage({ ...req, samples: true } satisfies DetectRequest);
  return { result, cancel: () => cancel() };
}
