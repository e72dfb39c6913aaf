/**
 * Importer for OpenAI Codex CLI sessions: the rollout files Codex writes under
 * `~/.codex/sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl`, one record a line,
 * `{timestamp, type, payload}`:
 *
 * - `session_meta`: the session (id, cwd, CLI version, originator, model provider, git) and the
 *   system prompt the model ran under (`base_instructions.text`, shown as the system message);
 * - `response_item`: what the model saw and did, as OpenAI Responses items (messages, reasoning,
 *   `function_call` / `custom_tool_call` and their outputs, web searches), read by the Responses reader;
 *   an output Codex wrapped as `{"output", "metadata": {"exit_code"}}` is unwrapped, a non-zero exit
 *   code its error;
 * - `turn_context`: each turn's model, working folder, approval and sandbox policy (the model and the
 *   last policy go to the header);
 * - `event_msg`: the CLI's own events. Most repeat a response item (`user_message`, `agent_message`,
 *   `exec_command_end`) and are left out; `token_count` gives the usage, and a turn aborted, an error
 *   or a warning is a fact;
 * - `compacted`: the conversation was summarised to save context, a fact with the summary.
 *
 * Codex's tools keep their names: `exec_command` and `shell` run command lines, `apply_patch` edits
 * files (core/effects), so the detectors see what they did.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { JsonPath } from '../../json/tolerantJson';
import type { ImportContext, ImportResult } from '../types';
import { EventBuilder, isRecord, num, rest, str } from '../providers/builder';
import { parseJsonInText } from '../../json/values';
import { baseHeader, finishImport, timingFrom, usageFrom } from '../providers/header';
import { responsesItem } from '../openai/responses';

export const CODEX_READER = 'Codex CLI session';

const RECORD_TYPES = new Set(['session_meta', 'response_item', 'event_msg', 'turn_context', 'compacted']);

function isRecordLine(v: unknown): v is { type: string; payload: unknown; timestamp?: unknown } {
  return isRecord(v) && typeof v['type'] === 'string' && RECORD_TYPES.has(v['type']) && 'payload' in v;
}

/** True for a Codex rollout: JSON Lines of `{type, payload}` records, with a `session_meta` among the first. */
export function detectCodex(doc: unknown): boolean {
  if (!Array.isArray(doc) || doc.length < 2) return false;
  // Damaged lines are reported by the reader; most lines must be records, a session_meta among the first.
  const records = doc.filter(isRecordLine);
  return records.length * 2 >= doc.length && records.slice(0, 5).some((r) => r.type === 'session_meta');
}

/** The CLI's events worth a fact, and what they say; the rest repeat response items or are bookkeeping. */
function eventFact(p: Record<string, unknown>): string | undefined {
  switch (p['type']) {
    case 'turn_aborted':
      return `The turn was aborted${str(p['reason']) ? ` (${str(p['reason'])})` : ''}`;
    case 'error':
      return `Error: ${str(p['message']) ?? JSON.stringify(p)}`;
    case 'warning':
      return `Warning: ${str(p['message']) ?? JSON.stringify(p)}`;
    case 'stream_error':
      return `Stream error: ${str(p['message']) ?? JSON.stringify(p)}`;
    default:
      return undefined;
  }
}

/**
 * A tool's answer Codex saved wrapped as JSON (`{"output": "…", "metadata": {"exit_code": 1}}`, its
 * shell and patch tools): the output itself, and a non-zero exit code as the error. Undefined for any
 * other item.
 */
function wrappedOutput(p: Record<string, unknown>): { output: string; error?: string } | undefined {
  if (p['type'] !== 'function_call_output' && p['type'] !== 'custom_tool_call_output') return undefined;
  const raw = p['output'];
  if (typeof raw !== 'string' || !raw.startsWith('{"output"')) return undefined;
  let v: unknown;
  try {
    v = parseJsonInText(raw);
  } catch {
    return undefined;
  }
  if (!isRecord(v) || typeof v['output'] !== 'string') return undefined;
  const code = isRecord(v['metadata']) ? num(v['metadata']['exit_code']) : undefined;
  return { output: v['output'], ...(code !== undefined && code !== 0 ? { error: `exit code ${code}` } : {}) };
}

export function importCodex(doc: unknown, ctx: ImportContext, isIncomplete?: (v: unknown) => boolean): ImportResult {
  const b = new EventBuilder(ctx);
  const header = baseHeader('codex');
  const prompts: string[] = [];
  const timestamps: string[] = [];
  const meta: Record<string, unknown> = {};
  (doc as unknown[]).forEach((r, i) => {
    if (isIncomplete?.(r)) return;
    if (!isRecordLine(r)) {
      // A line that is not JSON at all is reported by the JSON Lines reader; this one is JSON of another shape.
      if (r !== undefined) b.typeProblem([i], 'a Codex record {timestamp, type, payload}', r);
      return;
    }
    const p = r.payload;
    const at: JsonPath = [i, 'payload'];
    const timestamp = str(r.timestamp);
    if (!isRecord(p)) {
      b.typeProblem(at, `the ${r.type} record's payload object`, p);
      return;
    }
    b.within(timestamp ? { timestamp } : {}, () => {
      switch (r.type) {
        case 'session_meta': {
          const instructions = p['base_instructions'] ?? p['instructions'];
          const text = typeof instructions === 'string' ? instructions : isRecord(instructions) ? str(instructions['text']) : undefined;
          Object.assign(meta, rest(p, ['base_instructions', 'instructions']));
          if (text) {
            prompts.push(text);
            b.message('system', text, [...at, typeof instructions === 'string' ? 'instructions' : 'base_instructions']);
          }
          return;
        }
        case 'response_item': {
          if (timestamp) timestamps.push(timestamp);
          const wrapped = wrappedOutput(p);
          if (wrapped) b.toolResult({ ...(str(p['call_id']) ? { callId: str(p['call_id'])! } : {}), ...wrapped }, at);
          else responsesItem(b, p, at, prompts);
          return;
        }
        case 'turn_context':
          header.model = str(p['model']) ?? header.model;
          for (const k of ['approval_policy', 'sandbox_policy', 'cwd']) if (p[k] !== undefined) meta[k === 'cwd' ? 'turnCwd' : k] = p[k];
          return;
        case 'event_msg': {
          if (p['type'] === 'token_count') {
            const total = isRecord(p['info']) ? p['info']['total_token_usage'] : undefined;
            if (isRecord(total)) header.usage = usageFrom({ inputTokens: num(total['input_tokens']), outputTokens: num(total['output_tokens']), totalTokens: num(total['total_tokens']), costUsd: undefined });
            return;
          }
          const fact = eventFact(p);
          if (fact) b.environment(fact, p, at);
          return;
        }
        case 'compacted':
          b.environment('The conversation was compacted: what came before is summarised for the model', { message: p['message'] }, at);
          return;
      }
    });
  });
  const timing = timingFrom(timestamps);
  if (timing) header.timing = timing;
  header.metadata = meta;
  return finishImport(b, header, prompts);
}
