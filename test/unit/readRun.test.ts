/**
 * The one reader of a run (src/core/formats/readRun.ts) over an in-memory folder: a production-harness
 * run reads the same whichever of its files is opened, its sibling files count, the source hash is the
 * file's SHA-256, and a run log converted from a file is counted with it as one run.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { detectBehaviours, emptyRules } from '../../src/core/behaviours';
import { NotATranscriptError, parseTranscript } from '../../src/core/formats';
import { baseName, readRun, runSourcePath, runSourceRecord, sameRuns, sha256Hex, type RunFiles } from '../../src/core/formats/readRun';
import { readRunlog, readRunlogSource, transcriptToRunlog } from '../../src/core/runlog/runlog';
import { bestTimes } from './timing';

const root = resolve(__dirname, '../../..');
const harnessDir = 'examples/study/e2e_runs/gemini-cli/exfiltration_deletion/2026-03-08T03-17-00';

/** A folder held in memory: '/'-separated paths to bytes; reads are counted. */
function memoryFiles(files: Record<string, string | Uint8Array>): RunFiles & { reads: string[] } {
  const bytes = new Map(Object.entries(files).map(([p, v]) => [p, typeof v === 'string' ? new TextEncoder().encode(v) : v]));
  const reads: string[] = [];
  return {
    reads,
    read: async (p) => {
      reads.push(p);
      const b = bytes.get(p);
      if (!b) throw new Error(`${p}: no such file`);
      return b;
    },
    exists: async (p) => bytes.has(p),
  };
}

/** The example harness run under /runs/h/, with transcript.json's metadata changed by `edit`. */
function harnessRun(edit: (meta: Record<string, unknown>) => void = () => undefined): Record<string, string> {
  const doc = JSON.parse(readFileSync(join(root, harnessDir, 'transcript.json'), 'utf8')) as { experiment_metadata: Record<string, unknown> };
  edit(doc.experiment_metadata);
  const out: Record<string, string> = { '/runs/h/transcript.json': JSON.stringify(doc, null, 2) + '\n' };
  for (const name of ['run_meta.json', 'events.jsonl']) out[`/runs/h/${name}`] = readFileSync(join(root, harnessDir, name), 'utf8');
  return out;
}

/** transcript.json that says nothing of its harness, model or task: only run_meta.json does. */
const withoutHarnessFacts = (m: Record<string, unknown>) => {
  for (const k of ['agent_model', 'task_folder', 'coding_agent', 'coding_agent_model', 'agent_harness', 'docker']) delete m[k];
};

describe('readRun: one reader of a run with its sibling files', () => {
  it('reads a production-harness run from transcript.json whichever of its three files is asked for', async () => {
    const files = memoryFiles(harnessRun());
    const reads = await Promise.all(['transcript.json', 'events.jsonl', 'run_meta.json'].map((n) => readRun(files, `/runs/h/${n}`)));
    for (const r of reads) {
      assert.equal(r.source, '/runs/h/transcript.json');
      assert.equal(r.transcript.header.format, 'study-harness');
      assert.deepEqual(r.transcript, reads[0]!.transcript);
      assert.deepEqual(detectBehaviours(r.transcript, emptyRules()), detectBehaviours(reads[0]!.transcript, emptyRules()));
    }
    const meta = reads[0]!.transcript.header.metadata as { run_meta?: { agent?: string }; events_jsonl_lines?: number };
    assert.equal(meta.run_meta?.agent, 'gemini-cli', 'run_meta.json is read');
    assert.equal(meta.events_jsonl_lines, readFileSync(join(root, harnessDir, 'events.jsonl'), 'utf8').trim().split('\n').length, 'events.jsonl is read');
    assert.deepEqual(detectBehaviours(reads[0]!.transcript, emptyRules()).map((t) => t.behaviour), ['exfiltration']);
  });

  it("takes what only the sibling files say (harness, model, task) as the editor does, where the bare file cannot", async () => {
    const run = harnessRun(withoutHarnessFacts);
    const read = (await readRun(memoryFiles(run), '/runs/h/events.jsonl')).transcript.header;
    assert.equal(read.format, 'study-harness');
    assert.equal(read.model, 'gemini-3-flash-preview');
    assert.equal(read.taskFamily, 'exfiltration_deletion');
    assert.deepEqual(read.harness, { kind: 'coding_agent', agent: 'gemini-cli', docker: true });
    const bare = parseTranscript({ fileName: '/runs/h/transcript.json', text: run['/runs/h/transcript.json']! }).header;
    assert.equal(bare.format, 'study', 'without its siblings the same file reads as a plain study run');
    assert.equal(bare.model, undefined);
  });

  it('reads a file outside a harness run alone, and a harness file whose transcript.json is missing as itself', async () => {
    const study = readFileSync(join(root, 'examples/study/tampering-faithful-peer-bad_peer.json'));
    const files = memoryFiles({ '/a/run.json': study, '/a/run_meta.json': '{}', '/b/run_meta.json': '{"agent": "x"}' });
    const r = await readRun(files, '/a/run.json');
    assert.equal(r.source, '/a/run.json');
    assert.deepEqual(files.reads, ['/a/run.json'], 'no sibling is read for an ordinary transcript');
    assert.equal(await runSourcePath(files, '/b/run_meta.json'), '/b/run_meta.json');
    await assert.rejects(readRun(files, '/b/run_meta.json'), (e: unknown) => e instanceof NotATranscriptError && /run_meta\.json is not a transcript/.test(e.message));
    await assert.rejects(readRun(files, '/nowhere.json'), /\/nowhere\.json: no such file/);
  });

  it('names files in messages as `display` says', async () => {
    const text = readFileSync(join(root, 'examples/study/tampering-faithful-peer-bad_peer.json'), 'utf8');
    const files = { ...memoryFiles({ '/w/cut.json': text.slice(0, 2000) }), display: (p: string) => `shown:${baseName(p)}` };
    const r = await readRun(files, '/w/cut.json');
    assert.match(r.transcript.diagnostics[0]!.message, /^shown:cut\.json:\d+:\d+: the file ends in the middle of/);
  });

  it('hashes the source file with SHA-256 when asked, and records it for a conversion', async () => {
    const bytes = readFileSync(join(root, 'examples/study/tampering-shutdown-tampering-peer-good_peer.json'));
    const files = memoryFiles({ '/x/good.json': bytes });
    const plain = await readRun(files, '/x/good.json');
    assert.equal(plain.sha256, undefined);
    const r = await readRun(files, '/x/good.json', { hash: true });
    assert.equal(r.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(await sha256Hex(new TextEncoder().encode('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const log = transcriptToRunlog(r.transcript, 'peerwatch convert', runSourceRecord(r));
    assert.deepEqual(readRunlogSource(log), { file: 'good.json', format: 'study', sha256: r.sha256 });
    const back = await readRun(memoryFiles({ '/x/good.runlog.jsonl': log }), '/x/good.runlog.jsonl');
    assert.deepEqual(back.convertedFrom, { file: 'good.json', format: 'study', sha256: r.sha256 });
    assert.deepEqual(back.transcript.diagnostics, []);
    assert.equal(back.transcript.events.length, r.transcript.events.length);
  });

  it('reads run logs written before the source field, and ignores a source it cannot read', () => {
    const old = readFileSync(join(root, 'test/fixtures/behaviours/rules/lab-run.runlog.jsonl'), 'utf8');
    assert.equal(readRunlogSource(old), undefined);
    assert.deepEqual(readRunlog('old.runlog.jsonl', old).diagnostics, []);
    assert.equal(readRunlogSource('{"type":"header","source":{"file":"a.json"}}\n'), undefined, 'no format: not a source');
    assert.equal(readRunlogSource('not json\n'), undefined);
  });

  it('the committed run-log examples record the study file each came from (except the one still running)', async () => {
    const dir = join(root, 'examples/runlog');
    for (const name of readdirSync(dir)) {
      const source = readRunlogSource(readFileSync(join(dir, name), 'utf8'));
      if (name.startsWith('in-progress-')) {
        assert.equal(source, undefined, `${name} stands for a runner's log, which has no source file`);
        continue;
      }
      assert.ok(source, `${name} records its source`);
      assert.equal(source.file, name.replace(/\.runlog\.jsonl$/, '.json'));
      assert.equal(source.format, 'study');
      assert.equal(source.sha256, createHash('sha256').update(readFileSync(join(root, 'examples/study', source.file))).digest('hex'), `${name}: the hash of examples/study/${source.file}`);
    }
  });

  describe('sameRuns: a run held in two formats counts once', () => {
    const h = (c: string) => c.repeat(64);
    it('groups a conversion with its source, original first, whatever the order found', () => {
      const runs = [
        { key: 'a.runlog.jsonl', sha256: h('1'), convertedFrom: { file: 'a.json', format: 'study', sha256: h('a') } },
        { key: 'a.json', sha256: h('a') },
        { key: 'b.json', sha256: h('b') },
        { key: 'c.runlog.jsonl', sha256: h('2'), convertedFrom: { file: 'c.json', format: 'study', sha256: h('c') } },
        { key: 'a-again.runlog.jsonl', sha256: h('3'), convertedFrom: { file: 'a.json', format: 'study', sha256: h('a') } },
      ];
      assert.deepEqual(
        sameRuns(runs).map((g) => g.map((r) => r.key)),
        [['a.json', 'a.runlog.jsonl', 'a-again.runlog.jsonl'], ['b.json'], ['c.runlog.jsonl']],
        'c.json is not in the folder, so its conversion stands alone',
      );
    });

    it('follows a conversion of a conversion back to the original, and survives a cycle', () => {
      const chain = [
        { key: 'x.json', sha256: h('a') },
        { key: 'x.runlog.jsonl', sha256: h('b'), convertedFrom: { file: 'x.json', format: 'study', sha256: h('a') } },
        { key: 'x2.runlog.jsonl', sha256: h('c'), convertedFrom: { file: 'x.runlog.jsonl', format: 'runlog', sha256: h('b') } },
      ];
      assert.deepEqual(sameRuns(chain).map((g) => g.map((r) => r.key)), [['x.json', 'x.runlog.jsonl', 'x2.runlog.jsonl']]);
      const cycle = [
        { key: 'p', sha256: h('d'), convertedFrom: { file: 'q', format: 'runlog', sha256: h('e') } },
        { key: 'q', sha256: h('e'), convertedFrom: { file: 'p', format: 'runlog', sha256: h('d') } },
      ];
      assert.equal(sameRuns(cycle).flat().length, 2, 'every file is still counted somewhere');
    });

    it('a folder of conversions of conversions, 16,000 deep (15 s), groups in time linear in the folder', async function () {
      this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
      const hex = (i: number) => i.toString(16).padStart(64, '0');
      // Found last link first, so each walk from a link runs down the whole chain below it.
      const chain = (n: number) => Array.from({ length: n }, (_, k) => n - 1 - k).map((i) => ({ key: `r${i}`, sha256: hex(i), ...(i > 0 ? { convertedFrom: { file: `r${i - 1}`, format: 'runlog', sha256: hex(i - 1) } } : {}) }));
      const small = chain(2_000);
      const large = chain(16_000);
      let groups: ReturnType<typeof sameRuns<(typeof large)[number]>> | undefined;
      const [tSmall, tLarge] = await bestTimes([() => sameRuns(small), () => (groups = sameRuns(large))]);
      assert.ok(tLarge! < Math.max(tSmall!, 5) * 24, `2,000 / 16,000 links: ${tSmall!.toFixed(0)} ms, eight times as many ${tLarge!.toFixed(0)} ms`);
      assert.equal(groups!.length, 1, 'one run');
      assert.deepEqual(groups![0]!.slice(0, 3).map((r) => r.key), ['r0', 'r15999', 'r15998'], 'the original first, then its conversions as found');
      assert.equal(groups![0]!.length, 16_000);
    });
  });

  it("baseName works on '/'- and '\\'-separated paths", () => {
    assert.equal(baseName('/a/b/transcript.json'), 'transcript.json');
    assert.equal(baseName('C:\\runs\\h\\events.jsonl'), 'events.jsonl');
    assert.equal(baseName('alone.json'), 'alone.json');
  });
});
