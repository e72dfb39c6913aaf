/**
 * What `.eval` and `.json` Inspect logs share: the header's reading, the sample list's rows, version
 * checks and diagnostics.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { Diagnostic } from '../../model';
import { MAX_JSON_DEPTH, nestsDeeperThan, nonEmptyString as str } from '../../json/values';
import type { SampleLogInfo, SampleSummary } from '../sampleLog';

/**
 * The newest log format version Peerwatch reads. Inspect's `version` counts the log schema: 1 (early
 * `.json` logs), 2 (`.eval` and `.json` with `events`), 3 (de-duplicated model inputs and chunked
 * samples). A newer number means a shape Peerwatch has not seen.
 */
export const MAX_INSPECT_VERSION = 3;

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function diag(file: string, message: string, extra: Partial<Diagnostic> = {}): Diagnostic {
  return { severity: 'error', message, file, afterEvent: -1, ...extra };
}

const utf8 = new TextDecoder('utf-8');
export function decodeUtf8(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/**
 * JSON.parse, refusing a value nested deeper than 1,000 levels as the other readers do: JSON.parse
 * itself reads any depth, but the mapping, the score summaries and JSON.stringify after it recurse and
 * overflowed the stack on such a member. Throws an Error (or JSON.parse's SyntaxError) saying why.
 */
export function parseJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  if (nestsDeeperThan(value)) throw new Error(`it nests deeper than ${MAX_JSON_DEPTH.toLocaleString('en-US')} levels, which Peerwatch does not read`);
  return value;
}

/** Parses JSON, or throws an Error naming the file, the member or place, and what was expected. */
export function parseJsonNamed(text: string, file: string, where: string, expected = 'a JSON document'): unknown {
  try {
    return parseJson(text);
  } catch (e) {
    throw new Error(`${file}: ${where} is not valid JSON (${e instanceof Error ? e.message : String(e)}; expected ${expected})`);
  }
}

/** The version diagnostic, or undefined when the version is one Peerwatch reads. */
export function versionProblem(file: string, version: unknown): Diagnostic | undefined {
  if (version === undefined) return undefined;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    return diag(file, `${file}: the log's "version" is ${JSON.stringify(version)} (expected an integer format version up to ${MAX_INSPECT_VERSION}); reading it as version ${MAX_INSPECT_VERSION}`, { severity: 'warning', path: '$.version', expected: `an integer up to ${MAX_INSPECT_VERSION}` });
  }
  if (version > MAX_INSPECT_VERSION) {
    return diag(file, `${file}: Inspect log format version ${version} is newer than the versions Peerwatch reads (1 to ${MAX_INSPECT_VERSION}); what could be read is shown, but samples may be incomplete or wrong. Update Peerwatch, or convert the log with an Inspect release that writes version ${MAX_INSPECT_VERSION}.`, { path: '$.version', expected: `version ${MAX_INSPECT_VERSION} or older` });
  }
  return undefined;
}

/** The header's reading (`header.json`, `_journal/start.json`, or a `.json` log's top level). */
export function infoFromHeader(format: SampleLogInfo['format'], header: JsonObject | undefined): SampleLogInfo {
  const evalSpec = isObject(header?.['eval']) ? (header!['eval'] as JsonObject) : {};
  const task = str(evalSpec['task']);
  const taskFile = str(evalSpec['task_file']);
  const registry = str(evalSpec['task_registry_name']);
  const taskArgs = isObject(evalSpec['task_args']) ? (evalSpec['task_args'] as JsonObject) : {};
  const metadata: Record<string, unknown> = {};
  if (header) for (const [k, v] of Object.entries(header)) if (k !== 'version' && k !== 'status' && k !== 'samples') metadata[k] = v;
  return {
    format,
    ...(typeof header?.['version'] === 'number' ? { version: header['version'] as number } : {}),
    ...(task ? { task } : {}),
    ...(taskSpec(task, taskFile, registry) ? { taskSpec: taskSpec(task, taskFile, registry)! } : {}),
    taskArgs,
    ...(str(evalSpec['model']) ? { model: str(evalSpec['model'])! } : {}),
    ...(str(header?.['status']) ? { status: str(header!['status'])! } : {}),
    ...(str(evalSpec['created']) ? { created: str(evalSpec['created'])! } : {}),
    metadata,
  };
}

/**
 * What to pass to `inspect eval`: the task file (with `@task` when the file's task is named plainly),
 * else the registry name, else the task name.
 */
function taskSpec(task: string | undefined, taskFile: string | undefined, registry: string | undefined): string | undefined {
  if (taskFile) return task && /^[A-Za-z_][\w]*$/.test(task) ? `${taskFile}@${task}` : taskFile;
  return registry ?? task;
}

export { str };

/** A score's value as shown in the list: `C`, `0.8`, `true`, `{"a":1}` (shortened). */
export function scoreText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000);
  if (typeof value === 'boolean' || value === null) return String(value);
  const s = JSON.stringify(value) ?? '';
  return s.length > 40 ? s.slice(0, 39) + '…' : s;
}

export function scoresOf(scores: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(scores)) return out;
  for (const [name, s] of Object.entries(scores)) out[name] = scoreText(isObject(s) && 'value' in s ? s['value'] : s);
  return out;
}

/** Plain text of message content: a string, or content blocks (text kept, others named). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (typeof content === 'number' || typeof content === 'boolean') return String(content);
  if (Array.isArray(content)) {
    const parts: string[] = [];
    for (const c of content) {
      if (typeof c === 'string') parts.push(c);
      else if (isObject(c)) {
        const type = c['type'];
        if (type === 'text') parts.push(typeof c['text'] === 'string' ? c['text'] : '');
        else if (type === 'reasoning') continue;
        else if (type === 'image') continue; // carried as the event's images (core/images.ts)
        else if (type === 'audio') parts.push('[audio]');
        else if (type === 'video') parts.push('[video]');
        else if (type === 'document') parts.push(`[document${typeof c['filename'] === 'string' ? ` ${c['filename']}` : ''}]`);
        else if (type === 'data') parts.push(JSON.stringify(c['data'] ?? null));
        else if (type === 'tool_use') parts.push(`[${typeof c['name'] === 'string' ? c['name'] : 'tool use'}] ${JSON.stringify(c['arguments'] ?? c['input'] ?? {})}${c['result'] !== undefined ? ` → ${contentText(c['result'])}` : ''}`);
        else parts.push(JSON.stringify(c));
      }
    }
    return parts.join('\n');
  }
  return JSON.stringify(content);
}

/** First line of a sample's input (a string, or the first user message of a message list). */
export function inputLine(input: unknown): string | undefined {
  let text: string;
  if (typeof input === 'string') text = input;
  else if (Array.isArray(input)) {
    const user = input.find((m) => isObject(m) && m['role'] === 'user') ?? input[0];
    text = isObject(user) ? contentText(user['content']) : '';
  } else return undefined;
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 200 ? line.slice(0, 199) + '…' : line;
}

export function totalTokens(modelUsage: unknown): number | undefined {
  if (!isObject(modelUsage)) return undefined;
  let total = 0;
  let any = false;
  for (const u of Object.values(modelUsage)) {
    if (!isObject(u)) continue;
    const t = typeof u['total_tokens'] === 'number' ? u['total_tokens'] : (typeof u['input_tokens'] === 'number' ? u['input_tokens'] : 0) + (typeof u['output_tokens'] === 'number' ? u['output_tokens'] : 0);
    total += t;
    any = true;
  }
  return any ? total : undefined;
}

export function errorText(error: unknown): string | undefined {
  if (typeof error === 'string') return error || undefined;
  if (isObject(error)) return str(error['message']) ?? JSON.stringify(error);
  return undefined;
}

export function sampleKey(id: string | number, epoch: number): string {
  return `${id}#${epoch}`;
}

/** A row of the sample list from a summary (or a whole sample, for `.json` logs). */
export function summaryRow(s: JsonObject, complete: boolean): SampleSummary | undefined {
  const id = s['id'];
  if (typeof id !== 'string' && typeof id !== 'number') return undefined;
  const epoch = typeof s['epoch'] === 'number' ? s['epoch'] : 1;
  const input = inputLine(s['input']);
  const target = Array.isArray(s['target']) ? s['target'].map(String).join(', ') : typeof s['target'] === 'string' ? s['target'] : undefined;
  const tokens = totalTokens(s['model_usage']);
  const error = errorText(s['error']);
  return {
    key: sampleKey(id, epoch),
    id,
    epoch,
    ...(input !== undefined ? { input } : {}),
    ...(target !== undefined ? { target } : {}),
    scores: scoresOf(s['scores']),
    ...(tokens !== undefined ? { totalTokens: tokens } : {}),
    ...(error !== undefined ? { error } : {}),
    complete: complete && s['completed'] !== false,
  };
}
