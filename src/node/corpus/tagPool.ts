/**
 * A pool of corpus workers (corpusWorker.ts), one per core by default: `tag(path)` reads and tags a
 * file in whichever worker has the fewest. Files go in batches (up to BATCH, one message each way),
 * and each worker is sent a batch ahead (BATCHES_IN_FLIGHT), so it never waits for the main thread
 * between two small files, and the main thread, which shares the machine's cores with the workers,
 * handles one message per batch rather than per file. A worker tags its files one after another:
 * memory holds at most one parsed run per worker. A worker that dies (a file too large for its heap)
 * fails the file it was on with a message: the files of the batch it was on are sent again one by
 * one (so only that file fails), the batches after it as they were, to the other workers or a new one.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RulesText } from '../../core/behaviours';
import type { WorkerHeap } from '../detectionMemory';
import type { TagReply, TagRequest, TagWorkerData } from './corpusWorker';
import type { FileTags } from '../../core/corpus/tagFile';
import type { FileTagged } from '../../core/corpus/tagReports';

interface Job {
  id: number;
  path: string;
  display: string;
  /** What `peerwatch tag` reports of the file (core/corpus/tagReports.ts) rather than what the index keeps; `explicit`: named on the command line. */
  report?: { explicit: boolean };
  /** Sent alone: it was in the batch of a worker that died. */
  alone?: boolean;
  /** Undefined: the pool was closed first. */
  resolve(r: FileTags | FileTagged | undefined): void;
}

interface Slot {
  worker: Worker;
  /** Batches sent and not yet answered, in the order sent: the first is the one being tagged. */
  batches: Job[][];
}

/**
 * Files in a batch. A study transcript is tagged in about half a millisecond, and the main thread's
 * share of each message (waking, reading it, answering) was a third of a core over a corpus.
 */
const BATCH = 8;
/** Batches sent to a worker ahead of its answers: one being tagged, one waiting, so it never idles. */
const BATCHES_IN_FLIGHT = 2;

/**
 * How many workers a pool starts unless told: one per core but one (at least one). A tagging worker
 * keeps V8's compiler and collector threads busy beside it (one worker used about 1.4 cores of CPU
 * here), and the main thread walks the folder and writes the index; on this project's 2-core
 * machine one worker summarized 10,000 transcripts in 5.7–6.1 s and two in 6.5–6.6 s, with 45% more
 * CPU (each worker also warms its own memo and compiled code, docs/corpus.md). In VS Code the core
 * left over keeps the window responsive while a folder is indexed.
 */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism() - 1);
}

export class TagPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  /**
   * `size` workers (default: defaultWorkers()) running `workerFile` (the built dist/corpusWorker.js),
   * tagging with `rules` besides the built-in detectors; each worker's heap bounded at `memory.mb`
   * when given (V8's default otherwise; `setBy` names what chose it): a file that needs more fails
   * alone, saying so.
   */
  constructor(
    private readonly workerFile: string,
    readonly size: number = defaultWorkers(),
    private readonly rules?: RulesText,
    private readonly memory?: WorkerHeap,
  ) {}

  /** How many files to give the pool at once to keep every worker busy with full batches. */
  get capacity(): number {
    return this.size * BATCH * (BATCHES_IN_FLIGHT + 1);
  }

  /** Reads and tags `path` in a worker; `display` names it in a message if the worker dies on it. Undefined: closed first. */
  tag(path: string, display: string = path): Promise<FileTags | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, path, display, resolve: resolve as Job['resolve'] });
      this.pump();
    });
  }

  /**
   * Reads and tags `path` in a worker as `peerwatch tag` reports it: each run's tags with their
   * citations (core/corpus/tagReports.ts). Undefined: closed first.
   */
  report(path: string, explicit: boolean): Promise<FileTagged | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, path, display: path, report: { explicit }, resolve: resolve as Job['resolve'] });
      this.pump();
    });
  }

  /** Files waiting for a worker plus files being tagged. */
  get pending(): number {
    return this.queue.length + this.slots.reduce((n, s) => n + s.batches.reduce((m, b) => m + b.length, 0), 0);
  }

  private pump(): void {
    while (this.queue.length) {
      // An idle worker first, then a new one while there are fewer than `size`, then the least busy.
      let slot = this.slots.find((s) => s.batches.length === 0);
      if (!slot && this.slots.length < this.size) slot = this.start();
      slot ??= this.slots.filter((s) => s.batches.length < BATCHES_IN_FLIGHT).sort((a, b) => a.batches.length - b.batches.length)[0];
      if (!slot) return;
      // A file once in a dead worker's batch goes alone; the others go up to BATCH together.
      const batch = [this.queue.shift()!];
      while (!batch[0]!.alone && batch.length < BATCH && this.queue.length && !this.queue[0]!.alone) batch.push(this.queue.shift()!);
      slot.batches.push(batch);
      slot.worker.postMessage({ files: batch.map((j) => ({ id: j.id, path: j.path, ...(j.report ? { report: j.report } : {}) })) } satisfies TagRequest);
    }
  }

  private start(): Slot {
    const slot: Slot = {
      worker: new Worker(this.workerFile, {
        workerData: (this.rules ? { rules: this.rules } : {}) satisfies TagWorkerData,
        ...(this.memory ? { resourceLimits: { maxOldGenerationSizeMb: this.memory.mb } } : {}),
      }),
      batches: [],
    };
    slot.worker.on('message', (reply: TagReply) => {
      const batch = slot.batches[0];
      if (!batch || batch.length !== reply.results.length || batch.some((j, i) => j.id !== reply.results[i]!.id)) return;
      slot.batches.shift();
      batch.forEach((job, i) => job.resolve(reply.results[i]!.result));
      this.pump();
    });
    const died = (why: string) => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      this.slots.splice(i, 1);
      const [on, ...after] = slot.batches.splice(0);
      if (on?.length === 1) {
        const job = on[0]!;
        const message = `${job.display}: could not be tagged: ${why}`;
        job.resolve(job.report ? { messages: [`peerwatch tag: ${message}\n`], failed: true, runs: [] } : { runs: [], problems: [message] });
      }
      // The worker answers batch by batch, in order: it died in the first, on one of its files; each
      // is sent again alone, so only the one it dies on fails. The batches after it were never begun.
      else if (on) for (const job of on) job.alone = true;
      this.queue.unshift(...(on && on.length > 1 ? on : []), ...after.flat());
      if (!this.closed) this.pump();
    };
    slot.worker.on('error', (e: Error & { code?: string }) =>
      died(
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `it needs more memory than a tagging worker may take (${this.memory ? `${this.memory.mb} MB, set by ${this.memory.setBy}` : "V8's default heap"}; tagging a run takes about three times its file's size)`
          : e.message,
      ),
    );
    slot.worker.on('exit', (code) => died(`the worker stopped (exit code ${code})`));
    this.slots.push(slot);
    return slot;
  }

  /** Stops every worker; files queued or being tagged resolve undefined. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve(undefined);
    const slots = this.slots.splice(0);
    for (const s of slots) for (const job of s.batches.splice(0).flat()) job.resolve(undefined);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
