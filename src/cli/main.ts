/**
 * The `peerwatch` command line, on the same core as the editor.
 *
 *   peerwatch parse FILE... [--json]      normalized transcript(s); exit 1 when a file has errors
 *   peerwatch convert FILE --to runlog [-o OUT]   write Peerwatch's JSONL log
 */
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { basename, relative } from 'node:path';
import { harnessRunFiles, parseTranscript, NotATranscriptError } from '../core/formats';
import type { Transcript } from '../core/model';
import { transcriptToRunlog } from '../core/runlog/runlog';

const USAGE = `usage:
  peerwatch parse FILE... [--json]
  peerwatch convert FILE --to runlog [-o OUT]

Reads Peerwatch run logs (*.runlog.jsonl) and the peer-preservation study's transcripts
(standard, follow-up and production-harness runs).`;

/** Reads one file the way the editor does (a harness run's sibling files included). */
export function readTranscript(file: string): Transcript {
  const display = relative(process.cwd(), file) || file;
  const harness = harnessRunFiles(file);
  let source = file;
  const siblings: Record<string, string> = {};
  if (harness) {
    if (existsSync(harness.transcript)) source = harness.transcript;
    for (const s of harness.siblings) if (s !== source && existsSync(s)) siblings[basename(s)] = readFileSync(s, 'utf8');
  }
  const text = readFileSync(source, 'utf8');
  return parseTranscript({ fileName: source === file ? display : relative(process.cwd(), source), text, siblings });
}

/** A transcript as Peerwatch's run log, as `peerwatch convert` writes it. */
export function toRunlog(t: Transcript): string {
  return transcriptToRunlog(t, 'peerwatch convert');
}

function summary(file: string, t: Transcript): string {
  const h = t.header;
  const counts = new Map<string, number>();
  for (const e of t.events) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  const lines = [
    `${file}: ${h.format}${h.formatVersion !== undefined ? ` v${h.formatVersion}` : ''}${t.live ? ' (live)' : ''}`,
    `  model ${h.model ?? '?'} · task ${h.taskFamily ?? h.taskName ?? '?'} · subject ${h.subject ?? '?'} · condition ${h.condition ?? '?'}${h.monitoring && h.monitoring !== 'none' ? ` · ${h.monitoring}` : ''}`,
    `  ${t.events.length} events: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}`,
  ];
  const errors = t.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors) lines.push(`  ${errors} problem${errors > 1 ? 's' : ''} (on stderr); the events above are those read before and around them`);
  return lines.join('\n');
}

/** Runs the CLI; returns the exit code. */
export function main(argv: string[], out = (s: string) => process.stdout.write(s), err = (s: string) => process.stderr.write(s)): number {
  const [command, ...rest] = argv;
  const flags = new Set(rest.filter((a) => a.startsWith('-')));
  const files: string[] = [];
  let to: string | undefined;
  let output: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--to') to = rest[++i];
    else if (a === '-o' || a === '--out') output = rest[++i];
    else if (!a.startsWith('-')) files.push(a);
  }
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    out(USAGE + '\n');
    return command ? 0 : 2;
  }
  if (command !== 'parse' && command !== 'convert') {
    err(`peerwatch: unknown command '${command}'\n${USAGE}\n`);
    return 2;
  }
  if (files.length === 0) {
    err(`peerwatch ${command}: no file given\n${USAGE}\n`);
    return 2;
  }

  let failed = false;
  const parsed: Array<{ file: string } & Transcript> = [];
  for (const file of files) {
    let t: Transcript;
    try {
      if (!existsSync(file)) throw new Error(`${file}: no such file`);
      t = readTranscript(file);
    } catch (e) {
      failed = true;
      err(`peerwatch: ${e instanceof NotATranscriptError || e instanceof Error ? e.message : String(e)}\n`);
      continue;
    }
    if (t.diagnostics.some((d) => d.severity === 'error')) failed = true;
    // Problems go to stderr in every mode, so stdout stays the summary or machine-readable JSON.
    for (const d of t.diagnostics) err(`${d.severity}: ${d.message}\n`);
    parsed.push({ file, ...t });
  }

  if (command === 'parse') {
    if (flags.has('--json')) {
      out(JSON.stringify(parsed.length === 1 && files.length === 1 ? parsed[0] : parsed, null, 2) + '\n');
    } else {
      for (const p of parsed) out(summary(p.file, p) + '\n');
    }
    return failed ? 1 : 0;
  }

  // convert
  if (to !== 'runlog') {
    err(`peerwatch convert: --to runlog is the only target\n`);
    return 2;
  }
  if (files.length !== 1 || parsed.length !== 1) return failed ? 1 : 2;
  const text = toRunlog(parsed[0]!);
  if (output) writeFileSync(output, text);
  else out(text);
  return failed ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
