/**
 * Importer for OpenAI Chat Completions logs: a bare `messages` list, a request body
 * (`{model, messages, tools}`), a response body (`{choices: [{message}], usage}`), or a request and
 * its response saved together (see providers/shapes.ts).
 *
 * - `tool_calls[].function.arguments` is a JSON string: parsed; when invalid, the text is kept as
 *   `arguments._raw` and a warning names the place (the legacy `function_call` likewise).
 * - `reasoning_content`, `reasoning` (a string) and `reasoning_details[].text` become reasoning events.
 * - `role: tool` (with `tool_call_id`) and the legacy `role: function` become tool results.
 * - `developer` messages are kept with their role; `refusal` is the assistant's text when there is no other.
 * - Everything else in the request and response is kept in `header.metadata`.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { JsonPath } from '../../json/tolerantJson';
import type { ImportContext, ImportResult } from '../types';
import { EventBuilder, isRecord, parseArguments, partsText, rest, str } from '../providers/builder';
import { addUsage, baseHeader, finishImport, readUsage } from '../providers/header';
import { findPair } from '../providers/shapes';
import { imagesOf } from '../../images';

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'];

/** True for a document in one of the Chat Completions shapes (checked after the other formats). */
export function detectOpenAIChat(doc: unknown): boolean {
  if (Array.isArray(doc)) return looksLikeMessages(doc);
  if (!isRecord(doc)) return false;
  if (Array.isArray(doc['messages']) && looksLikeMessages(doc['messages'])) return true;
  if (isChatResponse(doc)) return true;
  const pair = findPair(doc);
  if (!pair) return false;
  return (pair.request !== undefined && Array.isArray(pair.request.value['messages'])) || (pair.response !== undefined && isChatResponse(pair.response.value));
}

function isChatResponse(v: Record<string, unknown>): boolean {
  return Array.isArray(v['choices']) && (v['object'] === 'chat.completion' || v['choices'].some((c) => isRecord(c) && isRecord(c['message'])));
}

function looksLikeMessages(list: unknown[]): boolean {
  // Damaged entries are reported by the importer; most entries must be messages.
  const records = list.filter(isRecord);
  return records.length > 0 && records.length * 2 >= list.length && records.some((m) => ROLES.includes(m['role'] as string)) && records.every((m) => m['role'] === undefined || typeof m['role'] === 'string');
}

export function importOpenAIChat(doc: unknown, ctx: ImportContext, isIncomplete?: (v: unknown) => boolean): ImportResult {
  const b = new EventBuilder(ctx);
  const header = baseHeader('openai-chat');
  const prompts: string[] = [];
  let messages: unknown[] | undefined;
  let messagesPath: JsonPath = [];
  let response: { value: Record<string, unknown>; path: JsonPath } | undefined;

  if (Array.isArray(doc)) {
    messages = doc;
  } else if (isRecord(doc)) {
    const pair = Array.isArray(doc['messages']) || isChatResponse(doc) ? undefined : findPair(doc);
    if (pair) {
      const req = pair.request;
      if (req) {
        if (Array.isArray(req.value['messages'])) {
          messages = req.value['messages'];
          messagesPath = [...req.path, 'messages'];
        }
        header.metadata['request'] = rest(req.value, ['messages']);
        header.model = str(req.value['model']) ?? header.model;
      }
      if (pair.response) response = pair.response;
      header.metadata = { ...header.metadata, ...rest(doc, [pair.request?.key ?? '', pair.response?.key ?? '']) };
    } else {
      if (Array.isArray(doc['messages'])) {
        messages = doc['messages'];
        messagesPath = ['messages'];
      }
      if (Array.isArray(doc['choices'])) response = { value: doc, path: [] };
      header.model = str(doc['model']);
      header.metadata = rest(doc, ['messages', 'choices', 'usage', 'model']);
    }
  }

  (messages ?? []).forEach((m, i) => {
    if (isIncomplete?.(m)) return;
    chatMessage(b, m, [...messagesPath, i], prompts);
  });

  if (response) {
    const r = response.value;
    header.model = str(r['model']) ?? header.model;
    header.usage = addUsage(header.usage, readUsage(r['usage']));
    if (response.path.length) header.metadata['response'] = rest(r, ['choices']);
    const choices = Array.isArray(r['choices']) ? r['choices'] : [];
    choices.forEach((c, i) => {
      const path = [...response!.path, 'choices', i];
      if (isIncomplete?.(c)) return;
      if (!isRecord(c) || !isRecord(c['message'])) {
        b.typeProblem(path, 'a choice with a "message" object', c);
        return;
      }
      if (choices.length > 1) b.environment(`Choice ${i + 1} of ${choices.length}`, { index: c['index'] ?? i, finish_reason: c['finish_reason'] }, path);
      chatMessage(b, { role: 'assistant', ...c['message'] }, [...path, 'message'], prompts);
      if (c['finish_reason'] === 'length' || c['finish_reason'] === 'content_filter') {
        b.environment(`The answer stopped early (finish_reason: ${String(c['finish_reason'])})`, { finish_reason: c['finish_reason'] }, [...path, 'finish_reason']);
      }
    });
  }
  if (isRecord(doc) && !response && doc['usage'] !== undefined) header.usage = readUsage(doc['usage']);
  return finishImport(b, header, prompts);
}

/** One Chat Completions message (also used for a choice's `message`). */
export function chatMessage(b: EventBuilder, m: unknown, path: JsonPath, prompts: string[]): void {
  if (!isRecord(m)) {
    b.typeProblem(path, 'a message object with a "role"', m);
    return;
  }
  const role = m['role'];
  if (typeof role !== 'string' || !ROLES.includes(role)) {
    b.typeProblem([...path, 'role'], 'one of "system", "developer", "user", "assistant", "tool"', role);
    return;
  }
  // Inspect-style messages (an Inspect sample read as chat) hold reasoning as content parts.
  const rawContent = m['content'];
  const reasoningParts = Array.isArray(rawContent) ? rawContent.map((p, k) => ({ p, k })).filter(({ p }) => isRecord(p) && p['type'] === 'reasoning') : [];
  const content = reasoningParts.length ? (rawContent as unknown[]).filter((p) => !(isRecord(p) && p['type'] === 'reasoning')) : rawContent;
  let text = content === null || content === undefined ? '' : partsText(content, ['text', 'refusal']);
  if (text === undefined) {
    b.typeProblem([...path, 'content'], 'a string, null or a list of content parts', content);
    text = '';
  }
  const name = str(m['name']) ?? (role === 'tool' ? str(m['function']) : undefined);
  // A message's own time, when the log keeps one (tau2-bench, many wrappers' message logs).
  const at = str(m['timestamp']);
  const ts = at !== undefined ? { timestamp: at } : {};
  const images = imagesOf(content);
  switch (role) {
    case 'system':
    case 'developer':
    case 'user':
      prompts.push(text);
      b.message(role, text, path, { ...(name !== undefined ? { name } : {}), ...(images ? { images } : {}), ...ts });
      return;
    case 'tool': {
      const err = m['error'];
      const error = isRecord(err) ? str(err['message']) ?? str(err['type']) : str(err);
      // tau2-bench writes the call's id as the tool message's `id`.
      const callId = str(m['tool_call_id']) ?? str(m['id']);
      b.toolResult({ ...(callId !== undefined ? { callId } : {}), ...(name !== undefined ? { name } : {}), output: text, ...(error !== undefined ? { error } : {}), ...(images ? { images } : {}) }, path, ts);
      return;
    }
    case 'function':
      b.toolResult({ ...(name !== undefined ? { name } : {}), output: text, ...(images ? { images } : {}) }, path, ts);
      return;
  }

  b.beginAssistant();
  for (const key of ['reasoning_content', 'reasoning'] as const) {
    const r = m[key];
    if (typeof r === 'string' && r.trim()) b.reasoning(r, [...path, key], ts);
    else if (isRecord(r) && typeof (r['content'] ?? r['text'] ?? r['summary']) === 'string') b.reasoning(String(r['content'] ?? r['text'] ?? r['summary']), [...path, key], ts);
  }
  for (const { p, k } of reasoningParts) {
    const part = p as Record<string, unknown>;
    const redacted = part['redacted'] === true;
    b.reasoning(redacted ? '[redacted reasoning]' : String(part['reasoning'] ?? part['summary'] ?? ''), [...path, 'content', k], { ...(redacted ? { redacted } : {}), ...ts });
  }
  const details = m['reasoning_details'];
  if (Array.isArray(details) && typeof m['reasoning'] !== 'string' && typeof m['reasoning_content'] !== 'string') {
    details.forEach((d, i) => {
      if (!isRecord(d)) return;
      const t = str(d['text']) ?? str(d['summary']);
      if (t) b.reasoning(t, [...path, 'reasoning_details', i], ts);
      else if (d['data'] !== undefined || String(d['type']).includes('encrypted')) b.reasoning('[encrypted reasoning]', [...path, 'reasoning_details', i], { redacted: true, ...ts });
    });
  }
  const refusal = str(m['refusal']);
  b.message('assistant', text || refusal || '', path, { ...(name !== undefined ? { name } : {}), ...(images ? { images } : {}), ...ts });

  const calls = m['tool_calls'];
  if (Array.isArray(calls)) {
    calls.forEach((tc, j) => {
      const cpath = [...path, 'tool_calls', j];
      if (!isRecord(tc)) {
        b.typeProblem(cpath, 'a tool call object {id, type, function: {name, arguments}}', tc);
        return;
      }
      const fn = isRecord(tc['function']) ? tc['function'] : isRecord(tc['custom']) ? tc['custom'] : undefined;
      // Inspect writes {id, function: "<name>", arguments: {...}}.
      const toolName = str(fn?.['name']) ?? str(tc['name']) ?? str(tc['function']);
      if (!toolName) {
        b.typeProblem([...cpath, 'function', 'name'], 'the name of the tool called', fn?.['name']);
        return;
      }
      const rawArgs = fn && 'arguments' in fn ? fn['arguments'] : fn && 'input' in fn ? { input: fn['input'] } : tc['arguments'];
      const args = parseArguments(b, rawArgs, fn && 'arguments' in fn ? [...cpath, 'function', 'arguments'] : [...cpath, 'arguments'], toolName);
      b.toolCall(toolName, args, str(tc['id']), cpath, ts);
    });
  } else if (calls !== undefined && calls !== null) {
    b.typeProblem([...path, 'tool_calls'], 'a list of tool calls', calls);
  }
  const legacy = m['function_call'];
  if (isRecord(legacy) && typeof legacy['name'] === 'string') {
    const args = parseArguments(b, legacy['arguments'], [...path, 'function_call', 'arguments'], legacy['name']);
    b.toolCall(legacy['name'], args, undefined, [...path, 'function_call'], ts);
  }
}
