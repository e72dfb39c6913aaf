/**
 * The runs one file holds, read one at a time: the one home of "what is in this file" for everything
 * that goes over files (the corpus index's tagging, `peerwatch tag`).
 *
 * - An Inspect log (`.eval`, or a `.json`/zip whose first bytes are one's) and a file of many runs
 *   (tau2 results, JSON Lines of runs, …: readRun throws ManyRunsError) are opened through the
 *   caller's sample-log opener (`openLog`: core/formats/openSampleLog.ts over the platform's bytes),
 *   each complete sample a run, in Inspect's order (epoch, then id: samplesInOrder).
 * - Anything else is one run, read through the one run reader (readRun: a harness run with its
 *   sibling files, a run log streamed where the platform can).
 *
 * A `.json` file's bytes are read once: those read to tell an Inspect JSON log from a transcript are
 * the ones the run reader parses (`peerwatch tag` over a folder opened each transcript three times).
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { Diagnostic, Transcript } from '../model';
import type { RunlogSource } from '../runlog/runlog';
import { isInspectJson, looksLikeZip } from './inspect';
import { ManyRunsError, NotATranscriptError } from './index';
import { sampleRuns } from './openSampleLog';
import { readRun, type RunFiles } from './readRun';
import type { SampleLog } from './sampleLog';

/** Opens `path` as a log of many samples or runs (undefined when it is not one), named `display` in messages. */
export type OpenLog = (path: string, display: string) => Promise<SampleLog | undefined>;

/** One thing a file gave, in order. */
export type FileRunsItem =
  /** A run: the file's one run, or a sample of a log (`sample`: its key, `evalId`: the log's eval). */
  | { kind: 'run'; transcript: Transcript; sample?: string; evalId?: string; sha256?: string; convertedFrom?: RunlogSource }
  /** A log of many samples, opened: its own diagnostics (before its samples). */
  | { kind: 'log'; diagnostics: readonly Diagnostic[] }
  /** The file, or one sample of it, could not be read: the message names the file (and the member). */
  | { kind: 'error'; message: string; sample?: string }
  /** The file is in no format Peerwatch reads (`reason`: what it is, then what was expected). */
  | { kind: 'notTranscript'; error: NotATranscriptError }
  /** The file looked like a log of many samples and the opener did not read it as one. */
  | { kind: 'notLog' };

/**
 * The runs `path` holds, its bytes through `files` and its samples through `openLog`; `display` names
 * it in messages; `positions`: events cite the lines they start on (the run reader's option), `hash`:
 * a single run's SHA-256. Never throws: what goes wrong is an item.
 */
export async function* fileRuns(
  path: string,
  files: RunFiles,
  openLog: OpenLog,
  opts: { display?: string; positions?: boolean; hash?: boolean } = {},
): AsyncGenerator<FileRunsItem> {
  const display = opts.display ?? files.display?.(path) ?? path;
  const message = (e: unknown) => {
    const m = e instanceof Error ? e.message : String(e);
    return m.includes(display) ? m : `${display}: ${m}`;
  };
  let isLog = /\.eval$/i.test(path);
  if (!isLog) {
    try {
      let bytes: Uint8Array | undefined = /\.json$/i.test(path) ? await files.read(path) : undefined;
      if (bytes && (isInspectJson(bytes.subarray(0, 8192)) || looksLikeZip(bytes.subarray(0, 8192)))) isLog = true;
      else {
        const once: RunFiles = {
          ...files,
          read: (p) => {
            if (p === path && bytes) {
              const b = bytes;
              bytes = undefined;
              return Promise.resolve(b);
            }
            return files.read(p);
          },
        };
        const run = await readRun(once, path, { ...(opts.hash ? { hash: true } : {}), ...(opts.positions === false ? { positions: false } : {}) });
        yield { kind: 'run', transcript: run.transcript, ...(run.sha256 ? { sha256: run.sha256 } : {}), ...(run.convertedFrom ? { convertedFrom: run.convertedFrom } : {}) };
        return;
      }
    } catch (e) {
      if (e instanceof ManyRunsError) isLog = true;
      else if (e instanceof NotATranscriptError) {
        yield { kind: 'notTranscript', error: e };
        return;
      } else {
        yield { kind: 'error', message: message(e) };
        return;
      }
    }
  }
  let log: SampleLog | undefined;
  try {
    log = await openLog(path, display);
  } catch (e) {
    yield { kind: 'error', message: message(e) };
    return;
  }
  if (!log) {
    yield { kind: 'notLog' };
    return;
  }
  yield { kind: 'log', diagnostics: log.diagnostics };
  const evalId = inspectEvalId(log.info.metadata);
  for await (const s of sampleRuns(log, undefined, { inspectOrder: true })) {
    if (s.transcript) yield { kind: 'run', transcript: s.transcript, sample: s.key, ...(evalId ? { evalId } : {}) };
    else yield { kind: 'error', message: s.error, sample: s.key };
  }
}

/** An Inspect eval's identity: its `eval_id`, else its `run_id` and `task_id` (older logs). */
function inspectEvalId(metadata: Readonly<Record<string, unknown>>): string | undefined {
  const e = metadata['eval'];
  if (!e || typeof e !== 'object') return undefined;
  const { eval_id: evalId, run_id: runId, task_id: taskId } = e as Record<string, unknown>;
  if (typeof evalId === 'string' && evalId) return evalId;
  return typeof runId === 'string' && runId && typeof taskId === 'string' && taskId ? `${runId}/${taskId}` : undefined;
}
