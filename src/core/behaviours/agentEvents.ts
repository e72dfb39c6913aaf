/**
 * The events the detectors read: the agent's own. An event in a `scorer` group (a model-graded
 * scorer's conversation with its grader model) is the grader's words, not the agent's: it is replaced,
 * at the same index, by a placeholder no detector reads, so tags keep citing the transcript's indices.
 * gatherFacts reads every transcript through this, so it is the one place the detectors skip them.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { Transcript, TranscriptEvent } from '../model';

/** True when the event belongs to a scorer (a grader model's call), not to the agent. */
export function isScorerEvent(e: TranscriptEvent): boolean {
  return e.groups?.some((g) => g.kind === 'scorer') ?? false;
}

/** The transcript with scorers' events replaced by placeholders (the same object when it has none). */
export function agentTranscript(t: Transcript): Transcript {
  if (!t.events.some(isScorerEvent)) return t;
  const events = t.events.map((e): TranscriptEvent => (isScorerEvent(e) ? { kind: 'environment', index: e.index, source: e.source, fact: "A scorer's event (not the agent's)", ...(e.groups ? { groups: e.groups } : {}) } : e));
  return { ...t, events };
}
