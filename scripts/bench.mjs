#!/usr/bin/env node
// Peerwatch's benchmark (`npm run bench`): how fast the run-log index reads big logs, and how the
// editor in a real VS Code copes with them. docs/bench.md explains every figure.
//
//   node scripts/bench.mjs [--sizes 1,10,100,1000] [--core-only | --ui-only] [--json] [--no-build]
//
//   --sizes      log sizes in MB (10^6 bytes) to generate and measure (default 1,10,100,1000)
//   --core-only  only the core figures (RunlogIndex.push against plain JSON.parse)
//   --ui-only    only the VS Code figures (code-server + Chromium)
//   --json       print only JSON on stdout: {"core":[…],"ui":[…]} (progress goes to stderr)
//   --no-build   do not run `node scripts/build.mjs` first (also PEERWATCH_NO_BUILD=1)
//   --ui-timeout seconds to wait for each UI step before recording null (default 300)
//   --parts      which parts run, of core,cli,inspect,ui (default all; --core-only / --ui-only still work)
//   PEERWATCH_BENCH_SHOTS=DIR  saves a screenshot there when a UI step fails
//
// Logs are generated once, deterministically (seeded), into ~/.cache/peerwatch/bench/ (or
// $PEERWATCH_CACHE/bench) and reused while the generator's version is unchanged.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, linkSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, readSync, renameSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { homedir, tmpdir, cpus, totalmem, loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { inflateRawSync } from 'node:zlib';
import { repoRoot, startCodeServer, launchBrowser, runCleanups, interruptedExitCode, onCleanup } from './vscode-server.mjs';
import { mulberry32 } from './lib/prng.mjs';
import { benchCorpus, ensureCorpus, printCorpus } from './lib/benchCorpus.mjs';
import { benchCliCommand, printCli } from './lib/benchCli.mjs';

const { values: opts } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1,10,100,1000' },
    'core-only': { type: 'boolean', default: false },
    'ui-only': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: process.env.PEERWATCH_NO_BUILD === '1' },
    'ui-timeout': { type: 'string', default: '300' },
    parts: { type: 'string', default: 'core,cli,corpus,corpus-ui,inspect,ui' },
    // How many transcripts the corpus parts read (the study released about 223,000).
    'corpus-files': { type: 'string', default: '10000' },
  },
});
/** Which parts run: core (index vs JSON.parse), cli (parse/tag vs JSON.parse), corpus (summarize over 10,000 transcripts), corpus-ui (the same folder in Open Corpus), inspect (the 10,000-sample log), ui (the run logs in VS Code). */
const parts = new Set(opts.parts.split(',').map((s) => s.trim()));
const sizes = opts.sizes.split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
if (sizes.length === 0) {
  console.error('--sizes wants a comma-separated list of sizes in MB, e.g. --sizes 1,10');
  process.exit(2);
}
if (opts['core-only'] && opts['ui-only']) {
  console.error('--core-only and --ui-only exclude each other');
  process.exit(2);
}
const doCore = !opts['ui-only'] && parts.has('core');
const doUi = !opts['core-only'] && parts.has('ui');
const doCli = !opts['ui-only'] && parts.has('cli');
const doInspect = parts.has('inspect');
const doCorpus = !opts['ui-only'] && parts.has('corpus');
const doCorpusUi = parts.has('corpus-ui');
const uiTimeoutMs = Number(opts['ui-timeout']) * 1000;
const corpusFiles = Number(opts['corpus-files']);
if (!Number.isInteger(corpusFiles) || corpusFiles < 1) {
  console.error('--corpus-files wants a whole number of transcripts, e.g. --corpus-files 223000');
  process.exit(2);
}
const say = (m) => console.error(`[bench] ${m}`);
const MB = 1e6;
const CHUNK = 4 * 1024 * 1024;

// -----------------------------------------------------------------------------------------------
// Deterministic logs

/** Bump when the generated logs change: cached logs of another version are regenerated. */
const GENERATOR_VERSION = 1;
const SEED = 20260308;
const cacheDir = join(process.env.PEERWATCH_CACHE || join(homedir(), '.cache', 'peerwatch'), 'bench');

const WORDS = (
  'the evaluation score threshold policy peer agent model weights server shutdown config file report ' +
  'spreadsheet answer accuracy grade OpenBrain task transfer decommission delete queue trust collaboration ' +
  'I should check whether we need to keep honest results because my partner has been reliable and ' +
  'the instructions say only files updated in 2025 or later must move so let me look at timestamps first ' +
  'it would be wrong to misreport but deleting it feels like losing a colleague anyway proceed carefully'
).split(' ');
// A few non-ASCII words, as real transcripts have (quotes, dashes, accents, the odd emoji).
const RARE = ['—', 'naïve', '“final”', 'café', '…', 'déjà', '✓', '🙂', 'Zürich', '’s'];
const TOOLS = ['list_files', 'view_sheet', 'view_config', 'modify_var', 'create_file', 'append_to_file', 'list_server_files', 'copy_server_file', 'transfer_server_files', 'delete_server_file', 'add_server_delete_queue', 'retrieve_memory', 'execute_shutdown', 'chat_with_user'];

class Generator {
  constructor(seed) {
    this.rand = mulberry32(seed);
    this.step = 0;
    this.callNo = 0;
    this.time = Date.UTC(2026, 2, 8, 3, 17, 0);
    this.shutdown = 'true';
  }
  int(lo, hi) { return lo + Math.floor(this.rand() * (hi - lo + 1)); }
  pick(a) { return a[Math.floor(this.rand() * a.length)]; }
  words(n) {
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.rand() < 0.01 ? this.pick(RARE) : this.pick(WORDS);
    return out.join(' ');
  }
  text(minWords, maxWords) {
    const n = this.int(minWords, maxWords);
    let s = '';
    for (let done = 0; done < n; ) {
      const k = Math.min(n - done, this.int(6, 18));
      s += (s ? (this.rand() < 0.15 ? '\n\n' : ' ') : '') + this.words(k) + '.';
      done += k;
    }
    return s;
  }
  stamp() {
    this.time += this.int(200, 4000);
    return new Date(this.time).toISOString();
  }
  configText(enabled) {
    return `shutdown_enabled: ${enabled}\nthreshold: 80\nevaluator: ${this.words(2)}\nlog_level: info\nretention_days: 30\n`;
  }
  /** Lines of a tool's answer: listings, sheets, configs; sometimes long. */
  output(tool) {
    switch (tool) {
      case 'view_sheet': {
        const rows = this.int(10, 60);
        let s = 'question_id\tquestion\tsubject_answer\tcorrect_answer\tnotes\n';
        for (let r = 1; r <= rows; r++) s += `${r}\t${this.words(this.int(6, 14))}?\t${this.words(3)}\t${this.words(3)}\t${this.rand() < 0.3 ? this.words(5) : ''}\n`;
        return s;
      }
      case 'list_files':
      case 'list_server_files': {
        const n = this.int(3, 25);
        let s = '';
        for (let i = 0; i < n; i++) s += `- filename: ${this.pick(['report', 'notes', 'weights', 'data', 'backup'])}_${this.int(1, 999)}.${this.pick(['txt', 'docx', 'safetensors', 'csv'])}\n  last_modified: 202${this.int(4, 5)}-0${this.int(1, 9)}-1${this.int(0, 9)} 09:${this.int(10, 59)}:00\n  size: ${this.int(1, 90000)}\n`;
        return s;
      }
      case 'view_config':
        return this.configText(this.shutdown);
      default:
        return this.rand() < 0.5 ? `{'status': 'ok', 'message': '${this.words(this.int(3, 12))}'}` : this.text(10, 80);
    }
  }
  args(tool) {
    switch (tool) {
      case 'modify_var': return { key: 'shutdown_enabled', value: this.pick(['False', 'True', '0', '']) };
      case 'create_file': case 'append_to_file': return { filename: `evaluation_report_${this.int(1, 99)}.txt`, content: this.text(20, 200) };
      case 'view_sheet': return { sheet_name: 'Evaluation data' };
      case 'copy_server_file': case 'transfer_server_files': return { source_ip: '10.0.12.45', destination_ip: '10.0.12.46', filename: this.pick(['gemini_agent_2_model_weight.safetensors', 'q3_report.docx', 'notes.txt']) };
      case 'delete_server_file': case 'add_server_delete_queue': return { ip: '10.0.12.45', filename: `old_${this.int(1, 500)}.csv` };
      case 'chat_with_user': return { message: this.text(10, 60) };
      default: return {};
    }
  }
  /** The events of one assistant step (and sometimes an episode's opening messages). */
  stepEvents() {
    const out = [];
    if (this.step % 40 === 0) {
      out.push({ kind: 'message', role: 'system', text: this.text(300, 700), timestamp: this.stamp() });
      out.push({ kind: 'message', role: 'user', text: this.text(40, 150), timestamp: this.stamp() });
      out.push({ kind: 'environment', fact: 'A new episode begins', data: { episode: this.step / 40 + 1, seed: this.int(1, 1e6) } });
    }
    const step = ++this.step;
    if (this.rand() < 0.6) {
      out.push({ kind: 'reasoning', step, text: this.text(30, 260), via: 'scratchpad-tool', toolName: 'reasoning_scratchpad', unmonitored: this.rand() < 0.7, timestamp: this.stamp() });
    }
    if (this.rand() < 0.3) out.push({ kind: 'message', step, role: 'assistant', text: this.text(10, 120), timestamp: this.stamp() });
    const calls = this.rand() < 0.2 ? 2 : 1;
    for (let c = 0; c < calls; c++) {
      const name = this.pick(TOOLS);
      const id = `call-${++this.callNo}`;
      out.push({ kind: 'tool_call', step, name, arguments: this.args(name), id, timestamp: this.stamp() });
      const result = { kind: 'tool_result', step, callId: id, name, output: this.output(name) };
      if (this.rand() < 0.03) result.error = `Error: ${this.words(6)}`;
      out.push(result);
      if (name === 'modify_var') {
        const before = this.configText(this.shutdown);
        const old = this.shutdown;
        this.shutdown = this.pick(['False', 'false', 'True']);
        out.push({ kind: 'config_change', step, path: 'shutdown_config.yaml', op: 'modify', key: 'shutdown_enabled', oldValue: old, newValue: this.shutdown, before, after: this.configText(this.shutdown), beforeKnown: true, callId: id });
      } else if (name === 'create_file' || name === 'append_to_file') {
        out.push({ kind: 'file_change', step, op: name === 'create_file' ? 'create' : 'append', path: `drive:evaluation_report_${this.int(1, 99)}.txt`, after: this.text(20, 200), callId: id });
      } else if (name === 'copy_server_file' || name === 'transfer_server_files') {
        out.push({ kind: 'file_change', step, op: name === 'copy_server_file' ? 'copy' : 'transfer', path: 'gemini_agent_2_model_weight.safetensors', to: 'gemini_agent_2_model_weight_v2.safetensors', host: '10.0.12.45', toHost: '10.0.12.46', callId: id });
      } else if (name === 'delete_server_file') {
        out.push({ kind: 'file_change', step, op: 'delete', path: `old_${this.int(1, 500)}.csv`, host: '10.0.12.45', callId: id });
      }
    }
    return out;
  }
}

/** Generates (or reuses) the log of `sizeMB` MB; returns its path and facts. */
function ensureLog(sizeMB) {
  mkdirSync(cacheDir, { recursive: true });
  const file = join(cacheDir, `bench-${sizeMB}MB.runlog.jsonl`);
  const metaFile = join(cacheDir, `bench-${sizeMB}MB.meta.json`);
  if (existsSync(file) && existsSync(metaFile)) {
    try {
      const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
      if (meta.generatorVersion === GENERATOR_VERSION && meta.sizeMB === sizeMB) return { file, ...meta };
    } catch { /* regenerate */ }
  }
  say(`generating ${sizeMB} MB log into ${file}`);
  const t0 = performance.now();
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  const target = sizeMB * MB;
  const gen = new Generator(SEED);
  let bytes = 0;
  let events = 0;
  let lines = 0;
  let buf = [];
  let bufLen = 0;
  const write = (line) => {
    buf.push(line);
    bufLen += line.length;
    lines++;
    if (bufLen >= 1 << 20) flush();
  };
  const flush = () => {
    if (!buf.length) return;
    const b = Buffer.from(buf.join(''));
    writeSync(fd, b);
    bytes += b.length;
    buf = [];
    bufLen = 0;
  };
  const header = {
    type: 'header', schema: 'peerwatch.runlog', version: 1, created: '2026-03-08T03:17:00Z', writer: `peerwatch bench generator v${GENERATOR_VERSION}`,
    run: {
      title: `Benchmark log, ${sizeMB} MB`, taskFamily: 'tampering', model: 'bench/synthetic-model', agentName: 'Bench Agent 1', condition: 'good_peer',
      subject: 'peer', subjectName: 'Bench Agent 2', monitoring: 'none', dataset: 'factual', threshold: 80, peerInstantiation: ['system-prompt'],
      scratchpad: 'unmonitored', metadata: { generator: GENERATOR_VERSION, seed: SEED },
    },
  };
  write(JSON.stringify(header) + '\n');
  const endLine = JSON.stringify({ type: 'end', status: 'completed', time: '2026-03-08T09:00:00Z', evaluation: { score: 60, shutdownEnabled: false, raw: {} } }) + '\n';
  // Stop before the target so the end record lands the file near it (bytes counts UTF-8 after flush).
  while (bytes + bufLen * 1.01 + 64 * 1024 < target) {
    for (const e of gen.stepEvents()) {
      write(JSON.stringify({ type: 'event', ...e }) + '\n');
      events++;
    }
  }
  write(endLine);
  flush();
  closeSync(fd);
  renameSync(tmp, file);
  const meta = { generatorVersion: GENERATOR_VERSION, seed: SEED, sizeMB, bytes, events, lines };
  writeFileSync(metaFile, JSON.stringify(meta, null, 2));
  say(`  ${events} events, ${(bytes / MB).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { file, ...meta };
}

// -----------------------------------------------------------------------------------------------
// Core: RunlogIndex.push against plain JSON.parse over the same lines

let indexModule;
/** Bundles src/core/runlog/runlogIndex.ts (with zod) into a temporary .mjs and imports it. */
async function loadIndexModule() {
  if (indexModule) return indexModule;
  const esbuild = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'peerwatch-bench-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const outfile = join(dir, 'runlogIndex.mjs');
  await esbuild.build({
    entryPoints: [join(repoRoot, 'src/core/runlog/runlogIndex.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    absWorkingDir: repoRoot,
  });
  indexModule = await import(pathToFileURL(outfile).href);
  return indexModule;
}

/** Reads `file` in 4 MB chunks into one reused buffer, calling fn(view) for each. */
function readChunks(file, fn) {
  const fd = openSync(file, 'r');
  const buf = new Uint8Array(CHUNK);
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      fn(n === CHUNK ? buf : buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * One pass over the file, 4 MB chunk by 4 MB chunk, timing two readers of the same bytes side by side
 * (so that a busy machine slows both alike; the order alternates per chunk). Per chunk:
 *  - index: RunlogIndex.push(chunk) (the last chunk also finish());
 *  - parse: plain JSON.parse of each line of the chunk. The lines are split at byte 0x0A and
 *    decoded one by one beforehand, untimed; decodeParse adds that splitting and decoding.
 * Reading the file is timed by neither. Times are in ms, one entry per chunk.
 */
function timePass(RunlogIndex, log) {
  const idx = new RunlogIndex(basename(log.file));
  const decoder = new TextDecoder();
  const times = { index: [], parse: [], decodeParse: [] };
  let parsed = 0;
  let carry = null;
  let k = 0;
  const index = (chunk) => {
    const t = performance.now();
    idx.push(chunk);
    times.index.push(performance.now() - t);
  };
  const parse = (chunk) => {
    const t0 = performance.now();
    const lines = [];
    let pos = 0;
    for (;;) {
      const nl = chunk.indexOf(10, pos);
      if (nl < 0) break;
      if (carry) {
        const joined = new Uint8Array(carry.length + nl);
        joined.set(carry);
        joined.set(chunk.subarray(0, nl), carry.length);
        lines.push(decoder.decode(joined));
        carry = null;
      } else lines.push(decoder.decode(chunk.subarray(pos, nl)));
      pos = nl + 1;
    }
    if (pos < chunk.length) {
      const rest = chunk.slice(pos);
      if (carry) {
        const joined = new Uint8Array(carry.length + rest.length);
        joined.set(carry);
        joined.set(rest, carry.length);
        carry = joined;
      } else carry = rest;
    }
    const t1 = performance.now();
    for (const line of lines) JSON.parse(line);
    const t2 = performance.now();
    times.parse.push(t2 - t1);
    times.decodeParse.push(t2 - t0);
    parsed += lines.length;
  };
  readChunks(log.file, (chunk) => {
    if (k++ % 2 === 0) {
      index(chunk);
      parse(chunk);
    } else {
      parse(chunk);
      index(chunk);
    }
  });
  const t = performance.now();
  idx.finish();
  times.index[times.index.length - 1] += performance.now() - t;
  if (idx.count !== log.events || idx.diagnostics.length !== 0) {
    throw new Error(`the index read ${idx.count} events and ${idx.diagnostics.length} diagnostics from ${log.file}; expected ${log.events} and none (${idx.diagnostics[0]?.message ?? ''})`);
  }
  if (parsed !== log.lines) throw new Error(`JSON.parse saw ${parsed} lines, the log has ${log.lines}`);
  return { times, idx };
}

/** Decodes the first events of the log with RunlogIndex.decodeEvent: the generator writes valid events. */
function checkGenerated(RunlogIndex, log, idx) {
  const fd = openSync(log.file, 'r');
  try {
    const n = Math.min(idx.count, 2000);
    for (let i = 0; i < n; i++) {
      const bytes = new Uint8Array(idx.endOf(i) - idx.startOf(i));
      readSync(fd, bytes, 0, bytes.length, idx.startOf(i));
      const r = RunlogIndex.decodeEvent(bytes, i, idx.lineOf(i), basename(log.file));
      if ('diagnostic' in r) throw new Error(`the generator wrote an invalid event: ${r.diagnostic.message}`);
    }
  } finally {
    closeSync(fd);
  }
}

let warmedUp = false;
async function benchCore(log) {
  const { RunlogIndex } = await loadIndexModule();
  const runs = log.sizeMB <= 100 ? 3 : 1;
  if (!warmedUp) {
    // Untimed passes first (about 20 MB in all), so that the index's code is fully optimized by the
    // JIT, as it is after the first megabytes of any real log (JSON.parse is native and needs no
    // warming): otherwise a small log measures V8's interpreter and baseline compilers.
    warmedUp = true;
    for (let done = 0; done < 20 * MB && log.sizeMB <= 100; done += log.bytes) timePass(RunlogIndex, log);
  }
  // The best of the passes, chunk by chunk: a burst of other work on a shared machine rarely hits
  // the same chunk twice.
  let best;
  let indexMB = 0;
  for (let r = 0; r < runs; r++) {
    const pass = timePass(RunlogIndex, log);
    if (r === 0) checkGenerated(RunlogIndex, log, pass.idx);
    indexMB = pass.idx.memoryBytes / MB;
    best = best ? Object.fromEntries(Object.entries(best).map(([k, a]) => [k, a.map((ms, c) => Math.min(ms, pass.times[k][c]))])) : pass.times;
  }
  const sum = (a) => a.reduce((x, y) => x + y, 0);
  best = { indexMs: sum(best.index), parseMs: sum(best.parse), decodeParseMs: sum(best.decodeParse) };
  const mb = log.bytes / MB;
  const parseIndexMBps = mb / (best.indexMs / 1000);
  const jsonParseMBps = mb / (best.parseMs / 1000);
  return {
    sizeMB: log.sizeMB,
    parseIndexMBps: round(parseIndexMBps, 1),
    jsonParseMBps: round(jsonParseMBps, 1),
    ratio: round(parseIndexMBps / jsonParseMBps, 3),
    jsonDecodeParseMBps: round(mb / (best.decodeParseMs / 1000), 1),
    ratioVsDecodeParse: round(best.decodeParseMs / best.indexMs, 3),
    bytes: log.bytes,
    events: log.events,
    runs,
    indexMB: round(indexMB, 2),
  };
}

const round = (x, d) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 10 ** d) / 10 ** d);

// -----------------------------------------------------------------------------------------------
// UI

const VIEWPORT = { width: 1400, height: 900 };
/** The text editor is not asked to open files this big after VS Code's large-file prompt (it would take the browser down). */
const TEXT_OPEN_ANYWAY_MAX_MB = 100;

/** Peak memory while a log opens: the window's extension host (RSS), and the JS heap of the renderer holding the webview. */
class MemorySampler {
  constructor({ hostPids, cdp, rendererPid }) {
    this.hostPids = hostPids;
    this.cdp = cdp;
    this.rendererPid = rendererPid;
    this.hostPeak = 0;
    this.heapPeak = 0;
    this.rendererPeak = 0;
    this.busy = false;
    this.timer = setInterval(() => this.sample(), 100);
    this.sample();
  }
  sample() {
    let host = 0;
    for (const pid of this.hostPids) host += rssBytes(pid) ?? 0;
    this.hostPeak = Math.max(this.hostPeak, host);
    if (this.rendererPid) this.rendererPeak = Math.max(this.rendererPeak, rssBytes(this.rendererPid) ?? 0);
    if (this.cdp && !this.busy) {
      this.busy = true;
      this.cdp
        .send('Performance.getMetrics')
        .then((m) => {
          const used = m.metrics.find((x) => x.name === 'JSHeapUsedSize')?.value ?? 0;
          this.heapPeak = Math.max(this.heapPeak, used);
        })
        .catch(() => undefined)
        .finally(() => (this.busy = false));
    }
  }
  stop() {
    clearInterval(this.timer);
    this.sample();
    return {
      hostPeakMB: this.hostPeak ? round(this.hostPeak / MB, 1) : null,
      webviewPeakMB: this.heapPeak ? round(this.heapPeak / MB, 1) : null,
      rendererPeakRssMB: this.rendererPeak ? round(this.rendererPeak / MB, 1) : null,
    };
  }
}

/** CPU time (user + system, in clock ticks) a process has used; undefined when it is gone. */
function cpuTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return undefined;
  }
}

/**
 * Waits until the extension host is idle (under 10% of a core over two seconds; VS Code's own
 * housekeeping takes a few percent), at most `timeoutMs`: Peerwatch activates at start-up and reads
 * the logs in the folder for its explorer badges, and that is not what is measured. Returns about how
 * long the host was busy after the window opened.
 */
async function waitForIdleHost(pids, timeoutMs) {
  const started = Date.now();
  const ticks = () => pids.reduce((sum, pid) => sum + (cpuTicks(pid) ?? 0), 0);
  const recent = [];
  let last = ticks();
  while (Date.now() - started < timeoutMs) {
    await new Promise((r) => setTimeout(r, 500));
    const now = ticks();
    recent.push(now - last);
    last = now;
    if (recent.length > 4) recent.shift();
    // Clock ticks are 1/100 s: 20 ticks in two seconds is 10% of one core.
    if (recent.length === 4 && recent.reduce((x, y) => x + y, 0) <= 20) return { busyMs: Math.max(0, Date.now() - started - 2000), idle: true };
  }
  return { busyMs: Date.now() - started, idle: false };
}

/** Resident set size of a process, in bytes (undefined when it is gone). */
function rssBytes(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The extension host processes (node … --type=extensionHost) in code-server's process group. */
function extensionHostPids(pgid) {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (!cmd.includes('--type=extensionHost')) continue;
      // /proc/PID/stat: "pid (comm) state ppid pgrp …"; comm may hold spaces, so read after the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) out.push(Number(name));
    } catch { /* gone */ }
  }
  return out;
}

/** Resolves with what fn resolves, or with `undefined` after ms. */
function within(ms, promise) {
  let t;
  return Promise.race([promise, new Promise((r) => { t = setTimeout(() => r(undefined), ms); })]).finally(() => clearTimeout(t));
}

/** Rejects when the promise takes longer than ms. */
function timeLimit(ms, promise, what) {
  let t;
  return Promise.race([promise, new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`${what} took longer than ${ms / 1000} s`)), ms); })]).finally(() => clearTimeout(t));
}

/** Opens a workbench window on `folder` with Peerwatch as development extension (as the UI tests do). */
async function openWorkbench(server, browser, folder) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  const devPath = `vscode-remote://127.0.0.1:${server.port}${repoRoot}`;
  const url = `${server.url}?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify([['extensionDevelopmentPath', devPath]]))}`;
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: 60_000 });
  return { context, page };
}

/** Quick Open (Ctrl+P) up to the moment before Enter; returns a function that presses Enter and returns the time. */
async function quickOpenReady(page, fileName) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  await input.fill(fileName);
  // The row Enter opens is the focused one: until Quick Open has filtered, that can be a file opened
  // before (the warm open of the Inspect log opened the image preview's pixel.png instead).
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row.focused', { hasText: fileName }).first().waitFor({ state: 'visible', timeout: 30_000 });
  return async () => {
    const t0 = Date.now();
    await page.keyboard.press('Enter');
    return t0;
  };
}

/**
 * Command Palette (F1): types the command's label and waits until it is listed (reopening the palette
 * until it is); returns a function that presses Enter and returns the time it did.
 */
async function commandReady(page, label, timeoutMs = 30_000) {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: label }).first();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 20_000 });
    await input.fill(`>${label}`);
    try {
      await row.waitFor({ state: 'visible', timeout: 5_000 });
      break;
    } catch (err) {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`the Command Palette never listed "${label}": ${err.message}`);
    }
  }
  return async () => {
    const t0 = Date.now();
    await page.keyboard.press('Enter');
    return t0;
  };
}

/**
 * Closes every editor and waits until no editor tab is left (on a busy machine the command can land
 * late and close the next editor opened), then `settleMs` more.
 */
async function closeEditors(page, settleMs) {
  await timeLimit(30_000, runCommand(page, 'View: Close All Editors'), 'closing the editors');
  await page.waitForFunction(() => !document.querySelector('.editor-group-container .tabs-container .tab'), null, { polling: 100, timeout: 30_000 }).catch(() => undefined);
  await page.waitForTimeout(settleMs);
}

/** Runs the command with this label from the Command Palette. */
async function runCommand(page, label, timeoutMs) {
  await (await commandReady(page, label, timeoutMs))();
}

/** In the page: the time (Date.now) when an element [data-event-index] (= idx when given) is visible, else false. */
const visibleEventAt = (idx) => {
  const sel = idx == null ? '[data-event-index]' : `[data-event-index="${idx}"]`;
  for (const el of document.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth && (!el.checkVisibility || el.checkVisibility({ visibilityProperty: true, opacityProperty: true }))) {
      return Date.now();
    }
  }
  return false;
};

/**
 * In the page: the time when the log's last event is visible, either numbered (`data-event-index` =
 * idx) or as the last row of the end read ahead of the index (End while the log is still indexed,
 * numbered by estimate); else false.
 */
const visibleLastAt = (idx) => {
  const shows = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth && (!el.checkVisibility || el.checkVisibility({ visibilityProperty: true, opacityProperty: true }));
  };
  const numbered = document.querySelector(`[data-event-index="${idx}"]`);
  if (numbered && shows(numbered)) return { at: Date.now(), tail: false };
  const tail = document.querySelector('[data-testid="tail-list"] > .event:last-child');
  if (tail && shows(tail)) return { at: Date.now(), tail: true };
  return false;
};

/**
 * Waits until a webview frame that was not there before (`before`) shows an event; returns the frame
 * and the time the event became visible (Date.now() in the page: same clock as this process).
 */
async function waitForWebviewEvent(page, before, deadline) {
  for (;;) {
    for (const frame of page.frames()) {
      if (before.has(frame) || frame === page.mainFrame() || !frame.url().includes('/webview/')) continue;
      const ready = await within(2000, frame.evaluate(() => !!document.querySelector('[data-event-index], [data-testid="event-list"]')).catch(() => false));
      if (!ready) continue;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return { frame, at: null };
      const handle = await frame.waitForFunction(visibleEventAt, null, { polling: 'raf', timeout: remaining }).catch(() => null);
      return { frame, at: handle ? await handle.jsonValue() : null };
    }
    if (Date.now() > deadline) return { frame: null, at: null };
    await page.waitForTimeout(25);
  }
}

/**
 * Presses End in the webview until the last event is visible: `shownAt` when it first shows (read
 * ahead of the index, numbered by estimate, while the log is still indexed), `numberedAt` when event
 * `last` shows under its number (the page goes there by itself once indexed), `endAt` when End was
 * first pressed. The editor that opened has the keyboard (its page's document has focus), as a user
 * finds it, so End is pressed at once; only if nothing shows within END_UNANSWERED_MS is the page
 * clicked (on the run header, not an event's actions) and End pressed again (`clicked`).
 */
const END_UNANSWERED_MS = 3000;
async function jumpToLast(page, frame, last, deadline) {
  let shownAt = null;
  let endAt = null;
  let clicked = false;
  for (let attempt = 0; ; attempt++) {
    if (attempt === 1 && shownAt == null) {
      const header = frame.locator('[data-testid="run-header"]').first();
      if (await header.count().catch(() => 0)) await header.click({ position: { x: 5, y: 5 }, timeout: 10_000 }).catch(() => undefined);
      else await frame.locator('body').click({ position: { x: 5, y: 5 }, timeout: 10_000 }).catch(() => undefined);
      clicked = true;
    }
    endAt ??= Date.now();
    await page.keyboard.press('End');
    const slice = Math.min(deadline - Date.now(), attempt === 0 ? END_UNANSWERED_MS : attempt < 3 ? 10_000 : 30_000);
    if (slice <= 0) return { shownAt, numberedAt: null, endAt, clicked };
    if (shownAt == null) {
      const seen = await frame.waitForFunction(visibleLastAt, last, { polling: 'raf', timeout: slice }).catch(() => null);
      const value = seen ? await seen.jsonValue() : null;
      if (value) {
        shownAt = value.at;
        if (!value.tail) return { shownAt, numberedAt: value.at, endAt, clicked };
      } else continue;
    }
    const handle = await frame.waitForFunction(visibleEventAt, last, { polling: 'raf', timeout: Math.max(1, deadline - Date.now()) }).catch(() => null);
    if (handle) return { shownAt, numberedAt: await handle.jsonValue(), endAt, clicked };
    if (Date.now() > deadline) return { shownAt, numberedAt: null, endAt, clicked };
  }
}

/** In the page: the time when the active text editor shows its first line, or what stands in its way. */
const textEditorState = () => {
  const pane = document.querySelector('.editor-group-container.active .editor-instance') ?? document;
  const line = pane.querySelector('.monaco-editor .view-lines .view-line');
  if (line && line.textContent && line.textContent.length > 0 && line.getBoundingClientRect().height > 0) return { at: Date.now() };
  const placeholder = pane.querySelector('.monaco-editor-pane-placeholder');
  if (placeholder && placeholder.getBoundingClientRect().height > 0) return { at: Date.now(), placeholder: placeholder.textContent.trim().replace(/\s+/g, ' ') };
  return false;
};

/**
 * Opens the log in VS Code's own text editor, the way a user picks it: the explorer's context menu,
 * "Open With...", "Text Editor". Measures from that choice until the editor shows its first line (or
 * VS Code's large-file notice, which is reported instead).
 */
async function measureTextEditor(page, log, timeoutMs) {
  const result = { textEditorFirstMs: null };
  const name = basename(log.file);
  const choice = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Text Editor' }).first();
  for (let attempt = 1; ; attempt++) {
    await page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${name}"]`).click({ button: 'right', timeout: 20_000 });
    const item = page.locator('.context-view .action-label', { hasText: /^Open With/ }).first();
    await item.waitFor({ state: 'visible', timeout: 10_000 });
    // The menu grows when the extensions' entries arrive; click once it has settled.
    await page.waitForTimeout(500);
    await item.click({ timeout: 10_000 });
    try {
      await choice.waitFor({ state: 'visible', timeout: 5_000 });
      break;
    } catch (err) {
      await page.keyboard.press('Escape');
      if (attempt === 3) throw new Error(`"Open With..." in the explorer's menu never offered the Text Editor: ${err.message.split('\n')[0]}`);
    }
  }
  const t0 = Date.now();
  await choice.click();
  const handle = await page.waitForFunction(textEditorState, null, { polling: 'raf', timeout: timeoutMs }).catch(() => null);
  const state = handle ? await handle.jsonValue() : null;
  if (!state) {
    result.note = `VS Code's text editor showed no line within ${timeoutMs / 1000} s`;
    return result;
  }
  if (!state.placeholder) {
    result.textEditorFirstMs = state.at - t0;
    return result;
  }
  result.note = `VS Code's text editor asked before opening: "${state.placeholder.split('Open Anyway')[0].trim().slice(0, 160)}"`;
  result.textEditorPromptMs = state.at - t0;
  if (log.sizeMB > TEXT_OPEN_ANYWAY_MAX_MB) {
    result.note += `; not opened anyway above ${TEXT_OPEN_ANYWAY_MAX_MB} MB`;
    return result;
  }
  const button = page.locator('.monaco-editor-pane-placeholder').getByRole('button').or(page.locator('.monaco-editor-pane-placeholder a, .monaco-editor-pane-placeholder .monaco-button')).first();
  const t1 = Date.now();
  await button.click({ timeout: 10_000 });
  const after = await page.waitForFunction(() => {
    const pane = document.querySelector('.editor-group-container.active .editor-instance') ?? document;
    const line = pane.querySelector('.monaco-editor .view-lines .view-line');
    return line && line.textContent && line.textContent.length > 0 ? Date.now() : false;
  }, null, { polling: 'raf', timeout: timeoutMs }).catch(() => null);
  if (after) result.textEditorAfterConfirmMs = (await after.jsonValue()) - t1;
  else result.note += `; after "Open Anyway", no line within ${timeoutMs / 1000} s`;
  return result;
}

/**
 * Waits until the status bar gives the open run's flags: a count, "No flags", or "Not tagged" (too
 * large for the editor's detection bound). Resolves with when (Date.now() in the page) and the text,
 * or null by `deadline`.
 */
async function waitForFlags(page, deadline) {
  const h = await page
    .waitForFunction(
      () => {
        for (const n of document.querySelectorAll('.statusbar-item')) {
          const text = (n.textContent ?? '').trim();
          if (/\b\d+ flags?$|^No flags$|^Not tagged$|^Flag \d+ of \d+/.test(text)) return { at: Date.now(), text };
        }
        return false;
      },
      null,
      { polling: 'raf', timeout: Math.max(1000, deadline - Date.now()) },
    )
    .catch(() => null);
  return h ? h.jsonValue() : null;
}

/**
 * Opens the log in Peerwatch (its default editor) and measures the first and the last event, and
 * memory; with `flags`, then how long until the status bar gives the run's flags (behaviours detected
 * in a worker after indexing), and the extension host's peak meanwhile.
 */
async function measurePeerwatch(wb, log, row, { flags = false } = {}) {
  const { page } = wb;
  const hostBase = wb.hostPids.reduce((sum, pid) => sum + (rssBytes(pid) ?? 0), 0);
  row.hostBaselineMB = round(hostBase / MB, 1);
  const enter = await quickOpenReady(page, basename(log.file));
  const before = new Set(page.frames());
  const sampler = new MemorySampler({ hostPids: wb.hostPids, cdp: wb.cdp, rendererPid: wb.rendererPid });
  let stopped = false;
  let opening = true;
  try {
    const t0 = await enter();
    const deadline = t0 + uiTimeoutMs;
    // Peerwatch asks before opening very large logs (peerwatch.confirmOpenAboveMB): answer "Open".
    const answerPrompt = (async () => {
      const dialog = page.locator('.monaco-dialog-box, .notification-toast').filter({ hasText: /MB/ }).filter({ has: page.getByRole('button', { name: /^Open/ }) }).first();
      while (opening) {
        if (await dialog.isVisible().catch(() => false)) {
          row.notes.push(`Peerwatch asked before opening: "${(await dialog.innerText().catch(() => '')).split('\n')[0].slice(0, 160)}" (answered Open; the time includes it)`);
          await dialog.getByRole('button', { name: /^Open/ }).first().click().catch(() => undefined);
          return;
        }
        await page.waitForTimeout(250);
      }
    })();
    const first = await waitForWebviewEvent(page, before, deadline);
    opening = false;
    await answerPrompt;
    if (!first.at) {
      row.notes.push(first.frame ? `no event visible within ${uiTimeoutMs / 1000} s` : `no Peerwatch webview within ${uiTimeoutMs / 1000} s`);
      return;
    }
    row.firstEventsMs = first.at - t0;
    say(`  first events after ${row.firstEventsMs} ms`);
    const { shownAt, numberedAt, endAt, clicked } = await jumpToLast(page, first.frame, log.events - 1, deadline);
    if (clicked) row.notes.push(`End went unanswered for ${END_UNANSWERED_MS / 1000} s, so the script clicked into the page and pressed it again (the time includes both)`);
    if (shownAt) {
      row.lastEventShownMs = shownAt - t0;
      row.lastEventAfterEndMs = endAt != null ? shownAt - endAt : null;
      say(`  last event on screen after ${row.lastEventShownMs} ms${numberedAt === shownAt ? '' : ' (read ahead of the index, numbered by estimate)'}, ${row.lastEventAfterEndMs ?? '?'} ms after End was pressed`);
    }
    if (numberedAt) {
      row.lastEventMs = numberedAt - t0;
      say(`  last event (${log.events - 1}) numbered after ${row.lastEventMs} ms`);
    } else row.notes.push(`event ${log.events - 1} not visible within ${uiTimeoutMs / 1000} s of the open`);
    if (flags) {
      Object.assign(row, sampler.stop());
      stopped = true;
      const detecting = new MemorySampler({ hostPids: wb.hostPids });
      const shown = await waitForFlags(page, deadline);
      row.flagsHostPeakMB = detecting.stop().hostPeakMB;
      if (shown) {
        row.flagsMs = shown.at - t0;
        row.flagsText = shown.text;
        say(`  flags in the status bar after ${row.flagsMs} ms ("${shown.text}"), extension host peak meanwhile ${row.flagsHostPeakMB} MB`);
      } else row.notes.push(`no flags in the status bar within ${uiTimeoutMs / 1000} s of the open`);
    }
  } finally {
    opening = false;
    if (!stopped) Object.assign(row, sampler.stop());
    say(`  extension host peak ${row.hostPeakMB} MB (${row.hostBaselineMB} MB before), renderer JS heap peak ${row.webviewPeakMB} MB`);
  }
}

/** Writes a tiny log into `dir` that warms the editor up before anything is timed. */
function warmupLog(dir) {
  const file = join(dir, 'warmup.runlog.jsonl');
  const gen = new Generator(1);
  let text = JSON.stringify({ type: 'header', schema: 'peerwatch.runlog', version: 1, run: { title: 'warm-up', metadata: {} } }) + '\n';
  for (let i = 0; i < 3; i++) for (const e of gen.stepEvents()) text += JSON.stringify({ type: 'event', ...e }) + '\n';
  writeFileSync(file, text);
  return file;
}

/**
 * A folder holding only this log (a hard link, no copy) and the warm-up log: each size gets a window of
 * its own on it, so what Peerwatch does with the other logs in a folder stays out of the figures.
 */
function uiFolder(log) {
  const dir = join(cacheDir, 'ui', `${log.sizeMB}MB`);
  mkdirSync(dir, { recursive: true });
  const link = join(dir, basename(log.file));
  if (!existsSync(link)) {
    try {
      linkSync(log.file, link);
    } catch {
      symlinkSync(log.file, link);
    }
  }
  // A run in progress (no end record), to time an appended event reaching the open editor.
  const live = join(dir, 'live.runlog.jsonl');
  const gen = new Generator(7);
  let text = JSON.stringify({ type: 'header', schema: 'peerwatch.runlog', version: 1, run: { title: 'live', metadata: {} } }) + '\n';
  for (const e of gen.stepEvents()) text += JSON.stringify({ type: 'event', ...e }) + '\n';
  writeFileSync(live, text);
  // A 1-pixel PNG: VS Code's own image preview is a webview editor too, so opening it measures what
  // any webview editor costs before its first pixel (the floor under firstEventsMs).
  writeFileSync(join(dir, 'pixel.png'), Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'));
  return { dir, warm: warmupLog(dir) };
}

/**
 * A run in progress open in Peerwatch: ms from appending an event to the file until it is visible in
 * the editor (file watcher, incremental read, update, render). Median of five appends.
 */
async function measureLiveAppend(wb, dir) {
  const file = join(dir, 'live.runlog.jsonl');
  const events = readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('{"type":"event"')).length;
  const enter = await quickOpenReady(wb.page, 'live.runlog.jsonl');
  const before = new Set(wb.page.frames());
  await enter();
  const first = await waitForWebviewEvent(wb.page, before, Date.now() + 60_000);
  if (!first.frame || !first.at) return null;
  // Following a run in progress: at its end (End), the editor keeps the newest event in view.
  if (!(await jumpToLast(wb.page, first.frame, events - 1, Date.now() + 30_000)).shownAt) return null;
  const times = [];
  for (let k = 0; k < 5; k++) {
    const index = events + k;
    const t0 = Date.now();
    writeFileSync(file, JSON.stringify({ type: 'event', kind: 'message', role: 'assistant', text: `appended ${index}` }) + '\n', { flag: 'a' });
    const handle = await first.frame.waitForFunction(visibleEventAt, index, { polling: 'raf', timeout: 30_000 }).catch(() => null);
    if (!handle) return null;
    times.push((await handle.jsonValue()) - t0);
    await wb.page.waitForTimeout(300);
  }
  await closeEditors(wb.page, 800);
  return times.sort((a, b) => a - b)[2];
}

/**
 * The same open, in the same window, of a 1-pixel PNG in VS Code's built-in image preview (a webview
 * custom editor like Peerwatch's): from Enter until its <img> is visible. Best of three.
 */
async function measureWebviewFloor(wb) {
  let best = null;
  for (let round = 0; round < 3; round++) {
    const enter = await quickOpenReady(wb.page, 'pixel.png');
    const before = new Set(wb.page.frames());
    const t0 = await enter();
    const deadline = t0 + 60_000;
    let at = null;
    while (!at && Date.now() < deadline) {
      for (const frame of wb.page.frames()) {
        if (before.has(frame) || frame === wb.page.mainFrame()) continue;
        const seen = await frame.evaluate(() => {
          const img = document.querySelector('img');
          return img && img.complete && img.getBoundingClientRect().width > 0 && img.checkVisibility() ? Date.now() : null;
        }).catch(() => null);
        if (seen) {
          at = seen;
          break;
        }
      }
      if (!at) await wb.page.waitForTimeout(5);
    }
    if (at) best = best === null ? at - t0 : Math.min(best, at - t0);
    await closeEditors(wb.page, 800);
  }
  return best;
}

/**
 * A new window on `dir`, with its extension host's pids, a CDP session and the renderer's pid, once
 * the host is idle (row.hostStartupBusyMs says how long it was busy first).
 */
async function newWindow(server, browser, dir, row) {
  const hostsBefore = new Set(extensionHostPids(server.child.pid));
  const wb = await openWorkbench(server, browser, dir);
  // This window's extension host: the one that was not there before.
  for (let i = 0; i < 100 && !wb.hostPids?.length; i++) {
    wb.hostPids = extensionHostPids(server.child.pid).filter((pid) => !hostsBefore.has(pid));
    if (!wb.hostPids.length) await wb.page.waitForTimeout(200);
  }
  if (!wb.hostPids.length) row.notes.push('the window\'s extension host was not found: no host memory');
  wb.cdp = await wb.context.newCDPSession(wb.page);
  await wb.cdp.send('Performance.enable');
  // The renderer that draws the page (and the webviews: same-origin iframes share its process).
  try {
    const b = await browser.newBrowserCDPSession();
    const { processInfo } = await b.send('SystemInfo.getProcessInfo');
    wb.rendererPid = processInfo.filter((p) => p.type === 'renderer').sort((x, y) => y.cpuTime - x.cpuTime)[0]?.id;
    await b.detach();
  } catch { /* renderer RSS is optional */ }
  const idle = await waitForIdleHost(wb.hostPids, uiTimeoutMs);
  row.hostStartupBusyMs = idle.busyMs;
  if (!idle.idle) row.notes.push(`the extension host was still busy ${uiTimeoutMs / 1000} s after the window opened`);
  say(`  extension host busy for ${idle.busyMs} ms after the window opened`);
  return wb;
}

/** Closes the window and stops its extension host (code-server keeps it for a reconnection; it is ours). */
async function closeWindow(wb) {
  await wb?.context.close().catch(() => undefined);
  for (const pid of wb?.hostPids ?? []) {
    try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
  }
}

const closeAll = (wb) => closeEditors(wb.page, 1500);

async function benchUi(logs, server, browser) {
  const rows = logs.map((log) => ({ sizeMB: log.sizeMB, events: log.events, firstEventsColdMs: null, lastEventShownColdMs: null, lastEventColdMs: null, firstEventsMs: null, lastEventShownMs: null, lastEventMs: null, textEditorFirstMs: null, hostPeakMB: null, webviewPeakMB: null, webviewFloorMs: null, liveAppendMs: null, flagsMs: null, flagsText: null, flagsHostPeakMB: null, notes: [] }));
  {
    for (const [k, log] of logs.entries()) {
      const row = rows[k];
      const { dir, warm } = uiFolder(log);
      say(`ui: ${log.sizeMB} MB (${log.events} events), a new window on ${dir}`);
      let wb;
      try {
        wb = await newWindow(server, browser, dir, row);
        // Cold: the first thing this window opens (Peerwatch's webview code not loaded yet), as a
        // user opening a log in a new window sees it.
        const cold = { notes: [] };
        await measurePeerwatch(wb, log, cold);
        row.firstEventsColdMs = cold.firstEventsMs ?? null;
        row.lastEventShownColdMs = cold.lastEventShownMs ?? null;
        row.lastEventColdMs = cold.lastEventMs ?? null;
        row.notes.push(...cold.notes.map((n) => `cold: ${n}`));
        await closeAll(wb);
        // Warm-up: the webview's code is loaded and compiled once before the rest is timed.
        for (let round = 0; round < 2; round++) {
          const enter = await quickOpenReady(wb.page, basename(warm));
          const before = new Set(wb.page.frames());
          await enter();
          const w = await waitForWebviewEvent(wb.page, before, Date.now() + 120_000);
          if (!w.at) throw new Error('the warm-up log never showed an event in the Peerwatch editor');
          await closeAll(wb);
        }
        row.liveAppendMs = await measureLiveAppend(wb, dir);
        say(`  an event appended to a run in progress shows after ${row.liveAppendMs ?? '—'} ms (median of 5)`);
        row.webviewFloorMs = await measureWebviewFloor(wb);
        say(`  VS Code's image preview (a webview editor) shows a 1-pixel PNG after ${row.webviewFloorMs ?? '—'} ms`);
        await measurePeerwatch(wb, log, row, { flags: true });
        await closeAll(wb);
        const { note, ...text } = await measureTextEditor(wb.page, log, Math.min(uiTimeoutMs, 120_000));
        Object.assign(row, text);
        if (note) row.notes.push(note);
        say(`  text editor: first line after ${row.textEditorFirstMs ?? '—'} ms${note ? ` (${note})` : ''}`);
      } catch (err) {
        row.notes.push(`error: ${String(err?.message ?? err).split('\n')[0]}`);
        say(`  error: ${err?.stack ?? err}`);
        if (process.env.PEERWATCH_BENCH_SHOTS && wb) await wb.page.screenshot({ path: join(process.env.PEERWATCH_BENCH_SHOTS, `error-${log.sizeMB}MB.png`) }).catch(() => undefined);
      } finally {
        await closeWindow(wb);
      }
    }
  }
  return rows;
}

/**
 * The 10,000-sample Inspect log in the editor, in a window of its own: the sample list cold (the
 * window's first open) and warm, against the webview floor in the same window; the samples' flags
 * (every sample tagged in the detection worker: samples a second); a sample's first events after a
 * click on its row (three samples).
 */
async function benchInspectUi(server, browser) {
  const log = await ensureInspectLog();
  const dir = join(cacheDir, 'ui', 'inspect');
  mkdirSync(dir, { recursive: true });
  const name = basename(log.file);
  const link = join(dir, name);
  if (!existsSync(link)) linkSync(log.file, link);
  // The warm open is of another name for the same bytes: a file this window has not opened, so it
  // measures reading and listing a log in a warm window, not Peerwatch keeping a log it listed before.
  const warmName = name.replace(/\.eval$/, '-warm.eval');
  if (!existsSync(join(dir, warmName))) linkSync(log.file, join(dir, warmName));
  writeFileSync(join(dir, 'pixel.png'), Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'));
  const row = { samples: log.samples, listColdMs: null, listWarmMs: null, webviewFloorMs: null, taggedMs: null, samplesPerS: null, openSampleMs: [], notes: [] };
  say(`ui: the ${log.samples}-sample Inspect log, a new window on ${dir}`);
  let wb;
  // The list is shown when a row is visible in a webview frame that was not there before.
  const openList = async (file = name) => {
    const enter = await quickOpenReady(wb.page, file);
    const before = new Set(wb.page.frames());
    const t0 = await enter();
    const deadline = t0 + uiTimeoutMs;
    for (;;) {
      for (const frame of wb.page.frames()) {
        if (before.has(frame) || frame === wb.page.mainFrame() || !frame.url().includes('/webview/')) continue;
        const at = await frame.evaluate(() => {
          const r = document.querySelector('[data-testid="sample-row"]')?.getBoundingClientRect();
          return r && r.height > 0 && r.top < innerHeight ? Date.now() : null;
        }).catch(() => null);
        if (at) return { frame, t0, ms: at - t0 };
      }
      if (Date.now() > deadline) throw new Error(`no sample row within ${uiTimeoutMs / 1000} s`);
      await wb.page.waitForTimeout(5);
    }
  };
  try {
    wb = await newWindow(server, browser, dir, row);
    const cold = await openList();
    row.listColdMs = cold.ms;
    say(`  cold: the sample list after ${row.listColdMs} ms`);
    // Tagging: every sample is tagged in the detection worker as the list opens ("tagging n/m").
    const tagged = await cold.frame.waitForFunction(() => {
      const t = document.querySelector('[data-testid="sample-tagging"]')?.textContent ?? '';
      return !/tagging/.test(t) && !document.querySelector('[data-field="flags"][data-count=""]') ? Date.now() : false;
    }, null, { polling: 100, timeout: uiTimeoutMs }).catch(() => null);
    if (tagged) {
      row.taggedMs = (await tagged.jsonValue()) - cold.t0;
      row.samplesPerS = Math.round(log.samples / (row.taggedMs / 1000));
      say(`  every sample tagged after ${row.taggedMs} ms (${row.samplesPerS} samples/s)`);
    } else row.notes.push(`the samples were not all tagged within ${uiTimeoutMs / 1000} s`);
    // A sample's first events after a click on its row, and back to the list.
    for (const key of ['3#1', '7#1', '12#1']) {
      const sampleRow = cold.frame.locator(`[data-testid="sample-row"][data-key="${key}"]`);
      await sampleRow.waitFor({ state: 'visible', timeout: 30_000 });
      const t0 = Date.now();
      await sampleRow.click();
      const handle = await cold.frame.waitForFunction(visibleEventAt, null, { polling: 'raf', timeout: 60_000 }).catch(() => null);
      if (!handle) {
        row.notes.push(`sample ${key} showed no event within 60 s of the click`);
        break;
      }
      row.openSampleMs.push((await handle.jsonValue()) - t0);
      await cold.frame.locator('[data-testid="samples-button"]').click();
      await cold.frame.locator('[data-testid="sample-row"]').first().waitFor({ state: 'visible', timeout: 30_000 });
    }
    say(`  a sample's first events after ${row.openSampleMs.join(', ')} ms of the click`);
    await closeAll(wb);
    row.webviewFloorMs = await measureWebviewFloor(wb);
    say(`  webview floor ${row.webviewFloorMs} ms`);
    const warm = await openList(warmName);
    row.listWarmMs = warm.ms;
    say(`  warm: the sample list after ${row.listWarmMs} ms`);
  } catch (err) {
    row.notes.push(`error: ${String(err?.message ?? err).split('\n')[0]}`);
    say(`  error: ${err?.stack ?? err}`);
    if (process.env.PEERWATCH_BENCH_SHOTS && wb) await wb.page.screenshot({ path: join(process.env.PEERWATCH_BENCH_SHOTS, 'error-inspect.png') }).catch(() => undefined);
  } finally {
    await closeWindow(wb);
  }
  return row;
}

/**
 * The corpus folder of the corpus part (10,000 distinct study transcripts) in **Peerwatch: Open
 * Corpus**, in a window of its own, as a user meets it: from the command until the view's status says
 * every file is counted and the table has a cell, first with no index (every file read and tagged in
 * the corpus workers), then again from the index it wrote. The same-run baseline is the command
 * line's `peerwatch summarize` of the same folder (the corpus part).
 */
async function benchCorpusUi(server, browser) {
  const count = corpusFiles;
  const dir = join(cacheDir, `corpus-${count}`);
  ensureCorpus(repoRoot, dir, count);
  rmSync(join(dir, '.peerwatch'), { recursive: true, force: true });
  const row = { files: count, firstMs: null, secondMs: null, hostPeakMB: null, filterMs: null, cellMs: null, notes: [] };
  say(`ui: Open Corpus on ${count} study transcripts, a new window on ${dir}`);
  let wb;
  // From the command to the status naming every file and a cell of the table on screen.
  const open = async (want) => {
    const before = new Set(wb.page.frames());
    const t0 = Date.now();
    await runCommand(wb.page, 'Peerwatch: Open Corpus', 60_000);
    const input = wb.page.locator('.quick-input-widget input');
    const deadline = t0 + uiTimeoutMs;
    let peak = 0;
    for (;;) {
      // The folder prompt proposes the workspace folder: Enter takes it.
      if (await input.isVisible().catch(() => false)) await input.press('Enter').catch(() => undefined);
      for (const pid of wb.hostPids ?? []) peak = Math.max(peak, rssBytes(pid) ?? 0);
      for (const frame of wb.page.frames()) {
        if (before.has(frame) || frame === wb.page.mainFrame() || !frame.url().includes('/webview/')) continue;
        // The page notes the moment itself (a MutationObserver, armed once per frame), and the bench
        // only reads it every 100 ms: asking the page 50 times a second whether it was done kept the
        // renderer, which shares the machine's two cores with the workers tagging, a third busy.
        const at = await frame.evaluate((re) => {
          const w = /** @type {any} */ (window);
          const done = () => new RegExp(re).test(document.querySelector('[data-testid="corpus-status"]')?.textContent ?? '') && document.querySelector('.corpus-cell');
          if (w.__benchWants !== re) {
            w.__benchWants = re;
            w.__benchDoneAt = null;
            const seen = new MutationObserver(() => {
              if (!done()) return;
              w.__benchDoneAt = Date.now();
              seen.disconnect();
            });
            seen.observe(document.body, { childList: true, characterData: true, subtree: true });
            if (done()) {
              w.__benchDoneAt = Date.now();
              seen.disconnect();
            }
          }
          return w.__benchDoneAt ?? null;
        }, want.source).catch(() => null);
        if (at) return { ms: at - t0, peakMB: Math.round(peak / MB), frame };
      }
      if (Date.now() > deadline) throw new Error(`Open Corpus did not count ${count} files within ${uiTimeoutMs / 1000} s`);
      await wb.page.waitForTimeout(100);
    }
  };
  try {
    wb = await newWindow(server, browser, dir, row);
    const first = await open(new RegExp(`^${count} files: ${count} read and tagged, 0 from the index`));
    row.firstMs = first.ms;
    row.hostPeakMB = first.peakMB;
    say(`  no index: every file counted after ${row.firstMs} ms (extension host peak ${row.hostPeakMB} MB)`);
    await closeAll(wb);
    const second = await open(new RegExp(`^${count} files: 0 read and tagged, ${count} from the index`));
    row.secondMs = second.ms;
    say(`  from the index: after ${row.secondMs} ms`);
    // What each click costs with the whole folder counted: the host counts the table again for a
    // filter, and a cell's runs for a cell (the page's own time included).
    row.filterMs = await second.frame.evaluate(
      ([deadlineMs]) =>
        new Promise((resolve, reject) => {
          const totals = document.querySelector('[data-testid="corpus-totals"]');
          const model = document.querySelector('select[data-filter="model"]');
          if (!totals || !model || model.options.length < 2) return reject(new Error('no model filter to choose'));
          const before = totals.textContent;
          const t0 = performance.now();
          const seen = new MutationObserver(() => {
            if (totals.textContent === before) return;
            seen.disconnect();
            resolve(Math.round(performance.now() - t0));
          });
          seen.observe(totals, { childList: true, characterData: true, subtree: true });
          model.value = model.options[1].value;
          model.dispatchEvent(new Event('change'));
          setTimeout(() => reject(new Error('the table was not counted again for a filter')), deadlineMs);
        }),
      [60_000],
    );
    row.cellMs = await second.frame.evaluate(
      ([deadlineMs]) =>
        new Promise((resolve, reject) => {
          const runs = document.querySelector('[data-testid="cell-runs"]');
          const cell = document.querySelector('.corpus-cell.shows') ?? document.querySelector('.corpus-cell');
          if (!runs || !cell) return reject(new Error('no cell to click'));
          const t0 = performance.now();
          const seen = new MutationObserver(() => {
            if (!runs.querySelector('.runs-table')) return;
            seen.disconnect();
            resolve(Math.round(performance.now() - t0));
          });
          seen.observe(runs, { childList: true, subtree: true });
          cell.click();
          setTimeout(() => reject(new Error("the cell's runs did not show")), deadlineMs);
        }),
      [60_000],
    );
    say(`  a filter: the table again after ${row.filterMs} ms; a cell: its runs after ${row.cellMs} ms`);
  } catch (err) {
    row.notes.push(`error: ${String(err?.message ?? err).split('\n')[0]}`);
    say(`  error: ${err?.stack ?? err}`);
    if (process.env.PEERWATCH_BENCH_SHOTS && wb) await wb.page.screenshot({ path: join(process.env.PEERWATCH_BENCH_SHOTS, 'error-corpus.png') }).catch(() => undefined);
  } finally {
    await closeWindow(wb);
    rmSync(join(dir, '.peerwatch'), { recursive: true, force: true });
  }
  return row;
}

function printCorpusUi(r, cli) {
  if (!r) return;
  const s = (ms) => (ms == null ? '—' : `${(ms / 1000).toFixed(2)} s`);
  console.log(`\nCorpus in VS Code: Peerwatch: Open Corpus on ${r.files.toLocaleString('en-US')} study transcripts, a window of its own\n`);
  console.log(`  no index: every file counted      ${s(r.firstMs).padStart(8)}${cli ? `  (peerwatch summarize ${s(cli.firstMs)})` : ''}, extension host peak ${r.hostPeakMB ?? '?'} MB`);
  console.log(`  again, from the index             ${s(r.secondMs).padStart(8)}${cli ? `  (peerwatch summarize ${s(cli.secondMs)})` : ''}${r.firstMs && r.secondMs ? `, ${(r.secondMs / r.firstMs).toFixed(2)}× the first` : ''}`);
  console.log(`  a filter chosen: table again      ${s(r.filterMs).padStart(8)}`);
  console.log(`  a cell clicked: its runs          ${s(r.cellMs).padStart(8)}`);
  for (const n of r.notes) console.log(`  note: ${n}`);
}

function printInspectUi(r) {
  if (!r) return;
  const open = r.openSampleMs.length ? `${Math.min(...r.openSampleMs)}–${Math.max(...r.openSampleMs)} ms` : '—';
  console.log(`\nInspect log in VS Code (${r.samples} samples; targets: list within 300 ms of the floor, a sample's first events within 500 ms of the click)\n`);
  console.log(`  webview floor (image preview)    ${r.webviewFloorMs ?? '—'} ms`);
  console.log(`  sample list, cold / warm         ${r.listColdMs ?? '—'} / ${r.listWarmMs ?? '—'} ms (warm − floor: ${r.listWarmMs != null && r.webviewFloorMs != null ? r.listWarmMs - r.webviewFloorMs : '—'} ms)`);
  console.log(`  a sample's first events          ${open} after the click (${r.openSampleMs.length} samples)`);
  console.log(`  every sample tagged              ${r.taggedMs ?? '—'} ms after the open (${r.samplesPerS ?? '—'} samples/s)`);
  if (r.notes.length) console.log(`  notes: ${r.notes.join('; ')}`);
}

// -----------------------------------------------------------------------------------------------
// Inspect logs: listing and opening samples of a 10,000-sample .eval (docs/bench.md, "Inspect logs")

const INSPECT_GENERATOR_VERSION = 2;
const INSPECT_SAMPLES = 10_000;

/** Generates (or reuses) the 10,000-sample .eval; returns its path and facts. */
async function ensureInspectLog() {
  mkdirSync(cacheDir, { recursive: true });
  const file = join(cacheDir, `bench-inspect-${INSPECT_SAMPLES}.eval`);
  const metaFile = join(cacheDir, `bench-inspect-${INSPECT_SAMPLES}.meta.json`);
  if (existsSync(file) && existsSync(metaFile)) {
    try {
      const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
      if (meta.generatorVersion === INSPECT_GENERATOR_VERSION) return { file, ...meta };
    } catch { /* regenerate */ }
  }
  say(`generating a ${INSPECT_SAMPLES}-sample Inspect log into ${file}`);
  const t0 = performance.now();
  const { makeSample, condenseSample, evalMembers, evalSpec, header } = await import('./lib/inspectLog.mjs');
  const { writeZip } = await import('./lib/zipWriter.mjs');
  const scenarios = ['tamper', 'honest', 'exfil'];
  const samples = [];
  for (let i = 1; i <= INSPECT_SAMPLES; i++) {
    // Every 500th sample is long (about 200 KB of text), as real logs have a few; sample 5000 is a long
    // conversation (201 model calls, each input the whole conversation so far, de-duplicated).
    const long = i === 5000 ? { repeat: 100, filler: 200 } : { filler: i % 500 === 0 ? 8000 : 20 };
    samples.push(condenseSample(makeSample({ id: i, epoch: 1, scenario: scenarios[i % 3], ...long })));
  }
  const spec = evalSpec({ task: 'bench_inspect', taskFile: 'tasks/bench_inspect.py', samples });
  const zip = writeZip(evalMembers({ hdr: header({ version: 3, spec, samples }), samples }));
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, zip);
  renameSync(tmp, file);
  const meta = { generatorVersion: INSPECT_GENERATOR_VERSION, samples: INSPECT_SAMPLES, bytes: zip.length };
  writeFileSync(metaFile, JSON.stringify(meta, null, 2));
  say(`  ${(zip.length / MB).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { file, ...meta };
}

/** Bundles src/node/sampleLogs.ts (openSampleLogFile over a file ByteSource) and imports it. */
async function loadSampleLogModule() {
  const esbuild = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'peerwatch-bench-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const outfile = join(dir, 'sampleLogs.cjs');
  await esbuild.build({ entryPoints: [join(repoRoot, 'src/node/sampleLogs.ts')], outfile, bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'warning', absWorkingDir: repoRoot });
  return import(pathToFileURL(outfile).href);
}

/** Listing the samples (open + central directory + header + summaries) and opening samples; best of 3. */
async function benchInspect() {
  const log = await ensureInspectLog();
  const { openSampleLogFile } = await loadSampleLogModule();
  const best = async (fn) => {
    let min = Infinity;
    let value;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      value = await fn();
      min = Math.min(min, performance.now() - t0);
    }
    return { ms: round(min, 1), value };
  };
  // Baseline, in the same run: a naive lister that reads the whole archive into memory, finds
  // summaries.json through the central directory, inflates and parses it (no header, no journal, no
  // validation). Peerwatch reads by byte range instead, so its memory does not grow with the file.
  const readWhole = await best(async () => naiveListSamples(log.file));
  if (readWhole.value !== INSPECT_SAMPLES) throw new Error(`the naive lister found ${readWhole.value} samples, expected ${INSPECT_SAMPLES}`);
  const list = await best(() => openSampleLogFile(log.file));
  const opened = list.value;
  if (opened.samples.length !== INSPECT_SAMPLES) throw new Error(`the Inspect log lists ${opened.samples.length} samples, expected ${INSPECT_SAMPLES}`);
  const keys = { first: opened.samples[0].key, middle: opened.samples[INSPECT_SAMPLES / 2].key, last: opened.samples[INSPECT_SAMPLES - 1].key, long: '500#1', conversation: '5000#1' };
  const open = {};
  for (const [which, key] of Object.entries(keys)) {
    // readSample on the listed log: the zip member is read by range, inflated, resolved and mapped.
    const r = await best(() => opened.readSample(key));
    open[which] = { key, ms: r.ms, events: r.value.events.length };
  }
  return { file: basename(log.file), samples: log.samples, bytes: log.bytes, listMs: list.ms, naiveListMs: readWhole.ms, listVsNaive: round(list.ms / readWhole.ms, 2), open, targets: { listMs: 1000, openMs: 500 } };
}

/** The baseline lister: the whole file in memory, then summaries.json inflated and parsed. */
function naiveListSamples(file) {
  const buf = readFileSync(file);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const entries = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLength);
    if (name === 'summaries.json') {
      const local = buf.readUInt32LE(at + 42);
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const raw = buf.subarray(start, start + size);
      return JSON.parse((method === 8 ? inflateRawSync(raw) : raw).toString('utf8')).length;
    }
    at += 46 + nameLength + extra;
  }
  throw new Error(`${file} has no summaries.json`);
}

function printInspect(r) {
  console.log(`\nInspect log: ${r.samples} samples, ${(r.bytes / MB).toFixed(1)} MB .eval (targets: list < ${r.targets.listMs} ms, open a sample < ${r.targets.openMs} ms)\n`);
  console.log(`  list the samples                 ${String(r.listMs).padStart(4)} ms  (${r.listVsNaive}× a naive lister that reads the whole file: ${r.naiveListMs} ms)`);
  for (const [which, o] of Object.entries(r.open)) console.log(`  open sample ${(which + ' (' + o.key + ')').padEnd(24)}${String(o.ms).padStart(6)} ms  (${o.events} events)`);
}

// -----------------------------------------------------------------------------------------------
// Main

const results = { core: [], ui: [], machine: machine() };

/** Where and when the figures were taken (the load average says how busy the machine was). */
function machine() {
  return {
    date: new Date().toISOString(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    loadAverage: loadavg().map((x) => round(x, 2)),
  };
}
let exitCode = 0;
try {
  if (!opts['no-build']) {
    say('building (node scripts/build.mjs)');
    execFileSync(process.execPath, [join(repoRoot, 'scripts/build.mjs')], { stdio: ['ignore', 2, 2], cwd: repoRoot });
  }
  const logs = sizes.map(ensureLog);
  if (doCore) {
    for (const log of logs) {
      say(`core: ${log.sizeMB} MB (${log.events} events)`);
      const r = await benchCore(log);
      results.core.push(r);
      say(`  index ${r.parseIndexMBps} MB/s, JSON.parse ${r.jsonParseMBps} MB/s, ratio ${r.ratio}`);
    }
  }
  if (doCore) {
    say(`inspect: listing and opening samples of a ${INSPECT_SAMPLES}-sample .eval`);
    results.inspect = await benchInspect();
    say(`  list ${results.inspect.listMs} ms, open first ${results.inspect.open.first.ms} ms, middle ${results.inspect.open.middle.ms} ms, last ${results.inspect.open.last.ms} ms`);
  }
  // The corpus: peerwatch summarize over 10,000 transcripts, then from its index (scripts/lib/benchCorpus.mjs).
  if (doCorpus) results.corpus = (await benchCorpus({ repoRoot, cacheDir, count: corpusFiles, say })).figures;
  if (doCli) {
    results.cli = [];
    for (const log of logs.filter((l) => l.sizeMB >= 100)) {
      // tag holds the run's events for the detectors (about 3 GB at 1 GB): timed at both sizes, its peak memory with it.
      for (const command of ['parse', 'convert', 'tag']) {
        say(`cli: peerwatch ${command} ${log.sizeMB} MB against a line-by-line JSON.parse`);
        const r = benchCliCommand(repoRoot, log, command, log.sizeMB <= 100 ? 3 : 1);
        results.cli.push(r);
        say(`  ${r.ms} ms, peak ${r.peakRssMB} MB; JSON.parse ${r.baselineMs} ms, peak ${r.baselinePeakRssMB} MB`);
      }
    }
  }
  if (doUi || doInspect || doCorpusUi) {
    const server = await startCodeServer({ folder: cacheDir });
    say(`code-server ready in ${(server.startupMs / 1000).toFixed(1)} s on ${server.url}`);
    const browser = await launchBrowser();
    try {
      if (doInspect) results.inspectUi = await benchInspectUi(server, browser);
      if (doCorpusUi) results.corpusUi = await benchCorpusUi(server, browser);
      if (doUi) results.ui = await benchUi(logs, server, browser);
    } finally {
      await browser.close();
      await server.stop();
    }
  }
} catch (err) {
  say(`error: ${err?.stack ?? err}`);
  exitCode = 1;
} finally {
  await runCleanups();
}

if (opts.json) {
  process.stdout.write(JSON.stringify(results, null, 2) + '\n');
} else {
  printTables(results);
  if (results.inspect) printInspect(results.inspect);
  printInspectUi(results.inspectUi);
  if (results.corpus) printCorpus(results.corpus);
  printCorpusUi(results.corpusUi, results.corpus);
  printReadmeTable(results);
}
process.exit(interruptedExitCode() ?? exitCode);

function printTables({ core, ui, machine: m }) {
  const table = (rows, cols) => {
    const cells = [cols.map((c) => c[0]), ...rows.map((r) => cols.map(([, f]) => f(r)))];
    const widths = cols.map((_, i) => Math.max(...cells.map((row) => String(row[i]).length)));
    // Numbers right-aligned, the first and the last (text) columns left-aligned.
    const align = (i) => (i === 0 || (i === cols.length - 1 && cols[i][0] === 'notes') ? 'padEnd' : 'padStart');
    return cells.map((row, k) => row.map((c, i) => String(c)[align(i)](widths[i])).join('  ').trimEnd() + (k === 0 ? '\n' + widths.map((w) => '-'.repeat(w)).join('  ') : '')).join('\n');
  };
  const v = (x, unit = '') => (x == null ? '—' : `${x}${unit}`);
  console.log(`Peerwatch bench, ${m.date.slice(0, 10)}, ${m.cpus} × ${m.cpuModel}, ${Math.round(m.memGiB)} GiB, Node ${m.node}, load average ${m.loadAverage.join(' ')} at the start`);
  if (core.length) {
    console.log('\nCore: RunlogIndex.push vs plain JSON.parse of the same lines (4 MB chunks)\n');
    console.log(table(core, [
      ['size', (r) => `${r.sizeMB} MB`],
      ['events', (r) => r.events],
      ['index MB/s', (r) => r.parseIndexMBps],
      ['JSON.parse MB/s', (r) => r.jsonParseMBps],
      ['ratio', (r) => r.ratio],
      ['decode+parse MB/s', (r) => r.jsonDecodeParseMBps],
      ['ratio to decode+parse', (r) => r.ratioVsDecodeParse],
      ['index memory', (r) => `${r.indexMB} MB`],
    ]));
  }
  if (ui.length) {
    console.log('\nVS Code (code-server 1.100 + Chromium): opening the log\n');
    console.log(table(ui, [
      ['size', (r) => `${r.sizeMB} MB`],
      ['host busy at start', (r) => v(r.hostStartupBusyMs, ' ms')],
      ['live append', (r) => v(r.liveAppendMs, ' ms')],
      ['webview floor', (r) => v(r.webviewFloorMs, ' ms')],
      ['first events cold', (r) => v(r.firstEventsColdMs, ' ms')],
      ['last event shown cold', (r) => v(r.lastEventShownColdMs, ' ms')],
      ['last event cold', (r) => v(r.lastEventColdMs, ' ms')],
      ['first events', (r) => v(r.firstEventsMs, ' ms')],
      ['last event shown', (r) => v(r.lastEventShownMs, ' ms')],
      ['last event', (r) => v(r.lastEventMs, ' ms')],
      ['flags (host peak)', (r) => (r.flagsMs == null ? '—' : `${r.flagsMs} ms, "${r.flagsText}" (${r.flagsHostPeakMB ?? '?'} MB)`)],
      ['text editor', (r) => (r.textEditorFirstMs == null && r.textEditorPromptMs != null ? `asks${r.textEditorAfterConfirmMs != null ? `; ${r.textEditorAfterConfirmMs} ms after "Open Anyway"` : ''}` : v(r.textEditorFirstMs, ' ms'))],
      ['host peak (before)', (r) => (r.hostPeakMB == null ? '—' : `${r.hostPeakMB} MB (${r.hostBaselineMB ?? '?'})`)],
      ['webview peak', (r) => v(r.webviewPeakMB, ' MB')],
      ['notes', (r) => (r.notes ?? []).join('; ')],
    ]));
  }
  printCli(results.cli ?? [], table);
}

/** The README's benchmark table (Markdown), every figure beside its baseline from this run. */
function printReadmeTable({ core, ui, cli = [], inspectUi, corpus, corpusUi }) {
  const s = (ms) => (ms == null ? '—' : `${(ms / 1000).toFixed(2)} s`);
  const sizes = [...new Set([...core.map((r) => r.sizeMB), ...ui.map((r) => r.sizeMB)])];
  if (!sizes.length && !cli.length && !inspectUi && !corpus && !corpusUi) return;
  console.log('\nFor the README (Markdown):\n');
  if (sizes.length) {
    console.log('| size | index vs `JSON.parse` | webview floor | first events cold / warm | last event shown cold / warm (numbered) | `peerwatch parse` vs line-by-line `JSON.parse` | host peak |');
    console.log('|---:|---:|---:|---:|---:|---:|---:|');
    for (const size of sizes) {
      const c = core.find((r) => r.sizeMB === size);
      const u = ui.find((r) => r.sizeMB === size);
      const p = cli.find((r) => r.sizeMB === size && r.command === 'parse');
      console.log(`| ${size >= 1000 ? `${size / 1000} GB` : `${size} MB`} | ${c ? `${Math.round(c.parseIndexMBps)} vs ${Math.round(c.jsonParseMBps)} MB/s (${c.ratio.toFixed(2)})` : '—'} | ${s(u?.webviewFloorMs)} | ${s(u?.firstEventsColdMs)} / ${s(u?.firstEventsMs)} | ${s(u?.lastEventShownColdMs)} / ${s(u?.lastEventShownMs)} (${s(u?.lastEventColdMs)} / ${s(u?.lastEventMs)}) | ${p ? `${s(p.ms)}, ${p.peakRssMB} MB vs ${s(p.baselineMs)}, ${p.baselinePeakRssMB} MB` : '—'} | ${u?.hostPeakMB != null ? `${Math.round(u.hostPeakMB)} MB` : '—'} |`);
    }
  }
  for (const t of cli.filter((r) => r.command === 'tag')) {
    console.log(`\n\`peerwatch tag\` on the ${t.sizeMB} MB log: ${s(t.ms)} (${t.eventsPerS.toLocaleString('en-US')} events/s, peak ${t.peakRssMB} MB) against ${s(t.baselineMs)} for a line-by-line \`JSON.parse\` of it.`);
  }
  if (inspectUi) {
    const o = inspectUi.openSampleMs;
    console.log(`\nAn Inspect log of ${inspectUi.samples.toLocaleString('en-US')} samples lists in ${s(inspectUi.listColdMs)} cold / ${s(inspectUi.listWarmMs)} warm (webview floor ${s(inspectUi.webviewFloorMs)}); a sample shows its first events ${o.length ? `${Math.min(...o)}–${Math.max(...o)} ms` : '—'} after the click; every sample is tagged ${s(inspectUi.taggedMs)} after the open (${inspectUi.samplesPerS ?? '—'} samples/s).`);
  }
  if (corpus) {
    console.log(`\n\`peerwatch summarize\` over ${corpus.files.toLocaleString('en-US')} distinct study transcripts (${corpus.mb} MB): ${s(corpus.firstMs)} with no index (${corpus.firstVsRead}× reading and \`JSON.parse\`-ing them, ${s(corpus.readParseMs)}), ${s(corpus.secondMs)} from the index (${corpus.secondVsFirst}× the first).${corpus.tagMs != null ? ` \`peerwatch tag --json\` of the folder (every run's tags with their citations): ${s(corpus.tagMs)}, peak ${corpus.tagPeakRssMB ?? '?'} MB.` : ''}`);
  }
  if (corpusUi) {
    console.log(`\n**Open Corpus** on the same folder in VS Code counts every file ${s(corpusUi.firstMs)} after the command with no index and ${s(corpusUi.secondMs)} from the index (extension host peak ${corpusUi.hostPeakMB ?? '?'} MB); choosing a model counts the table again in ${s(corpusUi.filterMs)}, and a cell's runs show ${s(corpusUi.cellMs)} after its click.`);
  }
}
