/**
 * The last event lines of a run log, found from its last bytes alone, before the index has read the
 * lines before them: what lets a reader jump to the end of a log of a gigabyte while it is still
 * being indexed. A line counts as an event exactly when `RunlogIndex` would count it (a JSON object
 * whose `type` is "event"), so the events' order and their distances from one another are exact; only
 * the number of the first one depends on the lines not read yet (see `tailNumbering`).
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../json/values';
import { RunlogEndRecord } from './runlog';

/** One event line in the tail: where its bytes are in the file (without newline or carriage return). */
export interface TailLine {
  start: number;
  end: number;
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * The whole lines in `bytes`, the file's bytes from `offset` to its end, as file offsets (without
 * newline or carriage return; empty lines left out). Unless `offset` is 0, the first line may be cut,
 * so it is skipped; a last line without a newline is given as the index's `finish` reads it.
 */
function* tailLines(bytes: Uint8Array, offset: number): Generator<TailLine> {
  let pos = 0;
  if (offset > 0) {
    const nl = bytes.indexOf(10);
    if (nl < 0) return;
    pos = nl + 1;
  }
  while (pos < bytes.length) {
    let nl = bytes.indexOf(10, pos);
    if (nl < 0) nl = bytes.length;
    let end = nl;
    if (end > pos && bytes[end - 1] === 13) end--;
    if (end > pos) yield { start: offset + pos, end: offset + end };
    pos = nl + 1;
  }
}

/** The event lines in `bytes`, the file's bytes from `offset` to its end (see tailLines). */
export function tailEventLines(bytes: Uint8Array, offset: number): TailLine[] {
  const out: TailLine[] = [];
  for (const l of tailLines(bytes, offset)) if (isEventRecord(bytes.subarray(l.start - offset, l.end - offset))) out.push(l);
  return out;
}

/**
 * True when `bytes`, the file's bytes from `offset` to its end, hold a valid end record, as the index
 * reads one (any end record ends the run, whatever follows it): the run finished, so a log still
 * being indexed is not shown as live.
 */
export function holdsEndRecord(bytes: Uint8Array, offset: number): boolean {
  for (const l of tailLines(bytes, offset)) {
    const text = decoder.decode(bytes.subarray(l.start - offset, l.end - offset));
    if (!text.includes('"end"')) continue;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      continue;
    }
    if (RunlogEndRecord.safeParse(record).success) return true;
  }
  return false;
}

function isEventRecord(line: Uint8Array): boolean {
  let record: unknown;
  try {
    record = JSON.parse(decoder.decode(line));
  } catch {
    return false;
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return false;
  // The index reads a line nesting too deep as a problem, not an event: so does the tail.
  if (line.length > 2 * MAX_JSON_DEPTH && nestsDeeperThan(record)) return false;
  return (record as { type?: unknown }).type === 'event';
}

/** What is known of the lines before the tail: the index's progress so far. */
export interface IndexProgress {
  /** Events indexed. */
  count: number;
  /** Lines read by the index. */
  lines: number;
  /** File offset just after the last line the index read. */
  bytesIndexed: number;
}

/**
 * The number (and line) of the tail's first event: exact when the index has already read past its
 * start (`exactAt` gives the index's number for that offset), else estimated from the index's
 * average bytes per event and per line so far.
 */
export function tailNumbering(
  firstStart: number,
  progress: IndexProgress,
  exactAt: (start: number) => { index: number; line: number } | undefined,
): { index: number; line: number; exact: boolean } {
  if (firstStart < progress.bytesIndexed) {
    const known = exactAt(firstStart);
    if (known) return { ...known, exact: true };
  }
  const ahead = Math.max(0, firstStart - progress.bytesIndexed);
  const perEvent = progress.count > 0 ? progress.bytesIndexed / progress.count : 600;
  const perLine = progress.lines > 0 ? progress.bytesIndexed / progress.lines : perEvent;
  return {
    index: progress.count + Math.round(ahead / perEvent),
    line: progress.lines + 1 + Math.round(ahead / perLine),
    exact: false,
  };
}
