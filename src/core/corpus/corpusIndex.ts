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
  format: z.string(),
  model: z.string().optional(),
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
 * Reads an index written by `indexHeader` + `entryLines`. A line that is not valid drops its file's
 * entry (the file is read again), with a warning naming the line; an index of another schema version
 * or detector version is set aside whole. The index is Peerwatch's own file, so each line goes through
 * JSON.parse (fast on a quarter of a million lines) rather than the tolerant parser transcripts need:
 * nothing in a damaged line is worth keeping.
 */
export function readIndex(fileName: string, text: string, detector: string): ReadIndex {
  const entries = new Map<string, IndexEntry>();
  const warnings: string[] = [];
  const lines = text.split('\n');
  const parse = (i: number): unknown => {
    try {
      return JSON.parse(lines[i]!);
    } catch (e) {
      warnings.push(`${fileName}:${i + 1}: not JSON (${e instanceof Error ? e.message : String(e)}); the file it describes is read again`);
      return undefined;
    }
  };
  const head = IndexHeaderLine.safeParse(lines[0]?.trim() ? parse(0) : undefined);
  if (!head.success) return { entries, warnings: [], discarded: `${fileName}:1: not a ${CORPUS_INDEX_SCHEMA} header line; the index is written anew` };
  if (head.data.version !== CORPUS_INDEX_VERSION) return { entries, warnings: [], discarded: `${fileName} is version ${head.data.version} of the index, this Peerwatch writes version ${CORPUS_INDEX_VERSION}; every file is read again` };
  if (head.data.detector !== detector) return { entries, warnings: [], discarded: `${fileName} was written by detectors ${head.data.detector}, these are ${detector}; every file is read again` };
  let current: IndexEntry | undefined;
  let bad = false;
  const close = () => {
    if (current && !bad && current.runs.length === current.file.runs) entries.set(current.file.path, current);
    else if (current && !bad) warnings.push(`${fileName}: ${current.file.path} has ${current.runs.length} run lines, its file line says ${current.file.runs}; the file is read again`);
    current = undefined;
    bad = false;
  };
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const v = parse(i);
    if (v === undefined) {
      bad = true;
      continue;
    }
    const type = (v as { type?: unknown }).type;
    if (type === 'file') {
      close();
      const f = IndexFileLine.safeParse(v);
      if (f.success) current = { file: f.data, runs: [] };
      else warnings.push(`${fileName}:${i + 1}: ${describeZodIssue(f.error.issues[0]!)}; the file it describes is read again`);
    } else if (type === 'run') {
      const r = IndexRunLine.safeParse(v);
      if (!r.success) {
        warnings.push(`${fileName}:${i + 1}: ${describeZodIssue(r.error.issues[0]!)}; the file it describes is read again`);
        bad = true;
      } else if (current && r.data.path === current.file.path) current.runs.push(r.data);
      else warnings.push(`${fileName}:${i + 1}: a run line outside its file's entry; ignored`);
    } else {
      warnings.push(`${fileName}:${i + 1}: expected a line of type "file" or "run"`);
    }
  }
  close();
  return { entries, warnings };
}
