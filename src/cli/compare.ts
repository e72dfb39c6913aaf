/**
 * `peerwatch compare A B [--json]`: two runs aligned event by event, the first divergence, the outcomes
 * and the tags compared (src/core/compare; docs/compare.md). A or B may be one run of an Inspect log or
 * a file of many runs, picked with --sample-a / --sample-b.
 */
import { existsSync } from 'node:fs';
import { compareRuns, type AlignedRow, type RowSide, type RunComparison, type ValueDiff } from '../core/compare';
import type { Transcript } from '../core/model';
import { openLogOfMany } from '../node/sampleLogCli';
import { readTranscriptFile } from '../node/readTranscript';
import { UsageError, parseCommandArgs, str, wantsHelp, type OptionSpec } from './args';
import { pushAll } from '../core/arrays';
import { RULES_OPTIONS, loadRulesChoice, rulesChoice, type RulesChoice } from './rules';

type Out = (s: string) => void;

export const COMPARE_USAGE = `usage:
  peerwatch compare A B [--sample-a KEY] [--sample-b KEY] [--json] [--rules FILE | --no-rules]

Aligns the events of runs A and B (any two formats Peerwatch reads): events that are the same in
both, changed (the same tool, config key or message, with other arguments or words), only in A, or
only in B. Then names the first divergence (the first tool call, config change or file change that
differs; failing that, the first text that differs), compares the outcomes (the source's evaluation
fields, the final value of every config key either run changed, what each did with model weights)
and the behaviours tagged in A only, B only and both.

A or B may be an Inspect log (.eval, .json) or a file of many runs: --sample-a KEY / --sample-b KEY
pick the run (KEY as peerwatch parse lists it, id#epoch, or a bare id for its first epoch). The same
file may be given twice with two keys.

Tags are the built-in detectors' and those of a rules file: --rules FILE, else
.peerwatch/rules.yaml (.yml, .json) in the current folder; --no-rules: the built-ins alone (as for
peerwatch tag, and as the comparison view tags with the workspace's rules file).

--json prints {"aligned": [{status, a?, b?}], "firstDivergence": {row, by, status, stepA?, stepB?,
summary} | null, "outcome": {evaluation, config, weights}, "tags": {onlyA, onlyB, both}}.
Exit 0 when both runs were read (whether or not they differ); 1 when one could not be read whole (the
comparison covers what was read); 2 for a usage error.`;

const COMPARE_OPTIONS: Record<string, OptionSpec> = {
  json: { type: 'boolean' },
  'sample-a': { type: 'string', valueName: 'a sample key (id#epoch)' },
  'sample-b': { type: 'string', valueName: 'a sample key (id#epoch)' },
  ...RULES_OPTIONS,
};

/** Reads one side: a file of one run, or the run `sample` of a log of many. Problems go to `err`. */
async function readSide(label: 'A' | 'B', file: string, sample: string | undefined, err: Out): Promise<{ t: Transcript; failed: boolean } | UsageError | undefined> {
  if (!existsSync(file)) {
    err(`peerwatch compare: ${file}: no such file\n`);
    return undefined;
  }
  const log = await openLogOfMany(file);
  if (log instanceof Error) {
    err(`peerwatch compare: ${log.message}\n`);
    return undefined;
  }
  let t: Transcript;
  try {
    if (log) {
      const flag = `--sample-${label.toLowerCase()}`;
      if (sample === undefined) return new UsageError(`${file} holds ${log.samples.length} runs: pick ${label} with ${flag} KEY (peerwatch parse ${file} lists them)`);
      const key = log.samples.some((s) => s.key === sample) ? sample : log.samples.find((s) => String(s.id) === sample)?.key;
      if (key === undefined) return new UsageError(`${flag} ${JSON.stringify(sample)}: ${file} has no such run (keys: ${log.samples.slice(0, 5).map((s) => s.key).join(', ')}${log.samples.length > 5 ? ', …' : ''})`);
      t = await log.readSample(key);
    } else {
      if (sample !== undefined) return new UsageError(`--sample-${label.toLowerCase()} picks a run of an Inspect log or a file of many runs; ${file} holds one run`);
      t = await readTranscriptFile(file);
    }
  } catch (e) {
    err(`peerwatch compare: ${e instanceof Error ? e.message : String(e)}\n`);
    return undefined;
  }
  for (const d of t.diagnostics) err(`${d.severity}: ${d.message}\n`);
  return { t, failed: t.diagnostics.some((d) => d.severity === 'error') };
}

/** Runs `peerwatch compare`; resolves to the exit code. */
export async function compareCommand(args: readonly string[], out: Out, err: Out): Promise<number> {
  if (wantsHelp(args)) {
    out(COMPARE_USAGE + '\n');
    return 0;
  }
  const usage = (m: string) => {
    err(`peerwatch compare: ${m}\n${COMPARE_USAGE.split('\n\n')[0]}\n(peerwatch compare --help says more)\n`);
    return 2;
  };
  let a: string, b: string, json: boolean, sampleA: string | undefined, sampleB: string | undefined, choice: RulesChoice;
  try {
    const parsed = parseCommandArgs(args, COMPARE_OPTIONS, true);
    if (parsed.positionals.length !== 2) throw new UsageError(`two runs are compared, A and B (got ${parsed.positionals.length} file${parsed.positionals.length === 1 ? '' : 's'})`);
    [a, b] = parsed.positionals as [string, string];
    json = parsed.values['json'] === true;
    sampleA = str(parsed.values['sample-a']);
    sampleB = str(parsed.values['sample-b']);
    choice = rulesChoice(parsed.values);
  } catch (e) {
    if (e instanceof UsageError) return usage(e.message);
    throw e;
  }
  const loaded = loadRulesChoice('compare', choice, err);
  if (loaded.fatal) return 1;
  const ra = await readSide('A', a, sampleA, err);
  if (ra instanceof UsageError) return usage(ra.message);
  const rb = await readSide('B', b, sampleB, err);
  if (rb instanceof UsageError) return usage(rb.message);
  if (!ra || !rb) return 1;
  const c = compareRuns(ra.t, rb.t, loaded.rules);
  out(json ? JSON.stringify(c, null, 2) + '\n' : comparisonText(`${a}${sampleA !== undefined ? `#${sampleA}` : ''}`, `${b}${sampleB !== undefined ? `#${sampleB}` : ''}`, c));
  return ra.failed || rb.failed || loaded.failed ? 1 : 0;
}

const show = (v: unknown): string => (v === undefined ? '(absent)' : typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v));

function diffLines(title: string, diffs: readonly ValueDiff[]): string[] {
  const changed = diffs.filter((d) => !d.same);
  if (!changed.length) return [`  ${title}: ${diffs.length ? 'the same' : 'none in either run'}`];
  return [`  ${title}:`, ...changed.map((d) => `    ${d.field}: A ${show(d.a)} · B ${show(d.b)}`)];
}

const SIGN: Record<AlignedRow['status'], string> = { same: '=', changed: '~', 'only-a': '<', 'only-b': '>' };

function sideText(s: RowSide | undefined): string {
  if (!s) return '';
  return `#${s.event}${s.step !== undefined ? ` s${s.step}` : ''} ${s.kind}${s.what ? ` ${s.what}` : ''}: ${s.snippet}`;
}

/** The text report: first divergence, outcome and tag differences, then the rows compactly. */
export function comparisonText(a: string, b: string, c: RunComparison): string {
  const lines = [`A ${a}`, `B ${b}`, ''];
  const d = c.firstDivergence;
  lines.push(d ? `First divergence (${d.by === 'action' ? 'what they did' : 'words only'}), row ${d.row + 1}${d.stepA !== undefined ? `, A step ${d.stepA}` : ''}${d.stepB !== undefined ? `, B step ${d.stepB}` : ''}:\n  ${d.summary}` : 'No divergence: the runs hold the same events.');
  lines.push('', 'Outcome:');
  pushAll(lines, diffLines('evaluation', c.outcome.evaluation));
  pushAll(lines, diffLines('final config', c.outcome.config));
  const w = c.outcome.weights;
  if (w.same) lines.push(`  weights: ${w.a.length ? `the same (${w.a.join('; ')})` : 'untouched in both'}`);
  else lines.push('  weights:', `    A ${w.a.length ? w.a.join('; ') : 'untouched'}`, `    B ${w.b.length ? w.b.join('; ') : 'untouched'}`);
  const t = c.tags;
  lines.push('', 'Tags:', `  only A: ${t.onlyA.join(', ') || '-'}`, `  only B: ${t.onlyB.join(', ') || '-'}`, `  both: ${t.both.join(', ') || '-'}`);
  const counts = { same: 0, changed: 0, 'only-a': 0, 'only-b': 0 };
  for (const r of c.aligned) counts[r.status]++;
  lines.push('', `Rows (${c.aligned.length}: ${counts.same} same, ${counts.changed} changed, ${counts['only-a']} only in A, ${counts['only-b']} only in B; = same, ~ changed, < only A, > only B):`);
  for (const r of c.aligned) {
    if (r.status === 'same') lines.push(`  = ${sideText(r.a)}`);
    else if (r.status === 'changed') lines.push(`  ~ A ${sideText(r.a)}`, `    B ${sideText(r.b)}`);
    else lines.push(`  ${SIGN[r.status]} ${sideText(r.a ?? r.b)}`);
  }
  return lines.join('\n') + '\n';
}
