/**
 * The messages between the extension host and the comparison view (src/host/compare/,
 * src/webview/compare.ts). The host reads both runs and compares them; the webview only shows what it
 * is sent. Everything that arrives from the webview is validated with these schemas.
 *
 * Pure module: imported by the host bundle and the comparison webview bundle.
 */
import { z } from 'zod';
import { RunHeader, TranscriptEvent } from '../model';

const RowSide = z.object({
  event: z.number().int().nonnegative(),
  kind: z.string(),
  step: z.number().int().optional(),
  what: z.string(),
  snippet: z.string(),
});

const ValueDiff = z.object({ field: z.string(), a: z.unknown().optional(), b: z.unknown().optional(), same: z.boolean() });

/** One run as the view shows it: its name, header and events. */
export const ComparedRun = z.object({ name: z.string(), header: RunHeader, events: z.array(TranscriptEvent) });
export type ComparedRun = z.infer<typeof ComparedRun>;

/** A RunComparison (core/compare) as sent to the view. */
export const ComparisonData = z.object({
  aligned: z.array(z.object({ status: z.enum(['same', 'changed', 'only-a', 'only-b']), a: RowSide.optional(), b: RowSide.optional() })),
  firstDivergence: z.object({ row: z.number().int(), by: z.enum(['action', 'text']), status: z.string(), stepA: z.number().int().optional(), stepB: z.number().int().optional(), summary: z.string() }).nullable(),
  outcome: z.object({ evaluation: z.array(ValueDiff), config: z.array(ValueDiff), weights: z.object({ a: z.array(z.string()), b: z.array(z.string()), same: z.boolean() }) }),
  tags: z.object({ onlyA: z.array(z.string()), onlyB: z.array(z.string()), both: z.array(z.string()) }),
});

/**
 * Runs too large to show row by row (core/compare/view.ts, MAX_VIEW_EVENTS): the view then gets no
 * events and no rows, only the header's facts, how many rows of each kind there are, and the command
 * line that prints every row.
 */
export const TooLarge = z.object({
  events: z.number().int().nonnegative(),
  limit: z.number().int().nonnegative(),
  rows: z.object({ total: z.number().int(), same: z.number().int(), changed: z.number().int(), onlyA: z.number().int(), onlyB: z.number().int() }),
  command: z.string(),
});
export type TooLarge = z.infer<typeof TooLarge>;

/** The two runs and their comparison, once the view is ready. */
export const CompareInit = z.object({ type: z.literal('init'), a: ComparedRun, b: ComparedRun, comparison: ComparisonData, tooLarge: TooLarge.optional() });
export type CompareInit = z.infer<typeof CompareInit>;

/** Commands the host forwards from the palette (the keys n / p do the same inside the view). */
export const CompareCommand = z.enum(['nextDifference', 'previousDifference']);
export type CompareCommand = z.infer<typeof CompareCommand>;

/** Messages from the host to the comparison view. */
export const ToCompareView = z.discriminatedUnion('type', [
  CompareInit,
  /** A palette command. */
  z.object({ type: z.literal('command'), command: CompareCommand }),
]);
export type ToCompareView = z.infer<typeof ToCompareView>;

/** Messages from the comparison view to the host. */
export const FromCompareView = z.discriminatedUnion('type', [
  /** The page has loaded and listens: send `init`. */
  z.object({ type: z.literal('ready') }),
  /** The difference now shown (index into the aligned rows), for the status and the tests. */
  z.object({ type: z.literal('current'), row: z.number().int().nonnegative() }),
]);
export type FromCompareView = z.infer<typeof FromCompareView>;
