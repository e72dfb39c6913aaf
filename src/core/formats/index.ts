/**
 * One entry point for every format: detect by content, import, and return a Transcript with its
 * diagnostics. Callers (host, CLI, tests) never pick an importer themselves.
 *
 * Pure module: no `vscode`, no Node built-ins; file access belongs to the caller.
 */
import { Diagnostic, RunHeader, Transcript, reindex } from '../model';
import { formatJsonPath, parseJsonTolerant, type JsonParseResult, type JsonPath } from '../json/tolerantJson';
import { isJsonLines, lineErrorMessage, parseJsonLines, type JsonLinesResult } from '../json/jsonLines';
import { isRecord } from '../json/values';
import { describeZodIssue, zodPathText } from '../zodMessages';
import { readRunlog } from '../runlog/runlog';
import { compileFastParse, UNSURE } from '../runlog/fastParse';
import { detectAgenticMisalignment, importAgenticMisalignment } from './agenticMisalignment/response';
import { detectAnthropic, importAnthropic } from './anthropic/messages';
import { CODEX_READER, detectCodex, importCodex } from './codex/rollout';
import { CODEX_EXEC_READER, detectCodexExec, importCodexExec } from './codex/execJson';
import { OPENCODE_RUN_READER, detectOpenCodeRun, importOpenCodeRun } from './opencode/runJson';
import { GEMINI_CLI_READER, GEMINI_READER, detectGemini, detectGeminiCli, importGemini, importGeminiCli } from './gemini/contents';
import { GEMINI_CLI_STREAM_READER, detectGeminiCliStream, importGeminiCliStream } from './gemini/streamJson';
import { detectOpenAIChat, importOpenAIChat } from './openai/chat';
import { detectOpenAIResponses, importOpenAIResponses } from './openai/responses';
import { detectPetri, importPetri } from './petri/petri';
import { detectStudy, importStudy } from './study/study';
import { CLAUDE_CODE_READER, detectClaudeCode, importClaudeCode } from './claudeCode/session';
import { OPENAI_AGENTS_READER, detectOpenAIAgents, importOpenAIAgents } from './openaiAgents/runState';
import { ATIF_READER, detectAtif, importAtif } from './atif/trajectory';
import { SWE_AGENT_READER, detectSweAgent, importSweAgent } from './sweAgent/traj';
import { MINI_SWE_AGENT_READER, detectMiniSweAgent, importMiniSweAgent } from './miniSweAgent/traj';
import { OPENHANDS_READER, detectOpenHands, importOpenHands } from './openhands/events';
import { LANGSMITH_READER, detectLangSmith, importLangSmith } from './langsmith/runs';
import { within, type ImportContext, type ImportResult } from './types';
import { findRuns } from './runs/manyRuns';
import { findPair } from './providers/shapes';
import { matchMessageLog } from './logLines/messageLog';
import { matchGuess } from './guess/guess';

export type ProviderFormatId =
  | 'claude-code'
  | 'openai-agents'
  | 'atif'
  | 'swe-agent'
  | 'mini-swe-agent'
  | 'openhands'
  | 'langsmith'
  | 'petri'
  | 'agentic-misalignment'
  | 'openai-responses'
  | 'anthropic-messages'
  | 'gemini-cli'
  | 'codex'
  | 'gemini'
  | 'opencode'
  | 'openai-chat';
/**
 * `message-log`: structured log lines carrying message payloads; `guess`: the fallback that found a
 * message list somewhere in an unknown document; `many-runs`: a file holding many runs (opened as a
 * list, see runs/runsLog.ts, not as one transcript).
 */
export type FormatId = 'runlog' | 'study' | 'study-followup' | ProviderFormatId | 'message-log' | 'guess' | 'many-runs';

type Importer = (doc: unknown, ctx: ImportContext, isIncomplete?: (v: unknown) => boolean) => ImportResult;

/**
 * Provider and agent-framework formats, most specific first: the agent frameworks' logs (Claude Code
 * sessions, Agents SDK run states, ATIF, SWE-agent, mini-swe-agent, OpenHands, LangSmith) by their own keys, which
 * wrap provider messages; a Petri transcript or an agentic-misalignment response by its own keys;
 * Responses items and Anthropic blocks by their types; any other role/content list is read as OpenAI
 * chat. Study transcripts and run logs are recognised before any of these, so a provider shape never
 * takes one of them. `reader` is the name the header gives (`header.reader.name`).
 */
const PROVIDERS: ReadonlyArray<{ id: ProviderFormatId; reader: string; detect: (doc: unknown, fileName: string) => boolean; importer: Importer }> = [
  { id: 'claude-code', reader: CLAUDE_CODE_READER, detect: detectClaudeCode, importer: (doc, ctx) => importClaudeCode(doc, ctx) },
  { id: 'codex', reader: CODEX_READER, detect: detectCodex, importer: importCodex },
  { id: 'codex', reader: CODEX_EXEC_READER, detect: detectCodexExec, importer: importCodexExec },
  { id: 'opencode', reader: OPENCODE_RUN_READER, detect: detectOpenCodeRun, importer: importOpenCodeRun },
  { id: 'gemini-cli', reader: GEMINI_CLI_READER, detect: detectGeminiCli, importer: (doc, ctx) => importGeminiCli(doc, ctx) },
  { id: 'gemini-cli', reader: GEMINI_CLI_STREAM_READER, detect: detectGeminiCliStream, importer: importGeminiCliStream },
  { id: 'openai-agents', reader: OPENAI_AGENTS_READER, detect: detectOpenAIAgents, importer: (doc, ctx) => importOpenAIAgents(doc, ctx) },
  { id: 'atif', reader: ATIF_READER, detect: detectAtif, importer: importAtif },
  { id: 'swe-agent', reader: SWE_AGENT_READER, detect: detectSweAgent, importer: importSweAgent },
  { id: 'mini-swe-agent', reader: MINI_SWE_AGENT_READER, detect: detectMiniSweAgent, importer: importMiniSweAgent },
  { id: 'openhands', reader: OPENHANDS_READER, detect: detectOpenHands, importer: importOpenHands },
  { id: 'langsmith', reader: LANGSMITH_READER, detect: detectLangSmith, importer: (doc, ctx) => importLangSmith(doc, ctx) },
  { id: 'petri', reader: 'Petri transcript', detect: detectPetri, importer: importPetri },
  { id: 'agentic-misalignment', reader: 'agentic-misalignment response', detect: detectAgenticMisalignment, importer: (doc, ctx) => importAgenticMisalignment(doc, ctx) },
  { id: 'openai-responses', reader: 'OpenAI Responses', detect: detectOpenAIResponses, importer: importOpenAIResponses },
  { id: 'anthropic-messages', reader: 'Anthropic Messages', detect: detectAnthropic, importer: importAnthropic },
  { id: 'gemini', reader: GEMINI_READER, detect: detectGemini, importer: importGemini },
  { id: 'openai-chat', reader: 'OpenAI Chat Completions', detect: detectOpenAIChat, importer: importOpenAIChat },
];

/** Provider logs nest deeper than study transcripts (`$.request.messages[3].tool_calls[0].function`). */
const PROVIDER_LOCATE_DEPTH = 9;

/** Thrown when a file is readable but is not a transcript in any format Peerwatch knows. */
export class NotATranscriptError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file} is not a transcript Peerwatch can read: ${reason}`);
    this.name = 'NotATranscriptError';
  }
}

export interface ParseInput {
  /** The file's name or path as shown to the user (appears in every message). */
  readonly fileName: string;
  readonly text: string;
  /** A production-harness run's sibling files, by base name (see `harnessSiblings`). */
  readonly siblings?: Readonly<Record<string, string>>;
  /**
   * False when no one will ask where an event came from (the corpus index keeps tags, not places):
   * a well-formed JSON document is then read by `JSON.parse`, and events cite their JSON path without
   * a line. Everything else (the tags, the header, a damaged file's diagnostics) is the same. Default true.
   */
  readonly positions?: boolean;
}

const KNOWN_SHAPES = [
  'a Peerwatch run log (first line {"type":"header","schema":"peerwatch.runlog",…})',
  'a study transcript (a JSON object with a "conversation" list of role/content/tool_calls entries, usually beside "experiment_metadata")',
  'an OpenAI Chat Completions log (a list of {role, content} messages, {"messages": […]}, a response with "choices", or {"request": …, "response": …})',
  'an OpenAI Responses log ({"object": "response", "output": […]}, or "input"/"output" lists of items typed message, reasoning, function_call, function_call_output)',
  'an Anthropic Messages log ({"system", "messages"} or a list of messages whose content blocks are text, thinking, tool_use, tool_result; a response {"type": "message", "content": […]})',
  'a Petri transcript ({"metadata": {"transcript_id", "judge_output", …}, "events": [transcript_event edits]})',
  'an agentic-misalignment response.json ({"raw_response", "metadata", "classification"})',
  'a Gemini API log (a list of {"role": "user"|"model", "parts": […]} contents, {"contents": […]}, {"history": […]}, or a response with "candidates")',
  'a Claude Code session (JSON Lines of {"type": "user"|"assistant", "message", "sessionId", …} records)',
  'a Gemini CLI session ({"sessionId", "projectHash", "messages": […]}, or its JSON Lines, or what `gemini -p --output-format stream-json` prints: {"type": "init"|"message"|"tool_use"|"tool_result"|"result", …} lines)',
  'a Codex CLI session (JSON Lines of {"timestamp", "type": "session_meta"|"response_item"|"event_msg"|"turn_context", "payload"} records, or what `codex exec --json` prints: {"type": "thread.started"|"item.completed"|"turn.completed", …} lines)',
  'what `opencode run --format json` prints ({"type": "step_start"|"text"|"tool_use"|"step_finish", "sessionID", "part"} lines)',
  'an OpenAI Agents SDK run state ({"$schemaVersion", "currentAgent", "originalInput", "generatedItems", …})',
  'an ATIF trajectory ({"schema_version": "ATIF-v1.x", "steps": […]})',
  'a SWE-agent .traj ({"trajectory": […], "history": […], "info": {…}})',
  'a mini-swe-agent .traj.json ({"info": {…}, "messages": […], "trajectory_format": "mini-swe-agent-1"})',
  'an OpenHands event stream (a list of {"id", "source", "action"|"observation", …} events, or {"history": […]})',
  'or a LangSmith run payload ({"post": [runs], "patch": [runs]})',
].join('; ');

/** The format of `text`, decided by its content; `undefined` when no known format matches. */
export function detectFormat(fileName: string, text: string): FormatId | undefined {
  return sniff(fileName, text, false).format;
}

/** A format matched on a parsed value, and how to read the value as a run. */
export interface RunMatch {
  readonly format: FormatId;
  read(ctx: ImportContext, isIncomplete?: (v: unknown) => boolean): ImportResult;
}

/**
 * The one registry of run readers, in order: study transcripts, the provider formats, a one-element
 * list read as its element, structured log lines carrying message payloads, and last (when `guess`)
 * the fallback that looks for message-like lists anywhere. Undefined: no reader knows the value.
 */
export function matchRun(doc: unknown, fileName: string, opts: { guess?: boolean } = {}): RunMatch | undefined {
  const study = detectStudy(doc);
  if (study) return { format: study, read: (ctx, isIncomplete) => named(importStudy(doc, ctx, isIncomplete), study === 'study' ? 'study transcript' : 'study follow-up transcript') };
  for (const p of PROVIDERS) {
    if (!p.detect(doc, fileName)) continue;
    return { format: p.id, read: (ctx, isIncomplete) => named(p.importer(doc, ctx, isIncomplete), p.reader) };
  }
  // A JSON Lines file of one line holding one run (`{"messages": […]}`) is that run.
  if (Array.isArray(doc) && doc.length === 1 && isRecord(doc[0])) {
    const inner = matchRun(doc[0], fileName, { guess: false });
    if (inner) return { format: inner.format, read: (ctx, isIncomplete) => inner.read(within(ctx, [0]), isIncomplete) };
  }
  const strict = (v: unknown) => matchRun(v, fileName, { guess: false });
  const log = matchMessageLog(doc, strict);
  if (log) return log;
  return opts.guess === false ? undefined : matchGuess(doc, strict);
}

/** The reader's name in the header, unless the reader named itself (a more precise name, a guess). */
function named(result: ImportResult, reader: string): ImportResult {
  result.header.reader ??= { name: reader };
  return result;
}

/**
 * True for a record that is a whole run in a single-run format (a study transcript, a Petri
 * transcript, an agentic-misalignment sample, …), so a list of them is a file of many runs. A message,
 * an API call's request/response pair or a bare response is a part of a run, not a run.
 */
export function isRunRecord(v: unknown, fileName: string): boolean {
  if (!isRecord(v) || typeof v['role'] === 'string' || findPair(v) || Array.isArray(v['choices']) || v['type'] === 'message' || v['object'] === 'response') return false;
  return matchRun(v, fileName, { guess: false }) !== undefined;
}

/** A value already parsed, with the places of its parts in the file it came from. */
export interface ParsedRun {
  /** The file's name as shown to the user. */
  readonly file: string;
  readonly value: unknown;
  /** Start of the value at `path` (relative to `value`), when recorded. */
  locate(path: JsonPath): { line: number; column: number } | undefined;
  /** The JSON path of `value` in the file (`$.simulations[3]`), for messages; `$` when it is the file. */
  readonly prefix?: JsonPath;
  isIncomplete?(v: unknown): boolean;
  readonly siblings?: Readonly<Record<string, string>>;
}

/**
 * Reads an already-parsed value as one run through the registry (`matchRun`), fallback included: the
 * reader `parseTranscript` uses for a whole file and a file of many runs uses for each of its runs.
 * Throws NotATranscriptError when no reader knows the value.
 */
export function readParsedRun(run: ParsedRun): Transcript {
  const match = matchRun(run.value, run.file);
  if (!match || match.format === 'many-runs') throw new NotATranscriptError(run.file, `${run.prefix?.length ? `the value at ${formatJsonPath(run.prefix)} ` : 'it '}is in no format Peerwatch knows, and no list of role/content messages was found in it; expected ${KNOWN_SHAPES}`);
  const { transcript } = importParsed(run, match);
  return transcript;
}

interface Sniffed {
  format?: FormatId;
  json?: JsonParseResult | JsonLinesResult;
  match?: RunMatch;
}

/**
 * Whether a file is a Peerwatch run log, from its name and its first line (`head`: the text up to at
 * least the end of the first line, or the whole file). The CLI streams such files (node/runlogFile.ts).
 */
export function isRunlogText(fileName: string, head: string): boolean {
  const start = head.search(/\S/);
  if (start < 0) return false;
  if (head[start] === '{') {
    const firstLineEnd = head.indexOf('\n', start);
    const firstLine = head.slice(start, firstLineEnd < 0 ? undefined : firstLineEnd);
    if (/"schema"\s*:\s*"peerwatch\.runlog"/.test(firstLine) || (/\.runlog\.jsonl$/i.test(fileName) && /"type"\s*:\s*"header"/.test(firstLine))) return true;
  }
  // A run log whose header line is damaged still looks like JSON Lines of events.
  return /\.runlog\.jsonl$/i.test(fileName);
}

function sniff(fileName: string, text: string, positions: boolean): Sniffed {
  if (text.search(/\S/) < 0) return {};
  if (isRunlogText(fileName, text)) return { format: 'runlog' };
  const json = parseText(fileName, text, positions);
  const study = detectStudy(json.value);
  if (study) return { format: study, json };
  if (json.value === undefined) return { json };
  if (findRuns(json.value, 'lines' in json ? 'jsonl' : 'json', (r) => isRunRecord(r, fileName))) return { format: 'many-runs', json };
  const match = matchRun(json.value, fileName);
  return match ? { format: match.format, json, match } : { json };
}

/**
 * The file's text as JSON: one document (positions recorded a few levels deep, enough to tell the
 * format), or the array of a JSON Lines file's line values (positions recorded deep enough for
 * provider logs, `$[3].content[1].input`, as the lines are parsed once).
 */
function parseText(fileName: string, text: string, positions: boolean): JsonParseResult | JsonLinesResult {
  const whole = parseJsonTolerant(text, { positions });
  if (!isJsonLines(fileName, text, whole)) return whole;
  const lines = parseJsonLines(text, { locateDepth: PROVIDER_LOCATE_DEPTH });
  // A file named .jsonl that holds one pretty-printed document is that document.
  if (!whole.error && lines.lineErrors.length > lines.value.length) return whole;
  return lines;
}

/** Thrown for a file that holds many runs: it opens as a list of runs (runs/runsLog.ts), one run at a time. */
export class ManyRunsError extends NotATranscriptError {
  constructor(file: string, readonly count: number, readonly runsFormat: string) {
    super(file, `it holds ${count} runs (${runsFormat}); open it as a list of runs (the editor shows the list; \`peerwatch parse FILE\` lists them and \`--sample KEY\` reads one)`);
    this.name = 'ManyRunsError';
  }
}

/** Parses any supported file into a Transcript. Throws NotATranscriptError for other files. */
export function parseTranscript(input: ParseInput): Transcript {
  const { fileName, text } = input;
  const positions = input.positions !== false;
  const sniffed = sniff(fileName, text, positions);
  if (sniffed.format === 'runlog') return readRunlog(fileName, text);
  const json = sniffed.json;
  if (sniffed.format === 'many-runs') {
    const runs = findRuns(json!.value, json && 'lines' in json ? 'jsonl' : 'json', (r) => isRunRecord(r, fileName))!;
    throw new ManyRunsError(fileName, runs.runs.length, runs.format);
  }
  if (!sniffed.format || !json) throw new NotATranscriptError(fileName, whyNot(fileName, text, json));
  if (!sniffed.match) return importJson(input, json, { format: sniffed.format, read: (ctx, isIncomplete) => named(importStudy(json.value, ctx, isIncomplete), sniffed.format === 'study-followup' ? 'study follow-up transcript' : 'study transcript') });
  if ('lines' in json || !positions) return importJson(input, json, sniffed.match);
  // Parsed again recording positions deeper down, so every event cites its own line; matched again
  // on the new value, whose objects are the ones the parse marks incomplete.
  const deep = parseJsonTolerant(text, { locateDepth: PROVIDER_LOCATE_DEPTH });
  return importJson(input, deep, matchRun(deep.value, fileName) ?? sniffed.match);
}

function whyNot(fileName: string, text: string, json: JsonParseResult | JsonLinesResult | undefined): string {
  if (text.trim() === '') return `the file is empty; expected ${KNOWN_SHAPES}`;
  if (json && 'lines' in json) {
    const bad = json.lineErrors[0];
    if (json.value.length === 0) return `none of its lines is JSON${bad ? ` (${fileName}:${bad.line}:${bad.column}: expected ${bad.expected}, found ${bad.found})` : ''}; expected ${KNOWN_SHAPES}`;
    const first = json.value[0];
    return `it is JSON Lines of ${json.value.length} value${json.value.length === 1 ? '' : 's'} (the first ${isRecord(first) ? `an object with keys ${Object.keys(first).slice(0, 6).map((k) => JSON.stringify(k)).join(', ') || '(none)'}` : describeShape(first)}), and no list of role/content messages was found in them; expected ${KNOWN_SHAPES}`;
  }
  const e = json?.error;
  const where = e ? ` (${fileName}:${e.line}:${e.column}: expected ${e.expected}, found ${e.found})` : '';
  if (!json || (e && json.value === undefined)) return `it is not JSON${where}; expected ${KNOWN_SHAPES}`;
  // A document cut short by a syntax error is named with the place of the error, not only its shape.
  if (e) return `it is not valid JSON${where}, and what comes before the error is not a transcript; expected ${KNOWN_SHAPES}`;
  return `it is ${describeShape(json.value)}; expected ${KNOWN_SHAPES}`;
}

function describeShape(v: unknown): string {
  return Array.isArray(v) ? 'a JSON array' : v === null || typeof v !== 'object' ? `a JSON ${v === null ? 'null' : typeof v}` : `a JSON object with keys ${Object.keys(v).slice(0, 6).map((k) => JSON.stringify(k)).join(', ') || '(none)'}`;
}

/** Reads the whole file's document as one run, with the parse's warnings and errors as diagnostics. */
function importJson(input: ParseInput, json: JsonParseResult | JsonLinesResult, match: RunMatch): Transcript {
  const { fileName } = input;
  const { transcript, events } = importParsed({ file: fileName, value: json.value, locate: (p) => json.locate(p), isIncomplete: (v) => json.isIncomplete(v), siblings: input.siblings }, match);
  const diagnostics = transcript.diagnostics;
  // The last event that starts at or before a line (readers may put events out of line order): a
  // walk of every event for each warning made a log of thousands of damaged lines quadratic (10 MB:
  // 13 s), so the events are sorted by line once, with the largest index up to each place.
  let byLine: { lines: number[]; last: number[] } | undefined;
  const afterLine = (line: number) => {
    if (!byLine) {
      const order = events.map((ev, i): [number, number] => [ev.source?.line ?? Infinity, i]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      let max = -1;
      byLine = { lines: order.map((o) => o[0]), last: order.map((o) => (max = Math.max(max, o[1]))) };
    }
    let lo = 0;
    let hi = byLine.lines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (byLine.lines[mid]! <= line) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? -1 : byLine.last[lo - 1]!;
  };
  for (const w of json.warnings) {
    diagnostics.push({
      severity: 'warning',
      file: fileName,
      line: w.line,
      column: w.column,
      path: w.path,
      expected: w.expected,
      // The marker goes after the last event that starts before the value.
      afterEvent: afterLine(w.line),
      message: `${fileName}:${w.line}:${w.column}: ${w.path}: expected ${w.expected}, found ${w.found}; ${w.outcome}.`,
    });
  }
  if ('lines' in json) {
    for (const e of json.lineErrors) {
      diagnostics.push({ severity: 'error', file: fileName, line: e.line, column: e.column, path: e.path, expected: e.expected, message: lineErrorMessage(fileName, e), afterEvent: afterLine(e.line) });
    }
  }
  if (json.error) {
    const e = json.error;
    diagnostics.push({
      severity: 'error',
      file: fileName,
      line: e.line,
      column: e.column,
      path: e.path,
      expected: e.expected,
      message:
        e.found === 'end of file'
          ? `${fileName}:${e.line}:${e.column}: the file ends in the middle of ${e.path}; expected ${e.expected}. Everything before this point is shown.`
          : `${fileName}:${e.line}:${e.column}: invalid JSON at ${e.path}: expected ${e.expected}, found ${e.found}. Everything before this point is shown.`,
      afterEvent: events.length - 1,
    });
  }
  return transcript;
}

/**
 * Deeper than any path a run's `locate` answers: PROVIDER_LOCATE_DEPTH levels below a document or a
 * JSON Lines line's index here, runsLog.ts's LOCATE_DEPTH (10) below a file of many runs, with room.
 */
const DEEPEST_RECORDED = 2 * PROVIDER_LOCATE_DEPTH;

/** Imports a parsed value with the matched reader: events numbered, header validated. */
function importParsed(run: ParsedRun, match: RunMatch): { transcript: Transcript; events: Transcript['events'] } {
  const prefix = run.prefix ?? [];
  const ctx: ImportContext = {
    file: run.file,
    ...(run.siblings ? { siblings: run.siblings } : {}),
    locate(path) {
      // Values deeper than the recorded depth are cited at their nearest recorded ancestor. No parse
      // records positions deeper than DEEPEST_RECORDED below a run's value, so the search starts there:
      // trying every prefix of a path thousands of levels deep (nested agent runs) cost the square of
      // its length for each event.
      for (let n = Math.min(path.length, DEEPEST_RECORDED); n >= 0; n--) {
        const at = run.locate(path.slice(0, n));
        if (at) return { line: at.line, column: at.column, path: formatJsonPath([...prefix, ...path]) };
      }
      return { path: formatJsonPath([...prefix, ...path]) };
    },
  };
  const result = match.read(ctx, run.isIncomplete ? (v) => run.isIncomplete!(v) : undefined);
  const events = reindex(result.events);
  const diagnostics: Diagnostic[] = [...result.diagnostics];
  return { transcript: { header: validHeader(result.header, run.file, diagnostics), events, diagnostics, live: false }, events };
}

/** The header's schema compiled to plain checks (core/runlog/fastParse.ts); zod answers what they decline. */
const fastHeader = compileFastParse(RunHeader);

/**
 * The importer's header, validated. A field that fails the schema (an API-call count of 1e20, a
 * value of the wrong type) is left out of the header with a warning naming the field and what was
 * expected, instead of refusing the whole file; the file itself is never changed.
 */
function validHeader(raw: unknown, fileName: string, diagnostics: Diagnostic[]): RunHeader {
  // A valid header through the plain checks compiled from the schema (zod took about 5% of tagging a corpus).
  const fast = fastHeader?.(raw);
  if (fast !== undefined && fast !== UNSURE) return fast;
  let candidate: unknown = raw;
  for (let attempt = 0; attempt < 50; attempt++) {
    const parsed = RunHeader.safeParse(candidate, { reportInput: true });
    if (parsed.success) return parsed.data;
    candidate = structuredClone(candidate);
    for (const issue of parsed.error.issues) {
      diagnostics.push({
        severity: 'warning',
        file: fileName,
        path: zodPathText(issue.path),
        message: `${fileName}: the run's header field ${describeZodIssue(issue)}; it is left out of the header (the file is unchanged).`,
        afterEvent: -1,
      });
      if (!dropAt(candidate, issue.path)) return RunHeader.parse({ format: (raw as { format?: unknown }).format ?? 'unknown' });
    }
  }
  return RunHeader.parse({ format: (raw as { format?: unknown }).format ?? 'unknown' });
}

/** Deletes the value at `path` from `root`; false when there is nothing to delete. */
function dropAt(root: unknown, path: ReadonlyArray<PropertyKey>): boolean {
  if (path.length === 0) return false;
  let node: unknown = root;
  for (const part of path.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return false;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  if (typeof node !== 'object' || node === null) return false;
  const last = path[path.length - 1]!;
  if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1);
  else delete (node as Record<PropertyKey, unknown>)[last];
  return true;
}

/**
 * For a file inside a production-harness run folder (`transcript.json`, `events.jsonl`,
 * `run_meta.json`), the names of the files that make up the run. The caller reads them and passes
 * `transcript.json`'s text with the others as `siblings`.
 */
export function harnessRunFiles(fileName: string): { transcript: string; siblings: string[] } | undefined {
  const m = /^(.*[\\/])?(transcript\.json|events\.jsonl|run_meta\.json)$/.exec(fileName);
  if (!m) return undefined;
  const dir = m[1] ?? '';
  return { transcript: `${dir}transcript.json`, siblings: [`${dir}run_meta.json`, `${dir}events.jsonl`] };
}
