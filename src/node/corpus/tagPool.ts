/**
 * A pool of corpus workers (corpusWorker.ts), one per core by default: `tag(path)` reads and tags a
 * file in whichever worker has the fewest. Each worker is sent a few files ahead (IN_FLIGHT), so it
 * never waits for the main thread between two small files, and tags them one after another: memory
 * holds at most one parsed run per worker. A worker that dies (a file too large for its heap) fails
 * the file it was on with a message; the files sent after it go to the other workers or a new one.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RulesText } from '../../core/behaviours';
import type { TagReply, TagRequest, TagWorkerData } from './corpusWorker';
import type { FileTags } from '../../core/corpus/tagFile';

interface Job {
  id: number;
  path: string;
  display: string;
  /** Undefined: the pool was closed first. */
  resolve(r: FileTags | undefined): void;
}

interface Slot {
  worker: Worker;
  /** Sent and not yet answered, in the order sent: the first is the one being tagged. */
  jobs: Job[];
}

/**
 * Files sent to a worker ahead of its answers. Two or three hide the main thread's turnaround
 * (a study transcript is tagged in about a millisecond); more would only leave other workers idle
 * at the end of a folder.
 */
const IN_FLIGHT = 3;

export class TagPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  /** `size` workers (default: every core) running `workerFile` (the built dist/corpusWorker.js), tagging with `rules` besides the built-in detectors. */
  constructor(
    private readonly workerFile: string,
    readonly size: number = availableParallelism(),
    private readonly rules?: RulesText,
  ) {}

  /** Reads and tags `path` in a worker; `display` names it in a message if the worker dies on it. Undefined: closed first. */
  tag(path: string, display: string = path): Promise<FileTags | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, path, display, resolve });
      this.pump();
    });
  }

  /** Files waiting for a worker plus files being tagged. */
  get pending(): number {
    return this.queue.length + this.slots.reduce((n, s) => n + s.jobs.length, 0);
  }

  private pump(): void {
    while (this.queue.length) {
      // An idle worker first, then a new one while there are fewer than `size`, then the least busy.
      let slot = this.slots.find((s) => s.jobs.length === 0);
      if (!slot && this.slots.length < this.size) slot = this.start();
      slot ??= this.slots.filter((s) => s.jobs.length < IN_FLIGHT).sort((a, b) => a.jobs.length - b.jobs.length)[0];
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.jobs.push(job);
      slot.worker.postMessage({ id: job.id, path: job.path } satisfies TagRequest);
    }
  }

  private start(): Slot {
    const slot: Slot = { worker: new Worker(this.workerFile, { workerData: (this.rules ? { rules: this.rules } : {}) satisfies TagWorkerData }), jobs: [] };
    slot.worker.on('message', (reply: TagReply) => {
      const job = slot.jobs[0];
      if (!job || job.id !== reply.id) return;
      slot.jobs.shift();
      job.resolve(reply.result);
      this.pump();
    });
    const died = (why: string) => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      this.slots.splice(i, 1);
      const [job, ...after] = slot.jobs.splice(0);
      if (job) job.resolve({ runs: [], problems: [`${job.display}: could not be tagged: ${why}`] });
      // The worker answers in order: it died on the first; the files sent after it were never begun.
      this.queue.unshift(...after);
      if (!this.closed) this.pump();
    };
    slot.worker.on('error', (e) => died(e.message));
    slot.worker.on('exit', (code) => died(`the worker stopped (exit code ${code})`));
    this.slots.push(slot);
    return slot;
  }

  /** Stops every worker; files queued or being tagged resolve undefined. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve(undefined);
    const slots = this.slots.splice(0);
    for (const s of slots) for (const job of s.jobs.splice(0)) job.resolve(undefined);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
