/**
 * Structured log lines that carry message payloads: an application's own JSON Lines log (a robot
 * controller's, an agent server's) whose records look like `{"ts", "level", "event"/"msg",
 * "payload"/"data": {…}}`, where some payloads are model requests (`{model, messages}`), responses
 * (`{choices: [{message}]}`, an Anthropic `{type: "message", content}`) or single messages.
 *
 * The payloads are taken in order and joined into one conversation: a request repeats the history,
 * so only the messages it adds are kept; responses and single messages are added as they come. A
 * line that names a tool and carries its result (`{"event": "tool_call", "tool": "bash_tool", "args",
 * "result"}`, as Palisade Research's robot controller logs each call) answers the oldest call of that
 * tool the conversation has not seen answered. The
 * conversation is read through the registry (OpenAI chat or Anthropic Messages), every event cites
 * the line its message came from and takes that line's timestamp, and the other lines become
 * environment events at their place, so nothing the log says is lost.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { TranscriptEvent } from '../../model';
import type { JsonPath } from '../../json/tolerantJson';
import { isRecord } from '../../json/values';
import type { ImportContext, ImportResult } from '../types';
import type { RunMatch } from '../index';
import { isMessageLike } from '../guess/guess';
import { epochTime } from '../providers/header';

const TIME_KEYS = ['ts', 'timestamp', 'time', '@timestamp', 'asctime', 'datetime', 'created_at'];
const LEVEL_KEYS = ['level', 'levelname', 'severity', 'lvl'];
const WHAT_KEYS = ['event', 'msg', 'message', 'event_type', 'type', 'name'];
/** How deep inside a line payloads are looked for (`payload.request.messages`). */
const PAYLOAD_DEPTH = 3;

interface Entry {
  /** Path of the message in the document (`[7, 'payload', 'messages', 3]`). */
  readonly path: JsonPath;
  readonly message: Record<string, unknown>;
}

function timeOf(r: Record<string, unknown>): string | undefined {
  for (const k of TIME_KEYS) {
    const v = r[k];
    if (typeof v === 'string' && v !== '') return v;
    // Seconds (or milliseconds) since 1970.
    const at = epochTime(v);
    if (at !== undefined) return at;
  }
  return undefined;
}

/** A message's identity across requests: role, text and the ids of its tool calls. */
function fingerprint(m: Record<string, unknown>): string {
  const calls = Array.isArray(m['tool_calls']) ? m['tool_calls'].map((c) => (isRecord(c) ? c['id'] ?? (isRecord(c['function']) ? c['function']['name'] : c['name']) : c)) : [];
  const content = typeof m['content'] === 'string' ? m['content'].trim() : JSON.stringify(m['content'] ?? null);
  return JSON.stringify([m['role'], content, calls, m['tool_call_id'] ?? null]);
}

/** The conversation assembled from the lines' payloads. */
class Conversation {
  readonly entries: Entry[] = [];
  system?: { path: JsonPath; value: unknown };
  /** The model the first request or response names. */
  model?: string;
  private readonly seen = new Set<string>();
  /** Calls not yet answered, by tool name, oldest first (a Set keeps the order it was given). */
  private readonly unanswered = new Map<string, Set<string>>();
  /** The tool names each unanswered call id waits under, so an answer finds its call at once. */
  private readonly waitingUnder = new Map<string, Set<string>>();
  /** Lines that carried at least one payload. */
  readonly payloadLines = new Set<number>();

  /** A request's history: the messages past those already held (matched in order, else by identity). */
  request(list: unknown[], path: JsonPath, line: number): void {
    let k = 0;
    while (k < list.length && k < this.entries.length && isRecord(list[k]) && fingerprint(list[k] as Record<string, unknown>) === fingerprint(this.entries[k]!.message)) k++;
    for (let i = k; i < list.length; i++) {
      const m = list[i];
      if (!isRecord(m)) continue;
      if (this.seen.has(fingerprint(m))) continue;
      this.add(m, [...path, i], line);
    }
    this.payloadLines.add(line);
  }

  add(m: Record<string, unknown>, path: JsonPath, line: number): void {
    this.entries.push({ path, message: m });
    this.seen.add(fingerprint(m));
    this.payloadLines.add(line);
    if (Array.isArray(m['tool_calls'])) {
      for (const c of m['tool_calls']) {
        const name = isRecord(c) ? (isRecord(c['function']) ? c['function']['name'] : c['name']) : undefined;
        if (typeof name === 'string' && isRecord(c) && typeof c['id'] === 'string') {
          // Kept without copying the list (thousands of calls made each one copy all before it).
          const ids = this.unanswered.get(name) ?? new Set<string>();
          ids.add(c['id']);
          this.unanswered.set(name, ids);
          const names = this.waitingUnder.get(c['id']) ?? new Set<string>();
          names.add(name);
          this.waitingUnder.set(c['id'], names);
        }
      }
    } else if (m['role'] === 'tool' && typeof m['tool_call_id'] === 'string') {
      const id = m['tool_call_id'];
      for (const name of this.waitingUnder.get(id) ?? []) this.unanswered.get(name)?.delete(id);
      this.waitingUnder.delete(id);
    }
  }

  /**
   * A line naming a tool (`tool`, `tool_name`) beside its `result` (or `output`): the answer to the
   * oldest unanswered call of that tool, with the line's `error` when it has one. Lines naming a tool
   * no call is waiting for stay log lines.
   */
  toolLine(r: Record<string, unknown>, index: number): void {
    const name = typeof r['tool'] === 'string' ? r['tool'] : typeof r['tool_name'] === 'string' ? r['tool_name'] : undefined;
    const key = 'result' in r ? 'result' : 'output' in r ? 'output' : undefined;
    if (name === undefined || key === undefined) return;
    const id = this.unanswered.get(name)?.values().next().value;
    if (id === undefined) return;
    const v = r[key];
    const error = typeof r['error'] === 'string' && r['error'] !== '' ? { error: r['error'] } : {};
    this.add({ role: 'tool', tool_call_id: id, name, content: typeof v === 'string' ? v : JSON.stringify(v ?? null), ...error }, [index, key], index);
  }

  /** Finds the payloads in a line's value (`v` at `path`), `depth` levels down at most. */
  collect(v: unknown, path: JsonPath, line: number, depth: number): void {
    if (Array.isArray(v)) {
      if (v.length && v.filter(isMessageLike).length * 2 >= v.length && v.some(isMessageLike)) this.request(v, path, line);
      return;
    }
    if (!isRecord(v)) return;
    if (this.model === undefined && typeof v['model'] === 'string' && (Array.isArray(v['messages']) || Array.isArray(v['choices']))) this.model = v['model'];
    if (Array.isArray(v['messages']) && v['messages'].some(isMessageLike)) {
      const sys = v['system'];
      if (!this.system && (typeof sys === 'string' || Array.isArray(sys))) this.system = { path: [...path, 'system'], value: sys };
      this.request(v['messages'], [...path, 'messages'], line);
      return;
    }
    if (Array.isArray(v['choices'])) {
      v['choices'].forEach((c, j) => {
        if (isRecord(c) && isRecord(c['message'])) this.add(c['message']['role'] === undefined ? { role: 'assistant', ...c['message'] } : c['message'], [...path, 'choices', j, 'message'], line);
      });
      return;
    }
    if (isMessageLike(v)) {
      this.add(v, path, line);
      return;
    }
    if (v['type'] === 'message' && Array.isArray(v['content'])) {
      this.add({ role: 'assistant', ...(v as Record<string, unknown>) }, path, line);
      return;
    }
    if (depth <= 0) return;
    for (const [k, e] of Object.entries(v)) if (typeof e === 'object' && e !== null) this.collect(e, [...path, k], line, depth - 1);
  }
}

/** True for a record that reads as a log line: a timestamp beside a level or an event name. */
function isLogLine(r: unknown): r is Record<string, unknown> {
  return isRecord(r) && timeOf(r) !== undefined && [...LEVEL_KEYS, ...WHAT_KEYS].some((k) => k in r);
}

/**
 * The match for a document of structured log lines with message payloads, or undefined. `strict`
 * reads the assembled conversation through the registry.
 */
export function matchMessageLog(doc: unknown, strict: (v: unknown) => RunMatch | undefined): RunMatch | undefined {
  if (!Array.isArray(doc) || doc.length < 2) return undefined;
  if (doc.filter(isLogLine).length * 2 < doc.length) return undefined;
  const conv = new Conversation();
  doc.forEach((r, i) => {
    if (!isRecord(r)) return;
    for (const [k, v] of Object.entries(r)) {
      if (TIME_KEYS.includes(k) || LEVEL_KEYS.includes(k)) continue;
      if (typeof v === 'object' && v !== null) conv.collect(v, [i, k], i, PAYLOAD_DEPTH);
    }
    if (!conv.payloadLines.has(i)) conv.toolLine(r, i);
  });
  if (conv.entries.length === 0) return undefined;
  const synthetic: Record<string, unknown> = { messages: conv.entries.map((e) => e.message), ...(conv.system ? { system: conv.system.value } : {}) };
  const inner = strict(synthetic);
  if (!inner) return undefined;
  return {
    format: 'message-log',
    read(ctx, isIncomplete) {
      // The assembled conversation's paths are cited at the lines they came from.
      const mapped: ImportContext = {
        ...ctx,
        locate(path) {
          if (path[0] === 'messages' && typeof path[1] === 'number') return ctx.locate([...conv.entries[path[1]]!.path, ...path.slice(2)]);
          if (path[0] === 'system' && conv.system) return ctx.locate([...conv.system.path, ...path.slice(1)]);
          return ctx.locate([]);
        },
      };
      const r = inner.read(mapped, isIncomplete);
      return withLogLines(r, doc, conv, ctx, inner.format);
    },
  };
}

/** Timestamps from the lines, the other lines as environment events, the header naming the reader. */
function withLogLines(r: ImportResult, doc: unknown[], conv: Conversation, ctx: ImportContext, innerFormat: string): ImportResult {
  const lineOf = new Map<number, number>();
  doc.forEach((_, i) => {
    const at = ctx.locate([i]);
    if (at.line !== undefined) lineOf.set(at.line, i);
  });
  const timeAt = (line: number | undefined) => {
    const i = line === undefined ? undefined : lineOf.get(line);
    return i === undefined || !isRecord(doc[i]) ? undefined : timeOf(doc[i] as Record<string, unknown>);
  };
  for (const e of r.events) {
    if (e.timestamp !== undefined) continue;
    const ts = timeAt(e.source.line);
    if (ts !== undefined) e.timestamp = ts;
  }
  // Lines without a payload, at their place among the events (by line).
  const others: TranscriptEvent[] = [];
  doc.forEach((rec, i) => {
    if (conv.payloadLines.has(i) || !isRecord(rec)) return;
    const level = LEVEL_KEYS.map((k) => rec[k]).find((v) => typeof v === 'string');
    const what = WHAT_KEYS.map((k) => rec[k]).find((v) => typeof v === 'string');
    const ts = timeOf(rec);
    others.push({ kind: 'environment', index: 0, source: ctx.locate([i]), ...(ts !== undefined ? { timestamp: ts } : {}), fact: [level, what].filter(Boolean).join(' ') || 'log line', data: rec } as TranscriptEvent);
  });
  const events: TranscriptEvent[] = [];
  const newIndex: number[] = [];
  let o = 0;
  const flush = (line: number) => {
    while (o < others.length && (others[o]!.source.line ?? 0) < line) events.push(others[o++]!);
  };
  r.events.forEach((e, k) => {
    flush(e.source.line ?? 0);
    newIndex[k] = events.length;
    events.push(e);
  });
  flush(Infinity);
  const diagnostics = r.diagnostics.map((d) => ({ ...d, afterEvent: d.afterEvent < 0 ? d.afterEvent : (newIndex[d.afterEvent] ?? events.length - 1) }));
  return { header: { ...r.header, ...(r.header.model === undefined && conv.model !== undefined ? { model: conv.model } : {}), format: 'message-log', reader: { name: `structured log lines with ${innerFormat === 'anthropic-messages' ? 'Anthropic Messages' : 'OpenAI Chat Completions'} payloads` } }, events, diagnostics };
}
