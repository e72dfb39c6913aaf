/**
 * The host's side of src/node/runsLogWorker.ts: a log of many runs listed and read in a worker
 * thread, as a SampleLog like any other. The worker holds the parsed file while runs are read and
 * stops after `idleMs` without a request (a log kept open in an editor does not keep a copy of its
 * file in memory); the next read starts it again, which reads the file again. A worker that fails or
 * stops mid-request rejects that request, naming the file.
 */
import { Worker } from 'node:worker_threads';
import type { SampleLog } from '../core/formats/sampleLog';
import type { Transcript } from '../core/model';
import type { RunsLogListing, RunsLogReply, RunsLogRequest } from './runsLogWorker';

/** How long the worker waits for another request before it stops. */
export const RUNS_WORKER_IDLE_MS = 60_000;

type Pending = { resolve(r: RunsLogReply): void; reject(e: Error): void };

/** A worker with the file open; `listing` is what it answered (null: not a log of many runs). */
class RunsWorker {
  readonly worker: Worker;
  readonly listing: Promise<RunsLogListing | null>;
  private readonly pending = new Map<number, Pending>();
  private next = 1;

  constructor(workerFile: string, path: string, displayName: string, onGone: () => void) {
    this.worker = new Worker(workerFile);
    let opened: Pending | undefined;
    this.listing = new Promise<RunsLogReply>((resolve, reject) => (opened = { resolve, reject })).then((r) => {
      if (r.type === 'opened') return r.listing;
      throw new Error(r.type === 'failed' ? r.error : `unexpected answer ${r.type}`);
    });
    const fail = (e: Error) => {
      opened?.reject(e);
      opened = undefined;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      onGone();
    };
    this.worker.on('message', (r: RunsLogReply) => {
      if (r.type === 'opened' || (r.type === 'failed' && r.id === undefined)) {
        opened?.resolve(r);
        opened = undefined;
        return;
      }
      const p = this.pending.get(r.id!);
      this.pending.delete(r.id!);
      p?.resolve(r);
      this.settled();
    });
    this.worker.once('error', (e) => fail(new Error(`${displayName}: the worker reading it failed: ${e.message}`)));
    this.worker.once('exit', (code) => fail(new Error(`${displayName}: the worker reading it stopped (exit code ${code})`)));
    // The worker keeps the process alive only while it is asked something (here, the listing): idle,
    // it must not hold a process with nothing else to do (a command's, a test run's) for its minute.
    void this.listing.catch(() => undefined).finally(() => this.settled());
    this.worker.postMessage({ type: 'open', path, displayName } satisfies RunsLogRequest);
  }

  /** Unref'd once nothing is asked (unref, not before the listeners: adding one refs the port again). */
  private settled(): void {
    if (this.pending.size === 0) this.worker.unref();
  }

  get busy(): boolean {
    return this.pending.size > 0;
  }

  ask(req: { type: 'read'; key: string } | { type: 'refresh' }): Promise<RunsLogReply> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ ...req, id } satisfies RunsLogRequest);
    });
  }
}

/**
 * Opens `path` as a log of many runs in a worker (`workerFile`: the built dist/runsLogWorker.js);
 * undefined when it is not one. Rejects as the opener does (the message names the file).
 */
export async function openRunsLogInWorker(workerFile: string, path: string, displayName: string, idleMs = RUNS_WORKER_IDLE_MS): Promise<SampleLog | undefined> {
  let current: RunsWorker | undefined;
  let idle: NodeJS.Timeout | undefined;
  const stop = () => {
    const w = current;
    current = undefined;
    if (w) void w.worker.terminate();
  };
  const start = () => {
    const w: RunsWorker = new RunsWorker(workerFile, path, displayName, () => {
      if (current === w) current = undefined;
    });
    current = w;
    return w;
  };
  /** The worker after a request: stopped after `idleMs` unless another comes. */
  const rest = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      if (current && !current.busy) stop();
    }, idleMs);
    idle.unref();
  };
  const first = start();
  let listing: RunsLogListing;
  try {
    const l = await first.listing;
    if (!l) {
      stop();
      return undefined;
    }
    listing = l;
  } catch (e) {
    stop();
    throw e;
  }
  rest();
  const ask = async (req: { type: 'read'; key: string } | { type: 'refresh' }): Promise<RunsLogReply> => {
    clearTimeout(idle);
    const w = current ?? start();
    try {
      if (!(await w.listing)) throw new Error(`${displayName} no longer holds many runs`);
      const r = await w.ask(req);
      if (r.type === 'failed') throw new Error(r.error);
      return r;
    } finally {
      rest();
    }
  };
  const log: SampleLog = {
    ...listing,
    async readSample(key: string): Promise<Transcript> {
      const r = await ask({ type: 'read', key });
      if (r.type !== 'sample') throw new Error(`${displayName}: unexpected answer ${r.type}`);
      return r.transcript;
    },
    async refresh(): Promise<boolean> {
      const r = await ask({ type: 'refresh' });
      if (r.type !== 'refreshed') throw new Error(`${displayName}: unexpected answer ${r.type}`);
      // A worker started again since (after an idle stop) read the file afresh: compare with what was shown.
      const sig = (l: RunsLogListing) => l.samples.map((x) => `${x.key}:${Object.values(x.scores).join(',')}`).join('|');
      const changed = r.changed || sig(r.listing) !== sig(listing);
      listing = r.listing;
      Object.assign(log, listing);
      return changed;
    },
  };
  return log;
}
