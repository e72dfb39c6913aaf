/**
 * Comparing two runs (`peerwatch compare`, the comparison view): aligned events, the first
 * divergence, outcomes and tags. Any two Transcripts compare, whatever formats they were read from.
 * Pure module.
 */
import type { Transcript } from '../model';
import type { Rules } from '../behaviours';
import { alignEvents, firstDivergence, type AlignedRow, type Divergence } from './align';
import { compareOutcomes, compareTags, type OutcomeComparison, type TagComparison } from './outcome';

export { alignEvents, differenceRows, eventKey, eventText, firstDivergence, rowSummary, similarity, type AlignedRow, type Divergence, type RowSide, type RowStatus } from './align';
export { compareOutcomes, compareTags, type OutcomeComparison, type TagComparison, type ValueDiff } from './outcome';

/** What `peerwatch compare --json` prints. */
export interface RunComparison {
  readonly aligned: AlignedRow[];
  readonly firstDivergence: Divergence | null;
  readonly outcome: OutcomeComparison;
  readonly tags: TagComparison;
}

/** Compares run A with run B. */
export function compareRuns(a: Transcript, b: Transcript, rules?: Rules): RunComparison {
  const aligned = alignEvents(a.events, b.events);
  return { aligned, firstDivergence: firstDivergence(aligned), outcome: compareOutcomes(a, b, rules), tags: compareTags(a, b, rules) };
}
