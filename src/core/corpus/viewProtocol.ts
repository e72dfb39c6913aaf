/**
 * The messages between the extension host and the corpus view (src/host/corpus/corpusPanel.ts,
 * src/webview/corpus.ts). The host indexes the folder, counts, lists a cell's runs and searches (in a
 * worker); the page only shows what it is sent. What arrives from the page is validated with the
 * schemas below; the page imports these types only (no zod in its bundle).
 *
 * Pure module.
 */
import { z } from 'zod';
import { LABEL_SOURCES, type Agreement } from './agreement';
import type { CellRun, FilterChoices } from './corpusView';
import type { CorpusFilter } from './corpusTable';
import type { SearchHit } from './search';
import type { Summary } from './summarize';

const Value = z.string().max(10_000);

export const CorpusFilterSchema = z.object({
  model: Value.optional(),
  task: Value.optional(),
  condition: Value.optional(),
  subject: Value.optional(),
  monitoring: Value.optional(),
  behaviour: Value.optional(),
  reviewed: z.enum(['reviewed', 'unreviewed']).optional(),
  source: z.enum(['detectors', 'review', 'judge']),
  against: z.literal('arm').optional(),
});

const CellKeySchema = z.object({ model: Value.nullable(), task: Value.nullable(), condition: Value.nullable(), monitoring: Value.nullable().optional() });

/** Messages from the corpus view to the host. */
export const FromCorpusView = z.discriminatedUnion('type', [
  /** The page has loaded and listens. */
  z.object({ type: z.literal('ready') }),
  /** Show the table for this filter. */
  z.object({ type: z.literal('filter'), filter: CorpusFilterSchema }),
  /** List the runs of a cell (those showing `behaviour` first). */
  z.object({ type: z.literal('openCell'), cell: CellKeySchema, behaviour: Value.optional() }),
  /** Open a run in the Peerwatch editor at an event. */
  z.object({ type: z.literal('openRun'), key: Value, event: z.number().int().nonnegative().optional() }),
  /** Search every run (of the filter) for `query`; `id` names the search in the replies. A new search cancels the one before. */
  z.object({ type: z.literal('search'), id: z.number().int(), query: Value }),
  /** Stop the search under way. */
  z.object({ type: z.literal('cancelSearch') }),
  /** Write the table as CSV to a file the user picks. */
  z.object({ type: z.literal('exportCsv') }),
  /** Read the folder again (files changed since are read and tagged; the rest come from the index). */
  z.object({ type: z.literal('refresh') }),
  /** Open the comparison view on two runs. */
  z.object({ type: z.literal('compare'), a: Value, b: Value }),
  /** Show the agreement of the tags with these labels (and again whenever the filter or the folder changes). */
  z.object({ type: z.literal('agreement'), labels: z.enum(LABEL_SOURCES) }),
]);
export type FromCorpusView = z.infer<typeof FromCorpusView>;

/** What the folder gave: counts of files and runs, and what went wrong. */
export interface CorpusTotals {
  files: number;
  fromIndex: number;
  tagged: number;
  /** Indexing was cancelled: the table counts the files done. */
  interrupted: boolean;
  /** Files or runs that could not be read (file, place, what was expected), the first few. */
  problems: string[];
  /** How many problems there were in all. */
  problemCount: number;
  /** The workspace rules file the tags include (besides the built-in detectors), if one does. */
  rules?: string;
}

/** Messages from the host to the corpus view. */
export type ToCorpusView =
  /** Indexing progress (or any other state worth a line). */
  | { type: 'status'; text: string; busy: boolean }
  /** The folder indexed: its name, what the filters can choose, the totals. */
  | { type: 'init'; folder: string; choices: FilterChoices; totals: CorpusTotals }
  /** The table for a filter. */
  | { type: 'table'; filter: CorpusFilter; summary: Summary }
  /** A cell's runs (file relative to the folder). */
  | { type: 'cellRuns'; title: string; behaviour?: string; runs: CellRun[] }
  /** Hits of search `id` in one run. */
  | { type: 'searchHits'; id: number; key: string; file: string; sample?: string; hits: SearchHit[]; more: number }
  /** Search `id`'s progress, and its end. */
  | { type: 'searchProgress'; id: number; searched: number; total: number; done: boolean; cancelled?: boolean; problems?: number }
  /** The CSV was written. */
  | { type: 'exported'; file: string }
  /**
   * The agreement of the runs the filter keeps (agreement.ts, what `peerwatch agreement` computes),
   * rows and disagreements of the filter's behaviour only when it names one; a disagreement's `file`
   * is relative to the folder, its `run` the key `openRun` takes.
   */
  | { type: 'agreement'; agreement: Agreement };
