/**
 * What the comparison view is sent for two runs: their comparison (compareRuns), and either both runs'
 * events and the aligned rows, or, for runs too large to show row by row, the header's facts alone with
 * the command that prints every row. Built where the runs are read: the comparison worker
 * (src/node/compareWorker.ts) or, without one, the extension host (src/host/compare/compareInHost.ts).
 *
 * Pure module.
 */
import type { Rules } from '../behaviours';
import { readRun, type RunFiles } from '../formats/readRun';
import type { SampleLog } from '../formats/sampleLog';
import type { Transcript } from '../model';
import { compareRuns } from './index';
import type { CompareInit } from './protocol';

/**
 * The most events (A's and B's together) the view shows row by row. The page gets every event in one
 * message and renders every row at once (one grid, so both columns scroll together and share each
 * row's height). Measured in code-server on the shared 2-core machine (load 3-4), from picking B to
 * the rows on screen: 2,000 events 1.7 s, 5,000 events 4.5 s (a 3 MB message; the worker's part
 * 0.4 s), 10,000 events 6.8 s (6 MB), after which the page took 2 s to answer a key. A run of 100,000
 * events would be a message of about 60 MB, cloned on the extension host, and a page of hundreds of
 * thousands of nodes. Beyond the bound the view keeps what a reader of so large a pair wants first
 * (the first divergence, the outcomes, the tags, how many rows differ) and names `peerwatch compare`,
 * which prints every row without holding a page.
 */
export const MAX_VIEW_EVENTS = 5_000;

/** One side to read: its file (a path `files` takes), the name messages give it, and the run of a log of many samples. */
export interface SideToRead {
  readonly path: string;
  readonly name: string;
  readonly sample?: string;
}

/** One side as read: the name the view shows and its transcript. */
export interface ComparedSide {
  readonly name: string;
  readonly transcript: Transcript;
}

/**
 * Reads one side with the readers the editor uses: the run `path` belongs to (readRun), or sample
 * `sample` of the log of many samples there (`openLog`). Rejects naming the file when it cannot.
 */
export async function readComparedSide(side: SideToRead, files: RunFiles, openLog: (path: string, name: string) => Promise<SampleLog | undefined>): Promise<ComparedSide> {
  if (side.sample !== undefined) {
    const log = await openLog(side.path, side.name);
    if (!log) throw new Error(`${side.name} is not a log of many samples Peerwatch can read`);
    return { name: `${side.name}#${side.sample}`, transcript: await log.readSample(side.sample) };
  }
  if (!(await files.exists(side.path))) throw new Error(`${side.name}: no such file`);
  return { name: side.name, transcript: (await readRun(files, side.path)).transcript };
}

/** What the view's message is built with besides the runs. */
export interface ViewOptions {
  /** The workspace's rules (the detectors' and the weights' rules), as the editor tags with them. */
  readonly rules?: Rules;
  /** `peerwatch compare A B` for these runs (compareCommandLine), named when they are too large. */
  readonly command: string;
  readonly maxEvents?: number;
}

/** The `init` message for A and B; runs of more than `maxEvents` events together go without rows. */
export function comparisonView(a: ComparedSide, b: ComparedSide, opts: ViewOptions): CompareInit {
  const { rules, command, maxEvents = MAX_VIEW_EVENTS } = opts;
  const comparison = compareRuns(a.transcript, b.transcript, rules);
  const events = a.transcript.events.length + b.transcript.events.length;
  const run = (s: ComparedSide, withEvents: boolean) => ({ name: s.name, header: s.transcript.header, events: withEvents ? s.transcript.events : [] });
  if (events <= maxEvents) return { type: 'init', a: run(a, true), b: run(b, true), comparison };
  const counts = { same: 0, changed: 0, 'only-a': 0, 'only-b': 0 };
  for (const r of comparison.aligned) counts[r.status]++;
  return {
    type: 'init',
    a: run(a, false),
    b: run(b, false),
    comparison: { ...comparison, aligned: [] },
    tooLarge: {
      events,
      limit: maxEvents,
      rows: { total: comparison.aligned.length, same: counts.same, changed: counts.changed, onlyA: counts['only-a'], onlyB: counts['only-b'] },
      command,
    },
  };
}

/** `peerwatch compare A B` for these two sides, words quoted as a POSIX shell reads them (shown as text, never run). */
export function compareCommandLine(a: { path: string; sample?: string }, b: { path: string; sample?: string }): string {
  const words = ['peerwatch', 'compare', a.path, b.path];
  if (a.sample !== undefined) words.push('--sample-a', a.sample);
  if (b.sample !== undefined) words.push('--sample-b', b.sample);
  return words.map(shellWord).join(' ');
}

function shellWord(w: string): string {
  return /^[\w@%+=:,./-][\w@%+=:,./#-]*$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}
