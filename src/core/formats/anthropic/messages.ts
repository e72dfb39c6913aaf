/**
 * Importer for Anthropic Messages API logs: a bare list of `{role, content}`, a request
 * (`{model, system, messages, tools}`), a response (`{type: "message", content: [...], usage}`), or
 * a request and its response saved together.
 *
 * Content is a string or a list of blocks: `text`, `thinking` (reasoning), `redacted_thinking`
 * (reasoning, redacted), `tool_use{id, name, input}` and `server_tool_use`, `tool_result{tool_use_id,
 * content (string or blocks), is_error}` (a tool result, with its error when `is_error`), the server
 * tools' `*_tool_result` blocks, and images/documents (shown as `[image]`). `system` is a string or
 * a list of text blocks.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { JsonPath } from '../../json/tolerantJson';
import type { ImportContext, ImportResult } from '../types';
import { EventBuilder, TextRun, describeFound, isRecord, partsText, rest, str } from '../providers/builder';
import { addUsage, baseHeader, finishImport, readUsage } from '../providers/header';
import { findPair, requestAndResponse } from '../providers/shapes';
import { imageFromPart, imagesOf } from '../../images';

const ANTHROPIC_BLOCKS = new Set(['tool_use', 'tool_result', 'thinking', 'redacted_thinking', 'server_tool_use', 'web_search_tool_result']);

function hasAnthropicBlocks(messages: unknown): boolean {
  return Array.isArray(messages) && messages.some((m) => isRecord(m) && Array.isArray(m['content']) && m['content'].some((b) => isRecord(b) && ANTHROPIC_BLOCKS.has(b['type'] as string)));
}

function isAnthropicResponse(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && v['type'] === 'message' && Array.isArray(v['content']) && ('stop_reason' in v || v['role'] === 'assistant');
}

function isAnthropicRequest(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && Array.isArray(v['messages']) && (hasAnthropicBlocks(v['messages']) || ('system' in v && !v['messages'].some((m) => isRecord(m) && m['role'] === 'system')) || 'anthropic_version' in v || 'anthropic_beta' in v);
}

/** True for a document in one of the Messages API shapes; plain role/content lists go to OpenAI chat. */
export function detectAnthropic(doc: unknown): boolean {
  if (Array.isArray(doc)) return hasAnthropicBlocks(doc) && doc.every((m) => isRecord(m) && (m['role'] === 'user' || m['role'] === 'assistant'));
  if (!isRecord(doc)) return false;
  if (isAnthropicRequest(doc) || isAnthropicResponse(doc)) return true;
  const pair = findPair(doc);
  if (!pair) return false;
  return isAnthropicResponse(pair.response?.value) || isAnthropicRequest(pair.request?.value);
}

export function importAnthropic(doc: unknown, ctx: ImportContext, isIncomplete?: (v: unknown) => boolean): ImportResult {
  const b = new EventBuilder(ctx);
  const header = baseHeader('anthropic-messages');
  const prompts: string[] = [];
  let request: { value: Record<string, unknown>; path: JsonPath } | undefined;
  let response: { value: Record<string, unknown>; path: JsonPath } | undefined;
  let bare: unknown[] | undefined;

  if (Array.isArray(doc)) bare = doc;
  else if (isRecord(doc)) ({ request, response, metadata: header.metadata } = requestAndResponse(doc, isAnthropicRequest, isAnthropicResponse));

  if (request) {
    const r = request.value;
    header.model = str(r['model']);
    const sys = r['system'];
    if (sys !== undefined && sys !== null) {
      const text = partsText(sys);
      if (text === undefined) b.typeProblem([...request.path, 'system'], 'a string or a list of text blocks', sys);
      else {
        prompts.push(text);
        b.message('system', text, [...request.path, 'system']);
      }
    }
    if (Array.isArray(r['messages'])) bare = r['messages'];
    else b.typeProblem([...request.path, 'messages'], 'a list of messages', r['messages']);
    if (request.path.length) header.metadata['request'] = rest(r, ['system', 'messages']);
    else header.metadata = { ...header.metadata, ...rest(r, ['system', 'messages', 'model', 'usage']) };
    header.usage = readUsage(r['usage']);
  }
  const basePath: JsonPath = request ? [...request.path, 'messages'] : [];
  (bare ?? []).forEach((m, i) => {
    if (isIncomplete?.(m)) return;
    anthropicMessage(b, m, [...basePath, i], prompts);
  });
  if (response) {
    const r = response.value;
    header.model = str(r['model']) ?? header.model;
    header.usage = addUsage(header.usage, readUsage(r['usage']));
    anthropicMessage(b, { role: r['role'] ?? 'assistant', content: r['content'] }, response.path, prompts, [...response.path, 'content']);
    if (r['stop_reason'] === 'max_tokens' || r['stop_reason'] === 'refusal') {
      b.environment(`The answer stopped early (stop_reason: ${String(r['stop_reason'])})`, { stop_reason: r['stop_reason'] }, [...response.path, 'stop_reason']);
    }
    if (response.path.length) header.metadata['response'] = rest(r, ['content']);
    else header.metadata = { ...header.metadata, ...rest(r, ['content', 'model', 'usage']) };
  }
  return finishImport(b, header, prompts);
}

/** Text of a tool_result's content (a string or blocks); images are read apart (imagesOf). */
function resultText(v: unknown): string {
  if (v === undefined || v === null) return '';
  return partsText(v) ?? JSON.stringify(v);
}

/**
 * One message of a Messages API conversation. `contentPath` overrides where blocks are cited;
 * `continueTurn` keeps an assistant message in the turn going on (a log that saves one assistant
 * message as several records, one per content block, as Claude Code does).
 */
export function anthropicMessage(b: EventBuilder, m: unknown, path: JsonPath, prompts: string[], contentPath?: JsonPath, continueTurn = false): void {
  if (!isRecord(m)) {
    b.typeProblem(path, 'a message object {role, content}', m);
    return;
  }
  const role = m['role'];
  if (role !== 'user' && role !== 'assistant' && role !== 'system') {
    b.typeProblem([...path, 'role'], 'one of "user", "assistant"', role);
    return;
  }
  const cpath = contentPath ?? [...path, 'content'];
  const content = m['content'];
  if (role === 'assistant') {
    if (continueTurn) b.ensureAssistant();
    else b.beginAssistant();
  }
  if (typeof content === 'string') {
    if (role !== 'assistant') prompts.push(content);
    b.message(role, content, path);
    return;
  }
  if (!Array.isArray(content)) {
    b.typeProblem(cpath, 'a string or a list of content blocks', content);
    return;
  }
  // Consecutive text blocks make one message; other blocks keep their place in between.
  const run = new TextRun(b, role, prompts, '\n');
  // Anthropic images carry no description: the text beside them in the message describes them.
  const alt = imagesOf(content)?.[0]?.alt ?? 'image';
  content.forEach((block, i) => {
    const bp = [...cpath, i];
    if (typeof block === 'string') {
      run.addText(block, bp);
      return;
    }
    if (!isRecord(block)) {
      b.typeProblem(bp, 'a content block object with a "type"', block);
      return;
    }
    const type = block['type'];
    switch (type) {
      case 'text':
        run.addText(typeof block['text'] === 'string' ? block['text'] : '', bp);
        return;
      case 'image':
        run.addImage(imageFromPart(block, alt)!, bp);
        return;
      case 'document':
        run.addText(`[${type}]`, bp);
        return;
    }
    run.flush();
    switch (type) {
      case 'thinking':
        if (typeof block['thinking'] === 'string') b.reasoning(block['thinking'], bp);
        else b.typeProblem([...bp, 'thinking'], 'the thinking text', block['thinking']);
        return;
      case 'redacted_thinking':
        b.reasoning('[redacted thinking]', bp, { redacted: true });
        return;
      case 'tool_use':
      case 'server_tool_use': {
        const name = str(block['name']);
        if (!name) {
          b.typeProblem([...bp, 'name'], 'the name of the tool used', block['name']);
          return;
        }
        const input = block['input'];
        const args = isRecord(input) ? input : input === undefined || input === null ? {} : { _raw: input };
        if (!isRecord(input) && input !== undefined && input !== null) b.problem('warning', [...bp, 'input'], `an object with the input of ${name}`, describeFound(input), 'It is kept as arguments._raw.');
        b.toolCall(name, args, str(block['id']), bp);
        return;
      }
      case 'tool_result': {
        const output = resultText(block['content']);
        const isError = block['is_error'] === true;
        const error = isError ? output.trim().split(/\r?\n/)[0] || 'The tool reported an error (is_error: true)' : undefined;
        const resultImages = imagesOf(block['content']);
        b.toolResult({ ...(typeof block['tool_use_id'] === 'string' ? { callId: block['tool_use_id'] } : {}), output, ...(error !== undefined ? { error } : {}), ...(resultImages ? { images: resultImages } : {}) }, bp);
        return;
      }
      default:
        if (typeof type === 'string' && type.endsWith('_tool_result')) {
          const c = block['content'];
          const err = isRecord(c) && typeof c['error_code'] === 'string' ? c['error_code'] : undefined;
          b.toolResult({ ...(typeof block['tool_use_id'] === 'string' ? { callId: block['tool_use_id'] } : {}), output: typeof c === 'string' ? c : JSON.stringify(c ?? null), ...(err ? { error: err } : {}) }, bp);
          return;
        }
        b.environment(`Content block of type ${String(type)}`, block, bp);
    }
  });
  run.flush();
}
