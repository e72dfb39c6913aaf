/**
 * Reads one file of a corpus and tags every run it holds: what the corpus index keeps of each run
 * (header fields, tags, hashes), never the events. Runs in the Node corpus worker
 * (node/corpus/corpusWorker.ts) and, in the web extension, in the extension host
 * (host/corpus/corpusFolder.web.ts), one file at a time, so it holds one parsed run at most.
 *
 * Ordinary transcripts are read through the one run reader (readRun, with the caller's RunFiles:
 * every byte of them comes through `files.read`); Inspect logs (`.eval`, or a `.json` whose first bytes
 * are an Inspect log's) and files of many runs through the caller's sample-log opener (`openLog`: the
 * one opener, core/formats/openSampleLog.ts, over the platform's bytes and codecs), each sample a run
 * of its own.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { detectBehaviours, emptyRules, type Rules, type Tag } from '../behaviours';
import type { IndexedRun, IndexedTag } from './corpusIndex';
import { runFields } from './runFields';
import { sourceVerdicts } from './sourceVerdicts';
import { ManyRunsError, NotATranscriptError } from '../formats';
import { isInspectJson, looksLikeZip } from '../formats/inspect';
import { readRun, type RunFiles } from '../formats/readRun';
import type { SampleLog } from '../formats/sampleLog';
import type { Transcript } from '../model';
import { sampleRuns } from '../formats/openSampleLog';

/** Opens `path` as a log of many samples or runs (undefined when it is not one), named `display` in messages. */
export type OpenLog = (path: string, display: string) => Promise<SampleLog | undefined>;

/** What a file gave: its runs, or why it holds none, and problems reading it as a whole. */
export interface FileTags {
  runs: IndexedRun[];
  /** Why the file holds no run (it is not a transcript), when it holds none. */
  skipped?: string;
  /** The file could not be read (or a log's member is damaged): file, place and what was expected. */
  problems?: string[];
}

/** Reading problems kept per run in the index (the first few; the rest are counted). */
const MAX_PROBLEMS = 5;

function problemsOf(t: Transcript): string[] | undefined {
  const errors = t.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  if (errors.length === 0) return undefined;
  return errors.length > MAX_PROBLEMS ? [...errors.slice(0, MAX_PROBLEMS), `and ${errors.length - MAX_PROBLEMS} more problems`] : errors;
}

function indexedTags(tags: readonly Tag[]): IndexedTag[] {
  return tags.map((t) => ({ id: t.id, behaviour: String(t.behaviour), qualifier: t.qualifier, events: t.events }));
}

/** The index's record of one run, tagged by the built-in detectors and `rules` (a workspace's rules file). */
export function indexedRun(t: Transcript, extra: Partial<IndexedRun> = {}, rules: Rules = emptyRules()): IndexedRun {
  const problems = problemsOf(t);
  const verdicts = sourceVerdicts(t.header);
  return { ...runFields(t.header), ...extra, eventCount: t.events.length, ...(problems ? { problems } : {}), tags: indexedTags(detectBehaviours(t, rules)), ...(verdicts.length ? { verdicts } : {}) };
}

/**
 * Reads and tags the runs of `path` (with `rules` besides the built-in detectors), its bytes through
 * `files` and its samples through `openLog`; `display` names it in messages. Never rejects: problems
 * are reported in the result.
 */
export async function tagFile(path: string, files: RunFiles, openLog: OpenLog, display: string = files.display?.(path) ?? path, rules: Rules = emptyRules()): Promise<FileTags> {
  const tagSampleLog = () => tagSamples(path, openLog, display, rules);
  try {
    if (/\.eval$/i.test(path)) return await tagSampleLog();
    // The bytes read to tell an Inspect JSON log from a transcript are the ones the run reader parses.
    let bytes: Uint8Array | undefined = /\.json$/i.test(path) ? await files.read(path) : undefined;
    if (bytes && (isInspectJson(bytes.subarray(0, 8192)) || looksLikeZip(bytes.subarray(0, 8192)))) {
      bytes = undefined;
      return await tagSampleLog();
    }
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
    // The index keeps tags, not the lines events start on: the run is read without places.
    const run = await readRun(once, path, { hash: true, positions: false });
    return { runs: [indexedRun(run.transcript, { ...(run.sha256 ? { sha256: run.sha256 } : {}), ...(run.convertedFrom ? { convertedFrom: run.convertedFrom } : {}) }, rules)] };
  } catch (e) {
    // A file of many runs (tau2 results, JSON Lines of runs, …): each run is tagged like an Inspect sample.
    if (e instanceof ManyRunsError) return tagSampleLog().catch((e2: unknown) => ({ runs: [], problems: [e2 instanceof Error ? e2.message : String(e2)] }));
    // The reason's first clause (what the file is); the list of formats expected is the same for every file.
    if (e instanceof NotATranscriptError) return { runs: [], skipped: e.reason.split('; expected ')[0]! };
    const message = e instanceof Error ? e.message : String(e);
    return { runs: [], problems: [message.includes(display) ? message : `${display}: ${message}`] };
  }
}

/** Every complete sample of an Inspect log, each a run (`sample`: its key). */
async function tagSamples(path: string, openLog: OpenLog, display: string, rules: Rules): Promise<FileTags> {
  const log = await openLog(path, display);
  if (!log) return { runs: [], skipped: 'not a log Peerwatch can read' };
  const problems = log.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  const evalId = inspectEvalId(log.info.metadata);
  const runs: IndexedRun[] = [];
  for await (const s of sampleRuns(log)) {
    if (s.transcript) runs.push(indexedRun(s.transcript, { sample: s.key, ...(evalId ? { runId: `inspect:${evalId}#${s.key}` } : {}) }, rules));
    else problems.push(s.error);
  }
  return { runs, ...(problems.length ? { problems } : {}) };
}

/** An Inspect eval's identity: its `eval_id`, else its `run_id` and `task_id` (older logs). */
function inspectEvalId(metadata: Readonly<Record<string, unknown>>): string | undefined {
  const e = metadata['eval'];
  if (!e || typeof e !== 'object') return undefined;
  const { eval_id: evalId, run_id: runId, task_id: taskId } = e as Record<string, unknown>;
  if (typeof evalId === 'string' && evalId) return evalId;
  return typeof runId === 'string' && runId && typeof taskId === 'string' && taskId ? `${runId}/${taskId}` : undefined;
}
