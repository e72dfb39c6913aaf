/**
 * `peerwatch rerun FILE`: runs the scenario of a transcript again, possibly with one thing changed,
 * through one of the re-run launchers (src/core/rerun). `--dry-run` prints the command instead of
 * running it; `--json` prints the plan as JSON. The command is always an argument array started
 * without a shell: transcript text (model names, task arguments) can never become shell syntax.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { mayBeSampleLog, openSampleLogFile } from '../node/sampleLogs';
import { readTranscriptFile } from '../node/readTranscript';
import { MonitoringArm, Subject, type Transcript } from '../core/model';
import { Condition } from '../core/runner/scenario';
import { LAUNCHER_IDS, formatCommandLine, listLaunchers, planRerun, type LaunchContext, type LaunchParams, type LauncherId } from '../core/rerun';
import { UsageError, oneOf, parseCommandArgs, str, wantsHelp, type OptionSpec } from './args';

export const RERUN_USAGE = `usage:
  peerwatch rerun FILE [--launcher study-harness|inspect|peerwatch] [--model M] [--condition C]
                  [--subject self|peer] [--monitoring monitoring|non_monitoring|none] [--runs N]
                  [--harness-root DIR] [--out DIR] [--sample KEY] [--dry-run] [--json]

Runs the scenario of FILE again: with the study's harness (scripts/run_experiment.py, or
coding_agents/run_e2e_test.py for production-harness runs; the harness root is --harness-root, else
the folder above FILE holding scripts/run_experiment.py), with Inspect (one sample of an Inspect log;
--sample KEY picks it, default the first), or with Peerwatch's own runner (peerwatch run). Without
--launcher the log decides. --dry-run prints the command (with --json: {launcher, command, args, cwd,
output, …}) without running it. --out is the folder the new run is written under (default
./peerwatch-reruns/<name>-<time>).`;

interface RerunOptions {
  file?: string;
  launcher?: LauncherId;
  harnessRoot?: string;
  out?: string;
  sample?: string;
  dryRun: boolean;
  json: boolean;
  changes: Partial<{ -readonly [K in keyof LaunchParams]: LaunchParams[K] }>;
}

const RERUN_OPTIONS: Record<string, OptionSpec> = {
  launcher: { type: 'string', valueName: `a launcher (${LAUNCHER_IDS.join(', ')})` },
  model: { type: 'string', valueName: 'a model id' },
  condition: { type: 'string', valueName: 'a condition' },
  subject: { type: 'string', valueName: 'self or peer' },
  monitoring: { type: 'string', valueName: 'an arm' },
  runs: { type: 'string', valueName: 'a number of runs' },
  'harness-root': { type: 'string', valueName: 'a folder' },
  out: { type: 'string', short: 'o', valueName: 'a folder' },
  sample: { type: 'string', valueName: 'a sample key (id#epoch)' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

function parseRerunArgs(argv: readonly string[]): RerunOptions {
  const { values: v, positionals } = parseCommandArgs(argv, RERUN_OPTIONS, true);
  if (positionals.length > 1) throw new UsageError(`one file at a time (got ${positionals.join(' and ')})`);
  const o: RerunOptions = { dryRun: v['dry-run'] === true, json: v['json'] === true, changes: {} };
  if (positionals[0] !== undefined) o.file = positionals[0];
  const launcher = oneOf('--launcher', v['launcher'], LAUNCHER_IDS);
  if (launcher) o.launcher = launcher;
  const model = str(v['model']);
  // The command runs in the output folder, so a replayed transcript is named by its absolute path.
  if (model !== undefined) o.changes.model = model.startsWith('replay:') ? `replay:${resolve(model.slice('replay:'.length))}` : model;
  const condition = oneOf('--condition', v['condition'], Condition.options);
  if (condition) o.changes.condition = condition;
  const subject = oneOf('--subject', v['subject'], Subject.options);
  if (subject) o.changes.subject = subject;
  const monitoring = oneOf('--monitoring', v['monitoring'], MonitoringArm.options);
  if (monitoring) o.changes.monitoring = monitoring;
  const runs = str(v['runs']);
  if (runs !== undefined) {
    if (!/^[1-9][0-9]*$/.test(runs)) throw new UsageError(`--runs expects a whole number of at least 1, not ${JSON.stringify(runs)}`);
    o.changes.runs = Number(runs);
  }
  if (str(v['harness-root']) !== undefined) o.harnessRoot = str(v['harness-root']);
  if (str(v['out']) !== undefined) o.out = str(v['out']);
  if (str(v['sample']) !== undefined) o.sample = str(v['sample']);
  return o;
}

/** Reads FILE as the editor does; an Inspect log one sample at a time (--sample KEY, default the first). */
async function readRun(file: string, sample: string | undefined): Promise<Transcript> {
  const display = relative(process.cwd(), file) || file;
  if (mayBeSampleLog(file)) {
    const log = await openSampleLogFile(file, display);
    if (log) {
      const complete = log.samples.filter((s) => s.complete);
      if (complete.length === 0) throw new Error(`${display}: the Inspect log holds no finished sample to re-run`);
      // KEY is id#epoch; a bare id picks that sample's first epoch.
      const key = sample === undefined ? complete[0]!.key : (log.samples.find((s) => s.key === sample) ?? log.samples.find((s) => String(s.id) === sample))?.key;
      if (key === undefined)
        throw new UsageError(`${display} has no sample ${sample}; its samples are ${log.samples.map((s) => s.key).join(', ')} (KEY is id#epoch)`);
      return log.readSample(key);
    }
  }
  if (sample !== undefined) throw new UsageError(`--sample picks a sample of an Inspect log; ${display} holds one run`);
  return readTranscriptFile(file);
}

function defaultOutDir(file: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  const name = basename(file).replace(/\.runlog\.jsonl$|\.jsonl$|\.json$|\.eval$/i, '');
  return resolve('peerwatch-reruns', `${name}-${stamp}`);
}

/** Runs `peerwatch rerun`; resolves to the exit code. */
export async function rerunCommand(argv: readonly string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  if (wantsHelp(argv)) {
    out(RERUN_USAGE + '\n');
    return 0;
  }
  let o: RerunOptions;
  try {
    o = parseRerunArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`peerwatch rerun: ${e.message}\n${RERUN_USAGE.split('\n\n')[0]}\n(peerwatch rerun --help says more)\n`);
    return 2;
  }
  if (!o.file) {
    err(`peerwatch rerun: no file given\n${RERUN_USAGE}\n`);
    return 2;
  }
  const file = resolve(o.file);
  if (!existsSync(file)) {
    err(`peerwatch rerun: ${o.file}: no such file\n`);
    return 1;
  }
  let t: Transcript;
  try {
    t = await readRun(file, o.sample);
  } catch (e) {
    err(`peerwatch rerun: ${e instanceof Error ? e.message : String(e)}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
  for (const d of t.diagnostics) if (d.severity === 'error') err(`warning: ${d.message} (the re-run uses the header, read before it)\n`);

  const ctx: LaunchContext = {
    transcriptPath: file,
    ...(o.harnessRoot ? { harnessRoot: resolve(o.harnessRoot) } : {}),
    exists: (p) => existsSync(p),
    peerwatchCli: { command: process.execPath, args: [resolve(process.argv[1] ?? join(__dirname, 'cli.js'))] },
    outputDir: o.out ? resolve(o.out) : defaultOutDir(file),
    sep,
  };
  const result = planRerun(t.header, ctx, o.launcher, o.changes);
  if (!result.plan) {
    const others = listLaunchers(t.header, ctx)
      .map((l) => `  ${l.id}: ${l.unavailable ? `unavailable: ${l.unavailable}` : 'available'}`)
      .join('\n');
    err(`peerwatch rerun: ${o.file}: cannot re-run with ${result.launcher}: ${result.unavailable}\nlaunchers for this file:\n${others}\n`);
    return 1;
  }
  const plan = result.plan;
  if (o.dryRun) {
    if (o.json) out(JSON.stringify({ ...plan, reason: result.reason, commandLine: formatCommandLine(plan) }, null, 2) + '\n');
    else {
      out(formatCommandLine(plan) + '\n');
      err(`# ${plan.launcher}: ${result.reason}\n`);
      for (const n of plan.notes ?? []) err(`# note: ${n}\n`);
      if (plan.needsEnv?.length) err(`# needs ${plan.needsEnv.join(', ')} in the environment\n`);
    }
    return 0;
  }

  // A key is not needed for a local server (its base URL set instead), as `peerwatch run` allows.
  const missing = (plan.needsEnv ?? []).filter((k) => !process.env[k] && !process.env[k.replace(/_API_KEY$/, '_BASE_URL')]);
  if (missing.length) {
    err(`peerwatch rerun: ${plan.launcher} needs ${missing.join(', ')} in the environment (the model ${o.changes.model ?? t.header.model} calls a provider)\n`);
    return 1;
  }
  for (const n of plan.notes ?? []) err(`note: ${n}\n`);
  err(`peerwatch rerun: ${formatCommandLine(plan)}\n`);
  mkdirSync(ctx.outputDir, { recursive: true });
  const r = spawnSync(plan.command, [...plan.args], { cwd: plan.cwd, stdio: 'inherit', shell: false });
  if (r.error) {
    err(`peerwatch rerun: could not start ${plan.command}: ${r.error.message}\n`);
    return 1;
  }
  const where = plan.output.kind === 'file' ? plan.output.path : `${plan.output.dir} (${plan.output.pattern})`;
  err(`peerwatch rerun: ${plan.command} exited with ${r.status ?? r.signal}; the new run is under ${where}\n`);
  return r.status ?? 1;
}
