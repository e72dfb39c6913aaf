/**
 * A pool of corpus workers (corpusWorker.ts), one per core by default: `tag(path)` reads and tags a
 * file in whichever worker is free. Each worker has one file at a time, so memory holds at most one
 * parsed run per worker; a worker that dies (a file too large for its heap) fails that file with a
 * message and is replaced.
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
  job?: Job;
}

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
    return this.queue.length + this.slots.filter((s) => s.job).length;
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot && this.slots.length < this.size) slot = this.start();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.postMessage({ id: job.id, path: job.path } satisfies TagRequest);
    }
  }

  private start(): Slot {
    const slot: Slot = { worker: new Worker(this.workerFile, { workerData: (this.rules ? { rules: this.rules } : {}) satisfies TagWorkerData }) };
    slot.worker.on('message', (reply: TagReply) => {
      const job = slot.job;
      if (!job || job.id !== reply.id) return;
      slot.job = undefined;
      job.resolve(reply.result);
      this.pump();
    });
    const died = (why: string) => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      this.slots.splice(i, 1);
      const job = slot.job;
      slot.job = undefined;
      if (job) job.resolve({ runs: [], problems: [`${job.display}: could not be tagged: ${why}`] });
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
    for (const s of slots) s.job?.resolve(undefined);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
