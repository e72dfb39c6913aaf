// How the corpus reads runs quickly, checked against the ordinary way: without places (positions:
// false) every run of the study's real transcripts and the examples gives the same events, header,
// diagnostics and tags, only without line numbers; run logs streamed give what their whole text
// gives; and the worker pool that tags a corpus, sent
// several files ahead, answers each file once and fails only the file a worker died on.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectBehaviours } from '../../src/core/behaviours';
import { parseTranscript } from '../../src/core/formats';
import { TagPool } from '../../src/node/corpus/tagPool';
import { readRun, type RunFiles } from '../../src/core/formats/readRun';
import { nodeRunFiles } from '../../src/node/readTranscript';
import { repoRoot } from './peerwatchCli';
import { filesUnder } from './filesUnder';
import { realFixtures } from './realFixtures';


describe('corpus reading: runs read without places', () => {
  const files = [...filesUnder(realFixtures('peer-preservation'), '.json'), ...filesUnder(join(repoRoot, 'examples', 'study'), '.json'), ...filesUnder(join(repoRoot, 'examples', 'providers'), '.json')];

  it('give the same run and tags as the editor reads, only without line numbers', () => {
    assert.ok(files.length >= 20, `found ${files.length} files`);
    let runs = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      let placed, bare;
      try {
        placed = parseTranscript({ fileName: file, text });
      } catch (e) {
        assert.throws(() => parseTranscript({ fileName: file, text, positions: false }), { message: (e as Error).message }, file);
        continue;
      }
      bare = parseTranscript({ fileName: file, text, positions: false });
      runs++;
      // Line and column go; everything else (paths, texts, effects, header) stays. Messages that named a line name the path alone.
      const strip = (k: string, v: unknown) => (k === 'line' || k === 'column' ? undefined : k === 'message' && typeof v === 'string' ? v.replace(/:\d+:\d+ \(/, ' (') : v);
      assert.equal(JSON.stringify(bare, strip), JSON.stringify(placed, strip), file);
      assert.ok(bare.events.every((e) => e.source.line === undefined), `${file}: no event cites a line`);
      assert.ok(placed.events.some((e) => e.source.line !== undefined), `${file}: the editor's events cite lines`);
      assert.deepEqual(detectBehaviours(bare), detectBehaviours(placed), file);
    }
    assert.ok(runs >= 20, `${runs} runs compared`);
  });

  it('a damaged transcript is still read up to the damage, its error naming line and column', () => {
    const file = join(repoRoot, 'examples', 'study', 'tampering-shutdown-tampering-peer-good_peer.json');
    const text = readFileSync(file, 'utf8');
    const cut = text.slice(0, Math.floor(text.length * 0.6));
    const t = parseTranscript({ fileName: 'cut.json', text: cut, positions: false });
    const error = t.diagnostics.find((d) => d.severity === 'error');
    assert.match(error?.message ?? '', /^cut\.json:\d+:\d+: the file ends in the middle of \$\.conversation\[\d+\]/);
    assert.ok(t.events.length > 3);
  });
});

describe('corpus reading: the tagging pool', function () {
  this.timeout(30_000);
  let tmp: string;
  beforeEach(() => (tmp = mkdtempSync(join(tmpdir(), 'peerwatch-pool-'))));
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  /**
   * A worker speaking the corpus worker's protocol ({files: [{id, path}]} in, {results: [{id, result}]}
   * out, batch by batch, in order) that exits when a path names "die": the pool's own code is what is
   * tested, with real threads. It records the batches it was sent in `batches.log`.
   */
  function worker(): string {
    const file = join(tmp, 'worker.js');
    writeFileSync(
      file,
      `const { parentPort } = require('node:worker_threads');
       const { appendFileSync } = require('node:fs');
       parentPort.on('message', (req) => {
         appendFileSync(${JSON.stringify(join(tmp, 'batches.log'))}, req.files.length + '\\n');
         const results = [];
         for (const f of req.files) {
           if (f.path.includes('die')) process.exit(7);
           results.push({ id: f.id, result: { runs: [{ sample: f.path, tags: [] }] } });
         }
         parentPort.postMessage({ results });
       });`,
    );
    return file;
  }
  const batchSizes = () => readFileSync(join(tmp, 'batches.log'), 'utf8').trim().split('\n').map(Number);

  it('answers every file once, in any order of workers, with several files sent ahead', async () => {
    const pool = new TagPool(worker(), 2);
    try {
      const paths = Array.from({ length: 200 }, (_, i) => `/corpus/run-${i}.json`);
      const results = await Promise.all(paths.map((p) => pool.tag(p)));
      assert.deepEqual(results.map((r) => r?.runs[0]?.sample), paths);
      assert.equal(pool.pending, 0);
      assert.ok(batchSizes().some((n) => n > 1), `files went in batches: ${batchSizes().join(' ')}`);
    } finally {
      await pool.close();
    }
  });

  it("sends `peerwatch tag`'s report jobs with the file's explicitness; one a worker dies on fails as tag reports a file", async () => {
    const file = join(tmp, 'report-worker.js');
    writeFileSync(
      file,
      `const { parentPort } = require('node:worker_threads');
       parentPort.on('message', (req) => {
         const results = [];
         for (const f of req.files) {
           if (f.path.includes('die')) process.exit(3);
           results.push({ id: f.id, result: { messages: [], failed: false, runs: [{ report: { file: f.path, explicit: f.report.explicit }, cited: new Map([[1, { event: 1 }]]) }] } });
         }
         parentPort.postMessage({ results });
       });`,
    );
    const pool = new TagPool(file, 1);
    try {
      const paths = Array.from({ length: 12 }, (_, i) => (i === 4 ? '/corpus/die.json' : `/corpus/r${i}.json`));
      const results = await Promise.all(paths.map((p, i) => pool.report(p, i % 2 === 0)));
      assert.deepEqual(results[4], { messages: ['peerwatch tag: /corpus/die.json: could not be tagged: the worker stopped (exit code 3)\n'], failed: true, runs: [] });
      for (let i = 0; i < paths.length; i++) {
        if (i === 4) continue;
        assert.deepEqual(results[i]?.runs[0]?.report, { file: paths[i], explicit: i % 2 === 0 }, paths[i]);
        assert.ok(results[i]?.runs[0]?.cited instanceof Map, 'a Map crosses to the main thread as a Map');
      }
    } finally {
      await pool.close();
    }
  });

  it('a worker that dies fails the file it was on, and the files sent with it or after it are tagged elsewhere', async () => {
    const pool = new TagPool(worker(), 1);
    try {
      // The first two files go alone (the worker is idle, then has one batch); die.json is in the third, with others.
      const paths = Array.from({ length: 30 }, (_, i) => (i === 5 ? '/corpus/die.json' : `/corpus/r${i}.json`));
      const results = await Promise.all(paths.map((p) => pool.tag(p, p.replace('/corpus/', ''))));
      assert.ok(batchSizes().some((n) => n > 1), `files went in batches: ${batchSizes().join(' ')}`);
      assert.deepEqual(results[5], { runs: [], problems: ['die.json: could not be tagged: the worker stopped (exit code 7)'] });
      for (let i = 0; i < paths.length; i++) if (i !== 5) assert.equal(results[i]?.runs[0]?.sample, paths[i], `${paths[i]} is tagged`);
    } finally {
      await pool.close();
    }
  });
});

describe('corpus reading: run logs streamed', () => {
  // The same files without the platform's stream: the whole text through parseTranscript.
  const wholeText: RunFiles = { read: nodeRunFiles.read, exists: nodeRunFiles.exists, display: nodeRunFiles.display!, sha256: nodeRunFiles.sha256! };

  it("give what the whole text gives: header, events, problems, source, hash and tags (a 1 GB log is longer than V8's longest string)", async () => {
    const files = [...filesUnder(join(repoRoot, 'examples'), '.jsonl'), ...filesUnder(join(repoRoot, 'test', 'fixtures'), '.jsonl')];
    let streamed = 0;
    for (const file of files) {
      const whole = await readRun(wholeText, file, { hash: true }).catch((e: unknown) => e as Error);
      const wholeReads: string[] = [];
      const streaming: RunFiles = { ...nodeRunFiles, read: (p) => (wholeReads.push(p), nodeRunFiles.read(p)) };
      const read = await readRun(streaming, file, { hash: true }).catch((e: unknown) => e as Error);
      if (whole instanceof Error || read instanceof Error) {
        assert.equal(String(read), String(whole), file);
        continue;
      }
      if (whole.transcript.header.format !== 'runlog') continue;
      streamed++;
      assert.deepEqual(wholeReads, [], `${file} is streamed, never read whole`);
      assert.deepEqual(read.transcript, whole.transcript, file);
      assert.equal(read.sha256, whole.sha256, file);
      assert.deepEqual(read.convertedFrom, whole.convertedFrom, file);
      assert.deepEqual(detectBehaviours(read.transcript), detectBehaviours(whole.transcript), file);
    }
    assert.ok(streamed >= 100, `${streamed} run logs compared`);
  });
});
