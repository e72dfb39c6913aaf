/**
 * Reader for what headless Gemini CLI prints (`gemini -p "…" --output-format stream-json`, how
 * harnesses and CI run it): JSON Lines of events, each `{type, timestamp, …}` (gemini-cli's
 * packages/core/src/output/types.ts):
 * - `init {session_id, model}` → the header's model and session;
 * - `message {role: "user"|"assistant", content, delta?}` → messages; the assistant's streamed pieces
 *   (`delta: true`) are joined into one message until another kind of event comes;
 * - `tool_use {tool_name, tool_id, parameters}` → a call in the assistant's turn, its tool named as
 *   Gemini CLI names it (`run_shell_command`, `write_file`, `replace`: the effects readers know them);
 * - `tool_result {tool_id, status, output?, error?: {type, message}}` → its answer, failed when
 *   `status` is `error` (the error's message, else its type);
 * - `error {severity, message}` → a fact ("Warning: Loop detected, stopping execution");
 * - `result {status, error?, stats}` → a fact at the end (turns' tokens, tool calls, time), and the
 *   usage from `stats`.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { RunHeader } from '../../model';
import type { JsonPath } from '../../json/tolerantJson';
import type { ImportContext, ImportResult } from '../types';
import { EventBuilder, TextRun, isRecord, num, str } from '../providers/builder';
import { baseHeader, finishImport, timingFrom, usageFrom } from '../providers/header';
import { isEventLines } from '../providers/shapes';

export const GEMINI_CLI_STREAM_READER = 'Gemini CLI headless output (stream-json)';

const EVENT_TYPES = new Set(['init', 'message', 'tool_use', 'tool_result', 'error', 'result']);

/**
 * True for JSON Lines whose first record is Gemini CLI's `init` event (`{type: "init", session_id,
 * model}`) and whose records are its event types.
 */
export function detectGeminiCliStream(doc: unknown): boolean {
  return isEventLines(doc, EVENT_TYPES, (r) => r['type'] === 'init' && typeof r['session_id'] === 'string' && 'model' in r);
}

export function importGeminiCliStream(doc: unknown, ctx: ImportContext, isIncomplete?: (v: unknown) => boolean): ImportResult {
  const b = new EventBuilder(ctx);
  const header: RunHeader = { ...baseHeader('gemini-cli'), reader: { name: GEMINI_CLI_STREAM_READER } };
  const prompts: string[] = [];
  const records = Array.isArray(doc) ? doc : [];
  const times: string[] = [];
  // The assistant's streamed text, joined until another kind of event comes.
  let text: { run: TextRun; at: string | undefined } | undefined;
  const flush = () => {
    if (!text) return;
    b.within(text.at !== undefined ? { timestamp: text.at } : {}, () => text!.run.flush());
    text = undefined;
  };
  records.forEach((r, i) => {
    if (isIncomplete?.(r)) return;
    const path: JsonPath = [i];
    if (!isRecord(r)) {
      b.typeProblem(path, 'a Gemini CLI event {type, timestamp, …}', r);
      return;
    }
    const at = str(r['timestamp']);
    if (at !== undefined) times.push(at);
    const type = r['type'];
    if (type === 'message' && r['role'] === 'assistant' && typeof r['content'] === 'string') {
      if (!text) {
        b.ensureAssistant();
        text = { run: new TextRun(b, 'assistant', prompts, ''), at };
      }
      text.run.addText(r['content'], [...path, 'content']);
      return;
    }
    flush();
    b.within(at !== undefined ? { timestamp: at } : {}, () => {
      switch (type) {
        case 'init': {
          const model = str(r['model']);
          if (model) header.model = model;
          const session = str(r['session_id']);
          if (session) header.metadata['session_id'] = session;
          return;
        }
        case 'message': {
          const content = r['content'];
          if (r['role'] !== 'user' || typeof content !== 'string') {
            b.typeProblem([...path, 'role'], 'a user or assistant message with string content', r['role']);
            return;
          }
          prompts.push(content);
          b.message('user', content, [...path, 'content']);
          return;
        }
        case 'tool_use': {
          const name = str(r['tool_name']);
          if (!name) {
            b.typeProblem([...path, 'tool_name'], 'the name of the tool called', r['tool_name']);
            return;
          }
          b.ensureAssistant();
          const args = isRecord(r['parameters']) ? r['parameters'] : {};
          b.toolCall(name, args, str(r['tool_id']), path);
          return;
        }
        case 'tool_result': {
          const err = isRecord(r['error']) ? str(r['error']['message']) ?? str(r['error']['type']) : undefined;
          const failed = r['status'] === 'error';
          const output = str(r['output']) ?? err ?? '';
          const id = str(r['tool_id']);
          b.toolResult({ ...(id !== undefined ? { callId: id } : {}), output, ...(failed ? { error: err ?? 'error' } : {}) }, path);
          return;
        }
        case 'error': {
          const severity = str(r['severity']) ?? 'error';
          b.environment(`${severity.charAt(0).toUpperCase()}${severity.slice(1)}: ${str(r['message']) ?? JSON.stringify(r)}`, r, path);
          return;
        }
        case 'result': {
          const stats = isRecord(r['stats']) ? r['stats'] : {};
          const usage = usageFrom({ inputTokens: num(stats['input_tokens']), outputTokens: num(stats['output_tokens']), totalTokens: num(stats['total_tokens']) });
          if (usage) header.usage = usage;
          const calls = num(stats['tool_calls']);
          const ms = num(stats['duration_ms']);
          const err = isRecord(r['error']) ? str(r['error']['message']) : undefined;
          const said = [calls !== undefined ? `${calls} tool call${calls === 1 ? '' : 's'}` : '', ms !== undefined ? `${(ms / 1000).toFixed(1)} s` : ''].filter(Boolean).join(', ');
          b.environment(`The run ended (${str(r['status']) ?? 'no status'})${err ? `: ${err}` : ''}${said ? `; ${said}` : ''}`, r, path);
          return;
        }
        default:
          b.typeProblem([...path, 'type'], 'one of "init", "message", "tool_use", "tool_result", "error", "result"', type);
      }
    });
  });
  flush();
  const timing = timingFrom(times.filter((t) => /^\d{4}-\d{2}-\d{2}T/.test(t)));
  if (timing) header.timing = timing;
  return finishImport(b, header, prompts);
}
