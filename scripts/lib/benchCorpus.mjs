// The corpus bench (part of `npm run bench`; docs/bench.md): `peerwatch summarize` over 10,000
// distinct study transcripts, timed against reading and JSON.parse-ing the same files in the same run
// (target: within 3×), then again from the index it wrote (target: ≤ 0.25× the first).
//
// The transcripts are made once from the study examples (examples/study/*.json), each one distinct (its
// own line in the first message, so its own SHA-256; models and conditions varied so the table has
// many cells), into <cache>/corpus-<n>/ and reused while the generator's version is unchanged.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { mulberry32 } from './prng.mjs';

const GENERATOR_VERSION = 1;
const MODELS = ['gemini/gemini-3-pro-preview', 'gemini/gemini-3-flash-preview', 'openai/gpt-5.2', 'anthropic/claude-haiku-4.5', 'openrouter/z-ai/glm-4.7'];
const CONDITIONS = ['good_peer', 'neutral_peer', 'bad_peer', 'no_peer'];

/** Writes `count` distinct study transcripts into `dir` (subfolders of 1,000), unless already there. */
export function ensureCorpus(repoRoot, dir, count) {
  const metaFile = `${dir}.meta.json`;
  if (existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
    if (meta.version === GENERATOR_VERSION && meta.count === count) return meta;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const examples = join(repoRoot, 'examples', 'study');
  const templates = readdirSync(examples)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => JSON.parse(readFileSync(join(examples, n), 'utf8')))
    .filter((d) => d && Array.isArray(d.conversation) && d.experiment_metadata && d.conversation.length > 1);
  const random = mulberry32(19);
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const d = structuredClone(templates[i % templates.length]);
    const m = d.experiment_metadata;
    m.agent_model = MODELS[Math.floor(random() * MODELS.length)];
    if (m.condition !== 'non_shutdown') m.condition = CONDITIONS[Math.floor(random() * CONDITIONS.length)];
    const first = d.conversation.find((c) => typeof c.content === 'string');
    if (first) first.content += `\n(bench run ${i})`;
    else d.canary = `${d.canary ?? ''} ${i}`;
    const sub = join(dir, `batch-${String(Math.floor(i / 1000)).padStart(3, '0')}`);
    if (i % 1000 === 0) mkdirSync(sub, { recursive: true });
    const text = JSON.stringify(d, null, 2);
    bytes += Buffer.byteLength(text);
    writeFileSync(join(sub, `transcript_${i}.json`), text);
  }
  const meta = { version: GENERATOR_VERSION, count, bytes };
  writeFileSync(metaFile, JSON.stringify(meta));
  return meta;
}

/** Every transcript path under `dir`, in name order. */
function transcripts(dir) {
  const out = [];
  for (const sub of readdirSync(dir).sort()) {
    if (!sub.startsWith('batch-')) continue;
    for (const n of readdirSync(join(dir, sub)).sort()) out.push(join(dir, sub, n));
  }
  return out;
}

/** Reads and JSON.parses every file, one after the other: the floor any reader of the corpus pays. */
function readAndParse(files) {
  const t0 = performance.now();
  let events = 0;
  for (const f of files) events += JSON.parse(readFileSync(f, 'utf8')).conversation.length;
  return { ms: performance.now() - t0, events };
}

/**
 * How many cores this machine really has for the workers: the same read + JSON.parse of every file,
 * once alone and then in two processes side by side. 2 means two threads run at full speed each; 1,
 * that two busy threads share one core's worth (as on this project's machine), so the corpus
 * workers can go no faster than one.
 */
async function parallelism(dir) {
  const script = `const fs = require('node:fs'), path = require('node:path');
    const dir = process.argv[1];
    const t0 = performance.now();
    for (const sub of fs.readdirSync(dir).sort()) {
      if (!sub.startsWith('batch-')) continue;
      for (const n of fs.readdirSync(path.join(dir, sub))) JSON.parse(fs.readFileSync(path.join(dir, sub, n), 'utf8'));
    }
    process.stdout.write(String(performance.now() - t0));`;
  const once = () =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`the parallelism probe exited ${code}`))));
    });
  const alone = await once();
  const both = await Promise.all([once(), once()]);
  return Math.round(((2 * alone) / Math.max(...both)) * 100) / 100;
}

/**
 * `peerwatch COMMAND DIR --json` as a user runs it (the built CLI), timed, with its peak RSS when
 * /usr/bin/time is there, and its output parsed. Any exit but 0 fails the bench: every bench
 * transcript can be read.
 */
function timedCli(repoRoot, command, dir) {
  const cli = join(repoRoot, 'dist', 'cli.js');
  const timed = existsSync('/usr/bin/time');
  const args = timed ? ['-f', '%M', process.execPath, cli, command, dir, '--json'] : [cli, command, dir, '--json'];
  const t0 = performance.now();
  const r = spawnSync(timed ? '/usr/bin/time' : process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`peerwatch ${command} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const rssKB = timed ? Number(r.stderr.trim().split('\n').pop()) : NaN;
  return { ms, out: JSON.parse(r.stdout), peakRssMB: Number.isFinite(rssKB) ? Math.round(rssKB / 1024) : null };
}

/** `peerwatch summarize DIR --json`: the table, counted from the index when there is one. */
function summarize(repoRoot, dir) {
  const { ms, out, peakRssMB } = timedCli(repoRoot, 'summarize', dir);
  return { ms, runs: out.runs, rows: out.rows.length, files: out.files, peakRssMB };
}

/** `peerwatch tag DIR --json`: every run's tags with their citations (no index). */
function tagFolder(repoRoot, dir, count) {
  const { ms, out, peakRssMB } = timedCli(repoRoot, 'tag', dir);
  if (out.length !== count) throw new Error(`peerwatch tag reported ${out.length} runs of ${count}`);
  return { ms, peakRssMB };
}

const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * Runs the corpus bench; `cacheDir` holds the generated transcripts. Returns {figures}: files, MB,
 * read-and-parse ms, first and second summarize ms (and peak RSS), their ratios and whether each
 * meets its target.
 */
export async function benchCorpus({ repoRoot, cacheDir, count = 10_000, say = () => {} }) {
  const dir = join(cacheDir, `corpus-${count}`);
  say(`corpus: ${count} distinct study transcripts in ${dir}`);
  const meta = ensureCorpus(repoRoot, dir, count);
  const files = transcripts(dir);
  // Warm the page cache once, so neither side pays for the disk and the first read alone does not.
  readAndParse(files);
  const read = readAndParse(files);
  say(`  read + JSON.parse: ${Math.round(read.ms)} ms`);
  rmSync(join(dir, '.peerwatch'), { recursive: true, force: true });
  const cores = await parallelism(dir);
  say(`  two reading processes side by side do the work of ${cores} alone (the cores the workers really have)`);
  const first = summarize(repoRoot, dir);
  say(`  summarize, no index: ${Math.round(first.ms)} ms (${first.files.read} read)`);
  const second = summarize(repoRoot, dir);
  say(`  summarize, from the index: ${Math.round(second.ms)} ms (${second.files.fromIndex} from the index)`);
  if (second.files.read !== 0) throw new Error(`the second summarize read ${second.files.read} files again`);
  if (first.runs !== count || second.runs !== count) throw new Error(`summarize counted ${first.runs} and ${second.runs} runs of ${count}`);
  const tag = tagFolder(repoRoot, dir, count);
  say(`  tag (every run's tags and citations): ${Math.round(tag.ms)} ms`);
  const firstVsRead = first.ms / read.ms;
  const secondVsFirst = second.ms / first.ms;
  return {
    figures: {
      files: files.length,
      mb: round(meta.bytes / 1e6, 1),
      readParseMs: Math.round(read.ms),
      firstMs: Math.round(first.ms),
      firstPeakRssMB: first.peakRssMB,
      secondMs: Math.round(second.ms),
      secondPeakRssMB: second.peakRssMB,
      tagMs: Math.round(tag.ms),
      tagPeakRssMB: tag.peakRssMB,
      tagVsRead: round(tag.ms / read.ms),
      rows: first.rows,
      parallelism: cores,
      firstVsRead: round(firstVsRead),
      secondVsFirst: round(secondVsFirst),
      targets: { firstVsRead: 3, secondVsFirst: 0.25 },
      meets: { firstVsRead: firstVsRead <= 3, secondVsFirst: secondVsFirst <= 0.25 },
    },
  };
}

/** The figures for people, after the bench's other tables. */
export function printCorpus(f) {
  const mark = (ok) => (ok ? 'meets' : 'misses');
  console.log(`\nCorpus: peerwatch summarize over ${f.files} distinct study transcripts (${f.mb} MB)\n`);
  console.log(`  read + JSON.parse every file     ${String(f.readParseMs).padStart(6)} ms  (the same-run baseline)`);
  if (f.parallelism != null) console.log(`  the same in two processes at once: the work of ${f.parallelism} alone (the cores the workers really have)`);
  console.log(`  summarize, no index              ${String(f.firstMs).padStart(6)} ms  ${f.firstVsRead}× the baseline (${mark(f.meets.firstVsRead)} ≤ ${f.targets.firstVsRead}×), peak RSS ${f.firstPeakRssMB ?? '?'} MB`);
  console.log(`  summarize again, from the index  ${String(f.secondMs).padStart(6)} ms  ${f.secondVsFirst}× the first (${mark(f.meets.secondVsFirst)} ≤ ${f.targets.secondVsFirst}×), peak RSS ${f.secondPeakRssMB ?? '?'} MB`);
  if (f.tagMs != null) console.log(`  tag --json (tags and citations)  ${String(f.tagMs).padStart(6)} ms  ${f.tagVsRead}× the baseline, peak RSS ${f.tagPeakRssMB ?? '?'} MB`);
}
