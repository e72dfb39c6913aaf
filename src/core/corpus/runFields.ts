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
  /** The model's name without the route it was called by (modelName), so that one model is one row. */
  model?: string;
  /** The model as the run's header spelled it, when that differs (`gemini/gemini-3-flash-preview`). */
  modelRaw?: string;
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

/**
 * A model's name with the route it was called by left out, so that runs of one model made through
 * different providers or harnesses count in one row: the provider or router prefix (`gemini/`,
 * `openrouter/z-ai/`, `vertex_ai/`, a Hugging Face organisation), letter case, Vertex's `@` before a
 * version (read as `-`), and a version written with a dash (`claude-haiku-4-5`, as Anthropic's API
 * names it) read as with a dot (`4.5`, as routers name it). Dated snapshots (`-20251001`,
 * `-2024-08-06`) stay apart: they may behave differently.
 */
export function modelName(raw: string): string {
  const last = raw.slice(raw.lastIndexOf('/') + 1).trim() || raw.trim();
  return last.toLowerCase().replace(/@/g, '-').replace(/(?<![\d.])(\d)-(\d)(?!\d)/g, '$1.$2');
}

/** The corpus fields of a run's header. */
export function runFields(h: RunHeader): RunFields {
  const { condition, raw } = normaliseCondition(h.condition);
  const task = h.taskFamily ?? h.taskName;
  const model = h.model ? modelName(h.model) : undefined;
  return {
    format: h.format,
    ...(model ? { model, ...(model !== h.model ? { modelRaw: h.model } : {}) } : {}),
    ...(task ? { task } : {}),
    ...(condition ? { condition } : {}),
    ...(raw ? { conditionRaw: raw } : {}),
    ...(h.subject ? { subject: h.subject } : {}),
    ...(h.monitoring && h.monitoring !== 'none' ? { monitoring: h.monitoring } : {}),
    ...(h.dataset ? { dataset: h.dataset } : {}),
    ...(h.format === 'study-followup' ? { followup: true } : {}),
  };
}
