/**
 * Comparing two runs in a worker thread (dist/compareWorker.js), so **Compare with…** never holds up
 * the extension host: the worker reads both runs with the editor's and the CLI's readers (readRun, or
 * one sample of a log of many samples), compares them with the workspace's rules (compareRuns) and
 * answers with what the view is sent (core/compare/view.ts): a few MB at most, never the events of
 * runs too large for the view.
 *
 * One request per worker: the host terminates the worker to cancel.
 */
import { parentPort } from 'node:worker_threads';
import { relative, sep } from 'node:path';
import { rulesFromText, type RulesText } from '../core/behaviours';
import { comparisonView, readComparedSide, type SideToRead } from '../core/compare/view';
import type { CompareInit } from '../core/compare/protocol';
import type { RunFiles } from '../core/formats/readRun';
import { nodeRunFiles } from './readTranscript';
import { openSampleLogFile } from './sampleLogs';

/** What the host asks: compare A with B (paths on this machine's disk). */
export interface CompareRequest {
  a: SideToRead;
  b: SideToRead;
  /** The workspace's rules file (its name and text); absent: the built-in detectors alone. */
  rules?: RulesText;
  /** The workspace folder: files are named relative to it in messages, as the host names them. */
  root?: string;
  /** `peerwatch compare A B` for these runs. */
  command: string;
  /** The view's bound (MAX_VIEW_EVENTS unless a test asks for another). */
  maxEvents?: number;
}

/** The worker's answers: what it is doing (for the notification), then the view's message, or why not (naming the file). */
export type CompareReply = { step: string } | { init: CompareInit } | { error: string };

async function compare(req: CompareRequest): Promise<CompareInit> {
  const root = req.root;
  const files: RunFiles = {
    ...nodeRunFiles,
    display: (p) => (root && p.startsWith(root + sep) ? relative(root, p) : p),
  };
  const open = (path: string, name: string) => openSampleLogFile(path, name);
  const step = (what: string) => parentPort!.postMessage({ step: what } satisfies CompareReply);
  step(`reading ${req.a.name}`);
  const a = await readComparedSide(req.a, files, open);
  step(`reading ${req.b.name}`);
  const b = await readComparedSide(req.b, files, open);
  step(`comparing ${a.transcript.events.length.toLocaleString('en-US')} events with ${b.transcript.events.length.toLocaleString('en-US')}`);
  return comparisonView(a, b, { rules: rulesFromText(req.rules), command: req.command, ...(req.maxEvents !== undefined ? { maxEvents: req.maxEvents } : {}) });
}

parentPort?.once('message', (req: CompareRequest) => {
  compare(req).then(
    (init) => parentPort!.postMessage({ init } satisfies CompareReply),
    (e: unknown) => parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) } satisfies CompareReply),
  );
});
