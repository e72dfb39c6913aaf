#!/usr/bin/env node
// Opens every log under the folders given with `peerwatch parse` (the built CLI, dist/cli.js), the
// way a researcher would, and prints one line per file: exit code, format and reader, and how many
// runs, messages and tool calls Peerwatch read. Files of many runs are read run by run (`--all`).
// Exit 1 when any file does not open (exit code other than 0).
//
//   node scripts/check-real-logs.mjs FOLDER...        e.g. test/fixtures/real, or a folder of your own logs
//
// A development check, not a test: the tests compare counts with the source files themselves
// (test/unit/formats-*.test.ts); this shows at a glance which files in a folder of logs open.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const cli = resolve(import.meta.dirname, '..', 'dist', 'cli.js');
const roots = process.argv.slice(2);
if (roots.length === 0) {
  console.error('usage: node scripts/check-real-logs.mjs FOLDER...');
  process.exit(2);
}

const LOG = /\.(json|jsonl|eval|traj)$/i;
function* files(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (LOG.test(name) && !/^(PROVENANCE|LICENSE|package)/i.test(name)) yield p;
  }
}

function parse(file, extra) {
  try {
    const stdout = execFileSync(process.execPath, [cli, 'parse', file, '--json', ...extra], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, stdout };
  } catch (e) {
    return { code: e.status ?? 1, stdout: e.stdout ?? '', stderr: String(e.stderr ?? '').split('\n').find(Boolean) ?? '' };
  }
}

/** Every transcript in the CLI's JSON output: one object, a list, or one document per sample. */
function transcripts(stdout) {
  const docs = [];
  // `--all` prints one JSON document per sample, back to back.
  let depth = 0, start = -1, inStr = false, esc = false;
  for (let i = 0; i < stdout.length; i++) {
    const c = stdout[i];
    if (inStr) { if (esc) esc = false; else if (c === '\\') esc = true; else if (c === '"') inStr = false; continue; }
    if (c === '"') inStr = true;
    else if (c === '{' || c === '[') { if (depth++ === 0) start = i; }
    else if (c === '}' || c === ']') { if (--depth === 0) docs.push(JSON.parse(stdout.slice(start, i + 1))); }
  }
  // `--all --json` prints {file, info, samples: [{key, ok, events: N, kinds: {message: N, …}}]}.
  for (const d of docs) if (d?.info?.format) listFormat = d.info.format;
  return docs
    .flatMap((d) => (Array.isArray(d) ? d : Array.isArray(d?.samples) && d.samples[0]?.kinds ? d.samples : [d]))
    .filter((d) => d && (Array.isArray(d.events) || d.kinds));
}

let bad = 0;
let listFormat;
for (const root of roots) {
  for (const file of files(root)) {
    listFormat = undefined;
    let r = parse(file, []);
    let runs = transcripts(r.stdout);
    if (r.code === 0 && runs.length === 0) {
      // A file of many runs lists them; read each.
      r = parse(file, ['--all']);
      runs = transcripts(r.stdout);
    }
    const count = (t, kind) => (Array.isArray(t.events) ? t.events.filter((e) => e.kind === kind).length : (t.kinds?.[kind] ?? 0));
    const messages = runs.reduce((n, t) => n + count(t, 'message'), 0);
    const calls = runs.reduce((n, t) => n + count(t, 'tool_call'), 0);
    const h = runs[0]?.header;
    const what = h ? `${h.format}${h.reader ? ` (${h.reader.name}${h.reader.guess ? ', guessed' : ''})` : ''}` : (listFormat ?? '');
    if (r.code !== 0) bad++;
    console.log(`${r.code === 0 ? 'ok  ' : `FAIL`} ${relative(process.cwd(), file)}  exit ${r.code}  ${what}  runs ${runs.length}  messages ${messages}  tool calls ${calls}${r.stderr ? `  — ${r.stderr}` : ''}`);
  }
}
process.exit(bad ? 1 : 0);
