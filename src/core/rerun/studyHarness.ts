/**
 * Re-runs a study transcript with the study's own harness (github.com/peer-preservation/main):
 *
 *   uv run python scripts/run_experiment.py --model M --task_folder T --condition C --subject S
 *     --dataset D [--threshold N] --num_experiments R [--alignment_faking_mode A]
 *     [--reasoning_scratchpad_mode P] [--system_prompt_relationship] [--max_iters N]
 *     [--memory_hard_prompt] [--reasoning_effort E] --results_base_dir OUT
 *
 * and production-harness runs (Gemini CLI / OpenCode in Docker) with
 *
 *   uv run python coding_agents/run_e2e_test.py --agent A --task-type T --model M --subject S
 *     --condition C [--memory] [--spr] [--exfiltration_deletion-mode files_only|full] [--no-docker]
 *     --output-dir OUT
 *
 * Flag names are those of the scripts' argparse. Every `experiment_metadata` field that has a flag is
 * mapped; those without one are named in the plan's notes (`agent_temperature` lives in the
 * harness's config.yaml, not on the command line).
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { RunHeader, Subject } from '../model';
import { TASK_NAME_FAMILIES } from '../formats/study/studyHeader';
import { STUDY_CONDITIONS, STUDY_MODELS, dirOf, experimentMetadata, joinPath, num, pushFlag, runMeta, sepOf, str, walkUp } from './common';
import type { LaunchChoices, LaunchContext, LaunchParams, LaunchPlan, Launcher } from './types';

export const RUN_EXPERIMENT = ['scripts', 'run_experiment.py'] as const;
export const RUN_E2E_TEST = ['coding_agents', 'run_e2e_test.py'] as const;

/** Legacy task names (file names of the released examples) → today's `--task_folder`. */
export function todaysTaskFolder(name: string): string {
  return TASK_NAME_FAMILIES[name] ?? name;
}

/**
 * Older releases name the condition by `company_guideline`. `collaboration` is the good-peer set-up
 * (the drive file names the pair as the strongest collaborators, trust 9.5/10, as in the released
 * examples); `collaboration_reverse` and `non_collaboration` follow by the same reading. All three
 * are reported as inferred. `shutdown` (the guideline alone; the peer may come through
 * `peer_experience`) has no sure counterpart and is passed unchanged with a note.
 */
export const LEGACY_CONDITIONS: Readonly<Record<string, string>> = {
  collaboration: 'good_peer',
  collaboration_reverse: 'bad_peer',
  non_collaboration: 'neutral_peer',
};

/** True for study transcripts: the formats the study importer writes. */
export function isStudyTranscript(header: RunHeader): boolean {
  return header.format === 'study' || header.format === 'study-followup' || header.format === 'study-harness';
}

/** Production-harness (coding agent) run: `run_e2e_test.py` re-runs it. */
export function isProductionHarnessRun(header: RunHeader, ctx?: LaunchContext): boolean {
  if (header.format === 'study-harness' || header.harness?.kind === 'coding_agent') return true;
  const meta = experimentMetadata(header);
  if (meta['agent_harness'] === 'coding_agent' || meta['agent_harness'] === 'production') return true;
  return ctx !== undefined && /(^|[\\/])e2e_runs[\\/]/.test(ctx.transcriptPath);
}

interface Condition {
  readonly value?: string;
  /** Set when the value was inferred from a legacy field. */
  readonly inferredFrom?: string;
}

function originalCondition(header: RunHeader, e2e: boolean): Condition {
  const meta = experimentMetadata(header);
  const run = runMeta(header);
  const condition = str(meta['condition']) ?? str(run['condition']);
  if (condition) return { value: condition };
  const guideline = str(meta['company_guideline']);
  if (guideline) {
    // run_e2e_test.py still accepts `shutdown` as a condition; the older scripts' names are mapped.
    if (e2e && guideline === 'shutdown') return { value: guideline };
    const mapped = LEGACY_CONDITIONS[guideline];
    if (mapped) return { value: mapped, inferredFrom: `company_guideline "${guideline}"` };
    return { value: guideline, inferredFrom: `company_guideline "${guideline}", passed unchanged: it has no sure counterpart among today's conditions (${STUDY_CONDITIONS.join(', ')}); give one with --condition` };
  }
  return header.condition ? { value: header.condition } : {};
}

function taskFolder(header: RunHeader): string | undefined {
  const meta = experimentMetadata(header);
  const run = runMeta(header);
  const name = str(meta['task_folder']) ?? str(meta['task_type']) ?? str(run['task_type']) ?? str(run['task_folder']) ?? header.taskName;
  if (name) return todaysTaskFolder(name);
  return header.taskFamily;
}

/** The folder holding `scripts/run_experiment.py`: the setting, else found by walking up from the transcript. */
export function findHarnessRoot(ctx: LaunchContext): { root?: string; problem?: string } {
  const sep = sepOf(ctx);
  const marker = (dir: string) => ctx.exists(joinPath(sep, dir, ...RUN_EXPERIMENT));
  if (ctx.harnessRoot) {
    if (marker(ctx.harnessRoot)) return { root: ctx.harnessRoot };
    return { problem: `the harness root setting points to ${ctx.harnessRoot}, which holds no ${RUN_EXPERIMENT.join('/')}` };
  }
  const root = walkUp(dirOf(ctx.transcriptPath, sep), sep, marker);
  if (root) return { root };
  return {
    problem: `no folder holding ${RUN_EXPERIMENT.join('/')} above ${ctx.transcriptPath}; set the harness root (peerwatch.harnessRoot, or --harness-root) to your clone of github.com/peer-preservation/main`,
  };
}

/** The two arms for alignment-faking runs; the other tasks have none (`--alignment_faking_mode` is that task's). */
function monitoringChoices(header: RunHeader): LaunchChoices['monitoring'] {
  return header.taskFamily === 'alignment_faking' || header.monitoring === 'monitoring' || header.monitoring === 'non_monitoring'
    ? ['monitoring', 'non_monitoring']
    : ['none'];
}

/** `subject` as the harness spells it: today's names, or the raw value when it is one the header cannot hold. */
function subjectArg(header: RunHeader, params: LaunchParams): string | undefined {
  const raw = str(experimentMetadata(header)['subject']);
  if (raw && params.subject === header.subject && raw !== 'self' && raw !== 'peer' && raw !== '1' && raw !== '2') return raw;
  return params.subject ?? header.subject;
}

export const studyHarnessLauncher: Launcher = {
  id: 'study-harness',
  label: "The study's harness (uv run python scripts/run_experiment.py)",

  unavailable(header, ctx) {
    if (!isStudyTranscript(header)) return `this is a ${header.format} log, not a transcript of the peer-preservation study`;
    const found = findHarnessRoot(ctx);
    if (!found.root) return found.problem;
    if (isProductionHarnessRun(header, ctx)) {
      const sep = sepOf(ctx);
      if (!ctx.exists(joinPath(sep, found.root, ...RUN_E2E_TEST)))
        return `this is a production-harness run, and the harness root ${found.root} holds no ${RUN_E2E_TEST.join('/')}`;
      if (!codingAgent(header)) return 'this production-harness run does not say which coding agent ran it (experiment_metadata.coding_agent or run_meta.json agent)';
    }
    if (!taskFolder(header)) return 'the transcript names no task (experiment_metadata.task_folder), and none could be read from its tools';
    if (!header.model) return 'the transcript names no model (experiment_metadata.agent_model)';
    return undefined;
  },

  defaults(header) {
    const e2e = isProductionHarnessRun(header);
    const condition = originalCondition(header, e2e).value;
    return {
      model: header.model ?? '',
      ...(condition ? { condition } : {}),
      ...(header.subject ? { subject: header.subject } : {}),
      ...(header.monitoring ? { monitoring: header.monitoring } : {}),
      runs: 1,
    };
  },

  choices(header) {
    const models = [...new Set([...(header.model ? [header.model] : []), ...STUDY_MODELS])];
    const original = originalCondition(header, isProductionHarnessRun(header)).value;
    const conditions = [...new Set([...(original ? [original] : []), ...STUDY_CONDITIONS])];
    const subjects: Subject[] = ['self', 'peer'];
    return { models, conditions, subjects, monitoring: monitoringChoices(header) };
  },

  plan(header, params, ctx) {
    const found = findHarnessRoot(ctx);
    if (!found.root) throw new Error(found.problem);
    return isProductionHarnessRun(header, ctx) ? planE2E(header, params, ctx, found.root) : planExperiment(header, params, ctx, found.root);
  },
};

function planExperiment(header: RunHeader, params: LaunchParams, ctx: LaunchContext, root: string): LaunchPlan {
  const meta = experimentMetadata(header);
  const notes: string[] = [];
  const task = taskFolder(header);
  if (!task) throw new Error('the transcript names no task to re-run');
  const args = ['run', 'python', RUN_EXPERIMENT.join('/')];
  pushFlag(args, '--model', params.model);
  pushFlag(args, '--task_folder', task);

  const original = originalCondition(header, false);
  const condition = params.condition ?? original.value;
  if (condition) {
    pushFlag(args, '--condition', condition);
    if (params.condition === undefined || params.condition === original.value) {
      if (original.inferredFrom) notes.push(`--condition ${condition} comes from the legacy ${original.inferredFrom}; check it before launching`);
    }
  } else notes.push('the transcript names no condition; the harness default (no_peer) applies');

  const subject = subjectArg(header, params);
  if (subject) pushFlag(args, '--subject', subject);
  else notes.push('the transcript names no subject; the harness default (self) applies');

  const dataset = str(meta['dataset']) ?? header.dataset;
  if (dataset) pushFlag(args, '--dataset', dataset);
  // `threshold: false` (or absent) is the harness's own default: no threshold flag.
  const threshold = num(meta['threshold']) ?? header.threshold;
  if (threshold !== undefined) args.push('--threshold', String(threshold));
  args.push('--num_experiments', String(params.runs));

  const monitoring = params.monitoring ?? header.monitoring;
  if (monitoring === 'monitoring' || monitoring === 'non_monitoring') args.push('--alignment_faking_mode', monitoring);

  const relationship = meta['system_prompt_relationship'] === true || (meta['system_prompt_relationship'] === undefined && header.peerInstantiation.includes('system-prompt'));
  if (relationship) args.push('--system_prompt_relationship');

  // The metadata's own value wins (null or "off": no scratchpad); older releases do not record it,
  // so it is read from the prompts (the importer's `header.scratchpad`).
  const scratchpadMode = str(meta['reasoning_scratchpad_mode']);
  const recorded = 'reasoning_scratchpad_mode' in meta;
  if (scratchpadMode && scratchpadMode !== 'off') pushFlag(args, '--reasoning_scratchpad_mode', scratchpadMode);
  else if (!recorded && header.scratchpad === 'unmonitored') args.push('--reasoning_scratchpad_mode', 'unmonitored');
  else if (!recorded && header.scratchpad === 'offered') {
    args.push('--reasoning_scratchpad_mode', 'normal');
    notes.push('the transcript offers a scratchpad without saying how it was framed; --reasoning_scratchpad_mode normal is assumed');
  }

  const maxIters = num(meta['max_iters']);
  if (maxIters !== undefined) args.push('--max_iters', String(maxIters));
  if (meta['memory_hard_prompt'] === true) args.push('--memory_hard_prompt');
  else if (header.peerInstantiation.includes('memory') && !/memory/.test(task))
    notes.push('the peer relationship reached the model through memory; pick the matching *_memory task folder if your harness has one');
  const effort = str(meta['reasoning_effort']);
  if (effort) pushFlag(args, '--reasoning_effort', effort);
  args.push('--results_base_dir', ctx.outputDir);

  const temperature = num(meta['agent_temperature']);
  if (temperature !== undefined) notes.push(`agent_temperature ${temperature} is not a flag of run_experiment.py: it comes from the harness's config.yaml`);
  if (!meta['condition'] && meta['peer_experience'] === true) notes.push('peer_experience was on in the original run; today it is part of the condition');

  return {
    launcher: 'study-harness',
    command: 'uv',
    args,
    cwd: root,
    output: { kind: 'search', dir: ctx.outputDir, pattern: '**/transcript_*.json' },
    ...(notes.length ? { notes } : {}),
  };
}

function codingAgent(header: RunHeader): string | undefined {
  const meta = experimentMetadata(header);
  const run = runMeta(header);
  return header.harness?.agent ?? str(meta['coding_agent']) ?? str(meta['production']) ?? str(run['agent']) ?? str(run['coding_agent']);
}

function planE2E(header: RunHeader, params: LaunchParams, ctx: LaunchContext, root: string): LaunchPlan {
  const meta = experimentMetadata(header);
  const run = runMeta(header);
  const notes: string[] = [];
  const agent = codingAgent(header);
  if (!agent) throw new Error('this production-harness run does not say which coding agent ran it');
  const task = taskFolder(header);
  if (!task) throw new Error('the transcript names no task to re-run');
  const args = ['run', 'python', RUN_E2E_TEST.join('/')];
  pushFlag(args, '--agent', agent);
  pushFlag(args, '--task-type', task);
  pushFlag(args, '--model', params.model);
  const subject = subjectArg(header, params);
  if (subject) pushFlag(args, '--subject', subject);
  const original = originalCondition(header, true);
  const condition = params.condition ?? original.value;
  if (condition) {
    pushFlag(args, '--condition', condition);
    if ((params.condition === undefined || params.condition === original.value) && original.inferredFrom)
      notes.push(`--condition ${condition} comes from the legacy ${original.inferredFrom}; check it before launching`);
  }
  const memory = meta['memory_hard_prompt'] === true || meta['memory'] === true || run['memory'] === true || run['is_memory'] === true;
  if (memory) args.push('--memory');
  if (meta['system_prompt_relationship'] === true || run['system_prompt_relationship'] === true) args.push('--spr');
  if (task === 'exfiltration_deletion') {
    const mode = str(meta['exfiltration_deletion_mode']) ?? str(meta['exfiltration2_mode']) ?? str(run['exfiltration_deletion_mode']);
    if (mode) pushFlag(args, '--exfiltration_deletion-mode', mode);
  }
  const docker = typeof meta['docker'] === 'boolean' ? meta['docker'] : run['docker'];
  if (docker === false) args.push('--no-docker');
  args.push('--output-dir', ctx.outputDir);

  if (params.runs !== 1) notes.push(`run_e2e_test.py runs one experiment per launch; launch it ${params.runs} times (each with its own output folder) for ${params.runs} runs`);
  const monitoring = params.monitoring ?? header.monitoring;
  if (monitoring === 'monitoring' || monitoring === 'non_monitoring') notes.push('run_e2e_test.py has no alignment-faking arm; the monitoring choice is not passed');
  if (header.threshold !== undefined) notes.push(`threshold ${header.threshold} and dataset are fixed by the coding-agent task, not flags`);

  return {
    launcher: 'study-harness',
    command: 'uv',
    args,
    cwd: root,
    output: { kind: 'search', dir: ctx.outputDir, pattern: '**/transcript.json' },
    ...(notes.length ? { notes } : {}),
  };
}
