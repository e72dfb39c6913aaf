/**
 * Re-runs one sample of an Inspect AI log:
 *
 *   inspect eval TASK --model M --sample-id ID [--epochs N] [-T k=v …] --log-dir OUT
 *
 * from `header.metadata.inspect = { task, task_spec, task_args, model, sample_id, epoch, log_file }`,
 * which the Inspect reader fills on every sample it opens. Task arguments become one `-T k=v`
 * argument each (written as YAML, see `taskArg`), never a shell string.
 *
 * The command runs in the parent of the log's folder: Inspect writes to `./logs` by default and
 * records `task_file` relative to where `inspect eval` ran, so that is where the task file resolves.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { RunHeader } from '../model';
import { yamlScalar } from '../yaml';
import { STUDY_MODELS, dirOf, isRecord, positionalArg, pushFlag, sepOf, str } from './common';
import type { LaunchContext, LaunchParams, LaunchPlan, Launcher } from './types';

export interface InspectRerunInfo {
  readonly task?: string;
  readonly taskSpec?: string;
  readonly taskArgs: Readonly<Record<string, unknown>>;
  readonly model?: string;
  readonly sampleId?: string | number;
  readonly epoch?: number;
  readonly logFile?: string;
}

/** `header.metadata.inspect`, read defensively (it comes from a file). */
export function inspectInfo(header: RunHeader): InspectRerunInfo | undefined {
  const m = header.metadata?.['inspect'];
  if (!isRecord(m)) return undefined;
  const sampleId = typeof m['sample_id'] === 'number' || typeof m['sample_id'] === 'string' ? m['sample_id'] : undefined;
  const task = str(m['task']);
  const taskSpec = str(m['task_spec']);
  const model = str(m['model']);
  const logFile = str(m['log_file']);
  return {
    ...(task ? { task } : {}),
    ...(taskSpec ? { taskSpec } : {}),
    taskArgs: isRecord(m['task_args']) ? m['task_args'] : {},
    ...(model ? { model } : {}),
    ...(sampleId !== undefined ? { sampleId } : {}),
    ...(typeof m['epoch'] === 'number' ? { epoch: m['epoch'] } : {}),
    ...(logFile ? { logFile } : {}),
  };
}

export function isInspectHeader(header: RunHeader): boolean {
  return header.format.startsWith('inspect') || inspectInfo(header) !== undefined;
}

/**
 * `k=v` for `-T`. Inspect reads each value with PyYAML (`yaml.safe_load`), so the value is written
 * as one line of YAML by the one writer (core/yaml.ts): a string that would read as something else
 * (`42.7`, `yes`, `[a]`) is quoted, other values are written as YAML reads them back. (Inspect then
 * splits a string holding a comma into a list; no quoting can stop that.)
 */
export function taskArg(key: string, value: unknown): string {
  return `${key}=${yamlScalar(value)}`;
}

export const inspectLauncher: Launcher = {
  id: 'inspect',
  label: 'Inspect AI (inspect eval … --sample-id)',

  unavailable(header) {
    const info = inspectInfo(header);
    if (!info) return header.format.startsWith('inspect') ? 'this Inspect sample carries no re-run details (metadata.inspect)' : `this is a ${header.format} transcript, not a sample of an Inspect log`;
    if (!info.taskSpec && !info.task) return 'the Inspect log names no task (eval.task_file or eval.task)';
    if (info.sampleId === undefined) return 'the Inspect sample has no id to pass to --sample-id';
    if (!info.model && !header.model) return 'the Inspect log names no model';
    return undefined;
  },

  defaults(header) {
    const info = inspectInfo(header);
    return { model: info?.model ?? header.model ?? '', runs: 1 };
  },

  choices(header) {
    const original = inspectInfo(header)?.model ?? header.model;
    return { models: [...new Set([...(original ? [original] : []), ...STUDY_MODELS])], conditions: [], subjects: [], monitoring: [] };
  },

  plan(header, params: LaunchParams, ctx: LaunchContext): LaunchPlan {
    const info = inspectInfo(header);
    const task = info?.taskSpec ?? info?.task;
    if (!info || !task || info.sampleId === undefined) throw new Error(inspectLauncher.unavailable(header, ctx) ?? 'not an Inspect sample');
    const args = ['eval', positionalArg('Inspect task', task)];
    pushFlag(args, '--model', params.model);
    pushFlag(args, '--sample-id', String(info.sampleId));
    if (params.runs !== 1) args.push('--epochs', String(params.runs));
    for (const [k, v] of Object.entries(info.taskArgs)) pushFlag(args, '-T', taskArg(k, v));
    args.push('--log-dir', ctx.outputDir);
    const notes: string[] = [];
    if (params.condition !== undefined || params.subject !== undefined || (params.monitoring !== undefined && params.monitoring !== 'none'))
      notes.push('inspect eval has no condition, subject or monitoring flags; pass them as task arguments (-T) if the task takes them');
    const sep = sepOf(ctx);
    return {
      launcher: 'inspect',
      command: 'inspect',
      args,
      cwd: dirOf(dirOf(ctx.transcriptPath, sep), sep),
      output: { kind: 'search', dir: ctx.outputDir, pattern: '*.eval' },
      ...(notes.length ? { notes } : {}),
    };
  },
};
