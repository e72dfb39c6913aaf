/**
 * Peerwatch's own log format: JSON Lines, a header record first, then one event per line, and an end
 * record when the run is over. Specified in docs/runlog-format.md.
 *
 * The reader is incremental: feed it text as the file grows and it returns the events that became
 * complete. A damaged line becomes a diagnostic and reading goes on with the next line, so the rest of
 * the log still shows.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { z } from 'zod';
import { Diagnostic, Evaluation, RunHeader, Timing, Transcript, TranscriptEvent, Usage } from '../model';
import { parseJsonTolerant } from '../json/tolerantJson';
import { MAX_JSON_DEPTH, describeValue, nestsDeeperThan } from '../json/values';
import { describeZodIssue, zodPathText } from '../zodMessages';
import { compileFastParse, UNSURE } from './fastParse';
import { pushAll } from '../arrays';

export const RUNLOG_SCHEMA = 'peerwatch.runlog';
/** The name the header gives the run log reader (`header.reader.name`). */
export const RUNLOG_READER = 'Peerwatch run log';

/** The schema version this Peerwatch writes and reads. A reader accepts any 1.x-compatible log. */
export const RUNLOG_VERSION = 1;

/**
 * The file a run log was converted from (`peerwatch convert`): its base name, Peerwatch's id of its
 * format, and the SHA-256 of its bytes, so a folder holding the run in both formats counts it once.
 */
export const RunlogSource = z.object({
  /** The source file's base name, e.g. `transcript.json`. */
  file: z.string(),
  /** Peerwatch's id of the source's format (`study`, `study-harness`, `openai-chat`, `inspect`, …). */
  format: z.string(),
  /** SHA-256 of the source file's bytes, lowercase hex (left out for a sample of an Inspect log). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  /** For a sample of an Inspect log: its key, `id#epoch`. */
  sample: z.string().optional(),
});
export type RunlogSource = z.infer<typeof RunlogSource>;

export const RunlogHeaderRecord = z.object({
  type: z.literal('header'),
  schema: z.literal(RUNLOG_SCHEMA),
  version: z.number().int().positive(),
  run: RunHeader.omit({ format: true, formatVersion: true }),
  /** When the run started writing this log (ISO 8601). */
  created: z.string().optional(),
  /** The program that wrote the log, e.g. `peerwatch 0.1.0` or `peerwatch convert`. */
  writer: z.string().optional(),
  /** Where a converted log came from (optional: logs written by a runner have no source file). */
  source: RunlogSource.optional(),
});
export type RunlogHeaderRecord = z.infer<typeof RunlogHeaderRecord>;

export const RunlogEndRecord = z.object({
  type: z.literal('end'),
  /** `max_iters`: a runner stopped the model at its turn limit (the run did not finish by itself). */
  status: z.enum(['completed', 'cancelled', 'failed', 'max_iters']),
  time: z.string().optional(),
  /** The run's evaluation, when known only at the end (merged into the header's). */
  evaluation: Evaluation.optional(),
  /** The environment's final state (config, servers, …) as the runner saw it. */
  finalState: z.unknown().optional(),
  error: z.string().optional(),
  /** Model turns the runner took. */
  iterations: z.number().int().nonnegative().optional(),
  /** Token use over the run, known at the end (merged into the header's). */
  usage: Usage.optional(),
  /** Start, end and duration, known at the end (merged into the header's). */
  timing: Timing.optional(),
});
export type RunlogEndRecord = z.infer<typeof RunlogEndRecord>;

/** What is wrong with a line of a run log: where, what and what was expected. */
export interface LineProblem {
  column: number | undefined;
  what: string;
  expected: string;
  path?: string;
}

/** A line nesting deeper than a reader follows (the model's limit). */
export function tooDeepLine(lineNo: number, column = 1): LineProblem {
  return { column, what: `line ${lineNo} nests deeper than ${MAX_JSON_DEPTH.toLocaleString('en-US')} levels and is not read`, expected: `at most ${MAX_JSON_DEPTH.toLocaleString('en-US')} levels of nesting` };
}

/**
 * Why `JSON.parse` refused a line, in the words every reader of run logs uses (this reader, the index
 * and an event decoded from it): the tolerant reader finds the place. `lastWithoutNewline`: the line is
 * the file's last and has no newline, so a record that stops short is one the file cuts off.
 */
export function jsonLineProblem(text: string, lineNo: number, lastWithoutNewline = false): LineProblem {
  const parsed = parseJsonTolerant(text, { locateDepth: 0 });
  const err = parsed.error;
  // No error: JSON.parse's is inside a value nested too deep, which the tolerant reader skips unread.
  if (!err) return tooDeepLine(lineNo, parsed.warnings[0]?.column ?? 1);
  return {
    column: err.column,
    what: err.found === 'end of file' && lastWithoutNewline ? `line ${lineNo} is cut off (the file ends in the middle of a record)` : `line ${lineNo} is not valid JSON: found ${err.found} at column ${err.column}`,
    expected: err.expected,
    ...(err.path === '$' ? {} : { path: err.path }),
  };
}

/**
 * What a log's first record says (shared by RunlogReader and RunlogIndex): its header, or what is
 * wrong with it. `header` is what to use either way; after `newer`, nothing else may be read.
 */
export type FirstRecord =
  | { kind: 'header'; header: RunHeader }
  | { kind: 'notHeader' | 'newer'; header: RunHeader; what: string; expected: string; path?: string }
  | { kind: 'invalid'; header: RunHeader; issue: z.core.$ZodIssue };

export function readFirstRecord(record: object, lineNo: number): FirstRecord {
  const { type, version } = record as { type?: unknown; version?: unknown };
  if (type !== 'header') {
    return {
      kind: 'notHeader',
      header: RunHeader.parse({ format: 'runlog' }),
      what: `line ${lineNo} is not a header record`,
      expected: `{"type": "header", "schema": "${RUNLOG_SCHEMA}", "version": ${RUNLOG_VERSION}, "run": {…}} as the first record`,
    };
  }
  // A finite number only: `1e999` reads as Infinity, which is no version; the schema below says so.
  if (typeof version === 'number' && Number.isFinite(version) && version > RUNLOG_VERSION) {
    return {
      kind: 'newer',
      header: RunHeader.parse({ format: 'runlog', formatVersion: version }),
      what: `this log uses Peerwatch run-log schema version ${version}, newer than the version ${RUNLOG_VERSION} this Peerwatch reads; update Peerwatch to read it`,
      expected: `version ${RUNLOG_VERSION}`,
      path: '$.version',
    };
  }
  const parsed = RunlogHeaderRecord.safeParse(record, { reportInput: true });
  if (!parsed.success) return { kind: 'invalid', header: RunHeader.parse({ format: 'runlog' }), issue: parsed.error.issues[0]! };
  return { kind: 'header', header: { ...parsed.data.run, format: 'runlog', formatVersion: parsed.data.version } };
}

/** The events' schema compiled to plain checks (core/runlog/fastParse.ts); zod answers what it declines. */
const fastEvent = compileFastParse(TranscriptEvent);

/**
 * An event line's record (JSON-parsed, owned by the caller: it is written to) as the model's event at
 * `index`, citing line `lineNo`; or zod's first issue with it. Its `type` is not part of the event.
 */
export function parseEventRecord(record: object, index: number, lineNo: number): { event: TranscriptEvent } | { issue: z.core.$ZodIssue } {
  const r = record as Record<string, unknown>;
  // Written onto the record as the spread below would write them, so both paths see the same input.
  r['index'] = index;
  r['source'] = { line: lineNo };
  const fast = fastEvent?.(r);
  if (fast !== undefined && fast !== UNSURE) return { event: fast };
  const { type: _type, ...rest } = r;
  const parsed = TranscriptEvent.safeParse({ ...rest, index, source: { line: lineNo } }, { reportInput: true });
  return parsed.success ? { event: parsed.data } : { issue: parsed.error.issues[0]! };
}

/** Serializes the header record (one line, newline-terminated). */
export function serializeHeader(run: RunHeader, extra: { created?: string; writer?: string; source?: RunlogSource } = {}): string {
  const { format: _format, formatVersion: _version, ...rest } = run;
  const record: RunlogHeaderRecord = { type: 'header', schema: RUNLOG_SCHEMA, version: RUNLOG_VERSION, run: rest, ...extra };
  return JSON.stringify(record) + '\n';
}

/** Serializes one event (one line). The source pointer is not written: in the log, the line is the source. */
export function serializeEvent(event: TranscriptEvent): string {
  // One copy, not two (a rest and a spread): JSON.stringify leaves out a key whose value is undefined.
  return JSON.stringify({ type: 'event', ...event, source: undefined }) + '\n';
}

/**
 * How every event line `peerwatch convert` writes begins, up to its index: the line is this, the
 * event's index, then its tail (`serializedEventTail`, or a kept line's tail, `keptEventTail`).
 */
export const EVENT_LINE_PREFIX = '{"type":"event","index":';
const PREFIX_BYTES = new TextEncoder().encode(EVENT_LINE_PREFIX);
/** `{"type":"event",`: the prefix up to where an index is put into a line that has none. */
const TYPE_BYTES = 16;

/** `serializeEvent(event)` after EVENT_LINE_PREFIX and the event's index (from the comma or brace on, newline included). */
export function serializedEventTail(event: TranscriptEvent): string {
  const line = serializeEvent(event);
  const numbered = `${EVENT_LINE_PREFIX}${event.index}`;
  if (!line.startsWith(numbered)) throw new Error(`an event line does not begin ${numbered}`);
  return line.slice(numbered.length);
}

/**
 * Where the tail of a valid event line bytes[from, to) begins (after its index, or where an index
 * goes), when the line can be written again as it is with its index put right; -1 when it cannot
 * (then its event is serialized). It can when it begins `{"type":"event",` followed by either no
 * index at all (`written`, the record's `index` as parsed, is undefined) or `"index":` and the
 * digits of `written` (the index the record holds: no other `index` key overrides it). Reading
 * EVENT_LINE_PREFIX + n + the tail back gives the event the line gave, numbered n: the reader
 * overwrites `index` with the line's place, so nothing else in the record changes what it reads.
 */
export function keptEventTail(bytes: Uint8Array, from: number, to: number, written: unknown): number {
  if (to - from <= PREFIX_BYTES.length) return -1;
  for (let i = 0; i < TYPE_BYTES; i++) if (bytes[from + i] !== PREFIX_BYTES[i]) return -1;
  // The comma after `"event"`: the tail begins there, and the index goes before it.
  if (written === undefined) return from + TYPE_BYTES - 1;
  if (typeof written !== 'number' || !Number.isSafeInteger(written) || written < 0) return -1;
  for (let i = TYPE_BYTES; i < PREFIX_BYTES.length; i++) if (bytes[from + i] !== PREFIX_BYTES[i]) return -1;
  let at = from + PREFIX_BYTES.length;
  let value = 0;
  for (; at < to && at - from - PREFIX_BYTES.length < 16 && bytes[at]! >= 48 && bytes[at]! <= 57; at++) value = value * 10 + bytes[at]! - 48;
  if (at === from + PREFIX_BYTES.length || value !== written || (bytes[at] !== 44 && bytes[at] !== 125)) return -1;
  return at;
}

/**
 * Sees each valid event a RunlogReader reads from bytes (`pushBytes`, `finish`, which then do not
 * return the events they read, so none lives longer than its line's reading), with its line
 * bytes[·, to) and where the line's tail begins (keptEventTail; -1: the event is to be serialized).
 * `bytes` is the caller's or the reader's buffer: what is needed of it must be copied at once. The
 * line may hold bytes that are not UTF-8 (the reader read each as U+FFFD): a writer that keeps it
 * checks.
 */
export type EventLineListener = (event: TranscriptEvent, bytes: Uint8Array, tail: number, to: number) => void;

/** Serializes the end record. */
export function serializeEnd(end: Omit<RunlogEndRecord, 'type'>): string {
  return JSON.stringify({ type: 'end', ...end }) + '\n';
}

/** A whole transcript as a Peerwatch log (used by `peerwatch convert` and the examples); `source`: the file converted. */
export function transcriptToRunlog(t: Transcript, writer = 'peerwatch', source?: RunlogSource): string {
  const { head, tail } = runlogFrame(t, writer, source);
  let out = head;
  for (const e of t.events) out += serializeEvent(e);
  return out + tail;
}

/**
 * What a run log of `t` holds around its events: the header line, and the end line when the run
 * ended (empty while it is live). `peerwatch convert` writes a streamed log's events between them.
 */
export function runlogFrame(t: Pick<Transcript, 'header' | 'live'>, writer = 'peerwatch', source?: RunlogSource): { head: string; tail: string } {
  // The header keeps the reader that read the source (and a guess's path), so the run log says how
  // its events were found; a run log written live has none and reads as a Peerwatch run log.
  return {
    head: serializeHeader(t.header, { writer, ...(source ? { source } : {}) }),
    tail: t.live ? '' : serializeEnd({ status: 'completed', evaluation: t.header.evaluation }),
  };
}

/** What a RunlogReader knows after some lines of a log, besides its events (RunlogReader.state). */
export interface RunlogReaderState {
  /** Lines read. */
  readonly lines: number;
  /** Valid events read. */
  readonly events: number;
  /** The header as the first record gave it (set once a first record was read, even a wrong one). */
  readonly header?: RunHeader;
  /** The last valid end record. */
  readonly ended?: RunlogEndRecord;
  /** The header names a newer version: nothing after it is read. */
  readonly stopped: boolean;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Reads a Peerwatch log incrementally. `push` text as it arrives; `finish` when the file is complete
 * (a cut-off last line is then reported). `transcript()` gives the current state at any time.
 * With `{ keepEvents: false }` the events are only returned by `push` and `finish`, not kept (a log
 * of any size streams through in bounded memory); `transcript().events` is then empty and
 * `eventCount` says how many were read.
 */
export class RunlogReader {
  private pending = '';
  private lineNo = 0;
  private header: RunHeader | undefined;
  private ended: RunlogEndRecord | undefined;
  private readonly events: TranscriptEvent[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  /** Set when the header names a version this reader cannot read: events are not trusted then. */
  private stopped = false;
  private count = 0;
  private readonly keepEvents: boolean;
  /** pushBytes: the bytes of the last line so far, not yet ended by a newline. */
  private pendingParts: Uint8Array[] = [];
  private pendingLength = 0;
  /** The BOM is dropped by hand (at the file's start only), not by the decoder at each line's start. */
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  /** The next line fed as bytes is the file's first (where a byte order mark is dropped). */
  private atFileStart = true;
  /** `onEventLine`: sees each event read from bytes with its line (`peerwatch convert` writes it again). */
  private readonly onEventLine: EventLineListener | undefined;
  /** The `index` the last event's record held as parsed (before the reader numbered it). */
  private writtenIndex: unknown;

  /**
   * `resume`: go on from what another reader knew after some lines of the same log (`state()`), as
   * if it had read them: a log read in pieces, each by its own reader.
   */
  constructor(
    private readonly file: string,
    opts: { keepEvents?: boolean; resume?: RunlogReaderState; onEventLine?: EventLineListener } = {},
  ) {
    this.keepEvents = opts.keepEvents ?? true;
    this.onEventLine = opts.onEventLine;
    const r = opts.resume;
    if (r) {
      this.lineNo = r.lines;
      this.count = r.events;
      this.header = r.header;
      this.ended = r.ended;
      this.stopped = r.stopped;
      pushAll(this.diagnostics, r.diagnostics);
      this.atFileStart = false;
    }
  }

  /** What this reader knows after the lines it has read (events aside), to resume from. */
  state(): RunlogReaderState {
    return {
      lines: this.lineNo,
      events: this.count,
      ...(this.header ? { header: this.header } : {}),
      ...(this.ended ? { ended: this.ended } : {}),
      stopped: this.stopped,
      diagnostics: [...this.diagnostics],
    };
  }

  /** The events read so far (kept or not). */
  get eventCount(): number {
    return this.count;
  }

  /**
   * Feeds the file's next bytes (a reader is fed bytes or text, not both); returns the events they
   * completed. Lines are split at their newline byte and each decoded alone, so no string longer than
   * a line is made, and the text is what `push` of the file's decoded text would read (a UTF-8 byte
   * order mark at the start of the file is dropped, as TextDecoder drops it). `chunk` may be reused
   * by the caller afterwards.
   */
  pushBytes(chunk: Uint8Array): TranscriptEvent[] {
    const added: TranscriptEvent[] = [];
    let pos = 0;
    if (this.pendingLength > 0) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.pendingParts.push(new Uint8Array(chunk)); // a copy (a Node Buffer's slice is a view)
        this.pendingLength += chunk.length;
        return added;
      }
      const line = this.joinPendingBytes(chunk.subarray(0, nl));
      this.byteLine(line, 0, line.length, added);
      pos = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(10, pos);
      if (nl < 0) break;
      this.byteLine(chunk, pos, nl, added);
      pos = nl + 1;
    }
    if (pos < chunk.length) {
      this.pendingParts.push(new Uint8Array(chunk.subarray(pos)));
      this.pendingLength += chunk.length - pos;
    }
    return added;
  }

  /** Reads bytes[from, to), a line without its newline. */
  private byteLine(bytes: Uint8Array, from: number, to: number, added: TranscriptEvent[]): void {
    const atFileStart = this.atFileStart;
    this.atFileStart = false;
    this.lineNo++;
    if (atFileStart && to - from >= 3 && bytes[from] === 0xef && bytes[from + 1] === 0xbb && bytes[from + 2] === 0xbf) from += 3;
    if (to > from && bytes[to - 1] === 13) to--;
    const e = this.readLine(to > from ? this.decoder.decode(bytes.subarray(from, to)) : '', this.lineNo);
    if (!e) return;
    if (this.onEventLine) this.seeLine(e, bytes, from, to);
    else added.push(e);
  }

  /** onEventLine for event `e` read from bytes[from, to). */
  private seeLine(e: TranscriptEvent, bytes: Uint8Array, from: number, to: number): void {
    this.onEventLine!(e, bytes, keptEventTail(bytes, from, to, this.writtenIndex), to);
  }

  /** The pending bytes and `tail` as one array; nothing is pending after. */
  private joinPendingBytes(tail: Uint8Array): Uint8Array {
    const line = new Uint8Array(this.pendingLength + tail.length);
    let at = 0;
    for (const p of this.pendingParts) {
      line.set(p, at);
      at += p.length;
    }
    line.set(tail, at);
    this.pendingParts = [];
    this.pendingLength = 0;
    return line;
  }

  /** Feeds more text; returns the events completed by it. */
  push(chunk: string): TranscriptEvent[] {
    const text = this.pending + chunk;
    const lines = text.split('\n');
    this.pending = lines.pop() ?? '';
    const added: TranscriptEvent[] = [];
    for (const line of lines) {
      this.lineNo++;
      const e = this.readLine(line.endsWith('\r') ? line.slice(0, -1) : line, this.lineNo);
      if (e) added.push(e);
    }
    return added;
  }

  /** The file is complete: a last line without a newline is read now, and a missing header reported. */
  finish(): TranscriptEvent[] {
    const added: TranscriptEvent[] = [];
    let lastBytes: Uint8Array | undefined;
    if (this.pendingLength > 0) {
      // The last line of bytes fed, without its newline: read below as pushed text's would be.
      const atFileStart = this.atFileStart;
      let line = this.joinPendingBytes(new Uint8Array(0));
      if (atFileStart && line.length >= 3 && line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf) line = line.subarray(3);
      this.pending = this.decoder.decode(line);
      lastBytes = line;
    }
    if (this.pending.trim() !== '') {
      this.lineNo++;
      const e = this.readLine(this.pending, this.lineNo, true);
      // Its line as byteLine would give it, had it ended with a newline.
      if (e && lastBytes && this.onEventLine) this.seeLine(e, lastBytes, 0, lastBytes.length - (lastBytes[lastBytes.length - 1] === 13 ? 1 : 0));
      else if (e) added.push(e);
    }
    this.pending = '';
    if (!this.header && !this.diagnostics.some((d) => d.severity === 'error')) {
      this.error(1, undefined, 'the log is empty', 'a header record on line 1');
    }
    return added;
  }

  /** The transcript as read so far. */
  transcript(): Transcript {
    const header: RunHeader = this.header ?? RunHeader.parse({ format: 'runlog' });
    const evaluation = this.ended?.evaluation ?? header.evaluation;
    const usage = this.ended?.usage ? { ...header.usage, ...this.ended.usage } : header.usage;
    const timing = this.ended?.timing ? { ...header.timing, ...this.ended.timing } : header.timing;
    return {
      header: { ...header, reader: header.reader ?? { name: RUNLOG_READER }, ...(evaluation ? { evaluation } : {}), ...(usage ? { usage } : {}), ...(timing ? { timing } : {}) },
      events: this.events,
      diagnostics: this.diagnostics,
      live: !this.ended,
    };
  }

  private readLine(line: string, lineNo: number, lastWithoutNewline = false): TranscriptEvent | undefined {
    if (line.trim() === '' || this.stopped) return undefined;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      const p = jsonLineProblem(line, lineNo, lastWithoutNewline);
      this.error(lineNo, p.column, p.what, p.expected, p.path);
      return undefined;
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      this.error(lineNo, 1, `line ${lineNo} is not a record`, 'a JSON object with a "type" field');
      return undefined;
    }
    // Only a line of more than 2,000 characters can hold 1,000 levels of brackets: shorter ones skip the walk.
    if (line.length > 2 * MAX_JSON_DEPTH && nestsDeeperThan(record)) {
      const p = tooDeepLine(lineNo);
      this.error(lineNo, p.column, p.what, p.expected);
      return undefined;
    }
    const type = (record as { type?: unknown }).type;

    if (!this.header) {
      const first = readFirstRecord(record, lineNo);
      this.header = first.header;
      if (first.kind === 'header') return undefined;
      if (first.kind === 'invalid') {
        this.zodError(lineNo, 'the header record', first.issue);
        return undefined;
      }
      this.error(lineNo, 1, first.what, first.expected, first.path);
      if (first.kind === 'newer') {
        this.stopped = true;
        return undefined;
      }
      // Without a header nothing else can be trusted, but an event line is still worth showing.
      return type === 'event' ? this.readEvent(record, lineNo) : undefined;
    }

    switch (type) {
      case 'event':
        return this.readEvent(record, lineNo);
      case 'end': {
        const parsed = RunlogEndRecord.safeParse(record, { reportInput: true });
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          this.zodError(lineNo, 'the end record', issue);
          return undefined;
        }
        this.ended = parsed.data;
        return undefined;
      }
      case 'header':
        this.error(lineNo, 1, `line ${lineNo} is a second header record`, 'an "event" or "end" record');
        return undefined;
      default:
        // Records of kinds a later version adds are skipped, as the spec says, with a warning.
        this.diagnostics.push({
          severity: 'warning',
          file: this.file,
          line: lineNo,
          message: `${this.file}:${lineNo}: record type ${typeof type === 'string' ? JSON.stringify(type) : describeValue(type)} is not one this Peerwatch knows; skipped`,
          expected: '"event" or "end"',
          path: '$.type',
          afterEvent: this.count - 1,
        });
        return undefined;
    }
  }

  private readEvent(record: object, lineNo: number): TranscriptEvent | undefined {
    // Before parseEventRecord numbers the record.
    this.writtenIndex = (record as { index?: unknown }).index;
    const parsed = parseEventRecord(record, this.count, lineNo);
    if ('issue' in parsed) {
      this.zodError(lineNo, 'the event', parsed.issue);
      return undefined;
    }
    const event = parsed.event;
    this.count++;
    if (this.keepEvents) this.events.push(event);
    return event;
  }

  private zodError(lineNo: number, what: string, issue: z.core.$ZodIssue): void {
    const described = describeZodIssue(issue);
    this.error(lineNo, undefined, `line ${lineNo}: ${what} is not valid: ${described}`, described.replace(/^[^:]*: /, ''), zodPathText(issue.path), true);
  }

  /** Records an error; `expected` is appended to the message unless `what` already says it. */
  private error(line: number, column: number | undefined, what: string, expected: string, path?: string, saysExpected = false): void {
    const place = column ? `${this.file}:${line}:${column}` : `${this.file}:${line}`;
    this.diagnostics.push({
      severity: 'error',
      file: this.file,
      line,
      column,
      path,
      expected,
      message: saysExpected ? `${place}: ${what}` : `${place}: ${what}; expected ${expected}`,
      afterEvent: this.count - 1,
    });
  }
}


/** Reads a whole Peerwatch log at once. */
export function readRunlog(file: string, text: string): Transcript {
  const reader = new RunlogReader(file);
  reader.push(text);
  reader.finish();
  return reader.transcript();
}

/**
 * The source a converted run log records in its header (`source`), or undefined: no header, no
 * source, or one this Peerwatch cannot read (the log itself is still read; this only serves counting).
 */
export function readRunlogSource(text: string): RunlogSource | undefined {
  const end = text.indexOf('\n');
  try {
    const record = JSON.parse(end < 0 ? text : text.slice(0, end)) as { type?: unknown; source?: unknown };
    if (record?.type !== 'header') return undefined;
    const parsed = RunlogSource.safeParse(record.source);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
