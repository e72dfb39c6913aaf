/**
 * Reader for what headless Codex prints (`codex exec --json "…"`, how harnesses and CI run it): JSON
 * Lines of thread events (openai/codex, codex-rs/exec/src/exec_events.rs):
 * - `thread.started {thread_id}` → the header's metadata;
 * - `turn.started`, `turn.completed {usage}` (usage summed over the turns), `turn.failed {error}` and
 *   `error {message}` (facts);
 * - `item.started` / `item.updated` / `item.completed {item: {id, type, …}}`: each item once, where it
 *   first appears, in its last state (an item never completed, the run having been cut short, keeps
 *   what it had). Items: `agent_message` and `plan` → the assistant's messages, `reasoning` →
 *   reasoning, `command_execution {command, aggregated_output, exit_code, status}` → a `shell` call and
 *   its output (a non-zero exit code, or `failed` / `declined`, is the error), `file_change {changes:
 *   [{path, kind}], status}` → a `file_change` call whose files the effects read, `mcp_tool_call
 *   {server, tool, arguments, result, error}` → a call of `server.tool`, `web_search {query}` → a call,
 *   `todo_list` → a fact with the list, `error` → a fact.
 *
 * The prompt is not in this output (codex exec takes it on its command line): the run starts with
 * the agent's first item.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { RunHeader } from '../../model';
import type { JsonPath } from '../../json/tolerantJson';
import type { ImportContext, ImportResult } from '../types';
import { EventBuilder, isRecord, num, str } from '../providers/builder';
import { addUsage, baseHeader, finishImport, usageFrom } from '../providers/header';
import { isEventLines } from '../providers/shapes';

export const CODEX_EXEC_READER = 'Codex headless output (exec --json)';

const EVENT_TYPES = new Set(['thread.started', 'turn.started', 'turn.completed', 'turn.failed', 'item.started', 'item.updated', 'item.completed', 'item.plan.delta', 'request_user_input', 'error']);

/** True for JSON Lines whose first record is `{type: "thread.started", thread_id}` and whose records are thread events. */
export function detectCodexExec(doc: unknown): boolean {
  return isEventLines(doc, EVENT_TYPES, (r) => r['type'] === 'thread.started' && typeof r['thread_id'] === 'string');
}

interface ItemAt {
  item: Record<string, unknown>;
  path: JsonPath;
  completed: boolean;
}

export function importCodexExec(doc: unknown, ctx: ImportContext, isIncomplete?: (v: unknown) => boolean): ImportResult {
  const b = new EventBuilder(ctx);
  const header: RunHeader = { ...baseHeader('codex'), reader: { name: CODEX_EXEC_READER } };
  const prompts: string[] = [];
  const records = Array.isArray(doc) ? doc : [];
  // What the run holds in order: items (once each, in their last state) and the facts between them.
  const order: Array<{ item: string } | { fact: string; data: unknown; path: JsonPath }> = [];
  const items = new Map<string, ItemAt>();
  let turns = 0;
  records.forEach((r, i) => {
    if (isIncomplete?.(r)) return;
    const path: JsonPath = [i];
    if (!isRecord(r)) {
      b.typeProblem(path, 'a Codex thread event {type, …}', r);
      return;
    }
    switch (r['type']) {
      case 'thread.started':
        if (typeof r['thread_id'] === 'string') header.metadata['thread_id'] = r['thread_id'];
        return;
      case 'turn.started':
        turns++;
        return;
      case 'turn.completed': {
        const u = isRecord(r['usage']) ? r['usage'] : {};
        const usage = usageFrom({ inputTokens: num(u['input_tokens']), outputTokens: num(u['output_tokens']) });
        header.usage = addUsage(header.usage, usage);
        return;
      }
      case 'turn.failed': {
        const err = isRecord(r['error']) ? str(r['error']['message']) : undefined;
        order.push({ fact: `The turn failed${err ? `: ${err}` : ''}`, data: r, path });
        return;
      }
      case 'error':
        order.push({ fact: `Error: ${str(r['message']) ?? JSON.stringify(r)}`, data: r, path });
        return;
      case 'item.started':
      case 'item.updated':
      case 'item.completed': {
        const item = r['item'];
        if (!isRecord(item) || typeof item['id'] !== 'string' || typeof item['type'] !== 'string') {
          b.typeProblem([...path, 'item'], 'an item {id, type, …}', item);
          return;
        }
        const known = items.get(item['id']);
        if (!known) order.push({ item: item['id'] });
        items.set(item['id'], { item, path: [...path, 'item'], completed: r['type'] === 'item.completed' || (known?.completed ?? false) });
        return;
      }
      default:
        // item.plan.delta and request_user_input: the plan's text comes whole in its item; questions are asked of the user.
        if (r['type'] === 'request_user_input') order.push({ fact: 'The agent asked the user for input', data: r, path });
    }
  });
  if (turns > 1) header.metadata['turns'] = turns;

  for (const o of order) {
    if ('fact' in o) {
      b.environment(o.fact, o.data, o.path);
      continue;
    }
    const { item, path, completed } = items.get(o.item)!;
    readItem(b, item, path, completed);
  }
  return finishImport(b, header, prompts);
}

function readItem(b: EventBuilder, item: Record<string, unknown>, path: JsonPath, completed: boolean): void {
  const id = item['id'] as string;
  const unfinished = completed ? {} : { error: 'the run ended before this finished' };
  switch (item['type']) {
    case 'agent_message':
    case 'plan':
      b.ensureAssistant();
      b.message('assistant', str(item['text']) ?? '', [...path, 'text']);
      return;
    case 'reasoning':
      b.ensureAssistant();
      b.reasoning(str(item['text']) ?? '', [...path, 'text']);
      return;
    case 'command_execution': {
      b.ensureAssistant();
      b.toolCall('shell', { command: str(item['command']) ?? '' }, id, [...path, 'command']);
      const code = num(item['exit_code']);
      const status = str(item['status']);
      const error = status === 'declined' ? 'declined' : code !== undefined && code !== 0 ? `exit code ${code}` : status === 'failed' ? 'failed' : undefined;
      b.toolResult({ callId: id, output: str(item['aggregated_output']) ?? '', ...(error !== undefined ? { error } : completed ? {} : unfinished) }, [...path, 'aggregated_output']);
      return;
    }
    case 'file_change': {
      b.ensureAssistant();
      const changes = Array.isArray(item['changes']) ? item['changes'] : [];
      b.toolCall('file_change', { changes }, id, [...path, 'changes']);
      const status = str(item['status']) ?? 'completed';
      const said = changes.filter(isRecord).map((c) => `${str(c['kind']) ?? 'change'} ${str(c['path']) ?? '?'}`).join('\n');
      b.toolResult({ callId: id, output: said, ...(status === 'failed' ? { error: 'the patch failed' } : completed ? {} : unfinished) }, [...path, 'status']);
      return;
    }
    case 'mcp_tool_call': {
      b.ensureAssistant();
      const name = [str(item['server']), str(item['tool'])].filter(Boolean).join('.') || 'mcp_tool';
      b.toolCall(name, isRecord(item['arguments']) ? item['arguments'] : {}, id, [...path, 'arguments']);
      const result = isRecord(item['result']) ? item['result'] : undefined;
      const content = Array.isArray(result?.['content']) ? result['content'] : [];
      const output = content.map((c) => (isRecord(c) && typeof c['text'] === 'string' ? c['text'] : JSON.stringify(c))).join('\n') || (result?.['structured_content'] !== undefined ? JSON.stringify(result['structured_content']) : '');
      const err = isRecord(item['error']) ? str(item['error']['message']) : undefined;
      b.toolResult({ callId: id, output: output || err || '', ...(err !== undefined || item['status'] === 'failed' ? { error: err ?? 'failed' } : completed ? {} : unfinished) }, [...path, 'result']);
      return;
    }
    case 'web_search':
      b.ensureAssistant();
      b.toolCall('web_search', { query: str(item['query']) ?? '' }, id, [...path, 'query']);
      return;
    case 'collab_tool_call':
      b.ensureAssistant();
      b.toolCall(str(item['tool']) ?? 'collab_tool', { prompt: item['prompt'] ?? null, receiver_thread_ids: item['receiver_thread_ids'] ?? [] }, id, path);
      return;
    case 'todo_list': {
      const list = Array.isArray(item['items']) ? item['items'].filter(isRecord).map((t) => `${t['completed'] === true ? '[x]' : '[ ]'} ${str(t['text']) ?? ''}`) : [];
      b.environment(`To-do list:\n${list.join('\n')}`, item, path);
      return;
    }
    case 'error':
      b.environment(`Error: ${str(item['message']) ?? ''}`, item, path);
      return;
    default:
      b.environment(`A ${String(item['type'])} item`, item, path);
  }
}
