/**
 * One request to a fresh worker thread, the way the host keeps long work off its own thread (the
 * detection worker, the comparison worker, the corpus folder worker): the worker is started from its
 * built file, sent the request, and answers with messages until the caller settles the job; settling
 * or cancelling terminates the worker. A worker that fails or exits before then rejects the job.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';

/** A job under way: its result (undefined once cancelled), and how to cancel it. */
export interface WorkerJob<R> {
  readonly result: Promise<R | undefined>;
  cancel(): void;
}

/** A job in a worker thread, which can be told more while it runs (a job that stops on its own terms, keeping what it did). */
export interface WorkerThreadJob<R> extends WorkerJob<R> {
  post(message: unknown): void;
}

/** How a reply ends the job. */
export interface Settle<R> {
  resolve(r: R): void;
  reject(e: Error): void;
}

/** A worker that ran out of the memory its `resourceLimits` gave it (Node's ERR_WORKER_OUT_OF_MEMORY). */
export class WorkerOutOfMemoryError extends Error {
  constructor(
    message: string,
    /** The worker's heap limit in MB (`maxOldGenerationSizeMb`), when one was given. */
    readonly limitMB?: number,
  ) {
    super(message);
    this.name = 'WorkerOutOfMemoryError';
  }
}

/**
 * Starts `workerFile` on `req`; `onReply` gets each message until the job settles. `what` names the
 * worker in the error of a worker that failed ("the detection worker: …") or exited before the answer
 * ("the detection worker stopped (exit code 1)"). `resourceLimits` bound the worker's heap: past
 * them it stops alone (the host goes on) and the job rejects with a WorkerOutOfMemoryError.
 */
export function startWorkerJob<Req, Reply, R>(workerFile: string, req: Req, what: string, onReply: (reply: Reply, settle: Settle<R>) => void, resourceLimits?: ResourceLimits): WorkerThreadJob<R> {
  const worker = new Worker(workerFile, resourceLimits ? { resourceLimits } : {});
  let settled = false;
  let cancel: () => void = () => undefined;
  const result = new Promise<R | undefined>((resolve, reject) => {
    const done = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    const settle: Settle<R> = { resolve: (r) => done(() => resolve(r)), reject: (e) => done(() => reject(e)) };
    worker.on('message', (reply: Reply) => {
      if (!settled) onReply(reply, settle);
    });
    // A worker that throws or runs out of memory: named, since the error alone does not say what failed.
    worker.once('error', (e: Error & { code?: string }) =>
      done(() => reject(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new WorkerOutOfMemoryError(`${what}: ${e.message}`, resourceLimits?.maxOldGenerationSizeMb) : new Error(`${what}: ${e.message}`))),
    );
    worker.once('exit', (code) => done(() => reject(new Error(`${what} stopped (exit code ${code})`))));
    cancel = () => done(() => resolve(undefined));
  });
  worker.postMessage(req);
  return {
    result,
    cancel: () => cancel(),
    post: (message) => {
      if (!settled) worker.postMessage(message);
    },
  };
}
