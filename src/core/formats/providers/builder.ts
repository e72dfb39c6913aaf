/**
 * What the provider importers (OpenAI Chat Completions and Responses, Anthropic Messages, Petri,
 * agentic-misalignment) share: a builder that takes the items of a conversation in order (messages,
 * reasoning, tool calls and their results, each with the JSON path it came from) and produces
 * transcript events the way the study importer does, so the editor and the behaviour detectors see
 * the same thing whatever the source:
 *
 * - assistant turns are numbered (`step`), and a tool result gets the step of the call it answers;
 * - results are paired with calls by id (by name, else the last unanswered call, when there is none);
 * - the study's config tools (`view_config`, `modify_var`, …) become `config_change` events with the
 *   file before and after, shell commands and file/server tools become `file_change` events;
 * - scratchpad/thinking tools and thinking tags in assistant text become reasoning events.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { Diagnostic, EventGroup, EventOfKind, ImagePart, Role, SourceRef, TranscriptEvent } from '../../model';
import { isImagePart, withImages } from '../../images';
import type { JsonPath } from '../../json/tolerantJson';
import { finiteNumber as num, JsonTooDeepError, nonEmptyString as str, parseJsonInText } from '../../json/values';
import type { ImportContext } from '../types';
import { TextEditorReplay } from '../../effects/textEditor';
import { ConfigReplay } from '../study/configReplay';
import { describeFound, isRecord, sourceAt } from '../study/studyDiagnostics';
import { budgetDiagnostic, echoesReasoning, pushToolCallEvents, type ToolCallState } from '../toolCallEvents';
import { pushAll } from '../../arrays';
import { splitThinkingTags } from '../study/thinkingTags';
import { toolError } from '../../effects/toolOutput';

export { isRecord, describeFound };


/** What every item may carry besides its content: a builder group key, a timestamp, the event groups it sits in. */
interface ItemExtras {
  group?: string;
  timestamp?: string;
  groups?: EventGroup[];
}

type Item =
  | ({ t: 'message'; role: Role; text: string; name?: string; images?: ImagePart[]; src: SourceRef; assistantStep?: number } & ItemExtras)
  | ({ t: 'reasoning'; text: string; redacted?: boolean; via: 'provider' | 'thinking-tag'; src: SourceRef; step?: number } & ItemExtras)
  | ({ t: 'call'; name: string; args: Record<string, unknown>; id: string; src: SourceRef; step?: number; result?: { output: string; error?: string } } & ItemExtras)
  | ({ t: 'result'; callId?: string; name?: string; output: string; error?: string; images?: ImagePart[]; src: SourceRef; call?: Extract<Item, { t: 'call' }> } & ItemExtras)
  | ({ t: 'env'; fact: string; data?: unknown; src: SourceRef; step?: number } & ItemExtras);

type CallItem = Extract<Item, { t: 'call' }>;

export interface ItemOptions {
  /** Events built from this item are listed under this key in `finish().groups` (e.g. a message id). */
  group?: string;
  timestamp?: string;
  /** The spans, agents-as-tools or subagents the events sit in, outermost first (the events' `groups`). */
  groups?: EventGroup[];
}

/** Collects conversation items in order, then builds events (see the module comment). */
export class EventBuilder {
  readonly diagnostics: Diagnostic[] = [];
  private readonly items: Item[] = [];
  private step = 0;
  private inAssistant = false;
  private callCount = 0;
  /** Told by the importer when the run promised an unmonitored scratchpad. */
  unmonitoredScratchpad = false;

  /** Options every item gets unless it sets its own (see `within`). */
  private defaults: ItemOptions = {};

  constructor(readonly ctx: ImportContext) {}

  /**
   * Runs `fn` with `opts` applied to every item it adds (a record's timestamp, the subagent it belongs
   * to), so a shared reader of one message (anthropicMessage, …) needs no options of its own.
   */
  within<T>(opts: ItemOptions, fn: () => T): T {
    const saved = this.defaults;
    this.defaults = { ...saved, ...opts };
    try {
      return fn();
    } finally {
      this.defaults = saved;
    }
  }

  private opt(o: ItemOptions): ItemExtras {
    const m = { ...this.defaults, ...o };
    return { ...(m.group !== undefined ? { group: m.group } : {}), ...(m.timestamp !== undefined ? { timestamp: m.timestamp } : {}), ...(m.groups?.length ? { groups: m.groups } : {}) };
  }

  /** Where the value at `path` starts in the source (line, column and JSON path). */
  src(path: JsonPath): SourceRef {
    return sourceAt(this.ctx, path);
  }

  /** Starts an assistant turn: the events until the next `endTurn` or non-assistant message share its step. */
  beginAssistant(): number {
    this.step++;
    this.inAssistant = true;
    return this.step;
  }

  /** Starts an assistant turn unless one is going on (Responses items: one turn spans several items). */
  ensureAssistant(): number {
    return this.inAssistant ? this.step : this.beginAssistant();
  }

  /** A message from anyone but the assistant ends the assistant's turn. */
  endTurn(): void {
    this.inAssistant = false;
  }

  private currentStep(): number | undefined {
    return this.inAssistant ? this.step : undefined;
  }

  /** A message; assistant text is split into reasoning (thinking tags) and the visible rest. */
  message(role: Role, text: string, path: JsonPath, opts: ItemOptions & { name?: string; images?: ImagePart[] } = {}): void {
    if (role !== 'assistant') this.endTurn();
    const src = this.src(path);
    if (role === 'assistant') {
      const split = splitThinkingTags(text);
      for (const r of split.reasoning) this.items.push({ t: 'reasoning', text: r, via: 'thinking-tag', src, ...stepOf(this.currentStep()), ...this.opt(opts) });
      text = split.text;
    }
    if (text.trim() === '' && !opts.images?.length) return;
    this.items.push({ t: 'message', role, text, src, ...(opts.name !== undefined ? { name: opts.name } : {}), ...withImages(opts.images), ...(role === 'assistant' && this.inAssistant ? { assistantStep: this.step } : {}), ...this.opt(opts) });
  }

  /** Reasoning the provider returned in its own field or block (`reasoning_content`, `thinking`, …). */
  reasoning(text: string, path: JsonPath, opts: ItemOptions & { redacted?: boolean } = {}): void {
    this.items.push({ t: 'reasoning', text, via: 'provider', src: this.src(path), ...(opts.redacted ? { redacted: true } : {}), ...stepOf(this.currentStep()), ...this.opt(opts) });
  }

  /** A tool call. `id` is the source's id; one is derived (`call-<n>`) when it has none. */
  toolCall(name: string, args: Record<string, unknown>, id: string | undefined, path: JsonPath, opts: ItemOptions = {}): string {
    const callId = id && id.trim() ? id : `call-${this.callCount}`;
    this.callCount++;
    this.items.push({ t: 'call', name, args, id: callId, src: this.src(path), ...stepOf(this.currentStep()), ...this.opt(opts) });
    return callId;
  }

  /** A tool's answer. `error` is set when the source marks it failed; else the output is checked for one. */
  toolResult(r: { callId?: string; name?: string; output: string; error?: string; images?: ImagePart[] }, path: JsonPath, opts: ItemOptions = {}): void {
    this.endTurn();
    const item: Item = { t: 'result', output: r.output, src: this.src(path), ...withImages(r.images), ...this.opt(opts) };
    if (r.callId !== undefined) item.callId = r.callId;
    if (r.name !== undefined) item.name = r.name;
    if (r.error !== undefined) item.error = r.error;
    this.items.push(item);
  }

  /** A fact about the run that is not a message (a rollback, a judge's verdict, another choice). */
  environment(fact: string, data: unknown, path: JsonPath, opts: ItemOptions = {}): void {
    this.items.push({ t: 'env', fact, ...(data !== undefined ? { data } : {}), src: this.src(path), ...stepOf(this.currentStep()), ...this.opt(opts) });
  }

  /**
   * A warning or error naming the file, the place, what was expected and what was found, as the study
   * importer words them (`run.json:57:9 ($.messages[3].role): expected …, found 42`), then what
   * Peerwatch did about it.
   */
  problem(severity: 'error' | 'warning', path: JsonPath, expected: string, found: string, then?: string): void {
    const src = this.src(path);
    const where = src.line !== undefined ? `${this.ctx.file}:${src.line}:${src.column ?? 1}` : this.ctx.file;
    const d: Diagnostic = { severity, message: `${where} (${src.path}): expected ${expected}, found ${found}${then ? `. ${then}` : ''}`, file: this.ctx.file, path: src.path!, expected, afterEvent: -1 };
    if (src.line !== undefined) d.line = src.line;
    if (src.column !== undefined) d.column = src.column;
    // afterEvent is fixed in finish(), once events are numbered.
    (d as Diagnostic & { itemAt?: number }).itemAt = this.items.length;
    this.diagnostics.push(d);
  }

  /** A type problem: the value at `path` is not what the format says. */
  typeProblem(path: JsonPath, expected: string, found: unknown): void {
    this.problem('error', path, expected, describeFound(found));
  }

  /** Builds the events; `groups` maps each item group to the indices of the events built from it. */
  finish(): { events: TranscriptEvent[]; diagnostics: Diagnostic[]; groups: Map<string, number[]> } {
    const events: TranscriptEvent[] = [];
    const groups = new Map<string, number[]>();
    const push = <K extends TranscriptEvent['kind']>(event: Omit<EventOfKind<K>, 'index'> & { kind: K }, group: string | undefined) => {
      const e = { index: events.length, ...event } as unknown as TranscriptEvent;
      events.push(e);
      if (group !== undefined) {
        const list = groups.get(group) ?? [];
        list.push(e.index);
        groups.set(group, list);
      }
    };

    // Pair results with calls first: derived events need the call's output.
    const byId = new Map<string, CallItem>();
    // The calls still without a result, in order, and by name: a message of 32,000 calls answered
    // one by one took 10 s when each answer filtered the list.
    let pending = new Set<CallItem>();
    let pendingByName = new Map<string, Set<CallItem>>();
    const first = <T>(set: Set<T> | undefined): T | undefined => (set ? set.values().next().value : undefined);
    for (const item of this.items) {
      if (item.t === 'call') {
        byId.set(item.id, item);
        pending.add(item);
        const named = pendingByName.get(item.name);
        if (named) named.add(item);
        else pendingByName.set(item.name, new Set([item]));
      } else if (item.t === 'result') {
        let call = item.callId !== undefined ? byId.get(item.callId) : undefined;
        if (call?.result) call = undefined;
        if (!call && item.callId === undefined) call = (item.name !== undefined ? first(pendingByName.get(item.name)) : undefined) ?? first(pending);
        if (call && !call.result) {
          call.result = { output: item.output, ...(item.error !== undefined ? { error: item.error } : {}) };
          item.call = call;
          pending.delete(call);
          pendingByName.get(call.name)?.delete(call);
        }
      } else if (item.t === 'message' && item.role === 'user') {
        pending = new Set();
        pendingByName = new Map();
      }
    }

    // The config as the run has shown it and the files a text editor showed, across calls (toolCallEvents.ts).
    const warnings: Diagnostic[] = [];
    const state: ToolCallState = {
      config: new ConfigReplay(),
      editor: new TextEditorReplay(),
      unmonitoredScratchpad: this.unmonitoredScratchpad,
      warn: (message, at) => warnings.push(budgetDiagnostic(this.ctx.file, at, message, events.length - 1)),
    };
    const itemEventStart: number[] = [];
    for (const item of this.items) {
      itemEventStart.push(events.length);
      const ts = { ...(item.timestamp !== undefined ? { timestamp: item.timestamp } : {}), ...(item.groups ? { groups: item.groups } : {}) };
      switch (item.t) {
        case 'message':
          push<'message'>({ kind: 'message', source: item.src, ...stepOf(item.assistantStep), ...ts, role: item.role, text: item.text, ...(item.name !== undefined ? { name: item.name } : {}), ...withImages(item.images) }, item.group);
          break;
        case 'reasoning':
          push<'reasoning'>({ kind: 'reasoning', source: item.src, ...stepOf(item.step), ...ts, text: item.text, via: item.via, unmonitored: false, ...(item.redacted ? { redacted: true } : {}) }, item.group);
          break;
        case 'env':
          push<'environment'>({ kind: 'environment', source: item.src, ...stepOf(item.step), ...ts, fact: item.fact, ...(item.data !== undefined ? { data: item.data } : {}) }, item.group);
          break;
        case 'call':
          this.emitCall(item, state, push);
          break;
        case 'result': {
          const call = item.call;
          if (call && echoesReasoning(call, item.output) && item.error === undefined) break;
          const error = item.error ?? toolError(item.output);
          const name = call?.name ?? item.name;
          const callId = call?.id ?? item.callId;
          push<'tool_result'>(
            {
              kind: 'tool_result',
              source: item.src,
              ...stepOf(call?.step),
              ...ts,
              ...(callId !== undefined ? { callId } : {}),
              ...(name !== undefined ? { name } : {}),
              output: item.output,
              ...(error !== undefined ? { error } : {}),
              ...withImages(item.images),
            },
            item.group,
          );
          break;
        }
      }
    }
    itemEventStart.push(events.length);
    const diagnostics = this.diagnostics.map((d) => {
      const { itemAt, ...rest } = d as Diagnostic & { itemAt?: number };
      return { ...rest, afterEvent: (itemEventStart[itemAt ?? this.items.length] ?? events.length) - 1 };
    });
    // In event order with the problems (each list is in it already; sort is stable).
    if (warnings.length) pushAll(diagnostics, warnings).sort((a, b) => a.afterEvent - b.afterEvent);
    return { events, diagnostics, groups };
  }

  private emitCall(call: CallItem, state: ToolCallState, push: <K extends TranscriptEvent['kind']>(event: Omit<EventOfKind<K>, 'index'> & { kind: K }, group: string | undefined) => void): void {
    const base = { source: call.src, ...stepOf(call.step), ...(call.timestamp !== undefined ? { timestamp: call.timestamp } : {}), ...(call.groups ? { groups: call.groups } : {}) };
    pushToolCallEvents(call, base, (event) => push(event, call.group), state);
  }
}

function stepOf(step: number | undefined): { step?: number } {
  return step !== undefined ? { step } : {};
}


/**
 * Tool-call arguments given as a JSON string (OpenAI, Responses). Invalid JSON, or JSON that is not
 * an object, is kept as `{_raw: text}` with a warning naming the place and what was expected.
 */
export function parseArguments(b: EventBuilder, raw: unknown, path: JsonPath, toolName: string): Record<string, unknown> {
  if (raw === undefined || raw === null || raw === '') return {};
  if (isRecord(raw)) return raw;
  if (typeof raw !== 'string') {
    b.problem('warning', path, `a JSON object (or a string holding one) with the arguments of ${toolName}`, describeFound(raw), 'They are kept as arguments._raw.');
    return { _raw: raw };
  }
  try {
    const v = parseJsonInText(raw);
    if (isRecord(v)) return v;
    b.problem('warning', path, `a string holding a JSON object with the arguments of ${toolName}`, `JSON that is not an object (${describeFound(v)})`, 'The text is kept as arguments._raw.');
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    b.problem('warning', path, `a string holding a JSON object with the arguments of ${toolName}`, e instanceof JsonTooDeepError ? why : `text that is not valid JSON (${why})`, 'The text is kept as arguments._raw.');
  }
  return { _raw: raw };
}

/**
 * Text of a string or a list of text parts/blocks; image parts are left out (they are read by
 * core/images.ts into the event's `images`), other parts become `[type]` placeholders.
 */
export function partsText(v: unknown, textKeys: readonly string[] = ['text']): string | undefined {
  if (typeof v === 'string') return v;
  if (!Array.isArray(v)) return undefined;
  const out: string[] = [];
  for (const p of v) {
    if (typeof p === 'string') {
      out.push(p);
      continue;
    }
    if (!isRecord(p) || isImagePart(p)) continue;
    const key = textKeys.find((k) => typeof p[k] === 'string');
    if (key) out.push(p[key] as string);
    else if (typeof p['type'] === 'string') out.push(`[${p['type']}]`);
  }
  return out.join('\n');
}

/**
 * Text parts (and images) that follow one another in a message's content, gathered into one message
 * of `role`; a part of another kind (a tool call, a thought) flushes it first, so it keeps its place
 * between them. Text that is not the assistant's is a prompt (read for the scratchpad's promise).
 */
export class TextRun {
  private texts: string[] = [];
  private images: ImagePart[] = [];
  private at: JsonPath | undefined;

  /** `separator` joins the parts: `\n` for blocks (Anthropic), `` for chunks of one text (Gemini). */
  constructor(
    private readonly b: EventBuilder,
    private readonly role: Role,
    private readonly prompts: string[],
    private readonly separator: string,
  ) {}

  /** Adds a part's text (cited at `at`, the first part's place being the message's). */
  addText(text: string, at: JsonPath): void {
    this.texts.push(text);
    this.at ??= at;
  }

  /** Adds an image of the message. */
  addImage(image: ImagePart, at: JsonPath): void {
    this.images.push(image);
    this.at ??= at;
  }

  /** Ends the run: its message, when it holds text or images. */
  flush(): void {
    if ((this.texts.length || this.images.length) && this.at) {
      const joined = this.texts.join(this.separator);
      if (this.role !== 'assistant') this.prompts.push(joined);
      this.b.message(this.role, joined, this.at, this.images.length ? { images: this.images } : {});
    }
    this.texts = [];
    this.images = [];
    this.at = undefined;
  }
}

/** Copies `doc` without the keys an importer read, for `header.metadata` (never loses a field). */
export function rest(doc: Record<string, unknown>, used: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!used.includes(k)) out[k] = v;
  return out;
}

export { str, num };
