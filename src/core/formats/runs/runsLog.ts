/**
 * A file of many runs (runs/manyRuns.ts) opened as a sample log, in memory: the same list the editor
 * and `peerwatch parse` show for Inspect logs, with each run's own reward or score, and each run read
 * through the format registry (`readParsedRun`) when it is opened.
 *
 * Pure module: no `vscode`, no Node built-ins; the caller reads the file's text.
 */
import type { Diagnostic, Transcript } from '../../model';
import { parseJsonTolerant, formatJsonPath, type JsonParseResult } from '../../json/tolerantJson';
import { JSON_LINES_NAME, isJsonLines, lineErrorMessage, parseJsonLines, type JsonLinesResult } from '../../json/jsonLines';
import { isRunRecord, readParsedRun } from '../index';
import type { SampleLog, SampleLogInfo, SampleSummary } from '../sampleLog';
import { findRuns, type RunEntry, type RunsFound } from './manyRuns';

/** Positions are recorded this deep: `$.simulations[3].messages[12].tool_calls[0].function`. */
const LOCATE_DEPTH = 10;

/** True when `text` may hold many runs, judged cheaply (a list, JSON Lines, or tau2's `simulations`). */
export function mayHoldManyRuns(fileName: string, text: string): boolean {
  const start = text.search(/\S/);
  if (start < 0) return false;
  if (text[start] === '[') return true;
  if (JSON_LINES_NAME.test(fileName) && !/\.runlog\.jsonl$/i.test(fileName)) return true;
  if (/"simulations"\s*:/.test(text)) return true;
  // JSON Lines under another name: a first line that is a whole object, and more lines after it.
  const nl = text.indexOf('\n', start);
  const first = text.slice(start, nl < 0 ? undefined : nl).trim();
  return nl >= 0 && first.startsWith('{') && first.endsWith('}') && text.slice(nl).trim() !== '';
}

/**
 * Judged on the file's first bytes, before it is read whole: false only for what cannot be a file of
 * many runs, a pretty-printed object that does not start like tau2 results (study transcripts and
 * provider logs), so those are not read twice.
 */
export function mayHoldManyRunsHead(fileName: string, head: string): boolean {
  const start = head.search(/\S/);
  if (start < 0) return false;
  if (head[start] !== '{') return head[start] === '[';
  if (JSON_LINES_NAME.test(fileName)) return true;
  const nl = head.indexOf('\n', start);
  // A first line that is more than `{`: JSON Lines, or one minified document.
  if (head.slice(start, nl < 0 ? undefined : nl).trim() !== '{') return true;
  // tau2 writes its results object with `timestamp` first, `simulations` last.
  return /^\s*\{\s*"timestamp"\s*:/.test(head) || /"simulations"\s*:/.test(head);
}

interface State {
  json: JsonParseResult | JsonLinesResult;
  found: RunsFound;
  byKey: Map<string, RunEntry>;
  samples: SampleSummary[];
  diagnostics: Diagnostic[];
  info: SampleLogInfo;
}

function load(fileName: string, text: string): State | undefined {
  if (!mayHoldManyRuns(fileName, text)) return undefined;
  const whole = parseJsonTolerant(text, { locateDepth: LOCATE_DEPTH });
  const lines = isJsonLines(fileName, text, whole);
  const framed = lines ? parseJsonLines(text, { locateDepth: LOCATE_DEPTH }) : undefined;
  const json: JsonParseResult | JsonLinesResult = framed ?? whole;
  if (json.value === undefined) return undefined;
  const found = findRuns(json.value, lines ? 'jsonl' : 'json', (r) => isRunRecord(r, fileName));
  if (!found) return undefined;
  const diagnostics: Diagnostic[] = [];
  if (framed) {
    for (const e of framed.lineErrors) diagnostics.push({ severity: 'error', file: fileName, line: e.line, column: e.column, path: e.path, expected: e.expected, message: lineErrorMessage(fileName, e).replace('the other lines are shown', 'the other runs are listed'), afterEvent: -1 });
  } else if (json.error) {
    const e = json.error;
    diagnostics.push({ severity: 'error', file: fileName, line: e.line, column: e.column, path: e.path, expected: e.expected, message: `${fileName}:${e.line}:${e.column}: invalid JSON at ${e.path}: expected ${e.expected}, found ${e.found}; the runs before this point are listed.`, afterEvent: -1 });
  }
  const byKey = new Map<string, RunEntry>();
  const samples: SampleSummary[] = [];
  for (const r of found.runs) {
    // A run the damage cut short is left out of the list.
    if (json.isIncomplete(r.value)) continue;
    const key = `${r.id}#${r.epoch}`;
    byKey.set(key, r);
    samples.push({ key, id: r.id, epoch: r.epoch, scores: r.scores, complete: true, ...(r.input !== undefined ? { input: r.input } : {}), ...(r.target !== undefined ? { target: r.target } : {}), ...(r.error !== undefined ? { error: r.error } : {}) });
  }
  const info: SampleLogInfo = {
    format: found.format,
    // A file of runs is read whole: it is complete as it stands (not a log still being written).
    status: 'complete',
    taskArgs: {},
    metadata: { reader: found.label, ...found.metadata },
    ...(found.task !== undefined ? { task: found.task } : {}),
    ...(found.model !== undefined ? { model: found.model } : {}),
    ...(found.created !== undefined ? { created: found.created } : {}),
  };
  return { json, found, byKey, samples, diagnostics, info };
}

/**
 * The file's runs as a SampleLog, or undefined when `text` does not hold many runs. `reread` gives
 * the file's text again for `refresh` (a file still being written); without it, refresh finds nothing new.
 */
export function openRunsLog(fileName: string, text: string, reread?: () => Promise<string>): SampleLog | undefined {
  let state = load(fileName, text);
  if (!state) return undefined;
  return {
    fileName,
    get info() {
      return state!.info;
    },
    get samples() {
      return state!.samples;
    },
    get diagnostics() {
      return state!.diagnostics;
    },
    async readSample(key: string): Promise<Transcript> {
      const s = state!;
      const run = s.byKey.get(key);
      if (!run) throw new Error(`${fileName}: no run ${key} in this file (expected a key such as ${s.samples[0]?.key ?? '1#1'}: id#epoch)`);
      const t = readParsedRun({ file: fileName, value: run.value, prefix: run.path, locate: (p) => s.json.locate([...run.path, ...p]) });
      const inner = t.header.reader;
      t.header = {
        ...t.header,
        reader: { name: `${s.found.label} › ${inner?.name ?? t.header.format}`, ...(inner?.guess ? { guess: inner.guess } : {}) },
        metadata: { ...t.header.metadata, runs: { file: fileName, format: s.found.format, key, path: formatJsonPath(run.path) } },
      };
      return t;
    },
    async refresh(): Promise<boolean> {
      if (!reread) return false;
      const next = load(fileName, await reread());
      if (!next) return false;
      const sig = (x: State) => x.samples.map((r) => `${r.key}:${Object.values(r.scores).join(',')}`).join('|');
      const changed = sig(next) !== sig(state!);
      state = next;
      return changed;
    },
  };
}
