/**
 * What the corpus keeps of a run's header: the fields `peerwatch summarize` groups by, with the
 * condition in today's vocabulary. Older study releases name the condition by `company_guideline`
 * (`collaboration`, …); the header keeps that raw value, and the corpus maps it through the one table
 * the re-run launchers use (LEGACY_CONDITIONS), keeping the raw value beside it.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { RunHeader } from '../model';
import { STUDY_CONDITIONS } from '../rerun/common';
import { LEGACY_CONDITIONS } from '../rerun/studyHarness';

/** The header fields of one run, as the corpus index stores them. */
export interface RunFields {
  /** The format it was read from (`study`, `runlog`, `inspect`, …). */
  format: string;
  model?: string;
  /** The task family when known, else the task name as the source spelled it. */
  task?: string;
  /** The condition in today's names (good_peer, neutral_peer, bad_peer, no_peer, non_shutdown, or as written). */
  condition?: string;
  /** The condition as the source wrote it, when it was mapped (`collaboration`). */
  conditionRaw?: string;
  subject?: 'self' | 'peer';
  /** The alignment-faking arm (`monitoring` / `non_monitoring`), when the run has one. */
  monitoring?: string;
  dataset?: string;
  /** A follow-up session (the original run replayed, then a human's questions): not a run of its own. */
  followup?: boolean;
}

/** A condition in today's names: legacy `company_guideline` values mapped, others unchanged. */
export function normaliseCondition(condition: string | undefined): { condition?: string; raw?: string } {
  if (condition === undefined || condition === '') return {};
  if (STUDY_CONDITIONS.includes(condition)) return { condition };
  const mapped = LEGACY_CONDITIONS[condition];
  return mapped ? { condition: mapped, raw: condition } : { condition };
}

/** The corpus fields of a run's header. */
export function runFields(h: RunHeader): RunFields {
  const { condition, raw } = normaliseCondition(h.condition);
  const task = h.taskFamily ?? h.taskName;
  return {
    format: h.format,
    ...(h.model ? { model: h.model } : {}),
    ...(task ? { task } : {}),
    ...(condition ? { condition } : {}),
    ...(raw ? { conditionRaw: raw } : {}),
    ...(h.subject ? { subject: h.subject } : {}),
    ...(h.monitoring && h.monitoring !== 'none' ? { monitoring: h.monitoring } : {}),
    ...(h.dataset ? { dataset: h.dataset } : {}),
    ...(h.format === 'study-followup' ? { followup: true } : {}),
  };
}
