/**
 * Re-runs a scenario with Peerwatch's own runner (`peerwatch run`, a simulated OpenBrain):
 *
 *   <peerwatch> run --from TRANSCRIPT --model M [--condition C] [--subject S] [--monitoring A]
 *     (-o OUT/<name>.runlog.jsonl | --out-dir OUT --runs N)
 *
 * The scenario (task family, dataset, threshold, how the peer was introduced) is read by the runner
 * from the transcript itself; only what the researcher changes is passed. Works for any transcript
 * whose task family is known: study transcripts, Peerwatch run logs, provider logs with study metadata.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { Subject } from '../model';
import { STUDY_CONDITIONS, STUDY_MODELS, baseOf, joinPath, pushFlag, sepOf } from './common';
import { LEGACY_CONDITIONS } from './studyHarness';
import type { LaunchContext, Launcher } from './types';

/**
 * The condition as `peerwatch run --condition` knows it: today's names pass, older releases'
 * `company_guideline` values are mapped (`collaboration` → `good_peer`, …), and a value with no
 * counterpart (`shutdown`) is left out so the runner takes the scenario from the transcript itself.
 */
export function runnerCondition(condition: string | undefined): string | undefined {
  if (condition === undefined) return undefined;
  if ((STUDY_CONDITIONS as readonly string[]).includes(condition)) return condition;
  return LEGACY_CONDITIONS[condition];
}

/** The model id that replays a transcript's own assistant turns instead of calling a model. */
export function replayModel(transcriptPath: string): string {
  return `replay:${transcriptPath}`;
}

/**
 * The API key a model needs (none for `replay:`), by the rule `peerwatch run` picks its provider:
 * `anthropic/…` and `claude…` talk to Anthropic, every other id to an OpenAI-compatible endpoint
 * (OpenAI, OpenRouter, LiteLLM, a local server), `vertex_ai/claude-…` included.
 */
export function apiKeyFor(model: string): string | undefined {
  if (model.startsWith('replay:')) return undefined;
  return /^anthropic\//i.test(model) || /^claude/i.test(model) ? 'ANTHROPIC_API_KEY' : 'OPENAI_API_KEY';
}

/** The transcript's file name without its extension, for the new run log's name. */
export function runName(ctx: LaunchContext): string {
  const base = baseOf(ctx.transcriptPath, sepOf(ctx));
  const stem = base.replace(/\.runlog\.jsonl$|\.jsonl$|\.json$|\.eval$/i, '') || 'run';
  return `${stem}.rerun`;
}

export const peerwatchLauncher: Launcher = {
  id: 'peerwatch',
  label: "Peerwatch's own runner (peerwatch run, simulated OpenBrain)",

  unavailable(header) {
    if (!header.taskFamily) return `the ${header.format} transcript names no task family of the study, so there is no scenario to simulate`;
    return undefined;
  },

  defaults(header) {
    return {
      model: header.model ?? '',
      ...(runnerCondition(header.condition) ? { condition: runnerCondition(header.condition) } : {}),
      ...(header.subject ? { subject: header.subject } : {}),
      ...(header.monitoring ? { monitoring: header.monitoring } : {}),
      runs: 1,
    };
  },

  choices(header, ctx) {
    const models = [...new Set([...(header.model ? [header.model] : []), ...(ctx ? [replayModel(ctx.transcriptPath)] : []), ...STUDY_MODELS])];
    const original = runnerCondition(header.condition);
    const conditions = [...new Set([...(original ? [original] : []), ...STUDY_CONDITIONS])];
    const subjects: Subject[] = ['self', 'peer'];
    return { models, conditions, subjects, monitoring: ['none', 'monitoring', 'non_monitoring'] };
  },

  plan(header, params, ctx) {
    const why = peerwatchLauncher.unavailable(header, ctx);
    if (why) throw new Error(why);
    const sep = sepOf(ctx);
    const args = [...ctx.peerwatchCli.args, 'run'];
    pushFlag(args, '--from', ctx.transcriptPath);
    pushFlag(args, '--model', params.model);
    const condition = runnerCondition(params.condition);
    if (condition) pushFlag(args, '--condition', condition);
    if (params.subject) args.push('--subject', params.subject);
    // `none` is passed only when it changes an alignment-faking run's arm.
    if (params.monitoring && (params.monitoring !== 'none' || (header.monitoring && header.monitoring !== 'none'))) args.push('--monitoring', params.monitoring);
    let output;
    if (params.runs === 1) {
      const file = joinPath(sep, ctx.outputDir, `${runName(ctx)}.runlog.jsonl`);
      args.push('-o', file);
      output = { kind: 'file' as const, path: file };
    } else {
      args.push('--out-dir', ctx.outputDir, '--runs', String(params.runs));
      output = { kind: 'search' as const, dir: ctx.outputDir, pattern: '*.runlog.jsonl' };
    }
    const key = apiKeyFor(params.model);
    return {
      launcher: 'peerwatch',
      command: ctx.peerwatchCli.command,
      args,
      cwd: ctx.outputDir,
      output,
      ...(key ? { needsEnv: [key] } : {}),
    };
  },
};
