/**
 * `peerwatch parse` and `peerwatch convert` for multi-sample logs (Inspect `.eval` and `.json`) and
 * files of many runs (tau2 results, NeMo Gym rollouts, OpenHands evaluation output, JSON arrays and
 * JSON Lines of runs), whose runs are listed and read like samples:
 *
 *   peerwatch parse LOG.eval [--json]                 the sample list (key, epoch, scores, tokens, error)
 *   peerwatch parse LOG.eval --sample KEY [--json]    one sample, like any transcript (KEY id#epoch, or a bare id)
 *   peerwatch parse LOG.eval --all [--json]           every sample, one by one; exit 1 if any fails
 *   peerwatch convert LOG.eval --to runlog --sample KEY [-o FILE]
 *   peerwatch convert LOG.eval --to runlog [-o DIR]   one run log per sample, in DIR
 *                                                     (default: LOG's name + `.runlogs`)
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { Transcript } from '../core/model';
import { samplesInOrder, type SampleLog, type SampleSummary } from '../core/formats/sampleLog';
import { isInspectJson } from '../core/formats/inspect';
import { transcriptToRunlog, type RunlogSource } from '../core/runlog/runlog';
import { openSampleLogFile } from './sampleLogs';

export interface SampleLogOptions {
  json: boolean;
  all: boolean;
  sample?: string;
  to?: string;
  output?: string;
  /** The CLI's one-transcript summary, so a sample prints like any transcript. */
  summarize(file: string, t: Transcript): string;
}

/** True when the file is (by name, or by its first bytes for `.json`) an Inspect log. */
export function isSampleLogPath(file: string): boolean {
  if (/\.eval$/i.test(file)) return true;
  if (!/\.json$/i.test(file)) return false;
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(8192);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return isInspectJson(buf.subarray(0, n));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The log of many samples or runs that `file` is, opened (so it is read once); undefined for a file of
 * one run; the error when it is an Inspect log that cannot be read.
 */
export async function openLogOfMany(file: string): Promise<SampleLog | Error | undefined> {
  if (!existsSync(file)) return undefined;
  try {
    return await openSampleLogFile(file, displayName(file));
  } catch (e) {
    return isSampleLogPath(file) ? (e instanceof Error ? e : new Error(String(e))) : undefined;
  }
}

function displayName(file: string): string {
  return relative(process.cwd(), file) || file;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s + ' ' : s + ' '.repeat(n - s.length);
}

function listing(file: string, log: SampleLog): string {
  const i = log.info;
  const epochs = new Set(log.samples.map((s) => s.epoch)).size;
  const noun = unitOf(log);
  const reader = typeof i.metadata['reader'] === 'string' && !i.format.startsWith('inspect') ? ` (${i.metadata['reader']})` : '';
  const lines = [
    `${file}: ${i.format}${reader}${i.version !== undefined ? ` v${i.version}` : ''}${i.status ? ` (${i.status})` : ''}`,
    `  task ${i.task ?? '?'} · model ${i.model ?? '?'}${i.taskSpec && i.taskSpec !== i.task ? ` · ${i.taskSpec}` : ''}`,
    `  ${log.samples.length} ${noun}${log.samples.length === 1 ? '' : 's'}${epochs > 1 ? ` over ${epochs} epochs` : ''}`,
  ];
  if (log.samples.length) {
    const keyW = Math.max(6, ...log.samples.map((s) => s.key.length)) + 1;
    lines.push(`  ${pad('KEY', keyW)}${pad('EPOCH', 6)}${pad('TOKENS', 8)}SCORES / ERROR`);
    for (const s of samplesInOrder(log)) {
      const scores = Object.entries(s.scores).map(([k, v]) => `${k}=${v}`).join(' ');
      const state = s.complete ? '' : ' (running)';
      lines.push(`  ${pad(s.key, keyW)}${pad(String(s.epoch), 6)}${pad(s.totalTokens !== undefined ? String(s.totalTokens) : '-', 8)}${scores}${s.error ? `${scores ? ' · ' : ''}error: ${s.error.split('\n')[0]}` : ''}${state}`);
    }
  }
  const errors = log.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors) lines.push(`  ${errors} problem${errors > 1 ? 's' : ''} (on stderr); the samples above are those that could be listed`);
  return lines.join('\n');
}

/** What the log's entries are called: Inspect's samples, or the runs of a file of many runs. */
function unitOf(log: SampleLog): string {
  return log.info.format.startsWith('inspect') ? 'sample' : 'run';
}

function safeName(s: SampleSummary): string {
  return `${String(s.id).replace(/[^\w.-]+/g, '_')}_epoch_${s.epoch}`;
}

/** Runs parse/convert on one multi-sample log (`opened`: the log, as `openLogOfMany` gave it); returns the exit code. */
export async function sampleLogCommand(command: 'parse' | 'convert', file: string, opts: SampleLogOptions, out: (s: string) => void, err: (s: string) => void, opened?: SampleLog | Error): Promise<number> {
  const shown = displayName(file);
  let log: SampleLog | undefined;
  try {
    if (opened instanceof Error) throw opened;
    log = opened ?? (await openSampleLogFile(file, shown));
  } catch (e) {
    err(`peerwatch: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  if (!log) {
    err(`peerwatch: ${shown} is neither an Inspect log (expected a .eval zip with header.json or _journal/start.json, or a .json log with "version", "eval" and "samples") nor a file of many runs\n`);
    return 1;
  }
  let failed = log.diagnostics.some((d) => d.severity === 'error');
  for (const d of log.diagnostics) err(`${d.severity}: ${d.message}\n`);

  // KEY is id#epoch; a bare id picks that sample's first epoch (as `peerwatch rerun --sample` does).
  const keyOf = (asked: string): string => (log!.samples.some((s) => s.key === asked) ? asked : (log!.samples.find((s) => String(s.id) === asked)?.key ?? asked));
  const readOne = async (asked: string): Promise<Transcript | undefined> => {
    const key = keyOf(asked);
    try {
      const t = await log!.readSample(key);
      for (const d of t.diagnostics) err(`${d.severity}: ${d.message}\n`);
      if (t.diagnostics.some((d) => d.severity === 'error')) failed = true;
      return t;
    } catch (e) {
      failed = true;
      err(`peerwatch: ${e instanceof Error ? e.message : String(e)}\n`);
      return undefined;
    }
  };

  if (command === 'parse') {
    if (opts.sample !== undefined) {
      const t = await readOne(opts.sample);
      if (t) out(opts.json ? JSON.stringify(t, null, 2) + '\n' : opts.summarize(`${shown} [sample ${opts.sample}]`, t) + '\n');
      return failed ? 1 : 0;
    }
    if (opts.all) {
      const reports: Array<Record<string, unknown>> = [];
      let bad = 0;
      for (const s of samplesInOrder(log)) {
        const t = await readOne(s.key);
        if (!t) {
          bad++;
          if (opts.json) reports.push({ key: s.key, ok: false });
          else out(`${shown} [sample ${s.key}]: could not be read (see stderr)\n`);
          continue;
        }
        if (opts.json) {
          const kinds: Record<string, number> = {};
          for (const e of t.events) kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
          reports.push({ key: s.key, ok: true, events: t.events.length, kinds, diagnostics: t.diagnostics });
        } else out(opts.summarize(`${shown} [sample ${s.key}]`, t) + '\n');
      }
      if (opts.json) out(JSON.stringify({ file: shown, info: log.info, samples: reports, failed: bad, diagnostics: log.diagnostics }, null, 2) + '\n');
      else out(`${log.samples.length - bad} of ${log.samples.length} ${unitOf(log)}${log.samples.length === 1 ? '' : 's'} read${bad ? `; ${bad} failed` : ''}\n`);
      return failed ? 1 : 0;
    }
    out(opts.json ? JSON.stringify({ file: shown, info: log.info, samples: samplesInOrder(log), diagnostics: log.diagnostics }, null, 2) + '\n' : listing(shown, log) + '\n');
    return failed ? 1 : 0;
  }

  // convert
  if (opts.to !== 'runlog') {
    err(`peerwatch convert: --to runlog is the only target\n`);
    return 2;
  }
  if (opts.sample !== undefined) {
    const t = await readOne(opts.sample);
    if (!t) return 1;
    const text = transcriptToRunlog(t, 'peerwatch convert', sampleSource(file, t, keyOf(opts.sample)));
    if (opts.output) writeFileSync(opts.output, text);
    else out(text);
    return failed ? 1 : 0;
  }
  const dir = opts.output ?? `${basename(file).replace(/\.(eval|json|jsonl|ndjson|jsonlines)$/i, '')}.runlogs`;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    err(`peerwatch convert: cannot create the folder ${dir}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  const used = new Set<string>();
  for (const s of samplesInOrder(log)) {
    const t = await readOne(s.key);
    if (!t) continue;
    let name = safeName(s);
    while (used.has(name)) name += '_';
    used.add(name);
    const target = join(dir, `${name}.runlog.jsonl`);
    writeFileSync(target, transcriptToRunlog(t, 'peerwatch convert', sampleSource(file, t, s.key)));
    out(`${displayName(target)}  (sample ${s.key}, ${t.events.length} events)\n`);
  }
  return failed ? 1 : 0;
}

/**
 * What a run log converted from one sample records as its source: the log's name, the format and the
 * sample's key. No hash: a log of many samples can be gigabytes, read here by byte range only.
 */
function sampleSource(file: string, t: Transcript, key: string): RunlogSource {
  return { file: basename(file), format: t.header.format, sample: key };
}
