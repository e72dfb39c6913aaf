/**
 * What `peerwatch tag` reports of one file: each run's tags with the events, steps and lines they
 * cite, the facts the alignment-faking arms comparison needs, and the file's messages for stderr. The
 * one home of that reading, used by the command line on its own thread (a few files) and by the corpus
 * workers (node/corpus/corpusWorker.ts) for a folder, so that a folder is tagged on every core as
 * `peerwatch summarize` tags it.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { armFacts, detectBehaviours, type ArmFacts, type Rules, type Tag } from '../behaviours';
import { fileRuns, type OpenLog } from '../formats/fileRuns';
import type { RunFiles } from '../formats/readRun';
import type { Transcript } from '../model';

/** One run's result in `peerwatch tag --json`. */
export interface TagReport {
  file: string;
  format: string;
  subject?: 'self' | 'peer';
  model?: string;
  taskFamily?: string;
  condition?: string;
  monitoring?: string;
  tags: Array<Tag & { citations: Citation[] }>;
  /** Reading problems (the tags cover what could be read). */
  problems?: string[];
}

/** Where a cited event is: its index, kind, step, line and tool. */
export interface Citation {
  event: number;
  kind: string;
  step?: number;
  line?: number;
  tool?: string;
}

/** A run as `tag` keeps it once tagged: its report, and for an alignment-faking arm what the comparison needs. */
export interface TaggedRun {
  report: TagReport;
  arm?: ArmFacts;
  /** An unmonitored arm's acts' citations. */
  cited?: Map<number, Citation>;
}

/** What tagging one file gave: its runs, and its messages for stderr (each ending in a newline). */
export interface FileTagged {
  messages: string[];
  failed: boolean;
  runs: TaggedRun[];
}

/** Where event `i` of `t` is, for a tag's citations: its kind, step, line and tool. */
export function citation(t: Transcript, i: number): Citation {
  const e = t.events[i]!;
  const tool = e.kind === 'tool_call' ? e.name : e.kind === 'tool_result' ? e.name : undefined;
  return { event: i, kind: e.kind, ...(e.step !== undefined ? { step: e.step } : {}), ...(e.source.line !== undefined ? { line: e.source.line } : {}), ...(tool ? { tool } : {}) };
}

/** What `peerwatch tag` reports of run `t` (named `file`) and its tags. */
export function tagReport(file: string, t: Transcript, tags: readonly Tag[]): TagReport {
  const h = t.header;
  const r: TagReport = {
    file,
    format: h.format,
    ...(h.subject ? { subject: h.subject } : {}),
    ...(h.model ? { model: h.model } : {}),
    ...(h.taskFamily ?? h.taskName ? { taskFamily: h.taskFamily ?? h.taskName } : {}),
    ...(h.condition ? { condition: h.condition } : {}),
    ...(h.monitoring && h.monitoring !== 'none' ? { monitoring: h.monitoring } : {}),
    tags: tags.map((tag) => ({ ...tag, citations: tag.events.map((i) => citation(t, i)) })),
  };
  const problems = t.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  if (problems.length) r.problems = problems;
  return detached(r);
}

/**
 * A copy of `value` (plain JSON data) that holds only itself. The positioned JSON reader's strings are
 * slices of the file's text (and tags' explanations are made of them), so a report or arm fact kept
 * as it is holds on to its whole file: 30 KB for each study transcript of a folder. Parsed again from
 * its own JSON, it does not.
 */
function detached<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The run (named `name`) tagged with `rules`, as `tag` keeps it. */
function tagRun(name: string, t: Transcript, rules: Rules): TaggedRun {
  const tags = detectBehaviours(t, rules);
  const found = rules.disable.has('alignment-faking') ? undefined : armFacts({ key: name, transcript: t, tags }, rules);
  const arm = found ? detached(found) : undefined;
  const cited = arm?.arm === 'non_monitoring' ? new Map(arm.acts.flatMap((a) => a.events).map((i) => [i, detached(citation(t, i))])) : undefined;
  return { report: tagReport(name, t, tags), ...(arm ? { arm } : {}), ...(cited ? { cited } : {}) };
}

const failure = (e: unknown) => `peerwatch tag: ${e instanceof Error ? e.message : String(e)}\n`;

/**
 * Reads `file` through the one reader of a file's runs (core/formats/fileRuns.ts) and tags each run:
 * a transcript, or each sample of an Inspect log or run of a file of many, named `<file>#<key>`.
 * `explicit`: the file was named on the command line, so a file that is not a transcript is an error
 * (inside a folder such files, a package.json or notes, are skipped quietly). Never rejects.
 */
export async function tagFileReports(file: string, explicit: boolean, files: RunFiles, openLog: OpenLog, rules: Rules): Promise<FileTagged> {
  const messages: string[] = [];
  const runs: TaggedRun[] = [];
  let failed = false;
  const problems = (diagnostics: readonly Transcript['diagnostics'][number][]) => {
    for (const d of diagnostics) messages.push(`${d.severity}: ${d.message}\n`);
    if (diagnostics.some((d) => d.severity === 'error')) failed = true;
  };
  try {
    for await (const item of fileRuns(file, files, openLog)) {
      switch (item.kind) {
        case 'run':
          problems(item.transcript.diagnostics);
          runs.push(tagRun(item.sample !== undefined ? `${file}#${item.sample}` : file, item.transcript, rules));
          break;
        case 'log':
          problems(item.diagnostics);
          break;
        case 'error':
          failed = true;
          messages.push(failure(item.message));
          break;
        case 'notTranscript':
          if (explicit) return { messages: [failure(item.error)], failed: true, runs };
          break;
        case 'notLog':
          if (explicit) return { messages: [failure(`${file}: not a log Peerwatch can read`)], failed: true, runs };
          break;
      }
    }
  } catch (e) {
    return { messages: [...messages, failure(e)], failed: true, runs };
  }
  return { messages, failed, runs };
}
