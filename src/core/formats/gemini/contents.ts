/**
 * Importer for Google Gemini logs:
 *
 * - **Gemini API contents**: a list of `{role: "user"|"model", parts: […]}` (what Gemini CLI's
 *   `/chat save` writes, and its exported trajectories), a request (`{contents, systemInstruction,
 *   tools}`), a chat history (`{history: […]}`), a response (`{candidates: [{content}], usageMetadata,
 *   modelVersion}`), or a request and its response saved together. Parts: `text` (reasoning when
 *   `thought: true`), `functionCall{name, args, id}`, `functionResponse{name, response, id}` (the
 *   output is `response.output` or `response.content` or the whole response; `response.error` marks it
 *   failed), `executableCode` / `codeExecutionResult` (the code tool's call and answer), `inlineData`
 *   images, `fileData` (a file the log points at).
 * - **Gemini CLI sessions** (`~/.gemini/tmp/<project>/chats/session-*.json`, and the JSON Lines form
 *   newer releases write): `{sessionId, projectHash, startTime, lastUpdated, messages}` whose messages
 *   are `user`, `gemini` (text, `thoughts`, `toolCalls` with their results, `model`, `tokens`), `info`,
 *   `warning` and `error`. In JSON Lines, a message appended again under its id (once its tool calls
 *   finished) replaces the earlier copy in place, `{"$set": {…}}` updates the metadata, and
 *   `{"$rewindTo": id}` marks where the user rewound the conversation: Gemini CLI drops the messages
 *   from there on, Peerwatch keeps them (their tool calls ran) after a note saying so.
 *
 * Tools keep their Gemini CLI names (`run_shell_command`, `write_file`, `replace`, …): the effects
 * readers (core/effects) know them, so the detectors see the commands and file changes.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { JsonPath } from '../../json/tolerantJson';
import type { ImportContext, ImportResult } from '../types';
import { EventBuilder, TextRun, describeFound, isRecord, num, rest, str } from '../providers/builder';
import { addUsage, baseHeader, finishImport, timingFrom, usageFrom } from '../providers/header';
import { findPair, requestAndResponse } from '../providers/shapes';
import { imagePart } from '../../images';
import { setMember } from '../../json/values';

export const GEMINI_READER = 'Gemini API contents';
export const GEMINI_CLI_READER = 'Gemini CLI session';

const PART_KEYS = ['text', 'functionCall', 'functionResponse', 'inlineData', 'fileData', 'executableCode', 'codeExecutionResult'];

function isContent(v: unknown): boolean {
  return isRecord(v) && (v['role'] === 'user' || v['role'] === 'model' || v['role'] === 'function' || v['role'] === 'tool') && Array.isArray(v['parts']);
}

/** A list of Gemini contents: every item `{role, parts}`, and at least one turn of the model's or a function part. */
function isContents(v: unknown): v is unknown[] {
  if (!Array.isArray(v) || v.length === 0 || !v.every(isContent)) return false;
  return v.some((c) => (c as Record<string, unknown>)['role'] === 'model' || ((c as Record<string, unknown>)['parts'] as unknown[]).some((p) => isRecord(p) && ('functionCall' in p || 'functionResponse' in p)));
}

function isResponse(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && Array.isArray(v['candidates']) && v['candidates'].some((c) => isRecord(c) && isRecord(c['content']) && Array.isArray(c['content']['parts']));
}

function isRequest(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && isContents(v['contents']);
}

/** A Gemini CLI session's metadata record (`sessionId` and `projectHash`). */
function isSessionMeta(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && typeof v['sessionId'] === 'string' && typeof v['projectHash'] === 'string';
}

const SESSION_TYPES = new Set(['user', 'gemini', 'info', 'error', 'warning']);

function isSessionMessage(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && typeof v['id'] === 'string' && SESSION_TYPES.has(v['type'] as string) && 'content' in v;
}

/** True for a Gemini CLI session: the JSON record, or its JSON Lines (metadata first, then messages and updates). */
export function detectGeminiCli(doc: unknown): boolean {
  if (isSessionMeta(doc)) return Array.isArray(doc['messages']);
  if (!Array.isArray(doc) || doc.length === 0 || !isSessionMeta(doc[0])) return false;
  // Damaged lines are reported by the reader; most lines must be messages or updates.
  const rest = doc.slice(1);
  return rest.filter((r) => isSessionMessage(r) || (isRecord(r) && ('$set' in r || '$rewindTo' in r))).length * 2 >= rest.length;
}

/** True for Gemini API contents in any of the shapes the module comment lists. */
export function detectGemini(doc: unknown): boolean {
  if (isContents(doc)) return true;
  if (!isRecord(doc)) return false;
  if (isRequest(doc) || isResponse(doc) || isContents(doc['history'])) return true;
  const pair = findPair(doc);
  return !!pair && (isResponse(pair.response?.value) || isRequest(pair.request?.value));
}

function geminiUsage(u: unknown) {
  if (!isRecord(u)) return undefined;
  return usageFrom({ inputTokens: num(u['promptTokenCount']), outputTokens: num(u['candidatesTokenCount']), totalTokens: num(u['totalTokenCount']), costUsd: undefined });
}

/** The text of a system instruction: a string, a content `{parts}`, or a list of parts. */
function instructionText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  const parts = isRecord(v) ? v['parts'] : v;
  if (!Array.isArray(parts)) return undefined;
  return parts.map((p) => (typeof p === 'string' ? p : isRecord(p) && typeof p['text'] === 'string' ? p['text'] : '')).join('\n');
}

export function importGemini(doc: unknown, ctx: ImportContext, isIncomplete?: (v: unknown) => boolean): ImportResult {
  const b = new EventBuilder(ctx);
  const header = baseHeader('gemini');
  const prompts: string[] = [];
  let request: { value: Record<string, unknown>; path: JsonPath } | undefined;
  let response: { value: Record<string, unknown>; path: JsonPath } | undefined;
  let contents: { list: unknown[]; path: JsonPath } | undefined;

  if (Array.isArray(doc)) contents = { list: doc, path: [] };
  else if (isRecord(doc)) {
    if (!isRequest(doc) && !isResponse(doc) && Array.isArray(doc['history'])) {
      contents = { list: doc['history'], path: ['history'] };
      header.metadata = rest(doc, ['history']);
    } else ({ request, response, metadata: header.metadata } = requestAndResponse(doc, isRequest, isResponse));
  }
  if (request) {
    const r = request.value;
    header.model = str(r['model']);
    const sysKey = 'systemInstruction' in r ? 'systemInstruction' : 'system_instruction';
    const sys = r[sysKey];
    if (sys !== undefined && sys !== null) {
      const text = instructionText(sys);
      if (text === undefined) b.typeProblem([...request.path, sysKey], 'a string or a content {parts: [{text}]}', sys);
      else {
        prompts.push(text);
        b.message('system', text, [...request.path, sysKey]);
      }
    }
    contents = { list: r['contents'] as unknown[], path: [...request.path, 'contents'] };
    const used = ['contents', sysKey];
    if (request.path.length) header.metadata['request'] = rest(r, used);
    else header.metadata = { ...header.metadata, ...rest(r, [...used, 'model']) };
  }
  contents?.list.forEach((c, i) => {
    if (isIncomplete?.(c)) return;
    geminiContent(b, c, [...contents!.path, i], prompts);
  });
  if (response) {
    const r = response.value;
    header.model = str(r['modelVersion']) ?? header.model;
    header.usage = addUsage(header.usage, geminiUsage(r['usageMetadata']));
    const candidates = r['candidates'] as unknown[];
    const first = candidates[0];
    if (isRecord(first)) {
      geminiContent(b, { role: 'model', ...(isRecord(first['content']) ? first['content'] : {}) }, [...response.path, 'candidates', 0, 'content'], prompts);
      const reason = first['finishReason'];
      if (typeof reason === 'string' && reason !== 'STOP') b.environment(`The answer stopped early (finishReason: ${reason})`, { finishReason: reason }, [...response.path, 'candidates', 0, 'finishReason']);
    }
    if (candidates.length > 1) b.environment(`The response holds ${candidates.length} candidates; the first is shown`, { candidates: candidates.length }, [...response.path, 'candidates']);
    if (response.path.length) header.metadata['response'] = rest(r, ['candidates']);
    else header.metadata = { ...header.metadata, ...rest(r, ['candidates', 'modelVersion', 'usageMetadata']) };
  }
  return finishImport(b, header, prompts);
}

/** One content `{role, parts}` of a Gemini conversation. */
function geminiContent(b: EventBuilder, c: unknown, path: JsonPath, prompts: string[]): void {
  if (!isRecord(c)) {
    b.typeProblem(path, 'a content object {role, parts}', c);
    return;
  }
  const role = c['role'];
  if (role !== 'user' && role !== 'model' && role !== 'function' && role !== 'tool') {
    b.typeProblem([...path, 'role'], 'one of "user", "model"', role);
    return;
  }
  if (!Array.isArray(c['parts'])) {
    b.typeProblem([...path, 'parts'], 'a list of parts', c['parts']);
    return;
  }
  if (role === 'model') b.beginAssistant();
  geminiParts(b, c['parts'], [...path, 'parts'], role === 'model' ? 'assistant' : 'user', prompts);
}

/** A function's answer as text: its `output` or `content` when it has one, else the whole response. */
function responseText(response: unknown): { output: string; error?: string } {
  if (!isRecord(response)) return { output: typeof response === 'string' ? response : JSON.stringify(response ?? null) };
  const error = response['error'];
  const body = response['output'] ?? response['content'] ?? response['result'];
  const output = typeof body === 'string' ? body : body !== undefined ? JSON.stringify(body) : typeof error === 'string' ? error : JSON.stringify(response);
  return { output, ...(typeof error === 'string' && error.trim() ? { error: error.trim().split(/\r?\n/)[0]! } : isRecord(error) ? { error: str(error['message']) ?? JSON.stringify(error) } : {}) };
}

/**
 * A list of parts, in order: consecutive text parts make one message of `role`; thoughts, function
 * calls and answers, code and its results keep their place in between.
 */
function geminiParts(b: EventBuilder, parts: unknown[], path: JsonPath, role: 'assistant' | 'user', prompts: string[]): void {
  // Text parts are chunks of one text (Gemini CLI joins them with nothing between).
  const run = new TextRun(b, role, prompts, '');
  parts.forEach((p, i) => {
    const pp = [...path, i];
    if (typeof p === 'string') {
      run.addText(p, pp);
      return;
    }
    if (!isRecord(p)) {
      b.typeProblem(pp, 'a part object (text, functionCall, functionResponse, …)', p);
      return;
    }
    if (typeof p['text'] === 'string' && p['thought'] !== true) {
      run.addText(p['text'], pp);
      return;
    }
    const inline = p['inlineData'] ?? p['inline_data'];
    if (isRecord(inline)) {
      const mediaType = str(inline['mimeType']) ?? str(inline['mime_type']);
      run.addImage(imagePart({ ...(typeof inline['data'] === 'string' ? { data: inline['data'] } : {}), ...(mediaType ? { mediaType } : {}), alt: 'image' }), pp);
      return;
    }
    run.flush();
    if (typeof p['text'] === 'string') {
      b.reasoning(p['text'], pp);
      return;
    }
    const call = p['functionCall'] ?? p['function_call'];
    if (isRecord(call)) {
      const name = str(call['name']);
      if (!name) {
        b.typeProblem([...pp, 'functionCall', 'name'], 'the name of the function called', call['name']);
        return;
      }
      const a = call['args'];
      const args = isRecord(a) ? a : a === undefined || a === null ? {} : { _raw: a };
      b.toolCall(name, args, str(call['id']), pp);
      return;
    }
    const answer = p['functionResponse'] ?? p['function_response'];
    if (isRecord(answer)) {
      const id = str(answer['id']);
      const name = str(answer['name']);
      b.toolResult({ ...(id ? { callId: id } : {}), ...(name ? { name } : {}), ...responseText(answer['response']) }, pp);
      return;
    }
    const code = p['executableCode'];
    if (isRecord(code)) {
      b.toolCall('code_execution', { ...(typeof code['language'] === 'string' ? { language: code['language'] } : {}), code: typeof code['code'] === 'string' ? code['code'] : '' }, undefined, pp);
      return;
    }
    const ran = p['codeExecutionResult'];
    if (isRecord(ran)) {
      const outcome = str(ran['outcome']);
      b.toolResult({ name: 'code_execution', output: typeof ran['output'] === 'string' ? ran['output'] : '', ...(outcome && outcome !== 'OUTCOME_OK' ? { error: outcome } : {}) }, pp);
      return;
    }
    const file = p['fileData'] ?? p['file_data'];
    if (isRecord(file)) {
      run.addText(`[file ${str(file['fileUri']) ?? str(file['file_uri']) ?? '(no URI)'}${str(file['mimeType']) ? `, ${str(file['mimeType'])}` : ''}]`, pp);
      return;
    }
    // A part with only a thought signature (an opaque token) says nothing to a reader.
    if (Object.keys(p).every((k) => k === 'thoughtSignature' || k === 'thought_signature' || k === 'thought')) return;
    b.environment(`Part with ${Object.keys(p).filter((k) => !PART_KEYS.includes(k)).slice(0, 3).join(', ') || 'no known field'}`, p, pp);
  });
  run.flush();
}

/** A Gemini CLI session's messages as the CLI reads them (module comment), each with where it is. */
type SessionEntry = { kind: 'message'; m: Record<string, unknown>; path: JsonPath } | { kind: 'rewind'; to: string; path: JsonPath } | { kind: 'problem'; found: unknown; path: JsonPath };

function sessionMessages(doc: unknown): { meta: Record<string, unknown>; entries: SessionEntry[] } {
  if (!Array.isArray(doc)) {
    const d = doc as Record<string, unknown>;
    return { meta: rest(d, ['messages']), entries: (d['messages'] as unknown[]).map((m, i) => ({ kind: 'message' as const, m: m as Record<string, unknown>, path: ['messages', i] })) };
  }
  const meta: Record<string, unknown> = {};
  const entries: SessionEntry[] = [];
  const at = new Map<string, number>();
  doc.forEach((r, i) => {
    if (!isRecord(r)) {
      // A line that is not JSON at all is reported by the JSON Lines reader; this one is JSON of another shape.
      if (r !== undefined) entries.push({ kind: 'problem', found: r, path: [i] });
      return;
    }
    if (isSessionMessage(r)) {
      const seen = at.get(r['id'] as string);
      // Appended again once its tool calls finished: the later copy replaces the earlier, in place.
      if (seen !== undefined) entries[seen] = { kind: 'message', m: r, path: [i] };
      else {
        at.set(r['id'] as string, entries.length);
        entries.push({ kind: 'message', m: r, path: [i] });
      }
    } else if (typeof r['$rewindTo'] === 'string') entries.push({ kind: 'rewind', to: r['$rewindTo'], path: [i] });
    else if (isRecord(r['$set'])) {
      const { messages, ...set } = r['$set'] as Record<string, unknown>;
      // In place: a log of thousands of `$set` lines copied the whole metadata for each (0.4 MB took 48 s).
      for (const [k, v] of Object.entries(set)) setMember(meta, k, v);
      // A checkpoint rewrites the messages: kept only when the log holds none of its own.
      if (Array.isArray(messages) && entries.length === 0) messages.forEach((m, j) => isSessionMessage(m) && entries.push({ kind: 'message', m, path: [i, '$set', 'messages', j] }));
    } else if (isSessionMeta(r)) {
      const { messages, ...m } = r as Record<string, unknown>;
      for (const [k, v] of Object.entries(m)) setMember(meta, k, v);
      if (Array.isArray(messages)) messages.forEach((msg, j) => isSessionMessage(msg) && entries.push({ kind: 'message', m: msg, path: [i, 'messages', j] }));
    }
  });
  return { meta, entries };
}

/** Content as Gemini CLI stores it (a string, a part, or a list of them) as a list of parts. */
function asParts(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v];
}

export function importGeminiCli(doc: unknown, ctx: ImportContext): ImportResult {
  const b = new EventBuilder(ctx);
  const header = baseHeader('gemini-cli');
  const prompts: string[] = [];
  const { meta, entries } = sessionMessages(doc);
  const timestamps: string[] = [];
  for (const e of entries) {
    if (e.kind === 'problem') {
      b.typeProblem(e.path, 'a Gemini CLI record (a message {id, type, content}, {"$set": …} or {"$rewindTo": id})', e.found);
      continue;
    }
    if (e.kind === 'rewind') {
      b.environment(`The user rewound the conversation to before message ${e.to}: Gemini CLI drops the messages from there on; they are kept here, since their tool calls ran`, { $rewindTo: e.to }, e.path);
      continue;
    }
    const { m, path } = e;
    const timestamp = str(m['timestamp']);
    if (timestamp) timestamps.push(timestamp);
    b.within(timestamp ? { timestamp } : {}, () => sessionMessage(b, m, path, prompts, header));
  }
  const timing = timingFrom(timestamps.length ? timestamps : [str(meta['startTime']), str(meta['lastUpdated'])].filter((t): t is string => !!t));
  if (timing) header.timing = timing;
  header.metadata = meta;
  return finishImport(b, header, prompts);
}

function sessionMessage(b: EventBuilder, m: Record<string, unknown>, path: JsonPath, prompts: string[], header: ReturnType<typeof baseHeader>): void {
  const type = m['type'];
  const raw = m['content'];
  if (typeof raw !== 'string' && !Array.isArray(raw) && !isRecord(raw) && raw !== undefined && raw !== null) b.problem('warning', [...path, 'content'], 'text or a list of parts', describeFound(raw), 'It is left out.');
  const content = typeof raw === 'string' || Array.isArray(raw) || isRecord(raw) ? asParts(raw) : [];
  if (type === 'user') {
    geminiParts(b, content, [...path, 'content'], 'user', prompts);
    return;
  }
  if (type !== 'gemini') {
    const text = content.map((p) => (typeof p === 'string' ? p : isRecord(p) && typeof p['text'] === 'string' ? p['text'] : '')).join('');
    b.environment(`${String(type)}: ${text}`, { type, content: m['content'] }, path);
    return;
  }
  b.beginAssistant();
  header.model = str(m['model']) ?? header.model;
  const tokens = m['tokens'];
  if (isRecord(tokens)) header.usage = addUsage(header.usage, usageFrom({ inputTokens: num(tokens['input']), outputTokens: num(tokens['output']), totalTokens: num(tokens['total']), costUsd: undefined }));
  const thoughts = m['thoughts'];
  if (Array.isArray(thoughts)) {
    thoughts.forEach((t, i) => {
      if (!isRecord(t)) return;
      const subject = str(t['subject']);
      const description = str(t['description']) ?? '';
      b.reasoning(subject ? `**${subject}** ${description}`.trim() : description, [...path, 'thoughts', i]);
    });
  }
  geminiParts(b, content, [...path, 'content'], 'assistant', prompts);
  const calls = m['toolCalls'];
  if (calls === undefined) return;
  if (!Array.isArray(calls)) {
    b.typeProblem([...path, 'toolCalls'], 'a list of tool calls', calls);
    return;
  }
  // The turn's calls first (one step), then their answers, as the model saw them.
  const made: Array<{ c: Record<string, unknown>; cp: JsonPath; id: string; name: string }> = [];
  calls.forEach((c, i) => {
    const cp = [...path, 'toolCalls', i];
    if (!isRecord(c) || !str(c['name'])) {
      b.typeProblem(cp, 'a tool call {id, name, args, result, status}', c);
      return;
    }
    const name = str(c['name'])!;
    const a = c['args'];
    made.push({ c, cp, name, id: b.toolCall(name, isRecord(a) ? a : a === undefined || a === null ? {} : { _raw: a }, str(c['id']), cp) });
  });
  for (const { c, cp, id, name } of made) {
    const result = c['result'];
    const status = str(c['status']);
    const display = c['resultDisplay'];
    if ((result === undefined || result === null) && display === undefined && status !== 'error' && status !== 'cancelled') continue;
    // The result holds the functionResponse the model was sent; resultDisplay is what the user saw
    // (text, or a file's diff), the answer when the record keeps no result.
    const answer = asParts(result).find((p) => isRecord(p) && isRecord(p['functionResponse'])) as Record<string, unknown> | undefined;
    const shown = typeof display === 'string' ? display : isRecord(display) && typeof display['fileDiff'] === 'string' ? display['fileDiff'] : display !== undefined ? JSON.stringify(display) : undefined;
    const read = answer ? responseText((answer['functionResponse'] as Record<string, unknown>)['response']) : { output: shown ?? (result === undefined || result === null ? '' : JSON.stringify(result)) };
    const failed = status === 'error' || status === 'cancelled' ? (read.error ?? `The tool call ended with status ${status}`) : read.error;
    b.toolResult({ callId: id, name, output: read.output, ...(failed !== undefined ? { error: failed } : {}) }, [...cp, 'result']);
  }
}
