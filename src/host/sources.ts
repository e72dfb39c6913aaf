/**
 * Where an open transcript's events come from. Two kinds:
 *  - `TranscriptSource`: a transcript parsed whole (the study's JSON, harness runs): small files.
 *  - `RunlogFileSource`: a Peerwatch run log, indexed from the file in chunks and read back by
 *    byte range on demand, so a 1 GB log never sits in memory; it follows the file as it grows.
 * Both answer the compact per-event questions the view needs (kind, tool, step) synchronously.
 */
import * as vscode from 'vscode';
import type { Diagnostic, EventGroup, RunHeader, SourceRef, Transcript, TranscriptEvent } from '../core/model';
import type { EventIndexLike } from '../core/eventView';
import { RunlogIndex } from '../core/runlog/runlogIndex';
import { holdsEndRecord, tailEventLines, tailNumbering } from '../core/runlog/runlogTail';
import { eventFindText, FIND_YAML_CHARS, longestAsciiWord } from '../core/searchText';
import { openFile, yieldToHost, type OpenedFile } from './files';

export interface Fetched {
  event?: TranscriptEvent;
  error?: string;
}

/** How a source changed: more events at the end, or different contents altogether. */
export type SourceChange = 'grow' | 'replace';

export interface EventSource extends EventIndexLike {
  readonly header: RunHeader;
  readonly live: boolean;
  /** Still reading the file the first time: counts will grow. */
  readonly indexing: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly onDidChange: vscode.Event<SourceChange>;
  kindCounts(): Record<string, number>;
  toolNames(): string[];
  /** The events with these indices (ascending), read from wherever they are. */
  get(indices: readonly number[]): Promise<Fetched[]>;
  /** Where event `i` is in the file. */
  sourceOf(i: number): SourceRef | undefined;
  /** Indices (ascending) of the events whose visible text contains `query`. */
  search(query: string, caseSensitive: boolean, token: vscode.CancellationToken, onProgress?: (found: number[]) => void): Promise<number[]>;
  dispose(): void;
}


/** A transcript parsed whole. `replace` swaps in a re-parse of the changed file. */
export class TranscriptSource implements EventSource {
  private readonly changed = new vscode.EventEmitter<SourceChange>();
  readonly onDidChange = this.changed.event;
  readonly indexing = false;

  constructor(private current: Transcript) {}

  get transcript(): Transcript {
    return this.current;
  }

  replace(t: Transcript): void {
    const old = this.current;
    this.current = t;
    const grew = t.events.length >= old.events.length && old.events.every((e, i) => JSON.stringify(e) === JSON.stringify(t.events[i]));
    this.changed.fire(grew ? 'grow' : 'replace');
  }

  get header(): RunHeader {
    return this.transcript.header;
  }
  get live(): boolean {
    return this.transcript.live;
  }
  get diagnostics(): readonly Diagnostic[] {
    return this.transcript.diagnostics;
  }
  get count(): number {
    return this.transcript.events.length;
  }
  kindOf(i: number): string | undefined {
    return this.transcript.events[i]?.kind;
  }
  toolOf(i: number): string | undefined {
    const e = this.transcript.events[i];
    return e?.kind === 'tool_call' ? e.name : e?.kind === 'tool_result' ? e.name : undefined;
  }
  stepOf(i: number): number | undefined {
    return this.transcript.events[i]?.step;
  }
  groupsOf(i: number): readonly EventGroup[] | undefined {
    return this.transcript.events[i]?.groups;
  }
  kindCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const e of this.transcript.events) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
    return counts;
  }
  toolNames(): string[] {
    const names = new Set<string>();
    for (let i = 0; i < this.count; i++) {
      const t = this.toolOf(i);
      if (t) names.add(t);
    }
    return [...names].sort();
  }
  async get(indices: readonly number[]): Promise<Fetched[]> {
    return indices.map((i) => ({ event: this.transcript.events[i] }));
  }
  sourceOf(i: number): SourceRef | undefined {
    return this.transcript.events[i]?.source;
  }
  async search(query: string, caseSensitive: boolean, token: vscode.CancellationToken): Promise<number[]> {
    const found: number[] = [];
    const events = this.transcript.events;
    const budget = { yamlChars: FIND_YAML_CHARS };
    for (let i = 0; i < events.length && !token.isCancellationRequested; i++) {
      if (eventFindText(events[i]!, query, caseSensitive, budget) !== undefined) found.push(i);
    }
    return found;
  }
  dispose(): void {
    this.changed.dispose();
  }
}

/** The last events of a run log read ahead of its index (RunlogFileSource.tail). */
export interface TailPreview {
  /** The events, in order; `index` (and `source.line`) exact only when `exact`. */
  rows: (Fetched & { index: number })[];
  /** The numbers are the index's own (it had read that far); otherwise estimates. */
  exact: boolean;
  /** Share of the file indexed when the tail was read (0–1). */
  indexed: number;
}

/** The tail is read from the last TAIL_FIRST_READ bytes, and up to TAIL_MAX_READ when its lines are long. */
const TAIL_FIRST_READ = 256 * 1024;
const TAIL_MAX_READ = 16 * 1024 * 1024;

const CHUNK = 4 * 1024 * 1024;
const FIRST_PAINT_WAIT_MS = 1500;
/** How often a live run log's size is checked besides the file watcher (see followWhileLive). */
const LIVE_POLL_MS = 1000;
/** Decoded events kept for re-reading (the webview asks for what it shows, often again). */
const CACHE_EVENTS = 4000;
/** Ranges of events farther apart than this are read separately. */
const MAX_READ_SPAN = 8 * 1024 * 1024;

/**
 * A Peerwatch run log read through its index. `open` resolves as soon as the first chunk is indexed
 * (so the first events show at once); the rest is indexed in the background, yielding between
 * chunks so the extension host stays responsive.
 */
export class RunlogFileSource implements EventSource {
  private readonly changed = new vscode.EventEmitter<SourceChange>();
  readonly onDidChange = this.changed.event;
  private index: RunlogIndex;
  private fed = 0;
  private reading: Promise<void> | undefined;
  private again = false;
  private firstPass = true;
  private disposed = false;
  private prefix: Uint8Array | undefined;
  private readonly cache = new Map<number, Fetched>();
  private livePoll: ReturnType<typeof setInterval> | undefined;
  /** The file's last bytes hold an end record (read once, before a big log is indexed): it is not live. */
  private endAhead = false;

  private constructor(
    private readonly uri: vscode.Uri,
    private readonly fileName: string,
  ) {
    this.index = new RunlogIndex(fileName);
  }

  /**
   * After its first chunk, the first read of a big log waits (at most FIRST_PAINT_WAIT_MS) until an
   * editor has shown the first events: indexing the rest competes for the CPU with the webview
   * starting up, and the reader wants to see the start of the run first.
   */
  private firstPaint: Promise<void> | undefined;
  private firstPainted: (() => void) | undefined;

  /** An editor has shown the first events: indexing goes on at full speed. */
  shown(): void {
    this.firstPainted?.();
  }

  /** Opens and starts indexing `file` (a URI, or a path on this machine); resolves once the first chunk is indexed. */
  static async open(file: vscode.Uri | string, fileName: string): Promise<RunlogFileSource> {
    const source = new RunlogFileSource(typeof file === 'string' ? vscode.Uri.file(file) : file, fileName);
    source.firstPaint = new Promise<void>((resolve) => {
      source.firstPainted = resolve;
      setTimeout(resolve, FIRST_PAINT_WAIT_MS);
    });
    await new Promise<void>((resolve, reject) => {
      source.reading = source
        .readMore(resolve)
        .catch(reject)
        .finally(() => source.readingDone());
    });
    source.followWhileLive();
    return source;
  }

  /**
   * While the log has no end record, looks at its size every LIVE_POLL_MS besides the file watcher:
   * a watcher set up while another process is first writing a new file (a run just started) can miss
   * every later write, and the editor would stay at the first events. One `stat` a second is cheap.
   */
  private followWhileLive(): void {
    this.livePoll = setInterval(() => {
      if (this.disposed || !this.index.live) {
        clearInterval(this.livePoll);
        this.livePoll = undefined;
        return;
      }
      if (this.reading) return;
      Promise.resolve(vscode.workspace.fs.stat(this.uri)).then(
        (st) => {
          if (st.size !== this.fed && !this.disposed) this.fileChanged();
        },
        () => undefined,
      );
    }, LIVE_POLL_MS);
  }

  get header(): RunHeader {
    return this.index.header;
  }
  get live(): boolean {
    return !(this.firstPass && this.endAhead) && this.index.live;
  }
  get indexing(): boolean {
    return this.firstPass;
  }
  get diagnostics(): readonly Diagnostic[] {
    return this.index.diagnostics;
  }
  get count(): number {
    return this.index.count;
  }
  kindOf(i: number): string | undefined {
    return this.index.kindOf(i);
  }
  toolOf(i: number): string | undefined {
    return this.index.toolOf(i);
  }
  stepOf(i: number): number | undefined {
    return this.index.stepOf(i);
  }
  groupsOf(i: number): readonly EventGroup[] | undefined {
    return this.index.groupsOf(i);
  }
  kindCounts(): Record<string, number> {
    return this.index.kindCounts();
  }
  toolNames(): string[] {
    return this.index.toolNames().sort();
  }
  sourceOf(i: number): SourceRef | undefined {
    return i < this.index.count ? { line: this.index.lineOf(i) } : undefined;
  }

  /** The file changed on disk: read what was appended, or start over if it was replaced. */
  fileChanged(): void {
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.readMore()
      .catch(() => undefined) // the file went away or is unreadable for now; the next change retries
      .finally(() => this.readingDone());
  }

  private readingDone(): void {
    this.reading = undefined;
    if (this.again && !this.disposed) {
      this.again = false;
      this.fileChanged();
    }
  }

  private async readMore(firstChunkIndexed?: () => void): Promise<void> {
    const fh = await openFile(this.uri);
    try {
      let size = await fh.size();
      if (await this.wasReplaced(fh, size)) {
        this.index.reset();
        this.cache.clear();
        this.fed = 0;
        this.prefix = undefined;
        this.dropReader();
        this.changed.fire('replace');
      }
      let lastNotice = Date.now();
      const startFed = this.fed;
      while (!this.disposed) {
        if (this.fed >= size) {
          // Writers may append while we read: look again before finishing.
          size = await fh.size();
          if (this.fed >= size) break;
        }
        const chunk = await fh.read(this.fed, Math.min(CHUNK, size - this.fed));
        if (chunk.length === 0) break;
        if (!this.prefix) this.prefix = chunk.slice(0, 64);
        if (this.firstPass && this.fed === 0 && chunk.length < size) {
          // Until the index reaches it, the end record is known from the file's last bytes.
          const from = Math.max(0, size - TAIL_FIRST_READ);
          this.endAhead = holdsEndRecord(await fh.read(from, size - from), from);
        }
        this.index.push(chunk);
        this.fed += chunk.length;
        if (firstChunkIndexed) {
          firstChunkIndexed();
          firstChunkIndexed = undefined;
          if (this.fed < size) await this.firstPaint;
        } else if (Date.now() - lastNotice > 200) {
          lastNotice = Date.now();
          this.changed.fire('grow');
        }
        // Let the extension host answer the webview between chunks.
        await yieldToHost();
      }
      // A last line without newline is reported as cut off; the index takes that back if the
      // writer completes the line later.
      this.index.finish();
      if (this.firstPass || this.fed !== startFed) {
        this.firstPass = false;
        this.changed.fire('grow');
      }
      firstChunkIndexed?.();
    } finally {
      await fh.close();
    }
  }

  /**
   * The last `max` events of the file, read by byte range from its end whatever the index has read
   * so far: the end of a big log shows while it is still indexed. Their order and spacing are exact;
   * their numbers are estimated (from the index's bytes per event so far) unless the index has already
   * read that far. Events `keep` refuses (the view's filter) are left out.
   */
  async tail(max: number, keep: (event: TranscriptEvent) => boolean = () => true): Promise<TailPreview> {
    const fh = await this.reader();
    const size = await fh.size();
    let span = TAIL_FIRST_READ;
    let from = 0;
    let bytes: Uint8Array = new Uint8Array(0);
    let lines: ReturnType<typeof tailEventLines> = [];
    for (;;) {
      from = Math.max(0, size - span);
      bytes = await fh.read(from, size - from);
      lines = tailEventLines(bytes, from);
      if (lines.length >= max || from === 0 || span >= TAIL_MAX_READ) break;
      span *= 4;
    }
    const index = this.index;
    const first = lines.length
      ? tailNumbering(lines[0]!.start, { count: index.count, lines: index.lineCount, bytesIndexed: index.bytesIndexed }, (start) => {
          const i = this.eventAt(start, 0, index.count - 1);
          return index.count > 0 && index.startOf(i) === start ? { index: i, line: index.lineOf(i) } : undefined;
        })
      : { index: index.count, line: index.lineCount + 1, exact: !this.firstPass };
    const rows: TailPreview['rows'] = [];
    // Lines between two events of the tail (an end record, a blank line) count for the line numbers.
    let line = first.line;
    let at = lines[0]?.start ?? 0;
    lines.forEach((l, k) => {
      for (let b = bytes.indexOf(10, at - from); b >= 0 && b + from < l.start; b = bytes.indexOf(10, b + 1)) line++;
      at = l.start;
      if (k < lines.length - max * 4) return; // far above what is kept, even filtered
      const decoded = RunlogIndex.decodeEvent(bytes.subarray(l.start - from, l.end - from), first.index + k, line, this.fileName);
      if ('event' in decoded) {
        if (keep(decoded.event)) rows.push({ index: first.index + k, event: decoded.event });
      } else rows.push({ index: first.index + k, error: first.exact ? decoded.diagnostic.message : `${decoded.diagnostic.message} (line number estimated)` });
    });
    return { rows: rows.slice(-max), exact: first.exact, indexed: size > 0 ? Math.min(1, index.bytesIndexed / size) : 1 };
  }

  /** The file is not the one indexed: shorter than what was read, or its first bytes differ. */
  private async wasReplaced(fh: OpenedFile, size: number): Promise<boolean> {
    if (this.fed === 0 || !this.prefix) return false;
    if (size < this.fed) return true;
    const head = await fh.read(0, this.prefix.length);
    return head.length !== this.prefix.length || head.some((b, i) => b !== this.prefix![i]);
  }

  async get(indices: readonly number[]): Promise<Fetched[]> {
    const out = new Array<Fetched>(indices.length);
    const missing: number[] = [];
    indices.forEach((i, k) => {
      const hit = this.cache.get(i);
      if (hit) out[k] = hit;
      else missing.push(k);
    });
    if (missing.length) {
      const fh = await this.reader();
      {
        let g = 0;
        while (g < missing.length) {
          // One read per run of events that lie close together in the file.
          let h = g;
          const start = this.index.startOf(indices[missing[g]!]!);
          while (h + 1 < missing.length && this.index.endOf(indices[missing[h + 1]!]!) - start <= MAX_READ_SPAN) h++;
          const end = this.index.endOf(indices[missing[h]!]!);
          const bytes = await fh.read(start, end - start);
          for (let m = g; m <= h; m++) {
            const k = missing[m]!;
            const i = indices[k]!;
            const line = bytes.subarray(this.index.startOf(i) - start, this.index.endOf(i) - start);
            const decoded = RunlogIndex.decodeEvent(line, i, this.index.lineOf(i), this.fileName);
            const fetched: Fetched = 'event' in decoded ? { event: decoded.event } : { error: decoded.diagnostic.message };
            out[k] = fetched;
            this.remember(i, fetched);
          }
          g = h + 1;
        }
      }
    }
    return out;
  }

  /** One handle kept open for reading events back (opening one per request cost two more waits). */
  private readHandle: Promise<OpenedFile> | undefined;
  /** How much of the file was indexed when the read handle was opened. */
  private readHandleFed = 0;
  private reader(): Promise<OpenedFile> {
    if (this.readHandle && this.readHandleFed !== this.fed) {
      // A copy of the file (the browser's way of reading) made before the last bytes were indexed
      // does not hold them: open a new one. A real handle reads the file as it is now.
      this.readHandle = this.readHandle.then((h) => (h.copy ? openFile(this.uri) : h));
      this.readHandle.catch(() => (this.readHandle = undefined));
    }
    this.readHandleFed = this.fed;
    if (!this.readHandle) {
      this.readHandle = openFile(this.uri);
      this.readHandle.catch(() => (this.readHandle = undefined));
    }
    return this.readHandle;
  }

  private dropReader(): void {
    void this.readHandle?.then((h) => h.close()).catch(() => undefined);
    this.readHandle = undefined;
  }

  private remember(i: number, f: Fetched): void {
    if (this.cache.size >= CACHE_EVENTS) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(i, f);
  }

  /**
   * Searches the file chunk by chunk: a byte search for the query as it would be written in JSON
   * finds candidate lines fast; each candidate is decoded and checked against the text a user sees,
   * so keys and JSON syntax never match.
   */
  async search(query: string, caseSensitive: boolean, token: vscode.CancellationToken, onProgress?: (found: number[]) => void): Promise<number[]> {
    const found: number[] = [];
    const n = this.index.count;
    if (!query || n === 0) return found;
    const encoder = new TextEncoder();
    const patterns = jsonForms(caseSensitive ? query : asciiLower(query)).map((p) => encoder.encode(p));
    // A YAML tool answer is found by its Readable fields too (eventFindText): a line with a tool
    // result holding the query's longest word is a candidate as well.
    const word = longestAsciiWord(query);
    const wordBytes = word !== undefined ? encoder.encode(caseSensitive ? word : asciiLower(word)) : undefined;
    const resultMark = encoder.encode('"tool_result"');
    const budget = { yamlChars: FIND_YAML_CHARS };
    const fh = await openFile(this.uri);
    try {
      let first = 0;
      let lastProgress = Date.now();
      while (first < n && !token.isCancellationRequested && !this.disposed) {
        // A block of whole event lines, about CHUNK bytes.
        const start = this.index.startOf(first);
        let last = first;
        let lo = first;
        let hi = n - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          if (this.index.endOf(mid) - start <= CHUNK) {
            last = mid;
            lo = mid + 1;
          } else hi = mid - 1;
        }
        const end = this.index.endOf(last);
        const raw = await fh.read(start, end - start);
        // Case-insensitive: search a lowered copy, decode the candidates from the bytes as written.
        const hay = caseSensitive ? raw : lowerAsciiInPlace(raw.slice());
        const candidates = new Set<number>();
        // Each event line holding `needle` (once per line), that `keep` takes.
        const linesHolding = (needle: Uint8Array, keep: (i: number) => boolean = () => true) => {
          for (let at = indexOfBytes(hay, needle, 0); at !== -1; ) {
            const i = this.eventAt(start + at, first, last);
            if (keep(i)) candidates.add(i);
            at = indexOfBytes(hay, needle, this.index.endOf(i) - start);
          }
        };
        for (const p of patterns) linesHolding(p);
        if (wordBytes) linesHolding(wordBytes, (i) => !candidates.has(i) && indexOfBytes(hay.subarray(this.index.startOf(i) - start, this.index.endOf(i) - start), resultMark, 0) !== -1);
        const sorted = [...candidates].sort((a, b) => a - b);
        if (sorted.length) {
          for (const i of sorted) {
            const line = raw.subarray(this.index.startOf(i) - start, this.index.endOf(i) - start);
            const decoded = RunlogIndex.decodeEvent(line, i, this.index.lineOf(i), this.fileName);
            if ('event' in decoded && eventFindText(decoded.event, query, caseSensitive, budget) !== undefined) found.push(i);
          }
        }
        first = last + 1;
        if (onProgress && Date.now() - lastProgress > 250) {
          lastProgress = Date.now();
          onProgress(found);
        }
        await yieldToHost();
      }
    } finally {
      await fh.close();
    }
    return found;
  }

  /** The event whose line holds byte `offset` (binary search over [lo, hi]). */
  private eventAt(offset: number, lo: number, hi: number): number {
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.index.startOf(mid) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  dispose(): void {
    this.disposed = true;
    if (this.livePoll) clearInterval(this.livePoll);
    this.changed.dispose();
    this.dropReader();
  }
}

/** The ways `text` can appear inside a JSON string: as written, and with non-ASCII escaped. */
function jsonForms(text: string): string[] {
  const plain = JSON.stringify(text).slice(1, -1);
  const escaped = plain.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped === plain ? [plain] : [plain, escaped];
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Where `needle` first occurs in `hay` at or after `from`, or -1. */
function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const n = needle.length;
  if (n === 0) return from <= hay.length ? from : -1;
  const first = needle[0]!;
  for (let at = hay.indexOf(first, from); at !== -1 && at + n <= hay.length; at = hay.indexOf(first, at + 1)) {
    let k = 1;
    while (k < n && hay[at + k] === needle[k]) k++;
    if (k === n) return at;
  }
  return -1;
}

function lowerAsciiInPlace(b: Uint8Array): Uint8Array {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c >= 65 && c <= 90) b[i] = c + 32;
  }
  return b;
}
