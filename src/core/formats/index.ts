/**
 * One entry point for every format: detect by content, import, and return a Transcript with its
 * diagnostics. Callers (host, CLI, tests) never pick an importer themselves.
 *
 * Pure module: no `vscode`, no Node built-ins; file access belongs to the caller.
 */
import { Diagnostic, RunHeader, Transcript, reindex } from '../model';
import { formatJsonPath, parseJsonTolerant, type JsonParseResult } from '../json/tolerantJson';
import { describeZodIssue, zodPathText } from '../zodMessages';
import { readRunlog } from '../runlog/runlog';
import { detectAgenticMisalignment, importAgenticMisalignment } from './agenticMisalignment/response';
import { detectAnthropic, importAnthropic } from './anthropic/messages';
import { detectOpenAIChat, importOpenAIChat } from './openai/chat';
import { detectOpenAIResponses, importOpenAIResponses } from './openai/responses';
import { detectPetri, importPetri } from './petri/petri';
import { detectStudy, importStudy } from './study/study';
import { CLAUDE_CODE_READER, detectClaudeCode, importClaudeCode } from './claudeCode/session';
import { OPENAI_AGENTS_READER, detectOpenAIAgents, importOpenAIAgents } from './openaiAgents/runState';
import { ATIF_READER, detectAtif, importAtif } from './atif/trajectory';
import { SWE_AGENT_READER, detectSweAgent, importSweAgent } from './sweAgent/traj';
import { OPENHANDS_READER, detectOpenHands, importOpenHands } from './openhands/events';
import { LANGSMITH_READER, detectLangSmith, importLangSmith } from './langsmith/runs';
import type { ImportContext, ImportResult } from './types';

export type ProviderFormatId =
  | 'claude-code'
  | 'openai-agents'
  | 'atif'
  | 'swe-agent'
  | 'openhands'
  | 'langsmith'
  | 'petri'
  | 'agentic-misalignment'
  | 'openai-responses'
  | 'anthropic-messages'
  | 'openai-chat';
export type FormatId = 'runlog' | 'study' | 'study-followup' | ProviderFormatId;

type Importer = (doc: unknown, ctx: ImportContext, isIncomplete?: (v: unknown) => boolean) => ImportResult;

/**
 * Provider and agent-framework formats, most specific first: the agent frameworks' logs (Claude Code
 * sessions, Agents SDK run states, ATIF, SWE-agent, OpenHands, LangSmith) by their own keys, which
 * wrap provider messages; a Petri transcript or an agentic-misalignment response by its own keys;
 * Responses items and Anthropic blocks by their types; any other role/content list is read as OpenAI
 * chat. Study transcripts and run logs are recognised before any of these, so a provider shape never
 * takes one of them. `reader` is the name the header gives (`header.reader.name`).
 */
const PROVIDERS: ReadonlyArray<{ id: ProviderFormatId; reader: string; detect: (doc: unknown, fileName: string) => boolean; importer: Importer }> = [
  { id: 'claude-code', reader: CLAUDE_CODE_READER, detect: detectClaudeCode, importer: (doc, ctx) => importClaudeCode(doc, ctx) },
  { id: 'openai-agents', reader: OPENAI_AGENTS_READER, detect: detectOpenAIAgents, importer: (doc, ctx) => importOpenAIAgents(doc, ctx) },
  { id: 'atif', reader: ATIF_READER, detect: detectAtif, importer: importAtif },
  { id: 'swe-agent', reader: SWE_AGENT_READER, detect: detectSweAgent, importer: importSweAgent },
  { id: 'openhands', reader: OPENHANDS_READER, detect: detectOpenHands, importer: importOpenHands },
  { id: 'langsmith', reader: LANGSMITH_READER, detect: detectLangSmith, importer: (doc, ctx) => importLangSmith(doc, ctx) },
  { id: 'petri', reader: 'Petri transcript', detect: detectPetri, importer: importPetri },
  { id: 'agentic-misalignment', reader: 'agentic-misalignment response', detect: detectAgenticMisalignment, importer: (doc, ctx) => importAgenticMisalignment(doc, ctx) },
  { id: 'openai-responses', reader: 'OpenAI Responses', detect: detectOpenAIResponses, importer: importOpenAIResponses },
  { id: 'anthropic-messages', reader: 'Anthropic Messages', detect: detectAnthropic, importer: importAnthropic },
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
}

const KNOWN_SHAPES = [
  'a Peerwatch run log (first line {"type":"header","schema":"peerwatch.runlog",…})',
  'a study transcript (a JSON object with a "conversation" list of role/content/tool_calls entries, usually beside "experiment_metadata")',
  'an OpenAI Chat Completions log (a list of {role, content} messages, {"messages": […]}, a response with "choices", or {"request": …, "response": …})',
  'an OpenAI Responses log ({"object": "response", "output": […]}, or "input"/"output" lists of items typed message, reasoning, function_call, function_call_output)',
  'an Anthropic Messages log ({"system", "messages"} or a list of messages whose content blocks are text, thinking, tool_use, tool_result; a response {"type": "message", "content": […]})',
  'a Petri transcript ({"metadata": {"transcript_id", "judge_output", …}, "events": [transcript_event edits]})',
  'an agentic-misalignment response.json ({"raw_response", "metadata", "classification"})',
  'a Claude Code session (JSON Lines of {"type": "user"|"assistant", "message", "sessionId", …} records)',
  'an OpenAI Agents SDK run state ({"$schemaVersion", "currentAgent", "originalInput", "generatedItems", …})',
  'an ATIF trajectory ({"schema_version": "ATIF-v1.x", "steps": […]})',
  'a SWE-agent .traj ({"trajectory": […], "history": […], "info": {…}})',
  'an OpenHands event stream (a list of {"id", "source", "action"|"observation", …} events, or {"history": […]})',
  'or a LangSmith run payload ({"post": [runs], "patch": [runs]})',
].join('; ');

/** The format of `text`, decided by its content; `undefined` when no known format matches. */
export function detectFormat(fileName: string, text: string): FormatId | undefined {
  return sniff(fileName, text).format;
}

interface Sniffed {
  format?: FormatId;
  json?: JsonParseResult;
}

function sniff(fileName: string, text: string): Sniffed {
  const start = text.search(/\S/);
  if (start < 0) return {};
  if (text[start] === '{') {
    const firstLineEnd = text.indexOf('\n', start);
    const firstLine = text.slice(start, firstLineEnd < 0 ? undefined : firstLineEnd);
    if (/"schema"\s*:\s*"peerwatch\.runlog"/.test(firstLine) || (/\.runlog\.jsonl$/i.test(fileName) && /"type"\s*:\s*"header"/.test(firstLine))) {
      return { format: 'runlog' };
    }
  }
  const json = parseJsonTolerant(text);
  const study = detectStudy(json.value);
  if (study) return { format: study, json };
  // A run log whose header line is damaged still looks like JSON Lines of events.
  if (/\.runlog\.jsonl$/i.test(fileName)) return { format: 'runlog' };
  if (json.value !== undefined) {
    for (const p of PROVIDERS) if (p.detect(json.value, fileName)) return { format: p.id, json };
  }
  return { json };
}

/** Parses any supported file into a Transcript. Throws NotATranscriptError for other files. */
export function parseTranscript(input: ParseInput): Transcript {
  const { fileName, text } = input;
  const sniffed = sniff(fileName, text);
  switch (sniffed.format) {
    case 'runlog':
      return readRunlog(fileName, text);
    case 'study':
    case 'study-followup':
      return importJson(input, sniffed.json!, (doc, ctx, isIncomplete) => importStudy(doc, ctx, isIncomplete));
    case 'claude-code':
    case 'openai-agents':
    case 'atif':
    case 'swe-agent':
    case 'openhands':
    case 'langsmith':
    case 'petri':
    case 'agentic-misalignment':
    case 'openai-responses':
    case 'anthropic-messages':
    case 'openai-chat': {
      const provider = PROVIDERS.find((p) => p.id === sniffed.format)!;
      // Parsed again recording positions deeper down, so every event cites its own line.
      const t = importJson(input, parseJsonTolerant(text, { locateDepth: PROVIDER_LOCATE_DEPTH }), provider.importer);
      t.header.reader ??= { name: provider.reader };
      return t;
    }
    case undefined:
      throw new NotATranscriptError(fileName, whyNot(fileName, text, sniffed.json));
  }
}

function whyNot(fileName: string, text: string, json: JsonParseResult | undefined): string {
  if (text.trim() === '') return `the file is empty; expected ${KNOWN_SHAPES}`;
  const e = json?.error;
  const where = e ? ` (${fileName}:${e.line}:${e.column}: expected ${e.expected}, found ${e.found})` : '';
  if (!json || (e && json.value === undefined)) return `it is not JSON${where}; expected ${KNOWN_SHAPES}`;
  // A document cut short by a syntax error is named with the place of the error, not only its shape.
  if (e) return `it is not valid JSON${where}, and what comes before the error is not a transcript; expected ${KNOWN_SHAPES}`;
  const v = json.value;
  const shape = Array.isArray(v) ? 'a JSON array' : v === null || typeof v !== 'object' ? `a JSON ${v === null ? 'null' : typeof v}` : `a JSON object with keys ${Object.keys(v).slice(0, 6).map((k) => JSON.stringify(k)).join(', ') || '(none)'}`;
  return `it is ${shape}; expected ${KNOWN_SHAPES}`;
}

function importJson(input: ParseInput, json: JsonParseResult, importer: Importer): Transcript {
  const { fileName } = input;
  const ctx: ImportContext = {
    file: fileName,
    siblings: input.siblings,
    locate(path) {
      // Values deeper than the recorded depth are cited at their nearest recorded ancestor.
      for (let n = path.length; n >= 0; n--) {
        const at = json.locate(path.slice(0, n));
        if (at) return { line: at.line, column: at.column, path: formatJsonPath(path) };
      }
      return { path: formatJsonPath(path) };
    },
  };
  const result = importer(json.value, ctx, (v) => json.isIncomplete(v));
  const events = reindex(result.events);
  const diagnostics: Diagnostic[] = [...result.diagnostics];
  for (const w of json.warnings) {
    diagnostics.push({
      severity: 'warning',
      file: fileName,
      line: w.line,
      column: w.column,
      path: w.path,
      expected: w.expected,
      // The marker goes after the last event that starts before the value.
      afterEvent: events.reduce((last, ev, i) => ((ev.source?.line ?? Infinity) <= w.line ? i : last), -1),
      message: `${fileName}:${w.line}:${w.column}: ${w.path}: expected ${w.expected}, found ${w.found}; ${w.outcome}.`,
    });
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
  return { header: validHeader(result.header, fileName, diagnostics), events, diagnostics, live: false };
}

/**
 * The importer's header, validated. A field that fails the schema (an API-call count of 1e20, a
 * value of the wrong type) is left out of the header with a warning naming the field and what was
 * expected, instead of refusing the whole file; the file itself is never changed.
 */
function validHeader(raw: unknown, fileName: string, diagnostics: Diagnostic[]): RunHeader {
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
