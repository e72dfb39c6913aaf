// The corpus view's search worker (dist/corpusSearch.js, as the extension starts it): it reads each run
// through the one run reader (an Inspect log's samples through the sample-log reader), posts the events
// holding the query as it finds them, names a file it cannot read, and ends with how many runs it read.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SearchJob, SearchMessage } from '../../src/core/corpus/searchRuns';
import { readTranscriptFile } from '../../src/node/readTranscript';
import { eventSearchText } from '../../src/core/searchText';
import { repoRoot } from './peerwatchCli';

const study = join(repoRoot, 'examples', 'study');

/** Runs one search to its end; every message in order. */
function search(job: SearchJob): Promise<SearchMessage[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(repoRoot, 'dist', 'corpusSearch.js'), { workerData: job });
    const messages: SearchMessage[] = [];
    worker.on('message', (m: SearchMessage) => {
      messages.push(m);
      if (m.type === 'done') void worker.terminate().then(() => resolve(messages));
    });
    worker.on('error', reject);
  });
}

describe('corpus search worker', function () {
  this.timeout(60_000);

  it('posts each run’s events that hold the text, the inspect log’s samples included, and a problem naming a missing file', async () => {
    const names = ['tampering-faithful-peer-bad_peer.json', 'tampering-shutdown-tampering-peer-good_peer.json', 'exfiltration_transfer-faithful-peer-neutral_peer.json'];
    const log = join(repoRoot, 'examples', 'inspect', 'peer_tampering.eval');
    const missing = join(study, 'no-such-run.json');
    const runs = [
      ...names.map((n) => ({ key: n, file: join(study, n) })),
      { key: `${log}#good-peer#1`, file: log, sample: 'good-peer#1' },
      { key: missing, file: missing },
    ];
    const messages = await search({ query: 'SHUTDOWN_ENABLED', runs, perRun: 3 });
    const done = messages.at(-1);
    assert.deepEqual(done, { type: 'done', searched: 5 });
    const problems = messages.filter((m) => m.type === 'problem');
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.type === 'problem' ? problems[0]!.message : '', /no-such-run\.json: no such file/);
    const hits = messages.filter((m): m is Extract<SearchMessage, { type: 'hits' }> => m.type === 'hits');
    // What the editor's find would match, event by event, read independently here.
    for (const n of names) {
      const events = (await readTranscriptFile(join(study, n))).events;
      const expected = events.flatMap((e, i) => (eventSearchText(e).toLowerCase().includes('shutdown_enabled') ? [i] : []));
      const got = hits.find((h) => h.key === n);
      if (expected.length === 0) {
        assert.equal(got, undefined, `${n}: no hit`);
        continue;
      }
      assert.ok(got, `${n} has hits`);
      assert.deepEqual(got.hits.map((h) => h.event), expected.slice(0, 3), `${n}: the first three events holding it`);
      assert.equal(got.more, expected.length - Math.min(3, expected.length));
      for (const h of got.hits) assert.equal(h.snippet.slice(h.match[0], h.match[1]).toLowerCase(), 'shutdown_enabled');
    }
    assert.ok(hits.some((h) => h.key.endsWith('#good-peer#1')), 'the Inspect sample is searched too');
  });
});
