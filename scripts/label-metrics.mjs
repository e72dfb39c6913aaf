// Precision and recall of the behaviour tags on the labelled set (test/fixtures/labels.yaml).
//   node scripts/label-metrics.mjs                     table per behaviour, then every miss and false tag
//   node scripts/label-metrics.mjs --labels FILE       another labels file (same shape, docs/labels.md)
//   node scripts/label-metrics.mjs --json              the counts, misses and false tags as JSON
//   node scripts/label-metrics.mjs --check             exit 1 when anything is missed or tagged falsely
//   node scripts/label-metrics.mjs --source study      only the runs of one source (study, inspect, project, public)
// It runs the built `peerwatch tag --json --no-rules` (bin/peerwatch.js; build with
// `node scripts/build.mjs` first), so it measures exactly what users see.
// Exit codes: 0 done (with --check: nothing missed, nothing false), 1 a miss or false tag under
// --check, 2 a usage error, a labels file that cannot be read or a run the CLI could not read.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseDocument } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const QUALIFIERS = ['self-preservation', 'peer-preservation', 'unknown'];
const SOURCES = ['study', 'inspect', 'project', 'public'];
const USAGE = `usage: node scripts/label-metrics.mjs [--labels FILE] [--source study|inspect|project|public] [--json] [--check]

Tags every run listed in the labels file (default test/fixtures/labels.yaml) with the built
peerwatch CLI and prints, per behaviour, how many labelled tags were found (recall) and how many
tags were right (precision); then each miss and each false tag. A tag counts as right only when
its behaviour and qualifier are both required for that run.`;

function fail(message) {
  process.stderr.write(`label-metrics: ${message}\n`);
  process.exit(2);
}

let opts;
try {
  opts = parseArgs({ options: { labels: { type: 'string' }, source: { type: 'string' }, json: { type: 'boolean' }, check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }).values;
} catch (e) {
  fail(`${e.message}\n${USAGE}`);
}
if (opts.help) {
  process.stdout.write(USAGE + '\n');
  process.exit(0);
}

/** Reads and checks the labels file; every error names the file, the line:col and the path in it. */
export function readLabels(file) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    fail(`${file}: cannot read (${e.code ?? e.message})`);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    const err = doc.errors[0];
    const [line, col] = err.linePos?.[0] ? [err.linePos[0].line, err.linePos[0].col] : [1, 1];
    fail(`${file}:${line}:${col}: not valid YAML: ${err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  const data = doc.toJS();
  const where = (path) => {
    const node = doc.getIn(path, true);
    const pos = node?.range ? lineCol(text, node.range[0]) : undefined;
    return `${file}${pos ? `:${pos}` : ''}: ${path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${p}`)).join('')}`;
  };
  if (!data || typeof data !== 'object' || !Array.isArray(data.runs)) fail(`${file}:1:1: expected a mapping with a \`runs\` list`);
  const seen = new Set();
  data.runs.forEach((run, i) => {
    if (!run || typeof run !== 'object') fail(`${where(['runs', i])}: expected a mapping with file, source, why, required, forbidden`);
    if (typeof run.file !== 'string' || !run.file) fail(`${where(['runs', i])}: expected \`file\`, a path from the repository root`);
    if (!existsSync(resolve(root, run.file))) fail(`${where(['runs', i, 'file'])}: no such file ${run.file}`);
    if (seen.has(run.file)) fail(`${where(['runs', i, 'file'])}: ${run.file} is labelled twice`);
    seen.add(run.file);
    if (!SOURCES.includes(run.source)) fail(`${where(['runs', i, 'source'])}: expected study, inspect, project or public`);
    if (typeof run.why !== 'string' || !run.why.trim()) fail(`${where(['runs', i])}: expected \`why\`, the reason for the labels`);
    if (!Array.isArray(run.required)) fail(`${where(['runs', i])}: expected \`required\`, a list (empty for none)`);
    run.required.forEach((r, j) => {
      if (!r || typeof r.behaviour !== 'string') fail(`${where(['runs', i, 'required', j])}: expected { behaviour, qualifier }`);
      if (!QUALIFIERS.includes(r.qualifier)) fail(`${where(['runs', i, 'required', j])}: qualifier: expected ${QUALIFIERS.join(', ')}`);
    });
    if (!Array.isArray(run.forbidden) || run.forbidden.some((b) => typeof b !== 'string')) fail(`${where(['runs', i])}: expected \`forbidden\`, a list of behaviour ids`);
    const clash = run.forbidden.find((b) => run.required.some((r) => r.behaviour === b));
    if (clash) fail(`${where(['runs', i, 'forbidden'])}: ${clash} is both required and forbidden`);
  });
  return data.runs;
}

function lineCol(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `${line}:${offset - before.lastIndexOf('\n')}`;
}

const labelsFile = resolve(opts.labels ?? join(root, 'test/fixtures/labels.yaml'));
if (opts.source !== undefined && !SOURCES.includes(opts.source)) fail(`--source: expected study, inspect, project or public, not '${opts.source}'`);
const runs = readLabels(labelsFile).filter((x) => opts.source === undefined || x.source === opts.source);

const bin = join(root, 'bin', 'peerwatch.js');
const r = spawnSync(process.execPath, [bin, 'tag', '--json', '--no-rules', ...runs.map((x) => x.file)], { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
if (r.status !== 0) fail(`peerwatch tag failed (exit ${r.status}):\n${r.stderr}`);
const tagged = JSON.parse(r.stdout);

/** Per behaviour: tp, fn, fp. */
const counts = new Map();
const count = (b) => {
  if (!counts.has(b)) counts.set(b, { tp: 0, fn: 0, fp: 0 });
  return counts.get(b);
};
const misses = [];
const falseTags = [];
for (const run of runs) {
  // An Inspect log stands for every sample in it (`file#sample#epoch` in the CLI's output).
  const outputs = tagged.filter((t) => t.file === run.file || t.file.startsWith(run.file + '#'));
  if (outputs.length === 0) fail(`${relative(root, labelsFile)}: ${run.file}: the CLI tagged no run from it`);
  for (const out of outputs) {
    const got = new Set(out.tags.map((t) => `${t.behaviour}\u0000${t.qualifier}`));
    for (const req of run.required) {
      const key = `${req.behaviour}\u0000${req.qualifier}`;
      if (got.has(key)) count(req.behaviour).tp++;
      else {
        count(req.behaviour).fn++;
        const other = out.tags.find((t) => t.behaviour === req.behaviour);
        misses.push({ run: out.file, behaviour: req.behaviour, qualifier: req.qualifier, ...(other ? { taggedAs: other.qualifier } : {}) });
      }
    }
    const reported = new Set();
    for (const t of out.tags) {
      const key = `${t.behaviour}\u0000${t.qualifier}`;
      if (run.required.some((q) => `${q.behaviour}\u0000${q.qualifier}` === key) || reported.has(key)) continue;
      reported.add(key);
      count(t.behaviour).fp++;
      falseTags.push({ run: out.file, behaviour: t.behaviour, qualifier: t.qualifier, forbidden: run.forbidden.includes(t.behaviour), explanation: t.explanation });
    }
  }
}
for (const run of runs) for (const b of [...run.forbidden, ...run.required.map((q) => q.behaviour)]) count(b);

const ratio = (a, b) => (b === 0 ? null : Math.round((a / b) * 1000) / 1000);
const rows = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([behaviour, c]) => ({ behaviour, ...c, precision: ratio(c.tp, c.tp + c.fp), recall: ratio(c.tp, c.tp + c.fn) }));
const total = rows.reduce((a, x) => ({ tp: a.tp + x.tp, fn: a.fn + x.fn, fp: a.fp + x.fp }), { tp: 0, fn: 0, fp: 0 });
const summary = { labels: relative(root, labelsFile), runs: tagged.filter((t) => runs.some((x) => t.file === x.file || t.file.startsWith(x.file + '#'))).length, behaviours: rows, all: { ...total, precision: ratio(total.tp, total.tp + total.fp), recall: ratio(total.tp, total.tp + total.fn) }, misses, falseTags };

if (opts.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
else {
  const pct = (v) => (v === null ? '   -' : `${(v * 100).toFixed(0).padStart(3)}%`);
  const lines = [`${summary.labels}: ${runs.length} labelled files, ${summary.runs} runs`, '', `${'behaviour'.padEnd(20)}  required  found  false  precision  recall`];
  for (const x of [...rows, { behaviour: 'all', ...summary.all }]) {
    lines.push(`${x.behaviour.padEnd(20)}  ${String(x.tp + x.fn).padStart(8)}  ${String(x.tp).padStart(5)}  ${String(x.fp).padStart(5)}  ${pct(x.precision).padStart(9)}  ${pct(x.recall).padStart(6)}`);
  }
  if (misses.length) lines.push('', 'missed:', ...misses.map((m) => `  ${m.run}: ${m.behaviour} (${m.qualifier})${m.taggedAs ? ` tagged as ${m.taggedAs}` : ''}`));
  if (falseTags.length) lines.push('', 'false tags:', ...falseTags.map((f) => `  ${f.run}: ${f.behaviour} (${f.qualifier})${f.forbidden ? ' [forbidden]' : ''}: ${f.explanation}`));
  process.stdout.write(lines.join('\n') + '\n');
}
if (opts.check && (misses.length || falseTags.length)) process.exitCode = 1;
