/**
 * A compact, incremental, byte-level index of a Peerwatch run log (docs/runlog-format.md), so a host
 * can open a log of a gigabyte without holding its events in memory.
 *
 * The host reads the file in chunks and `push`es them in order. Every complete line is JSON-parsed
 * once (that finds damaged lines and reads `kind`, `name` and `step`), but event lines are not
 * validated against the model here: that is the expensive part, and it happens when an event is
 * materialized from its bytes with `RunlogIndex.decodeEvent`. The header and end records (one each)
 * are validated as `RunlogReader` does, and diagnostics carry the same messages.
 *
 * Per event the index keeps a few numbers in typed arrays grown by doubling (byte start, byte length,
 * line number, kind code, interned tool id, step): about 23 bytes an event, no objects.
 *
 * Differences from `RunlogReader`, by design: an event line that is valid JSON but not a valid event
 * (say an unknown `kind`) is still counted as an event here (its `kindOf` is `undefined` when the kind
 * is unknown) and reported when decoded, so event positions are line positions among event records.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { z } from 'zod';
import { Diagnostic, EventGroup, RunHeader, TranscriptEvent } from '../model';
import { MAX_JSON_DEPTH, describeValue, nestsDeeperThan } from '../json/values';
import { describeZodIssue, zodPathText } from '../zodMessages';
import { RUNLOG_READER, RunlogEndRecord, jsonLineProblem, parseEventRecord, readFirstRecord, tooDeepLine } from './runlog';

type EventKind = TranscriptEvent['kind'];

/** Event kinds by code: `EVENT_KIND_CODES[code]` is the kind `kindOf` returns. */
export const EVENT_KIND_CODES: readonly EventKind[] = [
  'message',
  'reasoning',
  'tool_call',
  'tool_result',
  'config_change',
  'file_change',
  'environment',
];
/** Stored for an event line whose `kind` is not one of EVENT_KIND_CODES. */
const UNKNOWN_KIND = 255;
const KIND_CODE = new Map<unknown, number>(EVENT_KIND_CODES.map((k, i) => [k, i]));
const NO_STEP = -1;
const INITIAL_CAPACITY = 1024;

/** What finish() read provisionally, undone by the next push (the file may still be growing). */
interface Provisional {
  lineNo: number;
  count: number;
  diagnostics: number;
  headerSeen: boolean;
  headerRecord: RunHeader | undefined;
  ended: RunlogEndRecord | undefined;
  stopped: boolean;
}

/** The fields of an event line the index reads. */
type EventFields = { kind?: unknown; name?: unknown; step?: unknown; groups?: unknown };

type DecodeResult = { event: TranscriptEvent } | { diagnostic: Diagnostic };


export class RunlogIndex {
  // Per event (index = event position); entries at and past `count` are garbage.
  private starts = new Float64Array(INITIAL_CAPACITY);
  private lengths = new Uint32Array(INITIAL_CAPACITY);
  private lines = new Uint32Array(INITIAL_CAPACITY);
  private kinds = new Uint8Array(INITIAL_CAPACITY);
  /** 0: no tool; otherwise 1 + index into toolTable. Widened to 32 bits past 65535 tools. */
  private tools: Uint16Array | Uint32Array = new Uint16Array(INITIAL_CAPACITY);
  private steps = new Int32Array(INITIAL_CAPACITY);
  /** 0: in no group; otherwise 1 + index into groupTable (events of one group share its entry). */
  private groupSets = new Uint32Array(INITIAL_CAPACITY);
  private n = 0;

  private groupTable: EventGroup[][] = [];
  private groupTableIds = new Map<string, number>();

  private toolTable: string[] = [];
  private toolIds = new Map<string, number>();
  private toolCounts: number[] = [];
  private kindCountsByCode = new Array<number>(EVENT_KIND_CODES.length).fill(0);
  /** Counts of event lines whose kind is unknown, by the kind as written. */
  private unknownKinds = new Map<string, number>();
  /** The unknown kind added last (for undoing finish()'s provisional line). */
  private lastUnknownKind: string | undefined;

  /** Bytes of the current incomplete last line, in arrival order (joined when the line completes). */
  private pendingParts: Uint8Array[] = [];
  private pendingBytes = 0;
  /** File offset of the first pending byte (= offset after the last complete line). */
  private consumed = 0;
  private pushed = 0;
  private lineNo = 0;

  private headerSeen = false;
  private headerRecord: RunHeader | undefined;
  private ended: RunlogEndRecord | undefined;
  /** The header names a version this Peerwatch cannot read: no events are indexed then. */
  private stopped = false;
  private readonly diags: Diagnostic[] = [];
  private provisional: Provisional | undefined;

  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  constructor(readonly fileName: string) {}

  // ----------------------------------------------------------------------------------------------
  // Reading

  /** The next bytes of the file, in order. Complete lines are indexed; a trailing partial line waits. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.provisional) this.undoProvisional();
    const base = this.pushed;
    this.pushed += chunk.length;
    let pos = 0;
    if (this.pendingBytes > 0) {
      const nl = chunk.indexOf(10, pos);
      if (nl < 0) {
        this.pendingParts.push(copyOf(chunk, pos));
        this.pendingBytes += chunk.length - pos;
        return;
      }
      const line = this.joinPending(chunk.subarray(pos, nl));
      this.lineAt(line, 0, line.length, this.consumed);
      this.consumed = base + nl + 1;
      pos = nl + 1;
    }
    // Complete lines straight out of the chunk: no copies.
    if (this.stopped) {
      // A newer schema version: nothing more is indexed, lines are only counted.
      for (;;) {
        const nl = chunk.indexOf(10, pos);
        if (nl < 0) break;
        this.lineNo++;
        pos = nl + 1;
      }
      this.consumed = base + pos;
    } else {
      for (;;) {
        const nl = chunk.indexOf(10, pos);
        if (nl < 0) break;
        this.lineAt(chunk, pos, nl, base + pos);
        pos = nl + 1;
      }
      this.consumed = base + pos;
    }
    if (pos < chunk.length) {
      // The host may reuse its buffer: keep a copy of the partial line.
      this.pendingParts.push(copyOf(chunk, pos));
      this.pendingBytes += chunk.length - pos;
    }
  }

  /**
   * The file is complete for now. A last line without a newline is read, provisionally: a cut-off
   * record is reported as RunlogReader reports it, and a missing header too. If more bytes are pushed
   * later, that reading is undone and the line is read again when its newline arrives.
   */
  finish(): void {
    if (this.provisional) return;
    this.provisional = {
      lineNo: this.lineNo,
      count: this.n,
      diagnostics: this.diags.length,
      headerSeen: this.headerSeen,
      headerRecord: this.headerRecord,
      ended: this.ended,
      stopped: this.stopped,
    };
    if (this.pendingBytes > 0) {
      const line = this.joinPending();
      this.lineAt(line, 0, line.length, this.consumed, true);
    }
    if (!this.headerSeen && !this.diags.some((d) => d.severity === 'error')) {
      this.error(1, undefined, 'the log is empty', 'a header record on line 1');
    }
  }

  /** Forgets everything (the file was replaced). */
  reset(): void {
    this.starts = new Float64Array(INITIAL_CAPACITY);
    this.lengths = new Uint32Array(INITIAL_CAPACITY);
    this.lines = new Uint32Array(INITIAL_CAPACITY);
    this.kinds = new Uint8Array(INITIAL_CAPACITY);
    this.tools = new Uint16Array(INITIAL_CAPACITY);
    this.steps = new Int32Array(INITIAL_CAPACITY);
    this.groupSets = new Uint32Array(INITIAL_CAPACITY);
    this.groupTable = [];
    this.groupTableIds = new Map();
    this.n = 0;
    this.toolTable = [];
    this.toolIds = new Map();
    this.toolCounts = [];
    this.kindCountsByCode.fill(0);
    this.unknownKinds = new Map();
    this.lastUnknownKind = undefined;
    this.pendingParts = [];
    this.pendingBytes = 0;
    this.consumed = 0;
    this.pushed = 0;
    this.lineNo = 0;
    this.headerSeen = false;
    this.headerRecord = undefined;
    this.ended = undefined;
    this.stopped = false;
    this.diags.length = 0;
    this.provisional = undefined;
  }

  // ----------------------------------------------------------------------------------------------
  // What the index knows

  /** The run header (with the end record's evaluation when there is one), or an empty runlog header. */
  get header(): RunHeader {
    const base = this.headerRecord ?? RunHeader.parse({ format: 'runlog' });
    const header: RunHeader = { ...base, reader: base.reader ?? { name: RUNLOG_READER } };
    const evaluation = this.ended?.evaluation ?? header.evaluation;
    return evaluation ? { ...header, evaluation } : header;
  }

  get end(): RunlogEndRecord | undefined {
    return this.ended;
  }

  /** No end record (yet): the run may still be going. */
  get live(): boolean {
    return !this.ended;
  }

  /** Event records indexed. */
  get count(): number {
    return this.n;
  }

  /** File offset just after the last complete (newline-terminated) line consumed. */
  get bytesIndexed(): number {
    return this.consumed;
  }

  /** Every byte pushed so far (bytesIndexed plus the pending partial line). */
  get bytesPushed(): number {
    return this.pushed;
  }

  /** Lines seen so far (complete ones, plus the last one when finish() read it). */
  get lineCount(): number {
    return this.lineNo;
  }

  /** Bytes the per-event arrays take (their capacity), plus the pending partial line. */
  get memoryBytes(): number {
    return (
      this.starts.byteLength + this.lengths.byteLength + this.lines.byteLength + this.kinds.byteLength + this.tools.byteLength + this.steps.byteLength + this.groupSets.byteLength + this.pendingBytes
    );
  }

  get diagnostics(): readonly Diagnostic[] {
    return this.diags;
  }

  /** 1-based line number of event i. */
  lineOf(i: number): number {
    this.check(i);
    return this.lines[i]!;
  }

  /** Byte offset where event i's line starts. */
  startOf(i: number): number {
    this.check(i);
    return this.starts[i]!;
  }

  /** Byte offset just after event i's line (its newline, and a carriage return before it, excluded). */
  endOf(i: number): number {
    this.check(i);
    return this.starts[i]! + this.lengths[i]!;
  }

  /** Event i's kind, or undefined when the line names a kind Peerwatch does not know. */
  kindOf(i: number): EventKind | undefined {
    this.check(i);
    return EVENT_KIND_CODES[this.kinds[i]!];
  }

  /** The tool a tool_call or tool_result names. */
  toolOf(i: number): string | undefined {
    this.check(i);
    const id = this.tools[i]!;
    return id === 0 ? undefined : this.toolTable[id - 1];
  }

  /** Event i's step (assistant turn), when it has a valid one. */
  stepOf(i: number): number | undefined {
    this.check(i);
    const s = this.steps[i]!;
    return s === NO_STEP ? undefined : s;
  }

  /** The groups event i sits in, outermost first (the event's own reading reports a malformed list). */
  groupsOf(i: number): readonly EventGroup[] | undefined {
    this.check(i);
    const id = this.groupSets[i]!;
    return id === 0 ? undefined : this.groupTable[id - 1];
  }

  /** The group table entry (1-based) of an event's `groups`, 0 when it has none or they do not parse. */
  private groupSetOf(groups: unknown): number {
    if (!Array.isArray(groups) || groups.length === 0) return 0;
    const key = JSON.stringify(groups);
    let id = this.groupTableIds.get(key);
    if (id === undefined) {
      const parsed = EventGroup.array().safeParse(groups);
      if (!parsed.success) return 0;
      id = this.groupTable.length;
      this.groupTable.push(parsed.data);
      this.groupTableIds.set(key, id);
    }
    return id + 1;
  }

  /** Distinct tool names seen on indexed events, in order of first appearance. */
  toolNames(): string[] {
    return this.toolTable.filter((_, id) => this.toolCounts[id]! > 0);
  }

  /** Events per kind (only kinds that occur); unknown kinds are counted under their own name. */
  kindCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    EVENT_KIND_CODES.forEach((k, code) => {
      if (this.kindCountsByCode[code]! > 0) out[k] = this.kindCountsByCode[code]!;
    });
    for (const [k, c] of this.unknownKinds) if (c > 0) out[k] = (out[k] ?? 0) + c;
    return out;
  }

  /** The event whose line is `line` (1-based), or the first event after it; `count` when none. */
  eventAtOrAfterLine(line: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.lines[mid]! < line) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Positions of the events that pass a filter, in order. `kinds` and `tools` are sets to keep (an
   * absent set keeps everything); an event without a tool fails a `tools` filter.
   */
  filter(opts: { kinds?: ReadonlySet<EventKind>; tools?: ReadonlySet<string> }): Uint32Array {
    let kindOk: Uint8Array | undefined;
    if (opts.kinds) {
      kindOk = new Uint8Array(256);
      EVENT_KIND_CODES.forEach((k, code) => (kindOk![code] = opts.kinds!.has(k) ? 1 : 0));
    }
    let toolOk: Uint8Array | undefined;
    if (opts.tools) {
      toolOk = new Uint8Array(this.toolTable.length + 1);
      this.toolTable.forEach((t, id) => (toolOk![id + 1] = opts.tools!.has(t) ? 1 : 0));
    }
    const out = new Uint32Array(this.n);
    let m = 0;
    for (let i = 0; i < this.n; i++) {
      if (kindOk && !kindOk[this.kinds[i]!]) continue;
      if (toolOk && !toolOk[this.tools[i]!]) continue;
      out[m++] = i;
    }
    return out.slice(0, m);
  }

  // ----------------------------------------------------------------------------------------------
  // Materializing one event

  /**
   * Reads one event line (the bytes from startOf(i) to endOf(i), or their text) into a validated
   * event, with `index` and `source: {line}` as RunlogReader gives them; or a diagnostic naming
   * file:line, the JSON path and what was expected.
   */
  static decodeEvent(line: string | Uint8Array, index: number, lineNo: number, fileName: string): DecodeResult {
    const text = typeof line === 'string' ? line : sharedDecoder.decode(line);
    const afterEvent = index - 1;
    const fail = (column: number | undefined, what: string, expected: string, path?: string, saysExpected = false): DecodeResult => ({
      diagnostic: makeError(fileName, lineNo, column, what, expected, afterEvent, path, saysExpected),
    });
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      const p = jsonLineProblem(text, lineNo);
      return fail(p.column, p.what, p.expected, p.path);
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      return fail(1, `line ${lineNo} is not a record`, 'a JSON object with a "type" field');
    }
    if (nestsDeeperThan(record)) {
      const p = tooDeepLine(lineNo);
      return fail(p.column, p.what, p.expected);
    }
    if ((record as { type?: unknown }).type !== 'event') {
      return fail(1, `line ${lineNo} is not an event record`, '{"type": "event", "kind": …}', '$.type');
    }
    const parsed = parseEventRecord(record, index, lineNo);
    if ('issue' in parsed) return { diagnostic: makeZodError(fileName, lineNo, 'the event', parsed.issue, describeZodIssue(parsed.issue), afterEvent) };
    return parsed;
  }

  // ----------------------------------------------------------------------------------------------
  // Internals

  /** Reads the line bytes[from, to) (to = its newline), which starts at file offset `start`. */
  private lineAt(bytes: Uint8Array, from: number, to: number, start: number, lastWithoutNewline = false): void {
    const lineNo = ++this.lineNo;
    try {
      this.readLineAt(bytes, from, to, start, lineNo, lastWithoutNewline);
    } catch (e) {
      // Whatever a hostile line does, it is one diagnostic: the caller's read position still moves
      // past it, so the same bytes are never read twice.
      this.error(lineNo, 1, `line ${lineNo} could not be read (${e instanceof Error ? e.message : String(e)})`, 'a run-log record');
    }
  }

  private readLineAt(bytes: Uint8Array, from: number, to: number, start: number, lineNo: number, lastWithoutNewline: boolean): void {
    if (this.stopped) return;
    if (start === 0 && to - from >= 3 && bytes[from] === 0xef && bytes[from + 1] === 0xbb && bytes[from + 2] === 0xbf) {
      // A UTF-8 byte order mark is not part of the first line (the host's TextDecoder drops it too).
      from += 3;
      start = 3;
    }
    let end = to;
    if (end > from && bytes[end - 1] === 13) end--;
    if (end === from) return;
    const text = this.decoder.decode(bytes.subarray(from, end));
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      if (text.trim() === '') return;
      this.jsonError(text, lineNo, lastWithoutNewline);
      return;
    }
    // Only a line of more than 2,000 bytes can hold 1,000 levels of brackets: shorter ones skip the walk.
    if (end - from > 2 * MAX_JSON_DEPTH && typeof record === 'object' && record !== null && nestsDeeperThan(record)) {
      const p = tooDeepLine(lineNo);
      this.error(lineNo, p.column, p.what, p.expected);
      return;
    }
    // The hot path: an event record after the header.
    if (this.headerSeen && typeof record === 'object' && record !== null && (record as { type?: unknown }).type === 'event' && !Array.isArray(record)) {
      this.addEvent(record as EventFields, start, end - from, lineNo);
      return;
    }
    this.otherRecord(record, start, end - from, lineNo);
  }

  /** Any line but an event after the header: the header, the end record, and what is wrong. */
  private otherRecord(record: unknown, start: number, length: number, lineNo: number): void {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      this.error(lineNo, 1, `line ${lineNo} is not a record`, 'a JSON object with a "type" field');
      return;
    }
    const r = record as EventFields & { type?: unknown; version?: unknown };
    const type = r.type;
    if (!this.headerSeen) {
      this.headerSeen = true;
      const first = readFirstRecord(r, lineNo);
      this.headerRecord = first.header;
      if (first.kind === 'header') return;
      if (first.kind === 'invalid') {
        this.zodError(lineNo, 'the header record', first.issue);
        return;
      }
      this.error(lineNo, 1, first.what, first.expected, first.path);
      if (first.kind === 'newer') this.stopped = true;
      // Without a header nothing else can be trusted, but an event line is still worth showing.
      else if (type === 'event') this.addEvent(r, start, length, lineNo);
      return;
    }
    switch (type) {
      case 'end': {
        const parsed = RunlogEndRecord.safeParse(record, { reportInput: true });
        if (!parsed.success) {
          this.zodError(lineNo, 'the end record', parsed.error.issues[0]!);
          return;
        }
        this.ended = parsed.data;
        return;
      }
      case 'header':
        this.error(lineNo, 1, `line ${lineNo} is a second header record`, 'an "event" or "end" record');
        return;
      default:
        // Records of kinds a later version adds are skipped, as the spec says, with a warning.
        this.diags.push({
          severity: 'warning',
          file: this.fileName,
          line: lineNo,
          message: `${this.fileName}:${lineNo}: record type ${typeof type === 'string' ? JSON.stringify(type) : describeValue(type)} is not one this Peerwatch knows; skipped`,
          expected: '"event" or "end"',
          path: '$.type',
          afterEvent: this.n - 1,
        });
    }
  }

  private addEvent(r: EventFields, start: number, length: number, lineNo: number): void {
    const i = this.n;
    if (i === this.starts.length) this.grow();
    this.starts[i] = start;
    this.lengths[i] = length;
    this.lines[i] = lineNo;
    const kind = r.kind;
    const code = KIND_CODE.get(kind);
    if (code === undefined) {
      this.kinds[i] = UNKNOWN_KIND;
      const name = typeof kind === 'string' ? kind : describeValue(kind);
      this.unknownKinds.set(name, (this.unknownKinds.get(name) ?? 0) + 1);
      this.lastUnknownKind = name;
    } else {
      this.kinds[i] = code;
      this.kindCountsByCode[code]!++;
    }
    const name = r.name;
    if ((code === 2 || code === 3) && typeof name === 'string') {
      let id = this.toolIds.get(name);
      if (id === undefined) {
        id = this.toolTable.length;
        this.toolTable.push(name);
        this.toolIds.set(name, id);
        this.toolCounts.push(0);
        if (id + 1 > 0xffff && this.tools instanceof Uint16Array) this.tools = Uint32Array.from(this.tools);
      }
      this.toolCounts[id]!++;
      this.tools[i] = id + 1;
    } else {
      this.tools[i] = 0;
    }
    const step = r.step;
    this.steps[i] = typeof step === 'number' && Number.isInteger(step) && step >= 0 && step <= 0x7fffffff ? step : NO_STEP;
    this.groupSets[i] = this.groupSetOf(r.groups);
    this.n = i + 1;
  }

  private grow(): void {
    const cap = this.starts.length * 2;
    const grown = <T extends Float64Array | Uint32Array | Uint16Array | Uint8Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.starts = grown(this.starts, (n) => new Float64Array(n));
    this.lengths = grown(this.lengths, (n) => new Uint32Array(n));
    this.lines = grown(this.lines, (n) => new Uint32Array(n));
    this.kinds = grown(this.kinds, (n) => new Uint8Array(n));
    this.tools = this.tools instanceof Uint16Array ? grown(this.tools, (n) => new Uint16Array(n)) : grown(this.tools, (n) => new Uint32Array(n));
    this.steps = grown(this.steps, (n) => new Int32Array(n));
    this.groupSets = grown(this.groupSets, (n) => new Uint32Array(n));
  }

  /** The pending bytes plus `tail`, as one array (the pending parts are replaced by it). */
  private joinPending(tail?: Uint8Array): Uint8Array {
    const total = this.pendingBytes + (tail?.length ?? 0);
    let line: Uint8Array;
    if (this.pendingParts.length === 1 && !tail?.length) {
      line = this.pendingParts[0]!;
    } else {
      line = new Uint8Array(total);
      let at = 0;
      for (const p of this.pendingParts) {
        line.set(p, at);
        at += p.length;
      }
      if (tail) line.set(tail, at);
    }
    if (tail) {
      this.pendingParts = [];
      this.pendingBytes = 0;
    } else {
      // finish(): the line stays pending (more may come), joined once.
      this.pendingParts = [line];
    }
    return line;
  }

  private undoProvisional(): void {
    const p = this.provisional!;
    this.provisional = undefined;
    for (let i = p.count; i < this.n; i++) {
      const code = this.kinds[i]!;
      if (code !== UNKNOWN_KIND) this.kindCountsByCode[code]!--;
      else if (this.lastUnknownKind !== undefined) {
        // finish() reads at most one line, so the unknown kind to take back is the last one added.
        this.unknownKinds.set(this.lastUnknownKind, this.unknownKinds.get(this.lastUnknownKind)! - 1);
      }
      const tool = this.tools[i]!;
      if (tool) this.toolCounts[tool - 1]!--;
    }
    this.n = p.count;
    this.lineNo = p.lineNo;
    this.diags.length = p.diagnostics;
    this.headerSeen = p.headerSeen;
    this.headerRecord = p.headerRecord;
    this.ended = p.ended;
    this.stopped = p.stopped;
  }

  private check(i: number): void {
    if (!(i >= 0 && i < this.n)) throw new RangeError(`event ${i} is not in the index (0..${this.n - 1})`);
  }

  private jsonError(text: string, lineNo: number, lastWithoutNewline: boolean): void {
    const p = jsonLineProblem(text, lineNo, lastWithoutNewline);
    this.error(lineNo, p.column, p.what, p.expected, p.path);
  }

  private zodError(lineNo: number, what: string, issue: z.core.$ZodIssue): void {
    this.diags.push(makeZodError(this.fileName, lineNo, what, issue, describeZodIssue(issue), this.n - 1));
  }

  private error(line: number, column: number | undefined, what: string, expected: string, path?: string): void {
    this.diags.push(makeError(this.fileName, line, column, what, expected, this.n - 1, path));
  }
}

const sharedDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * A copy of bytes[from..]. Not `slice`: on a Node Buffer (a Uint8Array subclass) `slice` is a view, and
 * hosts read every chunk into the same buffer.
 */
function copyOf(bytes: Uint8Array, from: number): Uint8Array {
  const copy = new Uint8Array(bytes.length - from);
  copy.set(bytes.subarray(from));
  return copy;
}

/** An error diagnostic worded as RunlogReader words it; `expected` is appended unless `what` says it. */
function makeError(
  file: string,
  line: number,
  column: number | undefined,
  what: string,
  expected: string,
  afterEvent: number,
  path?: string,
  saysExpected = false,
): Diagnostic {
  const place = column ? `${file}:${line}:${column}` : `${file}:${line}`;
  return {
    severity: 'error',
    file,
    line,
    column,
    path,
    expected,
    message: saysExpected ? `${place}: ${what}` : `${place}: ${what}; expected ${expected}`,
    afterEvent,
  };
}

function makeZodError(file: string, lineNo: number, what: string, issue: z.core.$ZodIssue, described: string, afterEvent: number): Diagnostic {
  return makeError(file, lineNo, undefined, `line ${lineNo}: ${what} is not valid: ${described}`, described.replace(/^[^:]*: /, ''), afterEvent, zodPathText(issue.path), true);
}
