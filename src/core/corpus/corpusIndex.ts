/**
 * The corpus index: one JSON Lines file holding, for every file of a folder of runs, what
 * `peerwatch summarize` needs (each run's header fields and tags), keyed by the file's path, size,
 * mtime (and a production-harness run's sibling files') and the detector version, so that an
 * unchanged file is never read again. docs/corpus.md describes the format; the zod schemas below are
 * its normative definition.
 *
 *   {"type":"header","schema":"peerwatch.corpus-index","version":1,"detector":"0.1.0+3f2a…"}
 *   {"type":"file","path":"a/transcript_1.json","size":48211,"mtimeMs":1767000000000,"runs":1}
 *   {"type":"run","path":"a/transcript_1.json","format":"study","model":"…","task":"tampering",…,"tags":[…]}
 *
 * Every file found has one `file` line, followed by one `run` line per run it holds (none for a file
 * that is not a transcript, many for an Inspect log). JSON Lines because other tools read it with
 * nothing installed (`jq`, pandas' `read_json(lines=True)`, a line-by-line loop), it is written as a
 * stream (memory stays bounded however many runs), and it needs no WebAssembly build as SQLite would.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { z } from 'zod';
import { describeZodIssue } from '../zodMessages';
import { RunlogSource } from '../runlog/runlog';
import { compileFastParse, UNSURE } from '../runlog/fastParse';
import type { RunFields } from './runFields';

export const CORPUS_INDEX_SCHEMA = 'peerwatch.corpus-index';
export const CORPUS_INDEX_VERSION = 1;

const Path = z.string().min(1);

export const IndexHeaderLine = z.object({
  type: z.literal('header'),
  schema: z.literal(CORPUS_INDEX_SCHEMA),
  version: z.number().int(),
  /** Which readers and detectors tagged the runs: an index of another version is read again whole. */
  detector: z.string().min(1),
  written: z.string().optional(),
});
export type IndexHeaderLine = z.infer<typeof IndexHeaderLine>;

/** What identifies a file's content without reading it. */
const FileKey = {
  /** '/'-separated, relative to the folder the index describes. */
  path: Path,
  size: z.number().int().nonnegative(),
  mtimeMs: z.number().nonnegative(),
  /** A production-harness run's sibling files (run_meta.json, events.jsonl) as `size:mtime` each, '-' when absent. */
  siblings: z.string().optional(),
};

export const IndexFileLine = z.object({
  type: z.literal('file'),
  ...FileKey,
  /** How many `run` lines follow. */
  runs: z.number().int().nonnegative(),
  /** Why the file holds no run (`not a transcript`), when it holds none. */
  skipped: z.string().optional(),
  /** Problems reading the file as a whole (it could not be read, a damaged member of a log). */
  problems: z.array(z.string()).optional(),
});
export type IndexFileLine = z.infer<typeof IndexFileLine>;

export const IndexedTag = z.object({
  /** The tag's id, as a review sidecar names it. */
  id: z.string(),
  behaviour: z.string(),
  qualifier: z.string(),
  events: z.array(z.number().int().nonnegative()),
});
export type IndexedTag = z.infer<typeof IndexedTag>;

export const IndexRunLine = z.object({
  type: z.literal('run'),
  path: Path,
  /** The sample's key (`id#epoch`) in a log of many samples. */
  sample: z.string().optional(),
  /**
   * The run's identity as its source gives it, when it does: for an Inspect sample, the eval's id and
   * the sample's key, so one log kept as `.eval` and as `.json` counts its samples once.
   */
  runId: z.string().optional(),
  format: z.string(),
  /** The model's name without its provider or router prefix (runFields.ts modelName). */
  model: z.string().optional(),
  /** The model as the run spelled it, when that differs. */
  modelRaw: z.string().optional(),
  task: z.string().optional(),
  condition: z.string().optional(),
  conditionRaw: z.string().optional(),
  subject: z.enum(['self', 'peer']).optional(),
  monitoring: z.string().optional(),
  dataset: z.string().optional(),
  followup: z.boolean().optional(),
  eventCount: z.number().int().nonnegative(),
  /** SHA-256 of the file's bytes (runs of one file share it; a sample log's samples have none). */
  sha256: z.string().optional(),
  /** For a run log converted from another file: that file's hash (the same run in two formats). */
  convertedFrom: RunlogSource.optional(),
  /** Reading problems (file, line:column or JSON path, what was expected): the tags cover what was read. */
  problems: z.array(z.string()).optional(),
  tags: z.array(IndexedTag),
  /** The source's own verdicts per behaviour (its evaluation, scores or classifier: sourceVerdicts.ts). */
  verdicts: z.array(z.object({ behaviour: z.string(), shown: z.boolean(), field: z.string() })).optional(),
});
export type IndexRunLine = z.infer<typeof IndexRunLine>;

/** A run as the index holds it, without its file key. */
export type IndexedRun = Omit<IndexRunLine, 'type' | 'path'> & RunFields;

/** One file's entry: its key and what reading it gave. */
export interface IndexEntry {
  file: IndexFileLine;
  runs: IndexRunLine[];
}

/** The header line for an index written now by `detector`. */
export function indexHeader(detector: string, written?: string): IndexHeaderLine {
  return { type: 'header', schema: CORPUS_INDEX_SCHEMA, version: CORPUS_INDEX_VERSION, detector, ...(written ? { written } : {}) };
}

/** An entry's lines, each a JSON text with a final newline. */
export function entryLines(e: IndexEntry): string {
  let s = JSON.stringify(e.file) + '\n';
  for (const r of e.runs) s += JSON.stringify(r) + '\n';
  return s;
}

/** True when two file keys name the same content (path, size, mtime, siblings). */
export function sameFileKey(a: Pick<IndexFileLine, 'path' | 'size' | 'mtimeMs' | 'siblings'>, b: Pick<IndexFileLine, 'path' | 'size' | 'mtimeMs' | 'siblings'>): boolean {
  return a.path === b.path && a.size === b.size && a.mtimeMs === b.mtimeMs && (a.siblings ?? '') === (b.siblings ?? '');
}

/** What reading an index's text gave: its entries by path, or why none can be used. */
export interface ReadIndex {
  /** Entries by path; empty when the index is of another schema or detector version. */
  entries: Map<string, IndexEntry>;
  /** Why the whole index was set aside (another detector version, not an index), if it was. */
  discarded?: string;
  /** Lines that could not be used (`index.jsonl:12: …`): their files are read again. */
  warnings: string[];
}

/**
 * The index's lines checked by plain checks compiled from their schemas (core/runlog/fastParse.ts);
 * zod itself reads only a line they decline, so a damaged line gets zod's message. zod's own parse of
 * every line took about a fifth of reading the index of 223,000 transcripts (0.6 of 3.2 s).
 */
const fastFileLine = compileFastParse(IndexFileLine);
const fastRunLine = compileFastParse(IndexRunLine);

/**
 * Reads an index written by `indexHeader` + `entryLines`, line by line (`push` each line, then
 * `finish`), so an index of a quarter of a million runs is never one string. A line that is not valid
 * drops its file's entry (the file is read again), with a warning naming the line; an index of another
 * schema version or detector version is set aside whole. The index is Peerwatch's own file, so each
 * line goes through JSON.parse (fast on a quarter of a million lines) rather than the tolerant parser
 * transcripts need: nothing in a damaged line is worth keeping.
 */
export class IndexReader {
  private readonly entries = new Map<string, IndexEntry>();
  private readonly warnings: string[] = [];
  private discarded: string | undefined;
  private lineNo = 0;
  private current: IndexEntry | undefined;
  private bad = false;

  constructor(
    private readonly fileName: string,
    private readonly detector: string,
  ) {}

  /** Reads the next line (without its line break). */
  push(line: string): void {
    const i = ++this.lineNo;
    if (this.discarded !== undefined) return;
    if (i === 1) {
      const head = IndexHeaderLine.safeParse(this.parse(line, i, true));
      if (!head.success) this.discarded = `${this.at(i)}: not a ${CORPUS_INDEX_SCHEMA} header line; the index is written anew`;
      else if (head.data.version !== CORPUS_INDEX_VERSION) this.discarded = `${this.fileName} is version ${head.data.version} of the index, this Peerwatch writes version ${CORPUS_INDEX_VERSION}; every file is read again`;
      else if (head.data.detector !== this.detector) this.discarded = `${this.fileName} was written by detectors ${head.data.detector}, these are ${this.detector}; every file is read again`;
      return;
    }
    // Every line the index writes starts with `{`; only another line is looked at for blankness.
    if (line.charCodeAt(0) !== 0x7b && line.trim() === '') return;
    const v = this.parse(line, i);
    if (v === undefined) {
      this.bad = true;
      return;
    }
    const type = (v as { type?: unknown }).type;
    if (type === 'file') {
      this.close();
      const fast = fastFileLine ? fastFileLine(v) : UNSURE;
      const f = fast !== UNSURE ? ({ success: true, data: fast } as const) : IndexFileLine.safeParse(v);
      if (f.success) this.current = { file: f.data, runs: [] };
      else this.warnings.push(`${this.at(i)}: ${describeZodIssue(f.error.issues[0]!)}; the file it describes is read again`);
    } else if (type === 'run') {
      const fast = fastRunLine ? fastRunLine(v) : UNSURE;
      const r = fast !== UNSURE ? ({ success: true, data: fast } as const) : IndexRunLine.safeParse(v);
      if (!r.success) {
        this.warnings.push(`${this.at(i)}: ${describeZodIssue(r.error.issues[0]!)}; the file it describes is read again`);
        this.bad = true;
      } else if (this.current && r.data.path === this.current.file.path) this.current.runs.push(r.data);
      else this.warnings.push(`${this.at(i)}: a run line outside its file's entry; ignored`);
    } else this.warnings.push(`${this.at(i)}: expected a line of type "file" or "run"`);
  }

  /** The entries read (none if the index was set aside) and the warnings. */
  finish(): ReadIndex {
    this.close();
    if (this.lineNo === 0) this.discarded = `${this.fileName} is empty; the index is written anew`;
    if (this.discarded !== undefined) return { entries: new Map(), warnings: [], discarded: this.discarded };
    return { entries: this.entries, warnings: this.warnings };
  }

  /** Where line `i` is, for a warning (named only then: most of a quarter of a million lines never need it). */
  private at(i: number): string {
    return `${this.fileName}:${i}`;
  }

  private parse(line: string, i: number, quiet = false): unknown {
    try {
      return JSON.parse(line);
    } catch (e) {
      if (!quiet) this.warnings.push(`${this.at(i)}: not JSON (${e instanceof Error ? e.message : String(e)}); the file it describes is read again`);
      return undefined;
    }
  }

  private close(): void {
    const c = this.current;
    if (c && !this.bad) {
      if (c.runs.length === c.file.runs) this.entries.set(c.file.path, c);
      else this.warnings.push(`${this.fileName}: ${c.file.path} has ${c.runs.length} run lines, its file line says ${c.file.runs}; the file is read again`);
    }
    this.current = undefined;
    this.bad = false;
  }
}

/** Reads a whole index's text (see IndexReader). */
export function readIndex(fileName: string, text: string, detector: string): ReadIndex {
  const reader = new IndexReader(fileName, detector);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) reader.push(line);
  return reader.finish();
}
