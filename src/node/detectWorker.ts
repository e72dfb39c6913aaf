/**
 * Behaviour detection in a worker thread (dist/detectWorker.js), so a large run never blocks the
 * extension host: the worker reads the run itself from its path with the same reader as the CLI
 * (readRunFile) and runs the same detectors, so the editor's tags are `peerwatch tag`'s tags. The host
 * sends only the path and the rules file's text and gets back the tags (small), never the events
 * (a structured clone of 100,000 events would itself stall the host for longer than detection).
 *
 * One request per worker: the host terminates the worker to cancel (document closed, run replaced).
 */
import { parentPort } from 'node:worker_threads';
import { detectBehaviours, rulesFromText, type RulesText, type Tag } from '../core/behaviours';
import { readRunFile } from './readTranscript';
import { NotATranscriptError } from '../core/formats';
import type { RunlogSource } from '../core/runlog/runlog';
import type { Transcript } from '../core/model';
import { sampleRuns } from '../core/formats/openSampleLog';
import { openSampleLogFile } from './sampleLogs';
import { basename } from 'node:path';

/** What the host asks: tag the run at `path` (its first `maxEvents` events) with these rules. */
export interface DetectRequest {
  path: string;
  /** Only the first this many events (what the editor has indexed of a growing log). */
  maxEvents?: number;
  /** The rules file's name (for messages) and text; absent: the built-in detectors alone. */
  rules?: RulesText;
  /** Also the source file's SHA-256 (Behaviours in Folder groups copies of a run by it). */
  hash?: boolean;
  /**
   * The file holds many samples (an Inspect log, a file of many runs): tag each complete sample in
   * turn and answer with its tags as soon as it is tagged (SampleReply), for the editor's sample list.
   */
  samples?: boolean;
  /** With `samples`: the keys of samples already tagged (a log being written is tagged again as samples finish). */
  skip?: string[];
  /** Tag only this sample of the log of many samples at `path` (the sample open in the editor). */
  sample?: string;
}

/**
 * The answers to a `samples` request: how many samples will be tagged, then each sample's tags (or
 * why it could not be read) as it is tagged, then `done`; or why the log could not be opened.
 */
export type SampleProgress = { total: number } | { sample: string; tags: Tag[] } | { sample: string; error: string };
export type SampleReply = SampleProgress | { done: true } | { error: string };

/**
 * The worker's answers: the tags in batches of TAG_BATCH (each its own message, so the host takes
 * them in several short tasks rather than one long structured-clone read of a large list), then the
 * number of events they were computed on; or why not.
 */
export type DetectReply =
  | { tags: Tag[] }
  | { done: true; eventCount: number; sha256?: string; convertedFrom?: RunlogSource }
  | { error: string; notATranscript?: { file: string; reason: string } };

/** Tags per message: a few hundred KB, read by the host in a few milliseconds. */
const TAG_BATCH = 1000;

async function detect(req: DetectRequest): Promise<void> {
  const run = req.sample !== undefined ? { transcript: await readOneSample(req.path, req.sample) } : await readRunFile(req.path, { hash: !!req.hash });
  const transcript = run.transcript;
  if (req.maxEvents !== undefined && transcript.events.length > req.maxEvents) transcript.events = transcript.events.slice(0, req.maxEvents);
  const rules = rulesFromText(req.rules);
  const tags = detectBehaviours(transcript, rules);
  for (let i = 0; i < tags.length; i += TAG_BATCH) parentPort!.postMessage({ tags: tags.slice(i, i + TAG_BATCH) } satisfies DetectReply);
  parentPort!.postMessage({
    done: true,
    eventCount: transcript.events.length,
    ...('sha256' in run && run.sha256 ? { sha256: run.sha256 } : {}),
    ...('convertedFrom' in run && run.convertedFrom ? { convertedFrom: run.convertedFrom } : {}),
  } satisfies DetectReply);
}

/** Sample `key` of the log of many samples at `path`, read as the editor reads it. */
async function readOneSample(path: string, key: string): Promise<Transcript> {
  const log = await openSampleLogFile(path, basename(path));
  if (!log) throw new Error(`${basename(path)} is not a log of many samples Peerwatch can read`);
  return log.readSample(key);
}

async function detectSamples(req: DetectRequest): Promise<void> {
  const post = (reply: SampleReply) => parentPort!.postMessage(reply);
  const log = await openSampleLogFile(req.path, basename(req.path));
  if (!log) throw new Error(`${basename(req.path)} is not a log of many samples Peerwatch can read`);
  const rules = rulesFromText(req.rules);
  const skip = new Set(req.skip ?? []);
  post({ total: log.samples.filter((s) => s.complete && !skip.has(s.key)).length });
  for await (const s of sampleRuns(log, skip)) {
    post(s.transcript ? { sample: s.key, tags: detectBehaviours(s.transcript, rules) } : { sample: s.key, error: s.error });
  }
  post({ done: true });
}

parentPort?.once('message', (req: DetectRequest) => {
  (req.samples ? detectSamples(req) : detect(req)).catch((e: unknown) =>
    parentPort!.postMessage({
      error: e instanceof Error ? e.message : String(e),
      ...(e instanceof NotATranscriptError ? { notATranscript: { file: e.file, reason: e.reason } } : {}),
    } satisfies DetectReply),
  );
});
