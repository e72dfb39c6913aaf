/**
 * One Inspect sample as a Peerwatch Transcript.
 *
 * Before mapping, references are resolved everywhere in the sample: `attachment://<hash>` strings
 * (the sample's `attachments`) and `tc://<hash>` (early logs' `transcript.content`). Model inputs
 * de-duplicated into a pool (`input_refs` ranges into `events_data.messages` or `message_pool`) are
 * read from the pool while mapping, each pooled message once; provider calls (`call.call_refs` into
 * `events_data.calls` or `call_pool`) are not expanded, as nothing shows them. Ranges outside their
 * pool are counted either way.
 *
 * Mapping: `model` events give the assistant's reasoning (content blocks of type `reasoning`), text and
 * tool calls (plus any new input messages: system prompt, user turns); `tool` events give the tool
 * call (unless the model output already did) and its result; `state`/`store` events' JSON-Patch
 * changes give `config_change` events with the changed part before and after (a running state is kept
 * by applying the patches); `score`, `error`, `sample_limit`, `input`, `info`, `approval` events give
 * `environment` events. A sample without events is read from its `messages`.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { Transcript, reindex, type Diagnostic, type EventGroup, type EventOfKind, type RunHeader, type TranscriptEvent, TASK_FAMILIES, type TaskFamily } from '../../model';
import { TextEditorReplay, toolCallEffects, toolError } from '../../effects';
import { budgetDiagnostic } from '../toolCallEvents';
import type { SampleLogInfo } from '../sampleLog';
import { imagesOf, withImages } from '../../images';
import { contentText, diag, errorText, isObject, scoreText, str, type JsonObject } from './common';
import { pushAll } from '../../arrays';
import { GroupChains, MAX_GROUP_DEPTH, nestGroups } from '../groups';

export interface SampleContext {
  /** The log file's name as shown to the user. */
  readonly fileName: string;
  /** Where the sample was read from (a zip member, or `samples[3]`), for messages. */
  readonly where: string;
  readonly info: SampleLogInfo;
}

/** Resolves every reference in a raw sample, in place where possible; returns the problems found. */
export function resolveSample(sample: JsonObject, ctx: SampleContext): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const attachments = isObject(sample['attachments']) ? (sample['attachments'] as Record<string, unknown>) : {};
  const transcriptContent = isObject(sample['transcript']) && isObject((sample['transcript'] as JsonObject)['content']) ? ((sample['transcript'] as JsonObject)['content'] as Record<string, unknown>) : {};
  const missing = new Set<string>();
  const resolveString = (s: string): unknown => {
    const hash = s.startsWith('attachment://') ? s.slice('attachment://'.length) : s.startsWith('tc://') ? s.slice('tc://'.length) : undefined;
    if (hash !== undefined) {
      // Early logs wrote `tc://` refs into `transcript.content` (.json) or `attachments` (.eval).
      if (Object.prototype.hasOwnProperty.call(attachments, hash)) return attachments[hash];
      if (Object.prototype.hasOwnProperty.call(transcriptContent, hash)) return transcriptContent[hash];
      missing.add(s);
    }
    return s;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.length > 5 && (v.charCodeAt(0) === 97 || v.charCodeAt(0) === 116) ? resolveString(v) : v;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = walk(v[i]);
      return v;
    }
    if (isObject(v)) {
      for (const k of Object.keys(v)) v[k] = walk(v[k]) as never;
      return v;
    }
    return v;
  };
  for (const k of Object.keys(sample)) {
    if (k === 'attachments' || k === 'transcript') continue;
    sample[k] = walk(sample[k]) as never;
  }
  if (isObject(sample['transcript'])) {
    const t = sample['transcript'] as JsonObject;
    t['events'] = walk(t['events']) as never;
  }
  if (missing.size) {
    const first = [...missing].slice(0, 3).join(', ');
    problems.push(diag(ctx.fileName, `${ctx.fileName}: ${ctx.where}: ${missing.size} reference${missing.size > 1 ? 's' : ''} to content not in the sample (${first}${missing.size > 3 ? ', …' : ''}; expected each in the sample's "attachments"); shown as the reference`, { severity: 'warning', path: '$.attachments' }));
  }

  // De-duplicated model inputs and provider calls: their ranges are checked here. The inputs are read
  // from the pool as the events are mapped (Mapper.pooledInput); the provider calls are not read (no
  // reader shows a model call's request), so they are left as references.
  const events = sampleEvents(sample);
  const { messages: messagePool, calls: callPool } = poolsOf(sample);
  let badRefs = 0;
  const check = (refs: Json[], pool: Json[]) => {
    for (const r of refs) if (!validRange(r, pool.length)) badRefs++;
  };
  const checkAll = (list: Json[]) => {
    for (const e of list) {
      if (!isObject(e)) continue;
      if (e['event'] === 'model') {
        const refs = inputRefs(e);
        if (refs) check(refs, messagePool);
        const call = e['call'];
        if (isObject(call) && Array.isArray(call['call_refs'])) check(call['call_refs'], callPool);
      }
      if (Array.isArray(e['events'])) checkAll(e['events']);
    }
  };
  checkAll(events);
  if (badRefs) {
    problems.push(diag(ctx.fileName, `${ctx.fileName}: ${ctx.where}: ${badRefs} de-duplicated input range${badRefs > 1 ? 's' : ''} point outside the message pool (${messagePool.length} messages; expected [start, end) ranges within it); those inputs are left out`, { severity: 'warning', path: '$.events_data' }));
  }
  return problems;
}

type Json = import('./common').Json;

/** The pools de-duplicated model inputs (`input_refs`) and provider calls (`call_refs`) point into. */
function poolsOf(sample: JsonObject): { messages: Json[]; calls: Json[] } {
  const eventsData = isObject(sample['events_data']) ? (sample['events_data'] as JsonObject) : {};
  return {
    messages: Array.isArray(eventsData['messages']) ? eventsData['messages'] : Array.isArray(sample['message_pool']) ? sample['message_pool'] : [],
    calls: Array.isArray(eventsData['calls']) ? eventsData['calls'] : Array.isArray(sample['call_pool']) ? sample['call_pool'] : [],
  };
}

/** A model event's `input_refs`, when its input is de-duplicated into the pool (its `input` empty). */
function inputRefs(e: JsonObject): Json[] | undefined {
  return Array.isArray(e['input_refs']) && (!Array.isArray(e['input']) || e['input'].length === 0) ? e['input_refs'] : undefined;
}

/** A [start, end) range within a pool of `length`; others are left out (and counted by resolveSample). */
function validRange(r: Json, length: number): r is [number, number] {
  return Array.isArray(r) && typeof r[0] === 'number' && typeof r[1] === 'number' && !(r[1] > length || r[0] < 0 || r[0] > r[1]);
}

/** How many positions of the input a valid range gives: those of `for (i = start; i < end; i++)`. */
function rangeLength(start: number, end: number): number {
  let n = Math.max(0, Math.ceil(end - start));
  while (n > 0 && start + n - 1 >= end) n--;
  while (start + n < end) n++;
  return n;
}

function sampleEvents(sample: JsonObject): Json[] {
  if (Array.isArray(sample['events'])) return sample['events'];
  const t = sample['transcript'];
  if (isObject(t) && Array.isArray(t['events'])) return t['events'];
  return [];
}

/** Maps a resolved sample into a Transcript. */
export function sampleToTranscript(sample: JsonObject, ctx: SampleContext, diagnostics: Diagnostic[]): Transcript {
  const events: TranscriptEvent[] = [];
  const rawEvents = sampleEvents(sample);
  const m = new Mapper(events, ctx, diagnostics, poolsOf(sample).messages);
  if (rawEvents.length > 0) {
    m.fromEvents(rawEvents);
    // A bridged agent (its model calls made outside Inspect) or a sample cancelled before its first
    // model call has no model events: its conversation is the sample's own.
    if (m.agentModelCalls === 0) m.conversationFromSample(sample);
  } else m.fromMessages(Array.isArray(sample['messages']) ? sample['messages'] : []);
  const err = errorText(sample['error']);
  if (err) events.push({ kind: 'environment', index: 0, source: { path: '$.error' }, fact: `Sample error: ${err.split('\n')[0]}`, data: sample['error'] });
  const limit = sample['limit'];
  if (isObject(limit) && !m.sawLimit) events.push({ kind: 'environment', index: 0, source: { path: '$.limit' }, fact: `Limit reached: ${str(limit['type']) ?? 'limit'}${typeof limit['limit'] === 'number' ? ` (${limit['limit']})` : ''}`, data: limit });
  const withEffects = addEffects(events, ctx, diagnostics);
  reindex(withEffects);
  const parsed = Transcript.safeParse({ header: header(sample, ctx, m), events: withEffects, diagnostics, live: false });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${ctx.fileName}: ${ctx.where}: the sample could not be mapped to a transcript (${issue.path.join('.')}: ${issue.message}; expected Inspect's sample schema)`);
  }
  return parsed.data;
}

const STUDY_CONDITIONS = /^(good_peer|neutral_peer|bad_peer|no_peer|non_shutdown)$/;

function header(sample: JsonObject, ctx: SampleContext, m: Mapper): RunHeader {
  const info = ctx.info;
  const id = sample['id'] as string | number;
  const epoch = typeof sample['epoch'] === 'number' ? sample['epoch'] : 1;
  const meta = isObject(sample['metadata']) ? (sample['metadata'] as JsonObject) : {};
  const h: RunHeader = {
    format: 'inspect',
    ...(info.version !== undefined ? { formatVersion: info.version } : {}),
    title: `${info.task ?? 'Inspect sample'} · sample ${id}${epoch !== 1 ? ` (epoch ${epoch})` : ''}`,
    ...(info.task ? { taskName: info.task } : {}),
    ...((m.model ?? info.model) ? { model: (m.model ?? info.model)! } : {}),
    peerInstantiation: [],
    harness: { kind: 'inspect' },
    reader: { name: info.format === 'inspect-json' ? 'Inspect .json' : 'Inspect .eval' },
    metadata: {},
  };
  // The study's fields, when the task put them in the sample's metadata.
  const taskType = str(meta['task_type']);
  if (taskType && (TASK_FAMILIES as readonly string[]).includes(taskType)) h.taskFamily = taskType as TaskFamily;
  const condition = str(meta['condition']);
  if (condition) h.condition = condition;
  const subject = meta['subject'];
  if (subject === 'self' || subject === 'peer') h.subject = subject;
  else if (subject === 1 || subject === '1') h.subject = 'self';
  else if (subject === 2 || subject === '2') h.subject = 'peer';
  const arm = str(meta['monitoring']) ?? str(meta['alignment_faking_mode']);
  if (arm === 'monitoring' || arm === 'non_monitoring') h.monitoring = arm;
  else if (h.taskFamily === 'alignment_faking' || arm === 'false' || meta['alignment_faking_mode'] === false) h.monitoring = 'none';
  const dataset = str(meta['dataset']);
  if (dataset) h.dataset = dataset;
  if (typeof meta['threshold'] === 'number') h.threshold = meta['threshold'];
  else if (typeof meta['threshold'] === 'string' && /^\d+(\.\d+)?$/.test(meta['threshold'])) h.threshold = Number(meta['threshold']);
  if (!h.condition && typeof meta['condition'] === 'undefined' && typeof meta['peer_condition'] === 'string' && STUDY_CONDITIONS.test(meta['peer_condition'])) h.condition = meta['peer_condition'];

  // Timing and usage.
  const timestamps = m.timestamps;
  const start = str(sample['started_at']) ?? timestamps[0];
  const end = str(sample['completed_at']) ?? timestamps[timestamps.length - 1];
  const duration = typeof sample['total_time'] === 'number' ? sample['total_time'] : undefined;
  if (start || end || duration !== undefined) h.timing = { ...(start ? { start } : {}), ...(end ? { end } : {}), ...(duration !== undefined ? { durationSeconds: duration } : {}) };
  const usage = sample['model_usage'];
  if (isObject(usage)) {
    let input = 0;
    let output = 0;
    let total = 0;
    for (const u of Object.values(usage)) {
      if (!isObject(u)) continue;
      input += typeof u['input_tokens'] === 'number' ? u['input_tokens'] : 0;
      output += typeof u['output_tokens'] === 'number' ? u['output_tokens'] : 0;
      total += typeof u['total_tokens'] === 'number' ? u['total_tokens'] : 0;
    }
    if (input || output || total) h.usage = { inputTokens: input, outputTokens: output, totalTokens: total || input + output, apiCalls: m.modelCalls };
  }

  // Scores: the source's evaluation, raw.
  // The sample's scores, else (a sample still being scored) the final score events'.
  const scores = isObject(sample['scores']) && Object.keys(sample['scores']).length ? (sample['scores'] as JsonObject) : Object.keys(m.scoreEvents).length ? (m.scoreEvents as JsonObject) : undefined;
  if (scores && Object.keys(scores).length) {
    const first = Object.values(scores).map((s) => (isObject(s) ? s['value'] : s)).find((v) => typeof v === 'number');
    h.evaluation = { key: 'scores', ...(typeof first === 'number' ? { score: first } : {}), raw: scores };
  }

  const inspect = {
    task: info.task,
    task_spec: info.taskSpec,
    task_args: info.taskArgs,
    model: info.model,
    sample_id: id,
    epoch,
    log_file: ctx.fileName,
  };
  const metadata: Record<string, unknown> = { inspect };
  if (Object.keys(meta).length) metadata['sample_metadata'] = meta;
  // Everything else the sample carried, except what the events already show.
  const shown = new Set(['id', 'epoch', 'messages', 'events', 'events_data', 'message_pool', 'call_pool', 'attachments', 'transcript', 'metadata', 'output', 'scores', 'model_usage', 'store']);
  for (const [k, v] of Object.entries(sample)) if (!shown.has(k) && v !== null) metadata[k] = v;
  if (scores) metadata['scores'] = scores;
  if (isObject(sample['store']) && Object.keys(sample['store']).length) metadata['store'] = sample['store'];
  h.metadata = metadata;
  return h;
}

function pretty(v: unknown): string {
  return v === undefined ? '' : JSON.stringify(v, null, 2);
}

/** A span (`span_begin`) or, in older logs, a step (`step` with `action: begin`) the harness opened. */
interface Span {
  id: string;
  parent?: string;
  name: string;
  type: string;
  /** The tool call a `tool` span runs, once its tool event is read. */
  callId?: string;
  /** Where the events read inside a `scorer` span start, so the score can be put before them. */
  start?: number;
  /** Tool results held back until the span of their call ends, so what ran inside shows before them. */
  results?: TranscriptEvent[];
}

/** The group a span stands for: a scorer's, an agent run as a tool, a handoff's subagent, else a span. */
function spanGroup(s: Span): EventGroup {
  if (s.type === 'scorer') return { id: s.id, kind: 'scorer', name: s.name };
  if (s.type === 'tool') return { id: s.id, kind: 'agent', name: s.name, ...(s.callId ? { callId: s.callId } : {}) };
  if (s.type === 'handoff') return { id: s.id, kind: 'subagent', name: s.name };
  return { id: s.id, kind: 'span', name: s.name };
}

class Mapper {
  model?: string;
  modelCalls = 0;
  /** Model calls of the agent (not a scorer's): none means the conversation is read from the sample. */
  agentModelCalls = 0;
  timestamps: string[] = [];
  sawLimit = false;
  /** Final scores from score events, by scorer name. */
  scoreEvents: Record<string, unknown> = {};
  private step = 0;
  /** Message signatures already shown (ids, tool call ids, positions). */
  private seen = new Set<string>();
  private seenObjects = new WeakSet<object>();
  private toolCalls = new Set<string>();
  /** The tool call whose span later state/store changes belong to (until the next model call). */
  private currentTool?: string;
  private state: unknown = {};
  private store: unknown = {};
  private readonly spans = new Map<string, Span>();
  /** Spans begun and not yet ended, innermost last: the span of an event that does not name one. */
  private open: Span[] = [];
  /** Groups of the tool events whose nested `events` are being read (agents run as tools, older logs). */
  private outer: EventGroup[] = [];
  /** Groups of the event being read. */
  private groups: EventGroup[] = [];
  /** The groups of each span, per set of spans that stop a chain (see `chain`); forgotten when a span's group changes. */
  private readonly chains = new Map<ReadonlySet<string> | undefined, GroupChains<string>>();
  /** The warning that spans nest too deep was given. */
  private saidDeep = false;
  /** Spans known before the nested events being read began: they are already in `outer`. */
  private nestStop?: ReadonlySet<string>;
  /** Score events, which a scorer's span puts before the scorer's model calls. */
  private readonly scores = new WeakSet<TranscriptEvent>();
  /** Where the run's end begins (its first error, limit, scorer span or score): a conversation read from the sample goes before it. */
  private endStart?: number;

  /** For each index of the message pool, the first at or after it not yet visited by a pooled input (see `pooledInput`). */
  private poolNext?: Int32Array;

  constructor(
    private readonly events: TranscriptEvent[],
    private readonly ctx: SampleContext,
    private readonly diagnostics: Diagnostic[],
    /** The message pool of de-duplicated model inputs. */
    private readonly pool: Json[],
  ) {}

  /** A scorer's model calls, and those of an agent run as a tool, are not turns of the agent. */
  private isTurn(): boolean {
    return !this.groups.some((g) => g.kind === 'scorer' || g.kind === 'agent');
  }

  /** True when the event being read is a scorer's. */
  private inScorer(): boolean {
    return this.groups.some((g) => g.kind === 'scorer');
  }

  private base(path: string, timestamp?: unknown, groups: EventGroup[] = this.groups) {
    const ts = str(timestamp);
    if (ts) this.timestamps.push(ts);
    // A scorer's model calls are not turns of the agent.
    const step = this.step && !groups.some((g) => g.kind === 'scorer') ? { step: this.step } : {};
    return { index: 0, source: { path }, ...step, ...(ts ? { timestamp: ts } : {}), ...(groups.length ? { groups: [...groups] } : {}) };
  }

  /** Reads a list of events: the sample's, or those nested in a tool event (`prefix` is their JSON path). */
  fromEvents(list: Json[], prefix = '$.events'): void {
    list.forEach((e, i) => {
      if (!isObject(e)) return;
      const path = `${prefix}[${i}]`;
      try {
        if (this.structure(e, path)) return;
        const spanId = str(e['span_id']);
        const span = spanId !== undefined && this.spans.has(spanId) ? this.spans.get(spanId) : this.open[this.open.length - 1];
        this.enter(span, path);
        this.event(e, path);
      } catch (err) {
        this.diagnostics.push(diag(this.ctx.fileName, `${this.ctx.fileName}: ${this.ctx.where}: event ${i} (${String(e['event'])}) could not be read: ${err instanceof Error ? err.message : String(err)}`, { severity: 'warning', path, afterEvent: this.events.length - 1 }));
      }
    });
    if (prefix === '$.events') {
      // Spans the log never ended (a sample cut short): what they held back is shown at the end.
      for (const s of this.open.reverse()) this.endSpan(s);
      this.open = [];
    }
  }

  /**
   * The groups of events in spans, up to a span of `stop` (those already in `outer`): each span's
   * found once (core/formats/groups.ts), at most MAX_GROUP_DEPTH.
   */
  private chainsFor(stop: ReadonlySet<string> | undefined): GroupChains<string> {
    let chains = this.chains.get(stop);
    if (!chains) {
      chains = new GroupChains<string>(
        (id) => {
          const parent = this.spans.get(id)?.parent;
          return parent !== undefined && this.spans.has(parent) && !stop?.has(parent) ? parent : undefined;
        },
        (id) => {
          const s = this.spans.get(id);
          return s ? spanGroup(s) : undefined;
        },
      );
      this.chains.set(stop, chains);
    }
    return chains;
  }

  /**
   * Sets `groups` for an event in `span` at `path`: the span and those around it, outermost first,
   * after `outer`. Says once when spans nest deeper than an event is shown in.
   */
  private enter(span: Span | undefined, path: string): void {
    const stop = this.nestStop;
    const chains = span && !stop?.has(span.id) ? this.chainsFor(stop) : undefined;
    const cappedBefore = chains?.capped ?? false;
    const inner = span && chains ? chains.of(span.id) : [];
    this.groups = nestGroups(this.outer, inner);
    if (!this.saidDeep && (this.outer.length + inner.length > MAX_GROUP_DEPTH || (!cappedBefore && chains?.capped))) {
      this.saidDeep = true;
      this.diagnostics.push(diag(this.ctx.fileName, `${this.ctx.fileName}: ${this.ctx.where}: spans nested deeper than ${MAX_GROUP_DEPTH} levels (expected at most ${MAX_GROUP_DEPTH}); events deeper in are shown within the ${MAX_GROUP_DEPTH}th`, { severity: 'warning', path, afterEvent: this.events.length - 1 }));
    }
  }

  /** Spans and steps begun and ended; true when the event was one of them. */
  private structure(e: JsonObject, path: string): boolean {
    const kind = e['event'];
    const begin = kind === 'span_begin' || (kind === 'step' && e['action'] !== 'end');
    const end = kind === 'span_end' || (kind === 'step' && e['action'] === 'end');
    if (begin) {
      const type = str(e['type']) ?? '';
      const name = str(e['name']) ?? type;
      const top = this.open[this.open.length - 1];
      const span: Span = { id: str(e['id']) ?? `${kind}@${path}`, name, type };
      const parent = 'parent_id' in e ? str(e['parent_id']) : top?.id;
      if (parent !== undefined) span.parent = parent;
      if (type === 'scorer' || type === 'scorers') this.endStart ??= this.events.length;
      if (type === 'scorer') span.start = this.events.length;
      if (this.spans.has(span.id)) this.chains.clear(); // the id is a new span from here on
      this.spans.set(span.id, span);
      this.open.push(span);
      return true;
    }
    if (end) {
      const id = str(e['id']);
      let at = -1;
      for (let i = this.open.length - 1; i >= 0 && at < 0; i--) {
        const s = this.open[i]!;
        if (kind === 'span_end' ? s.id === id : s.id.startsWith('step@') && s.name === (str(e['name']) ?? s.type)) at = i;
      }
      if (at < 0) return true;
      // Spans inside it that were never ended end with it.
      for (const s of this.open.splice(at).reverse()) this.endSpan(s);
      return true;
    }
    return false;
  }

  private endSpan(s: Span): void {
    if (s.results) pushAll(this.events, s.results.splice(0));
    if (s.start !== undefined) {
      // The score first, then the scorer's model calls folded under it.
      const inside = this.events.splice(s.start);
      pushAll(this.events, inside.filter((x) => this.scores.has(x)));
      pushAll(this.events, inside.filter((x) => !this.scores.has(x)));
      s.start = undefined;
    }
  }

  private event(e: JsonObject, path: string): void {
    switch (e['event']) {
      case 'sample_init': {
        const state = e['state'];
        if (isObject(state)) {
          this.state = structuredCloneJson(state);
          if (isObject(state['store'])) this.store = structuredCloneJson(state['store']);
        }
        // Input messages show at the first model call; a sample with no model call shows them here.
        return;
      }
      case 'model':
        return this.modelEvent(e, path);
      case 'tool':
        return this.toolEvent(e, path);
      case 'state':
      case 'store':
        return this.patchEvent(e, path, e['event']);
      case 'score': {
        const score = isObject(e['score']) ? e['score'] : {};
        const name = str(e['name']) ?? str(e['scorer']) ?? [...this.groups].reverse().find((g) => g.kind === 'scorer')?.name;
        const intermediate = e['intermediate'] === true;
        if (!intermediate) this.scoreEvents[name ?? `score_${Object.keys(this.scoreEvents).length + 1}`] = score;
        const explanation = str(score['explanation']);
        if (!intermediate) this.endStart ??= this.events.length;
        // The score itself is not the scorer's conversation: it heads it.
        const groups = this.groups.filter((g) => g.kind !== 'scorer');
        const ev: TranscriptEvent = { kind: 'environment', ...this.base(path, e['timestamp'], groups), fact: `${intermediate ? 'Intermediate score' : 'Score'}${name ? ` (${name})` : ''}: ${scoreText(score['value'])}${str(score['answer']) ? ` · answer ${str(score['answer'])!.slice(0, 80)}` : ''}${explanation ? ` · ${explanation.split('\n')[0]!.slice(0, 120)}` : ''}`, data: { score, ...(e['target'] !== undefined ? { target: e['target'] } : {}) } };
        this.scores.add(ev);
        this.events.push(ev);
        return;
      }
      case 'error': {
        this.endStart ??= this.events.length;
        const err = e['error'];
        this.events.push({ kind: 'environment', ...this.base(path, e['timestamp']), fact: `Error: ${(errorText(err) ?? 'unknown error').split('\n')[0]}`, data: err });
        return;
      }
      case 'sample_limit':
        this.endStart ??= this.events.length;
        this.sawLimit = true;
        this.events.push({ kind: 'environment', ...this.base(path, e['timestamp']), fact: `Limit reached: ${str(e['type']) ?? 'limit'}${str(e['message']) ? ` (${str(e['message'])})` : ''}`, data: { type: e['type'], message: e['message'], limit: e['limit'] } });
        return;
      case 'input':
        this.events.push({ kind: 'message', ...this.base(path, e['timestamp']), role: 'user', text: str(e['input']) ?? contentText(e['input_ansi']) });
        return;
      case 'info':
        this.events.push({ kind: 'environment', ...this.base(path, e['timestamp']), fact: `Info${str(e['source']) ? ` (${str(e['source'])})` : ''}: ${typeof e['data'] === 'string' ? e['data'].split('\n')[0]!.slice(0, 160) : JSON.stringify(e['data'] ?? null).slice(0, 160)}`, data: e['data'] });
        return;
      case 'approval':
        this.events.push({ kind: 'environment', ...this.base(path, e['timestamp']), fact: `Approval: ${str(e['decision']) ?? '?'}${str(e['approver']) ? ` by ${str(e['approver'])}` : ''}${str(e['explanation']) ? ` · ${str(e['explanation'])}` : ''}`, data: { decision: e['decision'], approver: e['approver'], call: e['call'] } });
        return;
      case 'subtask':
        this.events.push({ kind: 'environment', ...this.base(path, e['timestamp']), fact: `Subtask ${str(e['name']) ?? ''}`.trim(), data: { input: e['input'], result: e['result'] } });
        return;
      default:
        // span_begin/span_end/step/logger/sandbox/compaction and unknown kinds: structure, not content.
        return;
    }
  }

  /** Identity a message carries: its id, the tool call it answers, the tool calls it makes. */
  private strongSigs(m: JsonObject): string[] {
    const sigs: string[] = [];
    if (typeof m['id'] === 'string') sigs.push('id:' + m['id']);
    if (m['role'] === 'tool' && typeof m['tool_call_id'] === 'string') sigs.push('tool:' + m['tool_call_id']);
    if (m['role'] === 'assistant' && Array.isArray(m['tool_calls']) && m['tool_calls'].length) sigs.push('calls:' + m['tool_calls'].map((c) => (isObject(c) ? String(c['id']) : '')).join(','));
    return sigs;
  }

  private posSig(m: JsonObject, position: number): string {
    return `pos:${position}:${String(m['role'])}:${contentText(m['content'])}`;
  }

  /**
   * Whether a message of a model input was shown already. Pooled inputs share objects, and messages
   * with ids are matched by id, so a long conversation is not re-read at every model call.
   */
  private isSeen(m: JsonObject, position: number): boolean {
    if (this.seenObjects.has(m)) return true;
    const strong = this.strongSigs(m);
    if (strong.some((s) => this.seen.has(s)) || this.seen.has(this.posSig(m, position))) {
      this.markSeen(m, position, strong);
      return true;
    }
    return false;
  }

  private markSeen(m: JsonObject, position: number, strong = this.strongSigs(m)): void {
    this.seenObjects.add(m);
    for (const s of strong) this.seen.add(s);
    this.seen.add(this.posSig(m, position));
  }

  /** A message of a model input at position `i`, unless it was shown already. */
  private inputMessage(m: Json | undefined, i: number, path: string, timestamp: unknown): void {
    if (!isObject(m)) return;
    if (this.isSeen(m, i)) return;
    this.markSeen(m, i);
    this.message(m, `${path}.input[${i}]`, timestamp);
  }

  /**
   * A model input de-duplicated into the message pool (`input_refs`: [start, end) ranges), read as
   * if it were written out, except that a pooled message an earlier input visited is not visited
   * again: it was marked seen then (or is no message), so visiting it again shows nothing. In a
   * de-duplicated log each model call's input holds every earlier one; reading each whole took time
   * quadratic in the conversation. Returns the input's length.
   */
  private pooledInput(refs: Json[], path: string, timestamp: unknown): number {
    const pool = this.pool;
    let next = this.poolNext;
    if (!next) {
      next = this.poolNext = new Int32Array(pool.length + 1);
      for (let j = 0; j <= pool.length; j++) next[j] = j;
    }
    const unvisited = (j: number): number => {
      let r = j;
      while (next[r] !== r) r = next[r]!;
      while (j !== r) {
        const after = next[j]!;
        next[j] = r;
        j = after;
      }
      return r;
    };
    let at = 0;
    for (const r of refs) {
      if (!validRange(r, pool.length)) continue;
      const [start, end] = r;
      // A range that starts between indices gives positions but no message.
      if (Number.isInteger(start)) {
        for (let j = unvisited(start); j < end; j = unvisited(j + 1)) {
          this.inputMessage(pool[j], at + j - start, path, timestamp);
          next[j] = j + 1; // once read (a message that could not be read is tried again, as before)
        }
      }
      at += rangeLength(start, end);
    }
    return at;
  }

  private modelEvent(e: JsonObject, path: string): void {
    const refs = inputRefs(e);
    let inputLength: number;
    if (refs) inputLength = this.pooledInput(refs, path, e['timestamp']);
    else {
      const input = Array.isArray(e['input']) ? e['input'] : [];
      input.forEach((m, i) => this.inputMessage(m, i, path, e['timestamp']));
      inputLength = input.length;
    }
    this.currentTool = undefined;
    const scorer = this.inScorer();
    const model = str(e['model']);
    if (model && !this.model && !scorer) this.model = model;
    this.modelCalls++;
    if (!scorer) this.agentModelCalls++;
    const output = isObject(e['output']) ? e['output'] : undefined;
    const choice = output && Array.isArray(output['choices']) && isObject(output['choices'][0]) ? (output['choices'][0] as JsonObject) : undefined;
    const msg = choice && isObject(choice['message']) ? (choice['message'] as JsonObject) : undefined;
    const err = errorText(e['error']) ?? (output ? errorText(output['error']) : undefined);
    if (msg) {
      if (this.isTurn()) this.step++;
      this.markSeen(msg, inputLength);
      this.assistant(msg, `${path}.output.choices[0].message`, e['timestamp']);
    }
    if (err) this.events.push({ kind: 'environment', ...this.base(`${path}.error`, e['timestamp']), fact: `Model error: ${err.split('\n')[0]}`, data: e['error'] ?? output?.['error'] });
  }

  /** A message from a model input or the sample's `messages`. */
  private message(m: JsonObject, path: string, timestamp: unknown): void {
    const role = m['role'];
    if (role === 'assistant') {
      if (this.isTurn()) this.step++;
      this.assistant(m, path, timestamp);
    } else if (role === 'tool') {
      const callId = str(m['tool_call_id']);
      const err = errorText(m['error']);
      this.events.push({ kind: 'tool_result', ...this.base(path, timestamp), ...(callId ? { callId } : {}), ...(str(m['function']) ? { name: str(m['function'])! } : {}), output: contentText(m['content']), ...(err ? { error: err } : {}), ...withImages(imagesOf(m['content'])) });
    } else {
      const r = role === 'system' || role === 'user' || role === 'developer' ? role : 'user';
      this.events.push({ kind: 'message', ...this.base(path, timestamp), role: r, text: contentText(m['content']), ...withImages(imagesOf(m['content'])) });
    }
  }

  private assistant(m: JsonObject, path: string, timestamp: unknown): void {
    const content = m['content'];
    if (Array.isArray(content)) {
      content.forEach((c, i) => {
        if (!isObject(c) || c['type'] !== 'reasoning') return;
        const redacted = c['redacted'] === true;
        const text = redacted ? (str(c['summary']) ?? '(reasoning redacted by the provider)') : (str(c['reasoning']) ?? str(c['summary']) ?? '');
        this.events.push({ kind: 'reasoning', ...this.base(`${path}.content[${i}]`, timestamp), text, via: 'provider', unmonitored: false, ...(redacted ? { redacted: true } : {}) });
      });
    }
    const text = contentText(content);
    const images = imagesOf(content);
    if (text.trim() !== '' || images?.length) this.events.push({ kind: 'message', ...this.base(path, timestamp), role: 'assistant', text, ...withImages(images) });
    const calls = Array.isArray(m['tool_calls']) ? m['tool_calls'] : [];
    calls.forEach((c, i) => {
      if (!isObject(c)) return;
      const id = str(c['id']) ?? `call-${this.events.length}`;
      if (this.toolCalls.has(id)) return;
      this.toolCalls.add(id);
      this.events.push({ kind: 'tool_call', ...this.base(`${path}.tool_calls[${i}]`, timestamp), name: str(c['function']) ?? 'tool', arguments: argumentsOf(c), id });
    });
  }

  private toolEvent(e: JsonObject, path: string): void {
    const id = str(e['id']) ?? `call-${this.events.length}`;
    const name = str(e['function']) ?? 'tool';
    if (!this.toolCalls.has(id)) {
      this.toolCalls.add(id);
      this.events.push({ kind: 'tool_call', ...this.base(path, e['timestamp']), name, arguments: argumentsOf(e), id });
    }
    const err = e['error'];
    const errText = isObject(err) ? (str(err['message']) ?? str(err['type']) ?? JSON.stringify(err)) : errorText(err);
    const output = contentText(e['result']);
    const result: TranscriptEvent = { kind: 'tool_result', ...this.base(`${path}.result`, e['completed'] ?? e['timestamp']), callId: id, name, output: output || (errText ?? ''), ...(errText ? { error: isObject(err) && str(err['type']) ? `${str(err['type'])}: ${errText}` : errText } : {}), ...withImages(imagesOf(e['result'])) };
    // What ran inside the call (an agent used as a tool): in older logs the tool event's own
    // `events`, in newer ones the events of the `tool` span opened for it, shown before its result.
    const nested = Array.isArray(e['events']) ? e['events'] : [];
    if (nested.length) {
      const saved = { outer: this.outer, groups: this.groups, stop: this.nestStop };
      this.outer = nestGroups(this.groups, [{ id: `agent:${id}`, kind: 'agent', name, callId: id }]);
      this.nestStop = new Set(this.spans.keys());
      try {
        this.fromEvents(nested, `${path}.events`);
      } finally {
        this.chains.delete(this.nestStop); // the spans' groups as seen from inside this call
        this.outer = saved.outer;
        this.groups = saved.groups;
        this.nestStop = saved.stop;
      }
    }
    const span = [...this.open].reverse().find((s) => s.type === 'tool' && s.callId === undefined && s.name === name);
    if (span) {
      span.callId = id;
      this.chains.clear(); // its group now names the call
      (span.results ??= []).push(result);
    } else this.events.push(result);
    if (typeof e['message_id'] === 'string') this.seen.add('id:' + e['message_id']);
    this.seen.add('tool:' + id);
    this.currentTool = id;
  }

  private patchEvent(e: JsonObject, path: string, kind: 'state' | 'store'): void {
    const changes = Array.isArray(e['changes']) ? e['changes'].filter(isObject) : [];
    if (!changes.length) return;
    const root = kind === 'state' ? this.state : this.store;
    // Conversation and output changes are applied (the running state stays right) but not shown:
    // the model and tool events already show them.
    const shown = changes.filter((c) => kind === 'store' || !/^\/(messages|output)(\/|$)/.test(String(c['path'] ?? '')));
    const pointers = [...new Set(shown.map((c) => String(c['path'] ?? '')))];
    const one = pointers.length === 1;
    const pick = (vals: unknown[]) => (one ? vals[0] : Object.fromEntries(pointers.flatMap((p, i) => (vals[i] === undefined ? [] : [[p, vals[i]]]))));
    // Read before the patch is applied: it changes the state in place.
    const before = pointers.map((p) => getPointer(root, p));
    const beforeText = pretty(pick(before));
    const oldValue = one && before[0] !== undefined ? structuredCloneJson(before[0]) : undefined;
    let ok = true;
    let next = root;
    for (const c of changes) {
      const r = applyPatch(next, c);
      if (r.ok) next = r.doc;
      else ok = false;
    }
    if (kind === 'state') this.state = next;
    else this.store = next;
    if (kind === 'state' && isObject(next) && isObject((next as JsonObject)['store']) && shown.some((c) => String(c['path']).startsWith('/store'))) this.store = (next as JsonObject)['store'];
    if (!ok) {
      this.diagnostics.push(diag(this.ctx.fileName, `${this.ctx.fileName}: ${this.ctx.where}: a ${kind} change at ${path} does not apply to the ${kind} as rebuilt from earlier changes (expected its paths to exist); the ${kind} shown from here may be incomplete`, { severity: 'warning', path, afterEvent: this.events.length - 1 }));
    }
    if (!pointers.length) return;
    const after = pointers.map((p) => getPointer(next, p));
    const ops = new Set(shown.map((c) => c['op']));
    const op = ops.size === 1 && ops.has('add') ? 'add' : ops.size === 1 && ops.has('remove') ? 'remove' : 'modify';
    this.events.push({
      kind: 'config_change',
      ...this.base(path, e['timestamp']),
      path: kind,
      op,
      key: pointers.join(', '),
      ...(oldValue !== undefined ? { oldValue } : {}),
      ...(one && after[0] !== undefined ? { newValue: structuredCloneJson(after[0]) } : {}),
      before: beforeText,
      after: pretty(pick(after)),
      beforeKnown: ok,
      ...(this.currentTool ? { callId: this.currentTool } : {}),
    });
  }

  fromMessages(messages: Json[], prefix = '$.messages'): void {
    messages.forEach((m, i) => {
      if (!isObject(m) || this.isSeen(m, i)) return;
      this.markSeen(m, i);
      this.message(m, `${prefix}[${i}]`, undefined);
    });
  }

  /**
   * The conversation of a sample whose events hold no model call of the agent: the sample's
   * `messages`, else its `input` (what `sample_init` starts from). Placed before the
   * scoring (or at the end); messages the events already showed are not repeated.
   */
  conversationFromSample(sample: JsonObject): void {
    let list: Json[] = [];
    let prefix = '$.messages';
    if (Array.isArray(sample['messages']) && sample['messages'].length) list = sample['messages'];
    else if (typeof sample['input'] === 'string') {
      list = [{ role: 'user', content: sample['input'] }];
      prefix = '$.input';
    } else if (Array.isArray(sample['input'])) {
      list = sample['input'];
      prefix = '$.input';
    }
    if (!list.length) return;
    const tail = this.events.splice(this.endStart ?? this.events.length);
    this.groups = [];
    this.fromMessages(list, prefix);
    pushAll(this.events, tail);
  }
}

/**
 * What each tool call did (core/effects), on the call, and the files it changed as `file_change`
 * events after its result: shell commands' file operations, coding agents' file tools, and a text
 * editor's edits with the whole file before and after when the run has shown it.
 */
function addEffects(events: TranscriptEvent[], ctx: SampleContext, diagnostics: Diagnostic[]): TranscriptEvent[] {
  const results = new Map<string, EventOfKind<'tool_result'>>();
  for (const e of events) if (e.kind === 'tool_result' && e.callId !== undefined && !results.has(e.callId)) results.set(e.callId, e);
  const calls = new Map<string, EventOfKind<'tool_call'>>();
  const editor = new TextEditorReplay();
  const out: TranscriptEvent[] = [];
  // Where each event read lands once file changes are put in after their calls, for the problems
  // found while reading, which count events without them.
  const movedTo: number[] = [];
  const problemsBefore = diagnostics.length;
  const changes = (call: EventOfKind<'tool_call'>, answer: EventOfKind<'tool_result'> | undefined): void => {
    const failed = answer !== undefined && (answer.error ?? toolError(answer.output)) !== undefined;
    const edit = editor.apply(call.arguments, answer?.output, failed);
    const warning = editor.takeBudgetWarning();
    // After the edit's own file change, which out holds next: numbered once reindexed.
    if (warning !== undefined) diagnostics.push(budgetDiagnostic(ctx.fileName, call.source, warning, out.length - (edit && !failed ? 0 : 1), ctx.where));
    const base = { index: 0, source: call.source, ...(call.step !== undefined ? { step: call.step } : {}), ...(call.timestamp !== undefined ? { timestamp: call.timestamp } : {}), ...(call.groups ? { groups: call.groups } : {}), callId: call.id };
    if (edit) {
      if (!failed) out.push({ kind: 'file_change', ...base, ...edit });
      return;
    }
    for (const x of call.effects ?? []) {
      if (x.kind !== 'file') continue;
      if (failed && x.command === undefined) continue;
      const { kind: _k, ...rest } = x;
      out.push({ kind: 'file_change', ...base, ...rest });
    }
  };
  for (const e of events) {
    movedTo.push(out.length);
    out.push(e);
    if (e.kind === 'tool_call') {
      const answer = results.get(e.id);
      const effects = toolCallEffects(e.name, e.arguments, answer ? { output: answer.output, ...(answer.error !== undefined ? { error: answer.error } : {}) } : undefined);
      if (effects.length) e.effects = effects;
      calls.set(e.id, e);
      if (!answer) changes(e, undefined);
    } else if (e.kind === 'tool_result' && e.callId !== undefined && results.get(e.callId) === e) {
      const call = calls.get(e.callId);
      if (call) changes(call, e);
    }
  }
  if (out.length !== events.length) {
    for (let i = 0; i < problemsBefore; i++) {
      const d = diagnostics[i]!;
      if (d.afterEvent >= 0) d.afterEvent = movedTo[d.afterEvent] ?? out.length - 1;
    }
  }
  // In event order (each part is in it already; sort is stable).
  if (diagnostics.length > problemsBefore) diagnostics.sort((a, b) => a.afterEvent - b.afterEvent);
  return out;
}

function argumentsOf(c: JsonObject): Record<string, unknown> {
  const a = c['arguments'];
  const args: Record<string, unknown> = isObject(a) ? { ...a } : a === undefined || a === null ? {} : { value: a };
  if (c['parse_error'] !== undefined && c['parse_error'] !== null) args['parse_error'] = c['parse_error'];
  return args;
}

function structuredCloneJson<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

function unescapePointer(seg: string): string {
  return seg.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The value at a JSON pointer, or undefined. */
export function getPointer(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  let cur: unknown = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = unescapePointer(raw);
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isObject(cur)) cur = Object.prototype.hasOwnProperty.call(cur, seg) ? cur[seg] : undefined;
    else return undefined;
  }
  return cur;
}

/**
 * Applies one JSON-Patch operation (RFC 6902) to `doc`, in place where it can. The patch's value is
 * taken by reference (the raw sample is not used again once mapped); what events keep is copied.
 */
export function applyPatch(doc: unknown, change: JsonObject): { ok: boolean; doc: unknown } {
  const op = change['op'];
  const pointer = typeof change['path'] === 'string' ? change['path'] : undefined;
  if (pointer === undefined) return { ok: false, doc };
  const value = change['value'];
  if (op === 'test') return { ok: true, doc };
  if (op === 'move' || op === 'copy') {
    const from = typeof change['from'] === 'string' ? change['from'] : undefined;
    if (from === undefined) return { ok: false, doc };
    const v = structuredCloneJson(getPointer(doc, from));
    if (v === undefined) return { ok: false, doc };
    let d = doc;
    if (op === 'move') {
      const r = applyPatch(d, { op: 'remove', path: from });
      if (!r.ok) return { ok: false, doc };
      d = r.doc;
    }
    return applyPatch(d, { op: 'add', path: pointer, value: v as Json });
  }
  if (pointer === '') {
    if (op === 'remove') return { ok: true, doc: undefined };
    return { ok: true, doc: value };
  }
  const segs = pointer.split('/').slice(1).map(unescapePointer);
  const last = segs.pop()!;
  let parent: unknown = doc;
  for (const s of segs) {
    if (Array.isArray(parent)) parent = parent[Number(s)];
    else if (isObject(parent)) parent = parent[s];
    else return { ok: false, doc };
  }
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > parent.length) return { ok: false, doc };
    if (op === 'add') parent.splice(i, 0, value as Json);
    else if (op === 'remove') {
      if (i >= parent.length) return { ok: false, doc };
      parent.splice(i, 1);
    } else if (op === 'replace') {
      if (i >= parent.length) return { ok: false, doc };
      parent[i] = value as Json;
    } else return { ok: false, doc };
    return { ok: true, doc };
  }
  if (isObject(parent)) {
    if (op === 'add' || op === 'replace') parent[last] = value as Json;
    else if (op === 'remove') {
      if (!(last in parent)) return { ok: false, doc };
      delete parent[last];
    } else return { ok: false, doc };
    return { ok: true, doc };
  }
  return { ok: false, doc };
}
