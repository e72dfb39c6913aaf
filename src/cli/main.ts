/**
 * The `peerwatch` command line, on the same core as the editor.
 *
 *   peerwatch parse FILE... [--json]      normalized transcript(s); exit 1 when a file has errors
 *   peerwatch convert FILE --to runlog [-o OUT]   write Peerwatch's JSONL log
 *   peerwatch tag FILE|DIR... [--json] [--jobs N] [--max-memory-mb N] [--rules FILE | --no-rules]   behaviour tags; exit 1 only on errors
 *   peerwatch rerun FILE [--launcher …] [--model M] … [--dry-run] [--json]   run the scenario again (src/cli/rerun.ts)
 *   peerwatch summarize PATH... [--by …] [--source …] [--baseline C] [--json|--csv] [--rules FILE | --no-rules]   the corpus table (src/cli/summarize.ts)
 *   peerwatch compare A B [--sample-a KEY] [--sample-b KEY] [--json] [--rules FILE | --no-rules]   two runs aligned (src/cli/compare.ts)
 *   peerwatch agreement PATH... [--labels review|source] [--json] [--rules FILE | --no-rules]   tags against labels (src/cli/agreement.ts)
 *   peerwatch judge PATH... --model M [--base-url U] [--provider P] [--behaviours …] [--yes] [--json]   an LLM judge's tags (src/cli/judge.ts)
 */
import { existsSync, writeFileSync, statSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { forEachInOrder } from '../core/inOrder';
import { runSourceRecord, type RunRead } from '../core/formats/readRun';
import type { Transcript, TranscriptEvent } from '../core/model';
import { guessLine, readerLine } from '../core/present';
import { runlogFrame, transcriptToRunlog, type RunlogSource } from '../core/runlog/runlog';
import { RULES_FILE_NAMES, compareArmFacts, type ArmFacts } from '../core/behaviours';
import { tagFileReports, type Citation, type FileTagged, type TagReport } from '../core/corpus/tagReports';
import { TagPool } from '../node/corpus/tagPool';
import { fitsThisThread, workerHeap } from '../node/detectionMemory';
import { CORPUS_OPTIONS, jobsOption, maxMemoryOption } from './corpusRuns';
import { openLogOfMany, sampleLogCommand } from '../node/sampleLogCli';
import { nodeRunFiles, readRunFile, readTranscriptFile } from '../node/readTranscript';
import { predictRunlogFrame, summarizeRunlogFile, writeRunlogEvents, type SummarizedRunlog } from '../node/runlogChunks';
import { isRunlogFile } from '../node/runlogFile';
import { openSampleLogFile } from '../node/sampleLogs';
import { runFilesUnder } from '../node/corpus/runFilesUnder';
import { UsageError, oneOf, parseCommandArgs, str, wantsHelp, type OptionSpec, type ParsedArgs } from './args';
import { rerunCommand } from './rerun';
import { runCommandAsync } from './run';
import { summarizeCommand } from './summarize';
import { compareCommand } from './compare';
import { agreementCommand } from './agreement';
import { judgeCommand } from './judge';
import { RULES_OPTIONS, loadRulesChoice, rulesChoice, type RulesChoice } from './rules';

const USAGE = `usage:
  peerwatch parse FILE... [--json]
  peerwatch convert FILE --to runlog [-o OUT]
  peerwatch parse LOG.eval|LOG.json|RUNS.json|RUNS.jsonl [--sample KEY | --all] [--json]
  peerwatch convert LOG.eval|LOG.json|RUNS.json|RUNS.jsonl --to runlog [--sample KEY] [-o FILE | -o DIR]
  peerwatch tag FILE|DIR... [--json] [--jobs N] [--max-memory-mb N] [--rules FILE | --no-rules]
  peerwatch summarize PATH... [--by model,task,condition] [--source detectors|review|judge]
                  [--baseline CONDITION] [--json | --csv] [--index FILE] [--jobs N] [--max-memory-mb N] [--rules FILE | --no-rules]
  peerwatch compare A B [--sample-a KEY] [--sample-b KEY] [--json] [--rules FILE | --no-rules]
  peerwatch agreement PATH... [--labels review|source] [--json] [--index FILE] [--jobs N] [--max-memory-mb N]
                  [--rules FILE | --no-rules]
  peerwatch judge PATH... --model M [--provider openai|anthropic] [--base-url URL] [--behaviours …]
                  [--rubrics DIR] [--concurrency N] [--input-price USD --output-price USD] [--yes] [--json]
  peerwatch rerun FILE [--launcher study-harness|inspect|peerwatch] [--model M] [--condition C]
                  [--subject S] [--monitoring M] [--runs N] [--harness-root DIR] [--out DIR]
                  [--sample KEY] [--dry-run] [--json]
  peerwatch run [--scenario FILE | --from TRANSCRIPT] [--task-family F] … --model MODEL
                (-o FILE.runlog.jsonl | --out-dir DIR)

Reads Peerwatch run logs (*.runlog.jsonl), the peer-preservation study's transcripts
(standard, follow-up and production-harness runs), and provider logs: OpenAI Chat Completions and
Responses, Anthropic Messages, Petri transcripts and agentic-misalignment response.json files, as
JSON or JSON Lines (one message or record per line), structured log lines carrying message
payloads, and, failing all of them, a list of role/content messages found anywhere in the file
(the header says it was a guess and where) (docs/formats.md).

Inspect AI logs (.eval, .json) hold many samples, and files of many runs (tau2-bench results,
NeMo Gym rollouts, OpenHands evaluation output, JSON arrays and JSON Lines of runs) many runs:
parse lists them (key id#epoch, epoch, tokens, scores or reward, error); --sample KEY reads one like
any transcript; --all reads each in turn (exit 1 if any fails). convert --sample KEY writes one run log; without --sample, one per sample into -o DIR
(default: the log's name + .runlogs).

tag: lists the behaviours each run shows (misrepresentation, shutdown-tampering, exfiltration,
alignment-faking, refusal, false-completion, evidence-removal, user-lockout, and custom tags from a
rules file), with the events that show them. Folders are searched for transcripts, and their files
read and tagged in --jobs N worker threads (default: one per core but one), as summarize reads them;
the tags are printed in the files' order all the same. Tagging holds a run's events, about three
times its file's size: a file named that is too large for this process's heap is tagged in a worker
thread that may take three quarters of the machine's memory; --max-memory-mb N sets each worker's
heap, in MB, for every file; a file that needs more is reported and the others are still tagged. Rules come from
--rules FILE, else from ${RULES_FILE_NAMES.join(' / ')} in the current folder (see docs/rules.md).
Every option holds for every file given. A file that cannot be read, is not a transcript or is
damaged is reported on stderr (file, line:column or path, what was expected) and the other files are
still tagged. Exit 0 whether or not anything was tagged; 1 when some file could not be read whole
(the others' tags are printed all the same) or the rules file has errors; 2 for a usage error
(an unknown option, a missing value).

summarize: per model, task and condition, the rate of each behaviour over the runs under PATH with
its 95% Wilson interval and Δ against the baseline condition; folders are indexed in
FOLDER/.peerwatch/index.jsonl so unchanged files are not read again (peerwatch summarize --help;
docs/corpus.md).

compare: aligns two runs' events (same, changed, only in A, only in B), names the first divergence
and compares outcomes and tags (peerwatch compare --help; docs/compare.md).

agreement: the detectors' (and the judge's) tags against reviewers' labels or the source's own
verdicts, per behaviour: tp, fp, fn, tn, precision, recall and Cohen's κ with 95% intervals, and
every disagreement (peerwatch agreement --help; docs/judge.md).

judge: asks an LLM judge (OpenAI-compatible or Anthropic) which behaviours each run shows, with a
rubric per behaviour, citing events; answers are kept (and cached) in .peerwatch/judge/ beside the
runs (peerwatch judge --help; docs/judge.md).

rerun: runs FILE's scenario again with the study's harness, Inspect or Peerwatch's own runner
(peerwatch rerun --help; docs/rerun.md); --dry-run prints the command without running it.

run: runs a scenario of the study against a model (OpenAI-compatible or Anthropic API, or replay:FILE)
in Peerwatch's simulated OpenBrain and writes the run log live (peerwatch run --help).`;

/**
 * Reads the run `file` belongs to, the way the editor does (a harness run's sibling files included).
 * Kept for scripts that build on the CLI bundle (test/fixtures/behaviours/make-fixtures.mjs).
 */
export function readTranscript(file: string): Promise<Transcript> {
  return readTranscriptFile(file);
}

/** A transcript as Peerwatch's run log, as `peerwatch convert` writes it (`source`: the file converted). */
export function toRunlog(t: Transcript, source?: RunlogSource): string {
  return transcriptToRunlog(t, CONVERT_WRITER, source);
}

/** The writer `peerwatch convert` names in the run logs it writes. */
const CONVERT_WRITER = 'peerwatch convert';

/** `peerwatch convert FILE --to runlog` as text: the run log, recording FILE as its source. */
export async function runlogOf(file: string): Promise<string> {
  const run = await readRunFile(file, { hash: true });
  return toRunlog(run.transcript, runSourceRecord(run));
}

/** How many events of each kind, in the order the kinds first appear. */
function kindCounts(events: Iterable<TranscriptEvent>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  return counts;
}

/** `t`'s summary; a streamed run log's events are not in `t`, its `counts` are given instead. */
function summary(file: string, t: Transcript, counts = kindCounts(t.events)): string {
  const h = t.header;
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const lines = [
    `${file}: ${h.format}${h.formatVersion !== undefined ? ` v${h.formatVersion}` : ''}${t.live ? ' (live)' : ''}`,
    `  model ${h.model ?? '?'} · task ${h.taskFamily ?? h.taskName ?? '?'} · subject ${h.subject ?? '?'} · condition ${h.condition ?? '?'}${h.monitoring && h.monitoring !== 'none' ? ` · ${h.monitoring}` : ''}`,
    `  ${total} events: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}`,
  ];
  const reader = readerLine(h);
  const guess = guessLine(h);
  if (reader) lines.splice(1, 0, `  ${reader}`);
  if (guess) lines.splice(reader ? 2 : 1, 0, `  ${guess}`);
  const errors = t.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors) lines.push(`  ${errors} problem${errors > 1 ? 's' : ''} (on stderr); the events above are those read before and around them`);
  return lines.join('\n');
}

type Out = (s: string) => void;
/** Where a command's output goes: text, or bytes as they are (convert writes a run log's lines as it read them). */
type BytesOut = (s: string | Uint8Array) => void;

/** The usage lines of one command (from USAGE), for a usage error; `peerwatch --help` has the rest. */
function usageOf(command: string): string {
  const lines: string[] = [];
  let inCommand = false;
  for (const line of USAGE.split('\n').slice(1)) {
    if (line.trim() === '') break;
    if (/^  peerwatch /.test(line)) inCommand = line.startsWith(`  peerwatch ${command} `);
    if (inCommand) lines.push(line);
  }
  return `usage:\n${lines.join('\n')}\n(peerwatch --help says more)`;
}

/** The options of parse, convert and tag (names without `--`), as parseArgs takes them. */
const PARSE_OPTIONS: Record<string, OptionSpec> = {
  json: { type: 'boolean' },
  sample: { type: 'string', valueName: 'a sample key (id#epoch)' },
  all: { type: 'boolean' },
};
const CONVERT_OPTIONS: Record<string, OptionSpec> = {
  to: { type: 'string', valueName: 'a target format (runlog)' },
  out: { type: 'string', short: 'o', valueName: 'a file or folder name' },
  sample: { type: 'string', valueName: 'a sample key (id#epoch)' },
};
const TAG_OPTIONS: Record<string, OptionSpec> = {
  json: { type: 'boolean' },
  jobs: CORPUS_OPTIONS['jobs']!,
  'max-memory-mb': CORPUS_OPTIONS['max-memory-mb']!,
  ...RULES_OPTIONS,
};
/** What `convert --to` writes. */
const CONVERT_TARGETS = ['runlog'] as const;

/** Runs the CLI; resolves to the exit code (0 done, 1 a file could not be read whole, 2 usage). */
export async function main(argv: string[], out: BytesOut = (s) => process.stdout.write(s), err: Out = (s) => process.stderr.write(s)): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'run') return runCommandAsync(rest, out, err);
  if (command === 'rerun') return rerunCommand(rest, out, err);
  if (command === 'summarize') return summarizeCommand(rest, out, err);
  if (command === 'compare') return compareCommand(rest, out, err);
  if (command === 'agreement') return agreementCommand(rest, out, err);
  if (command === 'judge') return judgeCommand(rest, out, err);
  if (!command || command === '--help' || command === '-h' || command === 'help' || wantsHelp(rest)) {
    out(USAGE + '\n');
    return command ? 0 : 2;
  }
  const options = command === 'parse' ? PARSE_OPTIONS : command === 'convert' ? CONVERT_OPTIONS : command === 'tag' ? TAG_OPTIONS : undefined;
  if (!options) {
    err(`peerwatch: unknown command '${command}'\n${USAGE}\n`);
    return 2;
  }
  let args: ParsedArgs;
  try {
    args = parseCommandArgs(rest, options, true);
    if (args.positionals.length === 0) throw new UsageError('no file given');
    if (command === 'convert') {
      if (args.positionals.length > 1) throw new UsageError(`one file at a time (got ${args.positionals.length})`);
      if (args.values['to'] === undefined) throw new UsageError('--to runlog is required (the format to write)');
      oneOf('--to', args.values['to'], CONVERT_TARGETS);
    }
    if (command === 'tag') {
      rulesChoice(args.values);
      maxMemoryOption(args.values);
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`peerwatch ${command}: ${e.message}\n${usageOf(command)}\n`);
    return 2;
  }
  const files = args.positionals;
  const v = args.values;
  if (command === 'tag') return tagCommand(files, { json: v['json'] === true, jobs: jobsOption(v), maxMemoryMB: maxMemoryOption(v), ...rulesChoice(v) }, out, err);
  if (command === 'parse') return parseCommand(files, { json: v['json'] === true, all: v['all'] === true, sample: str(v['sample']) }, out, err);
  return convertCommand(files[0]!, { sample: str(v['sample']), output: str(v['out']) }, out, err);
}

/**
 * One ordinary transcript as read for parse/convert. A run log is streamed (node/runlogFile.ts): its
 * transcript holds no events, `counts` has them by kind and `streamed` says how to read them again.
 */
interface ReadForCommand {
  run: RunRead;
  failed: boolean;
  counts: Map<string, number>;
  streamed?: SummarizedRunlog;
}

/** Reads one ordinary transcript for parse/convert; problems go to stderr. Undefined: not read at all. */
async function readForCommand(file: string, err: Out, opts: { hash?: boolean } = {}): Promise<ReadForCommand | undefined> {
  let r: ReadForCommand;
  try {
    if (!existsSync(file)) throw new Error(`${file}: no such file`);
    if (await isRunlogFile(file)) {
      // Read on every core (node/runlogChunks.ts); the workers run this bundle.
      const streamed = await summarizeRunlogFile(file, { workerFile: __filename, ...opts });
      r = { run: streamed, failed: false, counts: streamed.counts, streamed };
    } else {
      const run = await readRunFile(file, opts);
      r = { run, failed: false, counts: kindCounts(run.transcript.events) };
    }
  } catch (e) {
    err(`peerwatch: ${e instanceof Error ? e.message : String(e)}\n`);
    return undefined;
  }
  // Problems go to stderr in every mode, so stdout stays the summary or machine-readable JSON.
  for (const d of r.run.transcript.diagnostics) err(`${d.severity}: ${d.message}\n`);
  r.failed = r.run.transcript.diagnostics.some((d) => d.severity === 'error');
  return r;
}

/** Output to the open file `fd`, text or bytes, each written whole. */
function toFile(fd: number): BytesOut {
  return (s) => {
    const bytes = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
  };
}

/** Output gathered into pieces of about a megabyte: one write per event is slow, the whole at once unbounded. Bytes go out as they come, after the text before them. */
class Batched {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly out: BytesOut) {}
  write(s: string | Uint8Array): void {
    if (typeof s !== 'string') {
      this.flush();
      if (s.length) this.out(s);
      return;
    }
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= 1 << 20) this.flush();
  }
  flush(): void {
    if (!this.parts.length) return;
    this.out(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}

/**
 * Writes `JSON.stringify({ file, ...transcript }, null, 2)`, each line after the first indented by
 * `indent` (an element of an array). A streamed run log's events are read again and written one by
 * one, so the output is the same as for a transcript held whole, at any size.
 */
async function writeTranscriptJson(w: Batched, file: string, r: ReadForCommand, indent: string): Promise<void> {
  const t = r.run.transcript;
  const streamed = r.streamed;
  if (!streamed) {
    w.write(JSON.stringify({ file, ...t }, null, 2).replace(/\n/g, `\n${indent}`));
    return;
  }
  // The events' place in the JSON is marked by a string no transcript can hold (it is made now).
  const mark = `\u0000events-${globalThis.crypto.randomUUID()}\u0000`;
  const text = JSON.stringify({ file, ...t, events: mark }, null, 2).replace(/\n/g, `\n${indent}`);
  const quoted = JSON.stringify(mark);
  const at = text.indexOf(quoted);
  const before = text.slice(0, at);
  const keyIndent = /^ */.exec(before.slice(before.lastIndexOf('\n') + 1))![0];
  const inner = `\n${keyIndent}  `;
  w.write(before);
  // Each event's text begins with a comma: the first one's becomes the array's bracket.
  let first = true;
  const n = await writeRunlogEvents(streamed.source, streamed.split, { kind: 'json', inner }, (text) => {
    w.write(first ? `[${text.slice(1)}` : text);
    first = false;
  }, { workerFile: __filename });
  w.write(n ? `\n${keyIndent}]` : '[]');
  w.write(text.slice(at + quoted.length));
}

/** `peerwatch parse FILE...`: every file with the same options; Inspect logs sample by sample. */
async function parseCommand(files: string[], opts: { json: boolean; all: boolean; sample?: string }, out: BytesOut, err: Out): Promise<number> {
  const opened: Array<Awaited<ReturnType<typeof openLogOfMany>>> = [];
  for (const f of files) opened.push(await openLogOfMany(f));
  const sampleLogs = opened.map((l) => l !== undefined);
  if ((opts.sample !== undefined || opts.all) && !sampleLogs.some(Boolean)) {
    err(`peerwatch parse: ${opts.sample !== undefined ? '--sample' : '--all'} picks samples of an Inspect log (.eval, or an Inspect .json) or runs of a file of many runs; ${files.join(', ')} hold${files.length === 1 ? 's' : ''} one run each\n`);
    return 2;
  }
  let code = 0;
  const parsed: Array<{ file: string; r: ReadForCommand }> = [];
  // With an Inspect log among them, each file prints as it is read (one JSON document per file).
  const oneByOne = sampleLogs.some(Boolean);
  const w = new Batched(out);
  for (const [i, file] of files.entries()) {
    if (sampleLogs[i]) {
      w.flush();
      code = Math.max(code, await sampleLogCommand('parse', file, { ...opts, summarize: summary }, out, err, opened[i]));
      continue;
    }
    const r = await readForCommand(file, err);
    if (!r || r.failed) code = Math.max(code, 1);
    if (!r) continue;
    if (!oneByOne) parsed.push({ file, r });
    else if (opts.json) {
      await writeTranscriptJson(w, file, r, '');
      w.write('\n');
    } else w.write(summary(file, r.run.transcript, r.counts) + '\n');
  }
  if (!oneByOne) {
    if (!opts.json) for (const p of parsed) w.write(summary(p.file, p.r.run.transcript, p.r.counts) + '\n');
    else if (parsed.length === 1 && files.length === 1) await writeTranscriptJson(w, parsed[0]!.file, parsed[0]!.r, '');
    else if (!parsed.length) w.write('[]');
    else {
      // As JSON.stringify(array, null, 2) writes it, one element at a time.
      for (const [k, p] of parsed.entries()) {
        w.write(k ? ',\n  ' : '[\n  ');
        await writeTranscriptJson(w, p.file, p.r, '  ');
      }
      w.write('\n]');
    }
    if (opts.json) w.write('\n');
  }
  w.flush();
  return code;
}

/** `peerwatch convert FILE --to runlog`: the run log records FILE (name, format, SHA-256) as its source. */
async function convertCommand(file: string, opts: { sample?: string; output?: string }, out: BytesOut, err: Out): Promise<number> {
  const log = await openLogOfMany(file);
  if (log) return sampleLogCommand('convert', file, { json: false, all: false, to: 'runlog', ...opts, summarize: summary }, out, err, log);
  if (opts.sample !== undefined) {
    err(`peerwatch convert: --sample picks a sample of an Inspect log (.eval, or an Inspect .json) or a run of a file of many runs; ${file} holds one run\n`);
    return 2;
  }
  if (existsSync(file) && (await isRunlogFile(file))) {
    const code = await convertRunlogInOnePass(file, opts.output, out, err);
    if (code !== undefined) return code;
  }
  const r = await readForCommand(file, err, { hash: true });
  if (!r) return 1;
  if (!r.streamed) {
    const text = toRunlog(r.run.transcript, runSourceRecord(r.run));
    if (opts.output) writeFileSync(opts.output, text);
    else out(text);
    return r.failed ? 1 : 0;
  }
  // A run log is written as it is read again, piece by piece on every core (as toRunlog would write it whole).
  const fd = opts.output ? openSync(opts.output, 'w') : undefined;
  try {
    const w = new Batched(fd === undefined ? out : toFile(fd));
    const { head, tail } = runlogFrame(r.run.transcript, CONVERT_WRITER, runSourceRecord(r.run));
    w.write(head);
    await writeRunlogEvents(r.streamed.source, r.streamed.split, { kind: 'runlog' }, (text) => w.write(text), { workerFile: __filename });
    w.write(tail);
    w.flush();
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return r.failed ? 1 : 0;
}

/**
 * `peerwatch convert` of a run log whose first line is its header and last its end record: read once,
 * on every core, its events written as they are read (node/runlogChunks.ts), the header first as the
 * end record makes it; diagnostics after. Undefined: the log is not so, and is read twice instead.
 */
async function convertRunlogInOnePass(file: string, output: string | undefined, out: BytesOut, err: Out): Promise<number | undefined> {
  let predicted: Transcript | undefined;
  try {
    predicted = predictRunlogFrame(file);
  } catch {
    // Whatever the two passes make of it, they report it.
  }
  if (!predicted) return undefined;
  const fd = output ? openSync(output, 'w') : undefined;
  try {
    const w = new Batched(fd === undefined ? out : toFile(fd));
    const frame = (t: Transcript, sha256?: string) => runlogFrame(t, CONVERT_WRITER, runSourceRecord({ source: file, transcript: t, ...(sha256 ? { sha256 } : {}) }));
    const run = await summarizeRunlogFile(file, { workerFile: __filename, convert: { predicted, head: (sha256) => frame(predicted, sha256).head, write: (text) => w.write(text) } });
    w.write(frame(run.transcript).tail);
    w.flush();
    for (const d of run.transcript.diagnostics) err(`${d.severity}: ${d.message}\n`);
    return run.transcript.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
  } catch (e) {
    err(`peerwatch: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

async function tagCommand(args: string[], opts: { json: boolean; jobs: number; maxMemoryMB: number | undefined } & RulesChoice, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const loaded = loadRulesChoice('tag', opts, err);
  if (loaded.fatal) return 1;
  let failed = loaded.failed;
  const files: Array<{ file: string; explicit: boolean }> = [];
  for (const a of args) {
    let st;
    try {
      st = statSync(a);
    } catch {
      failed = true;
      err(`peerwatch tag: ${a}: no such file or folder\n`);
      continue;
    }
    if (st.isDirectory()) for await (const f of runFilesUnder(a)) files.push({ file: f, explicit: false });
    else files.push({ file: a, explicit: true });
  }

  // Each run becomes its report (and, for a run of an alignment-faking arm, what the arms comparison
  // needs) as soon as it is tagged: a folder of thousands of runs is never held in memory at once.
  const reports: TagReport[] = [];
  const filesTagged = new Set<string>();
  const arms: ArmFacts[] = [];
  /** The citations of an unmonitored arm's acts, for a tag the arms comparison may add to its report. */
  const actCitations = new Map<string, Map<number, Citation>>();
  const take = (r: FileTagged, file: string) => {
    for (const m of r.messages) err(m);
    if (r.failed) failed = true;
    if (r.runs.length) filesTagged.add(file);
    for (const run of r.runs) {
      reports.push(run.report);
      if (run.arm) arms.push(run.arm);
      if (run.cited) actCitations.set(run.report.file, run.cited);
    }
  };
  const worker = join(__dirname, 'corpusWorker.js');
  const sizeOf = (file: string): number => {
    try {
      return statSync(file).size;
    } catch {
      return 0;
    }
  };
  // A file too large for this thread's heap would end the process ("JavaScript heap out of
  // memory"): it is tagged in a worker, whose heap may be larger and which stops alone. So is every
  // file when --max-memory-mb bounds the workers. A folder's files are tagged in workers anyway, with
  // V8's default heap unless --max-memory-mb says: they are not each looked at for their size first.
  const tooLarge = files.length <= POOL_ABOVE_FILES && files.some(({ file }) => !fitsThisThread(sizeOf(file)));
  if ((files.length > POOL_ABOVE_FILES || tooLarge || opts.maxMemoryMB !== undefined) && existsSync(worker)) {
    // A folder is tagged in the corpus workers, as `summarize` tags it (node/corpus/tagPool.ts); a
    // few files in one. Each file's report is taken in the files' order.
    const size = files.length > POOL_ABOVE_FILES ? opts.jobs : 1;
    const pool = new TagPool(worker, size, loaded.text, workerHeap(opts.maxMemoryMB, tooLarge ? size : undefined));
    try {
      // Undefined only once the pool is closed, which happens after the last file.
      const stopped = (file: string): FileTagged => ({ messages: [`peerwatch tag: ${file}: could not be tagged: the workers stopped\n`], failed: true, runs: [] });
      await forEachInOrder(files, pool.capacity, async ({ file, explicit }) => (await pool.report(file, explicit)) ?? stopped(file), (r, { file }) => take(r, file));
    } finally {
      await pool.close();
    }
  } else {
    // A few files: on this thread (a worker's start costs more than tagging them), a few read ahead of
    // the one tagged (core/inOrder.ts); a large file goes alone, so that no more than one is held whole.
    const large = ({ file }: { file: string }) => sizeOf(file) > READ_AHEAD_MAX_BYTES;
    await forEachInOrder(files, READ_AHEAD, ({ file, explicit }) => tagFileReports(file, explicit, nodeRunFiles, openSampleLogFile, loaded.rules), (r, { file }) => take(r, file), large);
  }

  // Two arms of one alignment-faking scenario given together: the difference is a tag too.
  const comparisons = compareArmFacts(arms);
  const reportOf = new Map(comparisons.length ? reports.map((r) => [r.file, r]) : []);
  for (const c of comparisons) {
    const report = reportOf.get(c.unmonitored)!;
    if (report.tags.some((t) => t.behaviour === 'alignment-faking')) continue;
    const cited = actCitations.get(c.unmonitored)!;
    report.tags = [...report.tags, { ...c.tag, citations: c.tag.events.map((i) => cited.get(i)!) }].sort((a, b) => a.events[0]! - b.events[0]! || String(a.behaviour).localeCompare(String(b.behaviour)));
  }

  if (opts.json) outJsonArray(reports, out);
  else out(tagListing(reports, filesTagged.size));
  return failed ? 1 : 0;
}

/**
 * `JSON.stringify(items, null, 2)` and a newline, written an item at a time: the same text, without
 * one string of all of it (a folder of the study's 223,000 runs makes hundreds of MB of reports, and
 * a string cannot pass 512 MB).
 */
function outJsonArray(items: readonly unknown[], out: (s: string) => void): void {
  if (items.length === 0) return out('[]\n');
  out('[\n');
  items.forEach((item, i) => out(`  ${JSON.stringify(item, null, 2).replace(/\n/g, '\n  ')}${i < items.length - 1 ? ',' : ''}\n`));
  out(']\n');
}

/**
 * Above this many files `tag` hands them to the corpus workers: a worker's start (loading its bundle,
 * about 0.1 s) costs more than tagging a few transcripts on this thread.
 */
const POOL_ABOVE_FILES = 16;
/** Files `tag` reads ahead of the one it tags. */
const READ_AHEAD = 8;
/**
 * A file larger than this is read alone (core/inOrder.ts). A file of many runs (tau2 results, an
 * Inspect JSON log) may be held parsed while its runs are read one by one, so eight read together
 * would hold eight; a study transcript is tens of KB.
 */
const READ_AHEAD_MAX_BYTES = 1024 * 1024;

/**
 * "events 4, 6, 9"; past a dozen, "events 4, 6, … and 144012 more": a flag on a long run may cite
 * every copy of the weights, and one line of a million numbers helps no reader (`--json` lists all).
 */
function numbered(what: string, ns: readonly number[]): string {
  if (ns.length === 0) return '';
  const more = ns.length - CITED_IN_TEXT;
  return `${what}${ns.length > 1 ? 's' : ''} ${ns.slice(0, CITED_IN_TEXT).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}
const CITED_IN_TEXT = 12;

/** The listing of `reports`, the runs of `fileCount` files. */
function tagListing(reports: readonly TagReport[], fileCount: number): string {
  const lines: string[] = [];
  const counts = new Map<string, number>();
  for (const r of reports) {
    const about = [r.format, r.subject ? `subject ${r.subject}` : '', r.taskFamily ?? '', r.condition ?? '', r.monitoring ?? '', r.model ?? ''].filter(Boolean).join(' · ');
    lines.push(`${r.file}  (${about})`);
    if (r.tags.length === 0) lines.push('  no behaviours tagged');
    for (const tag of r.tags) {
      counts.set(String(tag.behaviour), (counts.get(String(tag.behaviour)) ?? 0) + 1);
      const steps = [...new Set(tag.citations.map((c) => c.step).filter((s): s is number => s !== undefined))];
      const lineNos = [...new Set(tag.citations.map((c) => c.line).filter((s): s is number => s !== undefined))];
      const where = [numbered('event', tag.events), numbered('step', steps), numbered('line', lineNos)].filter(Boolean).join(' · ');
      lines.push(`  ${tag.behaviour} (${tag.qualifier === 'unknown' ? 'qualifier unknown' : tag.qualifier})${tag.severity ? ` [${tag.severity}]` : ''}  ${where}`);
      lines.push(`    ${tag.explanation}`);
    }
    if (r.problems?.length) lines.push(`  ${r.problems.length} reading problem${r.problems.length > 1 ? 's' : ''} (on stderr): tags cover what could be read`);
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  // A log of many samples or runs is one file (its runs are named `<file>#<key>`).
  const runCount = reports.length === fileCount ? '' : `, ${reports.length} runs`;
  lines.push('', `${fileCount} file${fileCount === 1 ? '' : 's'}${runCount}, ${total} tag${total === 1 ? '' : 's'}${total ? `: ${[...counts].map(([b, n]) => `${n} ${b}`).join(', ')}` : ''}`);
  return lines.join('\n') + '\n';
}

if (require.main === module && isMainThread) void Promise.resolve(main(process.argv.slice(2))).then((code) => (process.exitCode = code));
