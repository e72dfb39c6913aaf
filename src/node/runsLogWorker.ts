/**
 * A log of many runs read in a worker thread (dist/runsLogWorker.js): tau2-bench results, NeMo Gym
 * rollouts, OpenHands evaluation output, arrays and JSON Lines of runs. These files are read whole and
 * parsed (src/core/formats/runs/runsLog.ts); a 150 MB rollouts file takes about 4 s and 900 MB to
 * list, which on the extension host's thread held up every extension. The worker opens the file with
 * the one opener (openSampleLogFile), answers with its listing, then reads runs as they are asked for;
 * the parsed file stays in the worker's heap, not the host's. runsLogProxy.ts is the host's side.
 */
import { parentPort } from 'node:worker_threads';
import type { SampleLog } from '../core/formats/sampleLog';
import { openSampleLogFile } from './sampleLogs';

/** What the host asks. */
export type RunsLogRequest =
  | { type: 'open'; path: string; displayName: string }
  | { type: 'read'; id: number; key: string }
  | { type: 'refresh'; id: number };

/** The listing the host shows: everything of a SampleLog but its methods. */
export type RunsLogListing = Pick<SampleLog, 'fileName' | 'info' | 'samples' | 'diagnostics'>;

/** The worker's answers. */
export type RunsLogReply =
  | { type: 'opened'; listing: RunsLogListing | null }
  | { type: 'sample'; id: number; transcript: Awaited<ReturnType<SampleLog['readSample']>> }
  | { type: 'refreshed'; id: number; changed: boolean; listing: RunsLogListing }
  | { type: 'failed'; id?: number; error: string };

const listing = (log: SampleLog): RunsLogListing => ({ fileName: log.fileName, info: log.info, samples: log.samples, diagnostics: log.diagnostics });
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

let opened: Promise<SampleLog | undefined> | undefined;
const port = parentPort;
port?.on('message', (req: RunsLogRequest) => {
  const reply = (r: RunsLogReply) => port.postMessage(r);
  if (req.type === 'open') {
    opened = openSampleLogFile(req.path, req.displayName);
    opened.then(
      (log) => reply({ type: 'opened', listing: log ? listing(log) : null }),
      (e: unknown) => reply({ type: 'failed', error: message(e) }),
    );
    return;
  }
  const log = opened ?? Promise.resolve(undefined);
  void log.then(async (l) => {
    if (!l) return reply({ type: 'failed', id: req.id, error: 'the log of runs is not open' });
    try {
      if (req.type === 'read') reply({ type: 'sample', id: req.id, transcript: await l.readSample(req.key) });
      else reply({ type: 'refreshed', id: req.id, changed: await l.refresh(), listing: listing(l) });
    } catch (e) {
      reply({ type: 'failed', id: req.id, error: message(e) });
    }
  });
});
