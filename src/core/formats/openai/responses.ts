/**
 * Importer for OpenAI Responses API logs: a response envelope (`{object: "response", output: [...],
 * usage}`), a request (`{model, instructions, input: [...]}`), both saved together, or a bare list of
 * items.
 *
 * Items: `message` (content parts `input_text`/`output_text`/`refusal`, or a string), `reasoning`
 * (summary and content text; only `encrypted_content` → a redacted reasoning event),
 * `function_call` (arguments a JSON string, `call_id`), `function_call_output`, `custom_tool_call`,
 * `local_shell_call`, and the hosted tools (`web_search_call`, `file_search_call`, …) as tool calls.
 * Consecutive model-side items form one assistant turn. Unknown item types become environment events
 * holding the item, so nothing is lost.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { JsonPath } from '../../json/tolerantJson';
import type { ImportContext, ImportResult } from '../types';
import { EventBuilder, isRecord, parseArguments, partsText, rest, str } from '../providers/builder';
import { addUsage, baseHeader, finishImport, readUsage } from '../providers/header';
import { findPair } from '../providers/shapes';
import { imagesOf } from '../../images';

const ITEM_TYPES = new Set(['message', 'reasoning', 'function_call', 'function_call_output', 'custom_tool_call', 'custom_tool_call_output', 'local_shell_call', 'local_shell_call_output', 'web_search_call', 'file_search_call', 'computer_call', 'computer_call_output', 'code_interpreter_call', 'image_generation_call', 'mcp_call', 'mcp_list_tools', 'item_reference']);
const TEXT_PARTS = new Set(['input_text', 'output_text', 'summary_text', 'reasoning_text']);

/** True for a list of Responses items (a `type` on items, or message content parts of the Responses kinds). */
export function looksLikeItems(list: unknown): boolean {
  if (!Array.isArray(list) || list.length === 0) return false;
  const records = list.filter(isRecord);
  if (records.length !== list.length) return false;
  return records.some((it) => (typeof it['type'] === 'string' && ITEM_TYPES.has(it['type']) && it['type'] !== 'message') || (Array.isArray(it['content']) && it['content'].some((p) => isRecord(p) && TEXT_PARTS.has(p['type'] as string))));
}

export function detectOpenAIResponses(doc: unknown): boolean {
  if (Array.isArray(doc)) return looksLikeItems(doc);
  if (!isRecord(doc)) return false;
  if (doc['object'] === 'response' && Array.isArray(doc['output'])) return true;
  if (looksLikeItems(doc['output']) || looksLikeItems(doc['input'])) return true;
  const pair = findPair(doc);
  if (!pair) return false;
  const res = pair.response?.value;
  const req = pair.request?.value;
  return (res !== undefined && (res['object'] === 'response' || looksLikeItems(res['output']))) || (req !== undefined && (looksLikeItems(req['input']) || (typeof req['input'] === 'string' && !Array.isArray(req['messages']))));
}

export function importOpenAIResponses(doc: unknown, ctx: ImportContext, isIncomplete?: (v: unknown) => boolean): ImportResult {
  const b = new EventBuilder(ctx);
  const header = baseHeader('openai-responses');
  const prompts: string[] = [];
  const lists: Array<{ items: unknown; path: JsonPath }> = [];
  const instructions: Array<{ text: unknown; path: JsonPath }> = [];
  const envelope = (v: Record<string, unknown>, path: JsonPath, isResponse: boolean) => {
    // A response repeats its request's instructions: they are shown once.
    if (v['instructions'] !== undefined && v['instructions'] !== null && instructions.length === 0) instructions.push({ text: v['instructions'], path: [...path, 'instructions'] });
    if (v['input'] !== undefined) lists.push({ items: v['input'], path: [...path, 'input'] });
    if (v['output'] !== undefined) lists.push({ items: v['output'], path: [...path, 'output'] });
    header.model = str(v['model']) ?? header.model;
    if (isResponse) header.usage = addUsage(header.usage, readUsage(v['usage']));
  };

  if (Array.isArray(doc)) lists.push({ items: doc, path: [] });
  else if (isRecord(doc)) {
    const pair = doc['object'] === 'response' || looksLikeItems(doc['output']) || looksLikeItems(doc['input']) ? undefined : findPair(doc);
    if (pair) {
      if (pair.request) {
        envelope(pair.request.value, pair.request.path, false);
        header.metadata['request'] = rest(pair.request.value, ['input', 'instructions']);
      }
      if (pair.response) {
        envelope(pair.response.value, pair.response.path, true);
        header.metadata['response'] = rest(pair.response.value, ['output', 'instructions']);
      }
      header.metadata = { ...header.metadata, ...rest(doc, [pair.request?.key ?? '', pair.response?.key ?? '']) };
    } else {
      envelope(doc, [], true);
      header.metadata = rest(doc, ['input', 'output', 'instructions', 'model', 'usage']);
    }
  }

  for (const ins of instructions) {
    const text = partsText(ins.text) ?? (Array.isArray(ins.text) ? undefined : String(ins.text));
    if (text === undefined) {
      // Instructions given as a list of items (a prompt template expanded).
      lists.unshift({ items: ins.text, path: ins.path });
      continue;
    }
    prompts.push(text);
    b.message('system', text, ins.path);
  }
  for (const l of lists) {
    if (typeof l.items === 'string') {
      prompts.push(l.items);
      b.message('user', l.items, l.path);
      continue;
    }
    if (!Array.isArray(l.items)) {
      if (l.items !== null) b.typeProblem(l.path, 'a list of items (or a string for input)', l.items);
      continue;
    }
    const last = snapshotsLast(b, l.items, l.path);
    const items = last === undefined ? l.items : (l.items[last] as unknown[]);
    const path = last === undefined ? l.path : [...l.path, last];
    items.forEach((it, i) => {
      if (isIncomplete?.(it)) return;
      responsesItem(b, it, [...path, i], prompts);
    });
  }
  return finishImport(b, header, prompts);
}

/**
 * The last of a list of snapshots, when `items` is one: NeMo Gym's aviary environments keep a
 * rollout's output as the conversation after each turn, a list of item lists, each the one before with
 * the turn's items added. The last holds the whole conversation; a snapshot that is not the start of
 * the next is named in a warning (only the last is read). Undefined for a list of items.
 */
function snapshotsLast(b: EventBuilder, items: unknown[], path: JsonPath): number | undefined {
  if (items.length === 0 || !items.every((s) => Array.isArray(s))) return undefined;
  const lists = items as unknown[][];
  for (let k = 1; k < lists.length; k++) {
    const before = lists[k - 1]!;
    const after = lists[k]!;
    if (before.length > after.length || before.some((it, i) => JSON.stringify(it) !== JSON.stringify(after[i]))) {
      b.problem('warning', [...path, k - 1], `each snapshot of the conversation to be the start of the next (${lists.length} snapshots)`, `one that is not`, 'Only the last snapshot is read.');
    }
  }
  return lists.length - 1;
}

function outputText(v: unknown): string {
  if (typeof v === 'string') return v;
  const t = partsText(v, ['text', 'output']);
  return t ?? JSON.stringify(v ?? null);
}

/** One Responses item. */
export function responsesItem(b: EventBuilder, it: unknown, path: JsonPath, prompts: string[]): void {
  if (!isRecord(it)) {
    b.typeProblem(path, 'an item object with a "type" (message, reasoning, function_call, function_call_output, …)', it);
    return;
  }
  const type = typeof it['type'] === 'string' ? it['type'] : typeof it['role'] === 'string' ? 'message' : undefined;
  const id = str(it['call_id']) ?? str(it['id']);
  switch (type) {
    case 'message': {
      const role = it['role'];
      const text = partsText(it['content'], ['text', 'refusal']);
      if (text === undefined) {
        b.typeProblem([...path, 'content'], 'a string or a list of content parts (input_text, output_text, …)', it['content']);
        return;
      }
      const images = imagesOf(it['content']);
      if (role === 'assistant') {
        b.ensureAssistant();
        b.message('assistant', text, path, images ? { images } : {});
      } else if (role === 'user' || role === 'system' || role === 'developer') {
        prompts.push(text);
        b.message(role, text, path, images ? { images } : {});
      } else b.typeProblem([...path, 'role'], 'one of "user", "assistant", "system", "developer"', role);
      return;
    }
    case 'reasoning': {
      b.ensureAssistant();
      const parts = [partsText(it['summary']), partsText(it['content'])].filter((t): t is string => t !== undefined && t.trim() !== '');
      if (parts.length) b.reasoning(parts.join('\n\n'), path);
      else if (it['encrypted_content'] !== undefined) b.reasoning('[encrypted reasoning]', path, { redacted: true });
      return;
    }
    case 'function_call':
    case 'custom_tool_call': {
      b.ensureAssistant();
      const name = str(it['name']);
      if (!name) {
        b.typeProblem([...path, 'name'], 'the name of the function called', it['name']);
        return;
      }
      const args = type === 'function_call' ? parseArguments(b, it['arguments'], [...path, 'arguments'], name) : { input: it['input'] };
      b.toolCall(name, args, id, path);
      return;
    }
    case 'local_shell_call': {
      b.ensureAssistant();
      const action = isRecord(it['action']) ? it['action'] : {};
      const cmd = Array.isArray(action['command']) ? action['command'].map(String).join(' ') : str(action['command']) ?? '';
      b.toolCall('shell', { command: cmd, ...rest(action, ['command', 'type']) }, id, path);
      return;
    }
    case 'function_call_output':
    case 'custom_tool_call_output':
    case 'local_shell_call_output':
    case 'computer_call_output':
      b.toolResult({ ...(id !== undefined ? { callId: id } : {}), output: outputText(it['output']), ...(imagesOf(it['output']) ? { images: imagesOf(it['output'])! } : {}) }, path);
      return;
    case 'web_search_call':
    case 'file_search_call':
    case 'computer_call':
    case 'code_interpreter_call':
    case 'image_generation_call':
    case 'mcp_call': {
      b.ensureAssistant();
      const name = type === 'mcp_call' ? str(it['name']) ?? 'mcp' : type.replace(/_call$/, '');
      const args = type === 'mcp_call' ? parseArguments(b, it['arguments'], [...path, 'arguments'], name) : rest(it, ['type', 'id', 'call_id', 'status', 'results', 'result', 'outputs']);
      const callId = b.toolCall(name, args, id, path);
      const result = it['output'] ?? it['results'] ?? it['result'] ?? it['outputs'];
      if (result !== undefined && result !== null) b.toolResult({ callId, output: outputText(result), ...(str(it['error']) ? { error: str(it['error'])! } : {}) }, path);
      return;
    }
    default:
      b.environment(`Item of type ${type ?? '(none)'}`, it, path);
  }
}
