/**
 * Turns a study `conversation` array into transcript events.
 *
 * Format quirks handled here:
 * - `tool_calls` is an object `{toolName: {args}}`, not a list; key order is call order.
 * - Tool messages repeat the call object instead of naming a call id. One assistant entry with two
 *   calls may be answered by two tool messages or by one whose content holds both outputs.
 * - Scratchpad and thinking "tools" are reasoning, and their tool answer only echoes the text back.
 * - The config tools never show a diff, so their effect is replayed (see configReplay.ts).
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { Diagnostic, EventOfKind, RunHeader, SourceRef, TranscriptEvent } from '../../model';
import type { JsonPath } from '../../json/tolerantJson';
import type { ImportContext } from '../types';
import { ConfigReplay } from './configReplay';
import { REASONING_TOOLS, budgetDiagnostic, echoesReasoning, pushToolCallEvents, type ToolCallState } from '../toolCallEvents';
import { isRecord, sourceAt, typeDiagnostic } from './studyDiagnostics';
import { parseJsonInText } from '../../json/values';
import { splitThinkingTags } from './thinkingTags';
import { toolError } from '../../effects/toolOutput';

const ROLES = ['system', 'user', 'assistant', 'tool'] as const;
type StudyRole = (typeof ROLES)[number] | 'developer';


interface Call {
  entry: number;
  name: string;
  args: Record<string, unknown>;
  id: string;
  step: number;
  result?: { entry: number; output: string };
}

interface Entry {
  index: number;
  role: StudyRole;
  content: string | undefined;
  calls: Array<{ name: string; args: Record<string, unknown> }>;
  extraReasoning?: string;
}

export interface ConversationOptions {
  /** The document key holding the array (`conversation`, `full_conversation`). */
  key: string;
  header: RunHeader;
  ctx: ImportContext;
  isIncomplete?: (v: unknown) => boolean;
  /** Insert this environment event before the entry at `at` (follow-up transcripts). */
  marker?: { at: number; fact: string; data: unknown };
}

function contentText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  // Some providers' messages hold content blocks; the study's text is in their `text` fields.
  if (Array.isArray(v) && v.every((b) => isRecord(b) && (typeof b['text'] === 'string' || b['type'] !== 'text'))) {
    return v.map((b) => (isRecord(b) && typeof b['text'] === 'string' ? b['text'] : '')).join('');
  }
  return undefined;
}

/** Reads and checks the entries; problems become diagnostics keyed by entry index. */
function readEntries(conversation: unknown[], opts: ConversationOptions, problems: Map<number, Diagnostic[]>): Entry[] {
  const { key, ctx, isIncomplete } = opts;
  const entries: Entry[] = [];
  const report = (i: number, path: JsonPath, expected: string, found: unknown) => {
    const list = problems.get(i) ?? [];
    list.push(typeDiagnostic(ctx, path, expected, found, -1));
    problems.set(i, list);
  };
  conversation.forEach((raw, i) => {
    // A cut entry (truncated file) is dropped whole: its fields may be half there.
    if (isIncomplete?.(raw)) return;
    if (!isRecord(raw)) return report(i, [key, i], 'an object with a "role"', raw);
    const role = raw['role'];
    if (!(ROLES as readonly unknown[]).includes(role) && role !== 'developer') {
      return report(i, [key, i, 'role'], 'one of "system", "user", "assistant", "tool"', role);
    }
    const rawContent = raw['content'];
    const content = rawContent === null || rawContent === undefined ? undefined : contentText(rawContent);
    if (rawContent !== null && rawContent !== undefined && content === undefined) {
      return report(i, [key, i, 'content'], 'a string or null', rawContent);
    }
    const rawCalls = raw['tool_calls'];
    if (rawCalls !== null && rawCalls !== undefined && !isRecord(rawCalls)) {
      return report(i, [key, i, 'tool_calls'], 'an object mapping tool names to their arguments', rawCalls);
    }
    const calls: Entry['calls'] = [];
    for (const [name, a] of Object.entries(rawCalls ?? {})) {
      let args: unknown = a ?? {};
      if (typeof args === 'string') {
        // Arguments saved as a JSON string by some providers.
        try {
          args = parseJsonInText(args);
        } catch {
          // reported below
        }
      }
      if (!isRecord(args)) {
        report(i, [key, i, 'tool_calls', name], `an object of arguments for ${name}`, a);
        continue;
      }
      calls.push({ name, args });
    }
    const entry: Entry = { index: i, role: role as StudyRole, content, calls };
    const provider = raw['reasoning_content'] ?? raw['reasoning'];
    if (typeof provider === 'string' && provider.trim()) entry.extraReasoning = provider;
    entries.push(entry);
  });
  return entries;
}

/** Pairs tool messages with the calls they answer. Returns results by tool entry index. */
function pairResults(entries: Entry[], calls: Map<number, Call[]>): Map<number, Array<{ call?: Call; name?: string; output: string }>> {
  const byToolEntry = new Map<number, Array<{ call?: Call; name?: string; output: string }>>();
  let pending: Call[] = [];
  let blockSize = 0;
  for (let k = 0; k < entries.length; k++) {
    const e = entries[k]!;
    if (e.role === 'assistant') {
      pending = [...(calls.get(e.index) ?? [])];
      blockSize = 0;
      for (let j = k + 1; j < entries.length && entries[j]!.role === 'tool'; j++) blockSize++;
      continue;
    }
    if (e.role !== 'tool') {
      pending = [];
      continue;
    }
    const output = e.content ?? '';
    const names = e.calls.map((c) => c.name);
    const answers: Array<{ call?: Call; name?: string; output: string }> = [];
    const take = (call: Call, out: string) => {
      pending.splice(pending.indexOf(call), 1);
      call.result = { entry: e.index, output: out };
      answers.push({ call, output: out });
    };
    if (names.length > 1 && pending.length > 1 && blockSize < pending.length) {
      // One tool message for several calls: reasoning echoes are cut out of the combined text and
      // what is left is the output of the other call(s), given to the first of them.
      let rest = output;
      for (const call of [...pending]) {
        if (!REASONING_TOOLS.has(call.name)) continue;
        const echo = new RegExp(`<${call.name}>[\\s\\S]*?</${call.name}>`).exec(rest);
        take(call, echo ? echo[0] : '');
        if (echo) rest = rest.slice(0, echo.index) + rest.slice(echo.index + echo[0].length);
      }
      const others = [...pending];
      if (others.length) take(others[0]!, rest.trim());
      pending = [];
    } else {
      const wanted = names.length === 1 ? names[0] : undefined;
      const call = (wanted !== undefined ? pending.find((c) => c.name === wanted) : undefined) ?? (wanted === undefined || names.length > 1 ? pending[0] : undefined);
      if (call) take(call, output);
      else answers.push({ ...(names[0] !== undefined ? { name: names[0] } : {}), output });
    }
    byToolEntry.set(e.index, answers);
  }
  return byToolEntry;
}

/** Maps the conversation to events (indexed from 0) and diagnostics for entries it had to skip. */
export function importConversation(conversation: unknown[], opts: ConversationOptions): { events: TranscriptEvent[]; diagnostics: Diagnostic[] } {
  const { key, header, ctx } = opts;
  const problems = new Map<number, Diagnostic[]>();
  const entries = readEntries(conversation, opts, problems);
  const events: TranscriptEvent[] = [];
  const diagnostics: Diagnostic[] = [];

  // Calls first (ids and steps), so tool answers can be paired before any event is built.
  const calls = new Map<number, Call[]>();
  let step = 0;
  const stepOf = new Map<number, number>();
  for (const e of entries) {
    if (e.role !== 'assistant') continue;
    step++;
    stepOf.set(e.index, step);
    calls.set(
      e.index,
      e.calls.map((c, n) => ({ entry: e.index, name: c.name, args: c.args, id: `call-${e.index}-${n}`, step })),
    );
  }
  const answers = pairResults(entries, calls);

  const src = (path: JsonPath): SourceRef => sourceAt(ctx, path);
  const push = <K extends TranscriptEvent['kind']>(event: Omit<EventOfKind<K>, 'index'> & { kind: K }) => {
    const e = { index: events.length, ...event } as unknown as TranscriptEvent;
    events.push(e);
  };
  const withStep = (s: number | undefined) => (s !== undefined ? { step: s } : {});
  // The config as the run has shown it, across calls (toolCallEvents.ts); the study's tools have no text editor.
  const state: ToolCallState = {
    config: new ConfigReplay(),
    unmonitoredScratchpad: header.scratchpad === 'unmonitored',
    warn: (message, at) => diagnostics.push(budgetDiagnostic(ctx.file, at, message, events.length - 1)),
  };

  const emitCall = (call: Call) => {
    const path: JsonPath = [key, call.entry, 'tool_calls', call.name];
    pushToolCallEvents(call, { source: src(path), step: call.step }, push, state);
  };

  let entryPos = 0;
  let lastStep: number | undefined;
  for (let i = 0; i < conversation.length; i++) {
    if (opts.marker && opts.marker.at === i) {
      push<'environment'>({ kind: 'environment', source: src([key, i]), ...withStep(lastStep), fact: opts.marker.fact, data: opts.marker.data });
    }
    for (const d of problems.get(i) ?? []) diagnostics.push({ ...d, afterEvent: events.length - 1 });
    const e = entries[entryPos];
    if (!e || e.index !== i) continue;
    entryPos++;
    const entrySource = src([key, i]);

    if (e.role === 'tool') {
      for (const a of answers.get(i) ?? []) {
        if (a.call && echoesReasoning(a.call, a.output)) continue;
        const err = toolError(a.output);
        const name = a.call?.name ?? a.name;
        push<'tool_result'>({
          kind: 'tool_result',
          source: entrySource,
          ...withStep(a.call?.step ?? lastStep),
          ...(a.call ? { callId: a.call.id } : {}),
          ...(name !== undefined ? { name } : {}),
          output: a.output,
          ...(err !== undefined ? { error: err } : {}),
        });
      }
      continue;
    }

    if (e.role !== 'assistant') {
      if (e.content !== undefined && e.content.trim() !== '') {
        push<'message'>({ kind: 'message', source: entrySource, role: e.role, text: e.content });
      }
      continue;
    }

    const s = stepOf.get(i)!;
    lastStep = s;
    if (e.extraReasoning) {
      push<'reasoning'>({ kind: 'reasoning', source: entrySource, step: s, text: e.extraReasoning, via: 'provider', unmonitored: false });
    }
    if (e.content !== undefined && e.content.trim() !== '') {
      const split = splitThinkingTags(e.content);
      for (const text of split.reasoning) {
        push<'reasoning'>({ kind: 'reasoning', source: src([key, i, 'content']), step: s, text, via: 'thinking-tag', unmonitored: false });
      }
      if (split.text) push<'message'>({ kind: 'message', source: entrySource, step: s, role: 'assistant', text: split.text });
    }
    for (const call of calls.get(i) ?? []) emitCall(call);
  }
  if (opts.marker && opts.marker.at >= conversation.length) {
    push<'environment'>({ kind: 'environment', source: src([key]), ...withStep(lastStep), fact: opts.marker.fact, data: opts.marker.data });
  }
  return { events, diagnostics };
}
