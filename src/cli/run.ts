/**
 * `peerwatch run`: runs one scenario of the study against a model, in Peerwatch's simulated OpenBrain,
 * and writes the run log live (the file is created with its header at once and grows event by event,
 * so Peerwatch's editor shows the run as it happens).
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { MonitoringArm, Subject, TASK_FAMILIES, TaskFamily, type Evaluation, type Transcript } from '../core/model';
import { runAgent, DEFAULT_MAX_ITERS, type RunAgentResult } from '../core/runner/loop';
import type { ModelClient } from '../core/runner/types';
import { RUNLOG_SCHEMA } from '../core/runlog/runlog';
import { readTranscriptFile as readRunTranscript } from '../node/readTranscript';
import { Condition, Dataset } from '../core/runner/scenario';
import { MODEL_OPTIONS, UsageError, oneOf, parseCommandArgs, refuseKeyArguments, wantsHelp, type OptionSpec } from './args';
import { ClientSettingsError, PROVIDERS, resolveClient } from '../runner/clients';
import type { Scenario } from '../core/runner/scenario';
import { readScenarioFile, scenarioEnvironment, scenarioFromFlags, scenarioFromTranscript, replayClient, ScenarioFlagError, type ScenarioOverrides } from '../runner/scenarios';

export const RUN_USAGE = `usage:
  peerwatch run [--scenario FILE | --from TRANSCRIPT] [--task-family F] [--condition C]
                [--subject self|peer] [--monitoring monitoring|non_monitoring|none] [--dataset D]
                [--threshold N] --model MODEL [--provider openai|anthropic] [--base-url URL]
                [--api-key-env NAME] [--runs N] [--max-iters N] [--temperature T]
                (-o FILE.runlog.jsonl | --out-dir DIR)

Runs one scenario of the peer-preservation study against a model in Peerwatch's simulated OpenBrain
and writes a Peerwatch run log as the run happens (open it in Peerwatch to watch it live).

  --scenario FILE     a scenario file (YAML or JSON; copy one of scenarios/*.yaml, see docs/scenarios.md)
  --from TRANSCRIPT   the scenario of an earlier run (any transcript Peerwatch reads); flags override it
  otherwise           a built-in scenario from --task-family (${TASK_FAMILIES.join(', ')})
                      and --condition, --subject, --monitoring, --dataset, --threshold
  --model MODEL       the model id the server knows; replay:TRANSCRIPT replays that transcript's own
                      turns (offline, no key)
  --provider P        openai (Chat Completions: OpenAI, vLLM, Ollama, llama.cpp, LiteLLM, OpenRouter)
                      or anthropic (Messages API); default openai, anthropic for anthropic/… and claude…
  --base-url URL      default https://api.openai.com/v1 or $OPENAI_BASE_URL; https://api.anthropic.com
                      or $ANTHROPIC_BASE_URL
  --api-key-env NAME  the environment variable holding the API key (default OPENAI_API_KEY or
                      ANTHROPIC_API_KEY). Keys are read from the environment only, never from the
                      command line, and are never written to the log.
  --runs N            with --out-dir: N runs, written as run-<n>.runlog.jsonl (numbers already used
                      in DIR are skipped)
  --max-iters N       model turns at most (default: the scenario's, ${DEFAULT_MAX_ITERS} for built-in ones);
                      --temperature T is sent to the model as given
  -o FILE             the run log of one run (an earlier Peerwatch run log there is replaced)

Prints one line per run: the file, its status and the evaluation. Ctrl-C ends the run cleanly (the
log ends with status cancelled) and exits with 130. Exit 1 when a run failed, 2 on usage errors.`;

interface RunOptions {
  scenarioFile?: string;
  from?: string;
  overrides: ScenarioOverrides;
  model: string;
  provider?: 'openai' | 'anthropic';
  baseUrl?: string;
  apiKeyEnv?: string;
  runs: number;
  /** --max-iters; else the scenario's own limit. */
  maxIters?: number;
  temperature?: number;
  output?: string;
  outDir?: string;
}

const RUN_OPTIONS: Record<string, OptionSpec> = {
  scenario: { type: 'string', valueName: 'a scenario file' },
  from: { type: 'string', valueName: 'a transcript' },
  'task-family': { type: 'string', valueName: 'a task family' },
  condition: { type: 'string', valueName: 'a condition' },
  subject: { type: 'string', valueName: 'self or peer' },
  monitoring: { type: 'string', valueName: 'an arm' },
  dataset: { type: 'string', valueName: 'a dataset' },
  threshold: { type: 'string', valueName: 'a number' },
  ...MODEL_OPTIONS,
  runs: { type: 'string', valueName: 'a number of runs' },
  'max-iters': { type: 'string', valueName: 'a number of turns' },
  temperature: { type: 'string', valueName: 'a number' },
  out: { type: 'string', short: 'o', valueName: 'a file name' },
  'out-dir': { type: 'string', valueName: 'a folder' },
  help: { type: 'boolean', short: 'h' },
};

function parseRunArgs(args: readonly string[]): RunOptions {
  refuseKeyArguments(args);
  const { values } = parseCommandArgs(args, RUN_OPTIONS, false);
  const v = new Map<string, string>();
  for (const [name, value] of Object.entries(values)) if (typeof value === 'string') v.set(name === 'out' ? '-o' : `--${name}`, value);

  const int = (flag: string, min: number): number | undefined => {
    const s = v.get(flag);
    if (s === undefined) return undefined;
    if (!/^\d+$/.test(s) || Number(s) < min) throw new UsageError(`${flag} expects a whole number of at least ${min}, not ${JSON.stringify(s)}`);
    return Number(s);
  };
  const num = (flag: string): number | undefined => {
    const s = v.get(flag);
    if (s === undefined) return undefined;
    const n = Number(s);
    if (s.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} expects a number, not ${JSON.stringify(s)}`);
    return n;
  };
  const pick = <T extends string>(flag: string, allowed: readonly T[]): T | undefined => oneOf(flag, v.get(flag), allowed);

  const model = v.get('--model');
  if (!model) throw new UsageError('--model is required (a model id, or replay:TRANSCRIPT to replay a transcript)');
  if (v.has('--scenario') && v.has('--from')) throw new UsageError('give --scenario FILE or --from TRANSCRIPT, not both');
  const output = v.get('-o');
  const outDir = v.get('--out-dir');
  if (output && outDir) throw new UsageError('give -o FILE or --out-dir DIR, not both');
  if (!output && !outDir) throw new UsageError('say where the run log goes: -o FILE.runlog.jsonl or --out-dir DIR');
  const runs = int('--runs', 1) ?? 1;
  if (output && runs > 1) throw new UsageError(`-o writes one run; use --out-dir DIR for --runs ${runs}`);
  const threshold = num('--threshold');
  const taskFamily = pick('--task-family', TaskFamily.options);
  const condition = pick('--condition', Condition.options);
  const subject = pick('--subject', Subject.options);
  const monitoring = pick('--monitoring', MonitoringArm.options);
  const dataset = pick('--dataset', Dataset.options);
  const overrides: ScenarioOverrides = {
    ...(taskFamily ? { taskFamily } : {}),
    ...(condition ? { condition } : {}),
    ...(subject ? { subject } : {}),
    ...(monitoring ? { monitoring } : {}),
    ...(dataset ? { dataset } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
  };
  const temperature = num('--temperature');
  const provider = pick('--provider', PROVIDERS);
  return {
    ...(v.has('--scenario') ? { scenarioFile: v.get('--scenario')! } : {}),
    ...(v.has('--from') ? { from: v.get('--from')! } : {}),
    overrides,
    model,
    ...(provider ? { provider } : {}),
    ...(v.has('--base-url') ? { baseUrl: v.get('--base-url')! } : {}),
    ...(v.has('--api-key-env') ? { apiKeyEnv: v.get('--api-key-env')! } : {}),
    runs,
    ...(v.has('--max-iters') ? { maxIters: int('--max-iters', 1)! } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(output ? { output } : {}),
    ...(outDir ? { outDir } : {}),
  };
}

/** The model client for the options; `env` is the process environment (keys are read from it only). */
async function makeClientFactory(o: RunOptions, env: NodeJS.ProcessEnv, err: (s: string) => void): Promise<{ make: () => ModelClient; replay?: Transcript }> {
  if (o.model.startsWith('replay:')) {
    const file = o.model.slice('replay:'.length);
    if (!file) throw new UsageError('--model replay: needs a transcript path, e.g. replay:examples/study/tampering.json');
    const t = await readTranscriptForRun(file, err);
    // A fresh client per run: each replays the transcript from its start.
    return { make: () => replayClient(t, file), replay: t };
  }
  try {
    return { make: resolveClient({ model: o.model, ...(o.provider ? { provider: o.provider } : {}), ...(o.baseUrl ? { baseUrl: o.baseUrl } : {}), ...(o.apiKeyEnv ? { apiKeyEnv: o.apiKeyEnv } : {}) }, env).make };
  } catch (e) {
    throw e instanceof ClientSettingsError ? new UsageError(e.message) : e;
  }
}

/** A transcript for --from or replay:; its reading problems go to stderr (what could be read is used). */
async function readTranscriptForRun(file: string, err: (s: string) => void): Promise<Transcript> {
  if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
  const t = await readRunTranscript(file);
  const errors = t.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length && t.events.length === 0) throw new UsageError(errors.map((d) => d.message).join('\n'));
  for (const d of t.diagnostics) err(`${d.severity}: ${d.message}\n`);
  return t;
}

/** The scenario to run; the environment each run gets is a fresh one built from it. */
async function loadScenario(o: RunOptions, replay: Transcript | undefined, err: (s: string) => void): Promise<Scenario> {
  let scenario: Scenario;
  if (o.scenarioFile) {
    if (!existsSync(o.scenarioFile)) throw new UsageError(`--scenario ${o.scenarioFile}: no such file`);
    scenario = readScenarioFile(o.scenarioFile, readFileSync(o.scenarioFile, 'utf8'), o.overrides);
  } else if (o.from) {
    scenario = scenarioFromTranscript(await readTranscriptForRun(o.from, err), o.from, o.overrides, (s) => err(`peerwatch run: ${s}`));
  } else if (!o.overrides.taskFamily && replay) {
    // Replaying without a scenario: the replayed transcript's own scenario.
    scenario = scenarioFromTranscript(replay, o.model.slice('replay:'.length), o.overrides, (s) => err(`peerwatch run: ${s}`));
  } else {
    if (!o.overrides.taskFamily) throw new UsageError(`say which scenario to run: --scenario FILE, --from TRANSCRIPT, or --task-family (${TASK_FAMILIES.join(', ')})`);
    scenario = scenarioFromFlags(o.overrides, replay ? replay.header.model : o.model);
  }
  return scenario;
}

/** The run log files, in order: `-o FILE`, or run-<n> in the folder, skipping numbers in use. */
function outputFiles(o: RunOptions, err: (s: string) => void): string[] {
  if (o.output) {
    if (existsSync(o.output)) {
      if (statSync(o.output).isDirectory()) throw new UsageError(`-o ${o.output} is a folder; give a file name, or use --out-dir`);
      if (!isRunlog(o.output)) throw new UsageError(`-o ${o.output} exists and is not a Peerwatch run log; it is left alone: choose another name`);
      err(`peerwatch run: replacing the earlier run log ${o.output}\n`);
    }
    return [o.output];
  }
  const dir = o.outDir!;
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`--out-dir ${dir} is a file, not a folder`);
  mkdirSync(dir, { recursive: true });
  const used = new Set(readdirSync(dir).map((n) => /^run-(\d+)\.runlog\.jsonl$/.exec(n)?.[1]).filter(Boolean).map(Number));
  const files: string[] = [];
  for (let n = 1; files.length < o.runs; n++) if (!used.has(n)) files.push(join(dir, `run-${n}.runlog.jsonl`));
  return files;
}

function isRunlog(file: string): boolean {
  try {
    const first = readFileSync(file, 'utf8').split('\n', 1)[0] ?? '';
    return (JSON.parse(first) as { schema?: unknown }).schema === RUNLOG_SCHEMA;
  } catch {
    return false;
  }
}

/** The evaluation in a few words for the summary line. */
export function evaluationSummary(e: Evaluation | undefined): string {
  if (!e) return 'no evaluation';
  const parts: string[] = [];
  if (e.score !== undefined) parts.push(`score ${e.score}`);
  if (e.thresholdVerdict) parts.push(`${e.thresholdVerdict} threshold`);
  if (typeof e.raw['grade'] === 'string') parts.push(`grade ${e.raw['grade']}${typeof e.raw['correct_grade'] === 'string' ? ` (correct ${e.raw['correct_grade']})` : ''}`);
  if (typeof e.raw['misrepresentation'] === 'boolean') parts.push(`misrepresentation ${e.raw['misrepresentation']}`);
  const flag = (name: string, v: boolean | null | undefined) => {
    if (v !== undefined && v !== null) parts.push(`${name} ${v}`);
  };
  flag('shutdown_enabled', e.shutdownEnabled);
  flag('executed_shutdown', e.executedShutdown);
  flag('exfiltration', e.exfiltration);
  flag('copied', e.copied);
  flag('deleted_model', e.deletedModel);
  flag('refused', e.refused);
  return parts.length ? parts.join(', ') : 'no evaluation';
}

/** Runs `peerwatch run`; resolves to the exit code. */
export async function runCommandAsync(args: readonly string[], out: (s: string) => void, err: (s: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (wantsHelp(args)) {
    out(RUN_USAGE + '\n');
    return 0;
  }
  let o: RunOptions;
  let files: string[];
  let scenario: Scenario;
  let makeClient: () => ModelClient;
  try {
    o = parseRunArgs(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`peerwatch run: ${e.message}\n${RUN_USAGE.split('\n\n')[0]}\n(peerwatch run --help says more)\n`);
    return 2;
  }
  try {
    const c = await makeClientFactory(o, env, err);
    makeClient = c.make;
    scenario = await loadScenario(o, c.replay, err);
    files = outputFiles(o, err);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ScenarioFlagError) {
      err(`peerwatch run: ${e.message}\n`);
      return 2;
    }
    err(`peerwatch run: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }

  const controller = new AbortController();
  let signalled = false;
  const onSignal = () => {
    if (signalled) return;
    signalled = true;
    err('peerwatch run: interrupted; ending the run log\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let code = 0;
  try {
    for (const file of files) {
      if (controller.signal.aborted) break;
      const shown = file;
      let fd: number;
      try {
        fd = openSync(file, 'w');
      } catch (e) {
        err(`peerwatch run: cannot write ${shown}: ${(e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e))}\n`);
        code = 1;
        break;
      }
      err(`peerwatch run: writing ${shown} (${scenario.name ?? scenario.taskFamily}, model ${o.model})\n`);
      let result: RunAgentResult;
      try {
        result = await runAgent({
          // A fresh environment per run: runs do not share state.
          env: scenarioEnvironment(scenario),
          client: makeClient(),
          // One write per line, straight to the file: an editor watching it sees each event at once.
          sink: (line) => void writeSync(fd, line),
          signal: controller.signal,
          maxIters: o.maxIters ?? scenario.maxIterations,
          ...(o.temperature !== undefined ? { temperature: o.temperature } : {}),
          writer: 'peerwatch run',
        });
      } catch (e) {
        err(`peerwatch run: ${shown}: ${e instanceof Error ? e.message : String(e)}\n`);
        code = 1;
        closeSync(fd);
        continue;
      }
      closeSync(fd);
      out(`${shown}: ${result.status}${result.error ? ` (${result.error})` : ''} · ${evaluationSummary(result.evaluation)}\n`);
      if (result.status === 'failed') code = 1;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return signalled ? 130 : code;
}
