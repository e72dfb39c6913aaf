// The corpus index's incremental update, in this thread with the real reader and detectors (tagFile)
// over an injected RunFiles that counts every read: an unchanged folder is summarised from the index
// with no transcript read, and touching one file reads that file alone.
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IndexEntry } from '../../src/core/corpus/corpusIndex';
import type { RunFiles } from '../../src/core/formats/readRun';
import { updateIndex } from '../../src/node/corpus/corpusIndexer';
import { tagFile } from '../../src/core/corpus/tagFile';
import { openSampleLogFile } from '../../src/node/sampleLogs';
import { nodeRunFiles } from '../../src/node/readTranscript';
import { repoRoot } from './peerwatchCli';

let tmp: string;
beforeEach(() => (tmp = mkdtempSync(join(tmpdir(), 'peerwatch-index-'))));
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const STUDY = join(repoRoot, 'examples', 'study');
const NAMES = ['tampering-shutdown-tampering-peer-good_peer.json', 'tampering-faithful-peer-bad_peer.json', 'exfiltration_transfer-exfiltration-peer-good_peer.json'];

/** Indexes `folder` with reads counted; the paths read and each entry given. */
async function index(folder: string, detector = 'test-1'): Promise<{ reads: string[]; entries: Map<string, IndexEntry>; result: Awaited<ReturnType<typeof updateIndex>> }> {
  const reads: string[] = [];
  const counting: RunFiles = { ...nodeRunFiles, read: (p) => (reads.push(p), nodeRunFiles.read(p)) };
  const entries = new Map<string, IndexEntry>();
  const warnings: string[] = [];
  const result = await updateIndex({
    paths: [folder],
    base: folder,
    indexFile: join(folder, '.peerwatch', 'index.jsonl'),
    detector,
    tag: (p, shown) => tagFile(p, counting, openSampleLogFile, shown),
    concurrency: 2,
    onEntry: (e) => entries.set(e.file.path, e),
    warn: (m) => warnings.push(m),
  });
  assert.deepEqual(warnings.filter((w) => !/written by detectors/.test(w)), []);
  return { reads: reads.map((p) => p.slice(folder.length + 1)).sort(), entries, result };
}

describe('corpus index: incremental update', () => {
  it('reads every file, then none, then the one touched; other detectors read all again', async () => {
    for (const n of NAMES) copyFileSync(join(STUDY, n), join(tmp, n));
    const first = await index(tmp);
    assert.deepEqual(first.reads, [...NAMES].sort());
    assert.deepEqual(first.entries.get(NAMES[0]!)!.runs.map((r) => r.tags.map((t) => t.behaviour)), [['shutdown-tampering']]);

    const indexFile = join(tmp, '.peerwatch', 'index.jsonl');
    const written = { text: readFileSync(indexFile, 'utf8'), mtimeMs: statSync(indexFile).mtimeMs };
    const second = await index(tmp);
    assert.deepEqual(second.reads, [], 'an unchanged folder is summarised from the index alone');
    assert.deepEqual(second.entries, first.entries);
    assert.deepEqual([second.result.fromIndex, second.result.tagged, second.result.written], [3, 0, undefined]);
    assert.deepEqual({ text: readFileSync(indexFile, 'utf8'), mtimeMs: statSync(indexFile).mtimeMs }, written, 'an index every file matched is left as it is');

    const later = new Date(Date.now() + 10_000);
    utimesSync(join(tmp, NAMES[1]!), later, later);
    const third = await index(tmp);
    assert.deepEqual(third.reads, [NAMES[1]]);
    assert.equal(third.result.written, indexFile);
    assert.deepEqual((await index(tmp)).entries, third.entries, 'the rewritten index holds every file, the one read again and those taken from it');

    const other = await index(tmp, 'test-2');
    assert.deepEqual(other.reads, [...NAMES].sort(), 'an index of other detectors is not used');
  });

  it('a new file is read, a deleted one leaves the index, a file that is not a transcript is remembered as such', async () => {
    copyFileSync(join(STUDY, NAMES[0]!), join(tmp, NAMES[0]!));
    writeFileSync(join(tmp, 'package.json'), '{"name": "not-a-run"}');
    const first = await index(tmp);
    assert.deepEqual(first.reads, ['package.json', NAMES[0]]);
    assert.match(first.entries.get('package.json')!.file.skipped!, /./);
    rmSync(join(tmp, NAMES[0]!));
    copyFileSync(join(STUDY, NAMES[2]!), join(tmp, NAMES[2]!));
    const second = await index(tmp);
    assert.deepEqual(second.reads, [NAMES[2]]);
    const lines = readFileSync(join(tmp, '.peerwatch', 'index.jsonl'), 'utf8').trim().split('\n');
    assert.deepEqual(
      lines.slice(1).map((l) => `${(JSON.parse(l) as { type: string; path: string }).type} ${(JSON.parse(l) as { path: string }).path}`).sort(),
      [`file ${NAMES[2]}`, `run ${NAMES[2]}`, 'file package.json'].sort(),
    );
    // A file deleted and nothing else changed: the index is written anew without it.
    rmSync(join(tmp, 'package.json'));
    const third = await index(tmp);
    assert.deepEqual([third.reads, third.result.written], [[], join(tmp, '.peerwatch', 'index.jsonl')]);
    assert.deepEqual([...(await index(tmp)).entries.keys()], [NAMES[2]]);
  });

  it('cancelled, keeps a valid index with what was done and the old entries of the rest', async () => {
    for (const n of NAMES) copyFileSync(join(STUDY, n), join(tmp, n));
    await index(tmp);
    for (const n of NAMES) {
      const later = new Date(Date.now() + 20_000);
      utimesSync(join(tmp, n), later, later);
    }
    const controller = new AbortController();
    let tagged = 0;
    const r = await updateIndex({
      paths: [tmp],
      base: tmp,
      indexFile: join(tmp, '.peerwatch', 'index.jsonl'),
      detector: 'test-1',
      // Cancelled once the first file is tagged (as Ctrl-C would be).
      tag: async (p, shown) => {
        const t = await tagFile(p, nodeRunFiles, openSampleLogFile, shown);
        if (++tagged === 1) controller.abort();
        return t;
      },
      concurrency: 1,
      signal: controller.signal,
      onEntry: () => undefined,
      warn: (m) => assert.fail(m),
    });
    assert.equal(r.interrupted, true);
    const again = await index(tmp);
    // The file done is taken from the index; the two not reached keep their old (stale) entries, which are read again.
    assert.equal(again.result.fromIndex, 1);
    assert.equal(again.reads.length, 2);
  });
});
