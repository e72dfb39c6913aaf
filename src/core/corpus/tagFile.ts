/**
 * Reads one file of a corpus and tags every run it holds: what the corpus index keeps of each run
 * (header fields, tags, hashes), never the events. Runs in the Node corpus worker
 * (node/corpus/corpusWorker.ts) and, in the web extension, in the extension host
 * (host/corpus/corpusFolder.web.ts), one file at a time, so it holds one parsed run at most.
 *
 * The file's runs come from the one reader of a file's runs (core/formats/fileRuns.ts, which
 * `peerwatch tag` reads files through too): a transcript, or each complete sample of an Inspect log
 * or run of a file of many, each a run of its own.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { detectBehaviours, emptyRules, type Rules, type Tag } from '../behaviours';
import type { IndexedRun, IndexedTag } from './corpusIndex';
import { runFields } from './runFields';
import { sourceVerdicts } from './sourceVerdicts';
import { fileRuns, type OpenLog } from '../formats/fileRuns';
import type { RunFiles } from '../formats/readRun';
import type { Transcript } from '../model';

export type { OpenLog } from '../formats/fileRuns';

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
 * Reads and tags the runs of `path` (with `rules` besides the built-in detectors) through the one
 * reader of a file's runs (core/formats/fileRuns.ts), its bytes through `files` and its samples through
 * `openLog`; `display` names it in messages. Never rejects: problems are reported in the result.
 */
export async function tagFile(path: string, files: RunFiles, openLog: OpenLog, display: string = files.display?.(path) ?? path, rules: Rules = emptyRules()): Promise<FileTags> {
  const runs: IndexedRun[] = [];
  const problems: string[] = [];
  // The index keeps tags, not the lines events start on: runs are read without places.
  for await (const item of fileRuns(path, files, openLog, { display, positions: false, hash: true })) {
    switch (item.kind) {
      case 'run':
        runs.push(
          indexedRun(
            item.transcript,
            {
              ...(item.sample !== undefined ? { sample: item.sample } : {}),
              ...(item.sample !== undefined && item.evalId ? { runId: `inspect:${item.evalId}#${item.sample}` } : {}),
              ...(item.sha256 ? { sha256: item.sha256 } : {}),
              ...(item.convertedFrom ? { convertedFrom: item.convertedFrom } : {}),
            },
            rules,
          ),
        );
        break;
      case 'log':
        for (const d of item.diagnostics) if (d.severity === 'error') problems.push(d.message);
        break;
      case 'error':
        problems.push(item.message);
        break;
      case 'notTranscript':
        // The reason's first clause (what the file is); the list of formats expected is the same for every file.
        return { runs: [], skipped: item.error.reason.split('; expected ')[0]! };
      case 'notLog':
        return { runs: [], skipped: 'not a log Peerwatch can read' };
    }
  }
  return { runs, ...(problems.length ? { problems } : {}) };
}
