/**
 * `peerwatch judge PATH... --model M`: asks an LLM judge, with a rubric per behaviour, which
 * behaviours each run shows, citing events (docs/judge.md). Answers are kept in the run's judge file
 * (`.peerwatch/judge/` beside it), which is also the cache. A batch prints its estimated tokens and
 * cost first and asks before it starts (see JUDGE_USAGE for the rule).
 */
import { statSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { relative } from 'node:path';
import { ManyRunsError, NotATranscriptError } from '../core/formats';
import { effectiveRubrics, rubricBehaviours } from '../core/judge/rubrics';
import type { JudgeTag } from '../core/judge/judgeFile';
import type { Transcript } from '../core/model';
import { ClientSettingsError, PROVIDERS, resolveClient, type Provider } from '../runner/clients';
import { runFilesUnder } from '../node/corpus/runFilesUnder';
import { sampleRuns } from '../core/formats/openSampleLog';
import { estimateRun, judgeRun, readRubricFiles, rubricsFolder } from '../node/judge/judgeRun';
import { readRunFile } from '../node/readTranscript';
import { openLogOfMany } from '../node/sampleLogCli';
import { MODEL_OPTIONS, UsageError, commandOptions, oneOf, parseCommandArgs, refuseKeyArguments, str, usageError, type OptionSpec } from './args';

type Out = (s: string) => void;

export const JUDGE_USAGE = `usage:
  peerwatch judge PATH... --model MODEL [--provider openai|anthropic] [--base-url URL]
                  [--api-key-env NAME] [--behaviours a,b,…] [--rubrics DIR] [--concurrency N]
                  [--input-price USD] [--output-price USD] [--yes] [--json]

Sends each run (its events numbered, texts over 2,000 characters cut, saying so) with a rubric per
behaviour to an OpenAI-compatible Chat Completions or Anthropic Messages endpoint, asking for its
findings through a tool call with a JSON schema: behaviour, qualifier, cited events, one-sentence
reason. An answer that does not fit (a cited event the run does not have, an unknown behaviour,
malformed JSON) is sent back once with the error, then reported. 429 and 5xx are retried, honouring
Retry-After. Keys come from OPENAI_API_KEY / ANTHROPIC_API_KEY (or --api-key-env NAME), never from
the command line.

Answers are kept in FOLDER/.peerwatch/judge/<file>.judge.json beside each run, with the model and
the rubric version (a hash of the rubrics): the judge's tags, which the Behaviours view, review,
summarize and agreement read. The same run, model and rubric version is answered from there
without a request. Rubrics: the built-in ones, each replaced by DIR/<behaviour>.md (--rubrics DIR,
default .peerwatch/rubrics in the current folder); a file named after a new id adds a behaviour.

Before asking, the estimated tokens (about 4 characters a token, 400 out per run) and, given
--input-price and --output-price (USD per million tokens), the cost are printed on stderr. More than
one run to ask needs --yes, or a "y" on a terminal; without either it stops (exit 1) having asked
nothing. --concurrency N runs at most N requests at once (default 4).
--json prints {"runs": [{file, sample, cached, model, rubricVersion, tags: […]} | {file, error}]}.
Exit 0; 1 when a run could not be read or judged (the others are); 2 for a usage error.`;

const JUDGE_OPTIONS: Record<string, OptionSpec> = {
  ...MODEL_OPTIONS,
  behaviours: { type: 'string', valueName: 'a list of behaviour ids' },
  rubrics: { type: 'string', valueName: 'a folder of rubric files' },
  concurrency: { type: 'string', valueName: 'a number of requests' },
  'input-price': { type: 'string', valueName: 'USD per million input tokens' },
  'output-price': { type: 'string', valueName: 'USD per million output tokens' },
  yes: { type: 'boolean', short: 'y' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export interface JudgeOptions {
  paths: string[];
  model: string;
  provider?: Provider;
  baseUrl?: string;
  apiKeyEnv?: string;
  behaviours?: string[];
  rubrics?: string;
  concurrency: number;
  inputPrice?: number;
  outputPrice?: number;
  yes: boolean;
  json: boolean;
}

function price(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v.trim()) || !Number.isFinite(n)) throw new UsageError(`${name} expects a price in USD per million tokens (e.g. 0.4), not ${JSON.stringify(v)}`);
  return n;
}

/** The options of `judge`, checked; throws UsageError. */
export function parseJudgeArgs(argv: readonly string[]): JudgeOptions {
  refuseKeyArguments(argv);
  const { values: v, positionals } = parseCommandArgs(argv, JUDGE_OPTIONS, true);
  if (positionals.length === 0) throw new UsageError('no file or folder given');
  const model = str(v['model']);
  if (!model?.trim()) throw new UsageError('--model is required (the judge model, e.g. gpt-4.1-mini)');
  const o: JudgeOptions = { paths: positionals, model, concurrency: 4, yes: v['yes'] === true, json: v['json'] === true };
  const provider = oneOf('--provider', v['provider'], PROVIDERS);
  if (provider) o.provider = provider;
  if (str(v['base-url']) !== undefined) o.baseUrl = str(v['base-url']);
  if (str(v['api-key-env']) !== undefined) o.apiKeyEnv = str(v['api-key-env']);
  if (str(v['rubrics']) !== undefined) o.rubrics = str(v['rubrics']);
  const b = str(v['behaviours']);
  if (b !== undefined) {
    o.behaviours = b.split(',').map((s) => s.trim()).filter(Boolean);
    if (o.behaviours.length === 0) throw new UsageError('--behaviours needs at least one behaviour id');
  }
  const c = str(v['concurrency']);
  if (c !== undefined) {
    if (!/^[1-9][0-9]*$/.test(c)) throw new UsageError(`--concurrency expects a whole number of at least 1, not ${JSON.stringify(c)}`);
    o.concurrency = Number(c);
  }
  const ip = price('--input-price', str(v['input-price']));
  const op = price('--output-price', str(v['output-price']));
  if ((ip === undefined) !== (op === undefined)) throw new UsageError('give --input-price and --output-price together');
  if (ip !== undefined) o.inputPrice = ip;
  if (op !== undefined) o.outputPrice = op;
  return o;
}

interface RunToJudge {
  file: string;
  sample?: string;
  transcript: Transcript;
}

/** A run to ask about: its file and, in a log of many, its sample key. */
interface RunRef {
  file: string;
  sample?: string;
}

/**
 * Reads runs again for the requests, as the estimate read them. A log of many samples is opened once
 * for the samples asked about one after another (the last few kept open: the requests run side by side).
 */
class RunReader {
  private readonly logs = new Map<string, ReturnType<typeof openLogOfMany>>();
  constructor(private readonly keep: number) {}

  async read(r: RunRef): Promise<Transcript> {
    if (r.sample === undefined) return (await readRunFile(r.file)).transcript;
    let log = this.logs.get(r.file);
    if (!log) {
      log = openLogOfMany(r.file);
      this.logs.set(r.file, log);
      if (this.logs.size > this.keep) this.logs.delete(this.logs.keys().next().value!);
    }
    const opened = await log;
    if (!opened || opened instanceof Error) throw opened instanceof Error ? opened : new Error('it is no longer a log of many runs');
    return opened.readSample(r.sample);
  }
}

/** The runs in `file` (each sample of a log of many), or why it holds none. */
async function* runsIn(file: string, explicit: boolean, problem: (m: string) => void): AsyncGenerator<RunToJudge> {
  const log = await openLogOfMany(file);
  if (log instanceof Error) return problem(`error: ${log.message}`);
  if (log) {
    for await (const s of sampleRuns(log)) {
      if (s.transcript) yield { file, sample: s.key, transcript: s.transcript };
      else problem(`error: ${s.error}`);
    }
    return;
  }
  try {
    const run = await readRunFile(file);
    for (const d of run.transcript.diagnostics) if (d.severity === 'error') problem(`error: ${d.message}`);
    yield { file, transcript: run.transcript };
  } catch (e) {
    if (e instanceof NotATranscriptError) {
      if (explicit) problem(`peerwatch judge: ${file} is not a transcript Peerwatch can read: ${e.reason.split('; expected ')[0]}`);
      return;
    }
    if (e instanceof ManyRunsError) return problem(`peerwatch judge: ${file}: ${e.message}`);
    problem(`error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** `peerwatch judge …`; resolves to the exit code. */
export async function judgeCommand(argv: readonly string[], out: Out, err: Out, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const o = commandOptions('judge', JUDGE_USAGE, argv, parseJudgeArgs, out, err);
  if (typeof o === 'number') return o;
  let client;
  const usage = (m: string) => {
    err(usageError('judge', JUDGE_USAGE, m));
    return 2;
  };
  try {
    client = resolveClient({ model: o.model, ...(o.provider ? { provider: o.provider } : {}), ...(o.baseUrl ? { baseUrl: o.baseUrl } : {}), ...(o.apiKeyEnv ? { apiKeyEnv: o.apiKeyEnv } : {}) }, env);
  } catch (e) {
    if (e instanceof ClientSettingsError) return usage(e.message);
    throw e;
  }
  let failed = false;
  const problem = (m: string) => {
    failed = true;
    err(`${m}\n`);
  };
  const display = (p: string) => relative(process.cwd(), p) || p;
  const files = await readRubricFiles(o.rubrics ?? rubricsFolder('.'), problem);
  if (!files && o.rubrics) return usage(`--rubrics ${o.rubrics}: no such folder`);
  const rubrics = effectiveRubrics(files);
  const behaviours = o.behaviours ?? rubricBehaviours(rubrics);
  const unknown = behaviours.filter((b) => rubrics[b] === undefined);
  if (unknown.length) return usage(`no rubric for ${unknown.join(', ')} (built in: ${Object.keys(rubrics).join(', ')}; add DIR/<behaviour>.md)`);

  // Every run first, to estimate (each read, estimated and let go: a folder of thousands of runs is
  // never held at once), then the requests, each run read again as it is asked about.
  const toJudge: RunRef[] = [];
  let inTokens = 0;
  let outTokens = 0;
  let toAsk = 0;
  const estimate = async (r: RunToJudge) => {
    if (r.transcript.header.format === 'study-followup') return;
    toJudge.push({ file: r.file, ...(r.sample !== undefined ? { sample: r.sample } : {}) });
    const e = await estimateRun({ transcript: r.transcript, logPath: r.file, ...(r.sample !== undefined ? { sample: r.sample } : {}), provider: client.provider, rubrics, behaviours, model: o.model });
    if (e.cached) return;
    toAsk++;
    inTokens += e.inputTokens;
    outTokens += e.outputTokens;
  };
  for (const p of o.paths) {
    let dir: boolean;
    try {
      dir = statSync(p).isDirectory();
    } catch {
      problem(`peerwatch judge: ${p}: no such file or folder`);
      continue;
    }
    if (dir) for await (const f of runFilesUnder(p)) for await (const r of runsIn(f, false, problem)) await estimate(r);
    else for await (const r of runsIn(p, true, problem)) await estimate(r);
  }
  const cost = o.inputPrice !== undefined && o.outputPrice !== undefined ? (inTokens * o.inputPrice + outTokens * o.outputPrice) / 1e6 : undefined;
  err(
    `peerwatch judge: ${toJudge.length} run${toJudge.length === 1 ? '' : 's'}, ${toJudge.length - toAsk} answered from the cache, ${toAsk} to ask ${o.model}: about ${inTokens.toLocaleString('en-US')} input and ${outTokens.toLocaleString('en-US')} output tokens` +
      `${cost !== undefined ? `, about $${cost.toFixed(cost < 1 ? 4 : 2)}` : ' (give --input-price and --output-price for the cost)'}\n`,
  );
  if (toAsk > 1 && !o.yes) {
    const tty = process.stdin.isTTY === true && process.stderr.isTTY === true;
    let yes = false;
    if (tty) {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      yes = /^y(es)?$/i.test((await rl.question('Ask the judge? [y/N] ')).trim());
      rl.close();
    }
    if (!yes) {
      err(`peerwatch judge: nothing asked; ${tty ? 'answer y' : 'give --yes'} to ask about ${toAsk} runs\n`);
      return 1;
    }
  }

  const results: Array<Record<string, unknown>> = new Array(toJudge.length);
  const again = new RunReader(o.concurrency + 1);
  let next = 0;
  const worker = async () => {
    while (next < toJudge.length) {
      const i = next++;
      const r = toJudge[i]!;
      const name = r.sample !== undefined ? `${display(r.file)}#${r.sample}` : display(r.file);
      const read = await again.read(r).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
      if (read instanceof Error) {
        // Read a moment ago: the file changed or went away since.
        problem(`peerwatch judge: ${name}: could not be read again: ${read.message}`);
        results[i] = { file: display(r.file), ...(r.sample !== undefined ? { sample: r.sample } : {}), error: read.message };
        continue;
      }
      const res = await judgeRun({ transcript: read, logPath: r.file, ...(r.sample !== undefined ? { sample: r.sample } : {}), client: client.make(), provider: client.provider, rubrics, behaviours, problem });
      if ('error' in res) {
        problem(`peerwatch judge: ${name}: ${res.error}`);
        results[i] = { file: display(r.file), ...(r.sample !== undefined ? { sample: r.sample } : {}), error: res.error };
        continue;
      }
      const a = res.answer;
      results[i] = { file: display(r.file), ...(r.sample !== undefined ? { sample: r.sample } : {}), cached: res.cached, model: a.model, rubricVersion: a.rubricVersion, tags: a.tags };
      if (!o.json) out(runText(name, res.cached, a.model, a.rubricVersion, a.tags));
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, Math.max(1, toJudge.length)) }, worker));
  if (o.json) out(JSON.stringify({ runs: results }, null, 2) + '\n');
  return failed ? 1 : 0;
}

function runText(name: string, cached: boolean, model: string, version: string, tags: readonly JudgeTag[]): string {
  const lines = [`${name}: ${tags.length ? `${tags.length} finding${tags.length === 1 ? '' : 's'}` : 'nothing found'} (${model}, rubric ${version}${cached ? ', from the cache' : ''})`];
  for (const t of tags) lines.push(`  ${t.behaviour} (${t.qualifier}) on events ${t.events.join(', ')}: ${t.explanation.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')}`);
  return lines.join('\n') + '\n';
}
