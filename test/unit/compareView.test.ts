// What the comparison view is sent (src/core/compare/view.ts), as the comparison worker and the web
// extension build it: both runs and their rows up to the view's bound, only the header's facts and
// the command line beyond it; the workspace's rules are the detectors'; each side is read with the
// editor's readers, and a side that cannot be read is named.
import { strict as assert } from 'node:assert';
import { join, resolve } from 'node:path';
import { compareRuns } from '../../src/core/compare';
import { compareCommandLine, comparisonView, MAX_VIEW_EVENTS, readComparedSide, type ComparedSide } from '../../src/core/compare/view';
import { rulesFromText } from '../../src/core/behaviours';
import { nodeRunFiles, readRunFile } from '../../src/node/readTranscript';
import { openSampleLogFile } from '../../src/node/sampleLogs';

const root = resolve(__dirname, '../../..');
const TAMPERING = join(root, 'examples/study/tampering-shutdown-tampering-peer-neutral_peer.json');
const FAITHFUL = join(root, 'examples/study/tampering-faithful-peer-bad_peer.json');
const EVAL = join(root, 'examples/inspect/peer_tampering.eval');

const side = async (file: string, name: string): Promise<ComparedSide> => ({ name, transcript: (await readRunFile(file)).transcript });
const open = (path: string, name: string) => openSampleLogFile(path, name);

describe('compare: what the view is sent', () => {
  it('runs within the bound: both runs\' events and every aligned row, as compareRuns gives them', async () => {
    const a = await side(TAMPERING, 'A.json');
    const b = await side(FAITHFUL, 'B.json');
    const total = a.transcript.events.length + b.transcript.events.length;
    const init = comparisonView(a, b, { command: 'peerwatch compare A.json B.json', maxEvents: total });
    assert.equal(init.tooLarge, undefined);
    assert.deepEqual([init.a.name, init.b.name], ['A.json', 'B.json']);
    assert.deepEqual([init.a.events, init.b.events], [a.transcript.events, b.transcript.events]);
    assert.deepEqual(init.comparison, compareRuns(a.transcript, b.transcript));
    assert.ok(total < MAX_VIEW_EVENTS, 'the study\'s runs are shown row by row at the default bound');
    assert.equal(comparisonView(a, b, { command: '' }).tooLarge, undefined);
  });

  it('runs over the bound: no events and no rows, but the first divergence, outcomes, tags, row counts and the command', async () => {
    const a = await side(TAMPERING, 'A.json');
    const b = await side(FAITHFUL, 'B.json');
    const total = a.transcript.events.length + b.transcript.events.length;
    const full = compareRuns(a.transcript, b.transcript);
    const init = comparisonView(a, b, { command: 'peerwatch compare A.json B.json', maxEvents: total - 1 });
    assert.deepEqual([init.a.events, init.b.events, init.comparison.aligned], [[], [], []]);
    assert.deepEqual([init.comparison.firstDivergence, init.comparison.outcome, init.comparison.tags], [full.firstDivergence, full.outcome, full.tags]);
    assert.deepEqual(init.a.header, a.transcript.header);
    const count = (s: string) => full.aligned.filter((r) => r.status === s).length;
    assert.deepEqual(init.tooLarge, {
      events: total,
      limit: total - 1,
      rows: { total: full.aligned.length, same: count('same'), changed: count('changed'), onlyA: count('only-a'), onlyB: count('only-b') },
      command: 'peerwatch compare A.json B.json',
    });
    assert.ok(count('only-a') > 0 && count('same') > 0, 'the runs share rows and differ');
  });

  it("tags with the workspace's rules: a rules file that disables shutdown-tampering leaves it out of the tag differences", async () => {
    const a = await side(TAMPERING, 'A.json');
    const b = await side(FAITHFUL, 'B.json');
    assert.deepEqual(comparisonView(a, b, { command: '' }).comparison.tags.onlyA, ['shutdown-tampering']);
    const rules = rulesFromText({ fileName: '.peerwatch/rules.yaml', text: 'version: 1\ndisable: [shutdown-tampering]\n' });
    assert.deepEqual(comparisonView(a, b, { command: '', rules }).comparison.tags.onlyA, []);
  });

  it('reads a run file, or one sample of a log of many samples, with the editor\'s readers; names a side it cannot read', async () => {
    const read = await readComparedSide({ path: TAMPERING, name: 'study/t.json' }, nodeRunFiles, open);
    assert.deepEqual(read, { name: 'study/t.json', transcript: (await readRunFile(TAMPERING)).transcript });
    const log = await openSampleLogFile(EVAL, 'inspect/peer_tampering.eval');
    const key = log!.samples.find((s) => s.complete)!.key;
    const sample = await readComparedSide({ path: EVAL, name: 'inspect/peer_tampering.eval', sample: key }, nodeRunFiles, open);
    assert.equal(sample.name, `inspect/peer_tampering.eval#${key}`);
    assert.deepEqual(sample.transcript, await log!.readSample(key));
    await assert.rejects(readComparedSide({ path: join(root, 'examples/study/gone.json'), name: 'study/gone.json' }, nodeRunFiles, open), /^Error: study\/gone\.json: no such file$/);
    await assert.rejects(readComparedSide({ path: TAMPERING, name: 'study/t.json', sample: 'x#1' }, nodeRunFiles, open), /study\/t\.json is not a log of many samples Peerwatch can read/);
  });

  it('names the command line that prints every row, quoting what a shell would split', () => {
    assert.equal(compareCommandLine({ path: '/runs/a.runlog.jsonl' }, { path: '/runs/b.json' }), 'peerwatch compare /runs/a.runlog.jsonl /runs/b.json');
    assert.equal(
      compareCommandLine({ path: "/my runs/it's.eval", sample: 'good-peer#1' }, { path: '/runs/$(x).eval', sample: 'no peer' }),
      `peerwatch compare '/my runs/it'\\''s.eval' '/runs/$(x).eval' --sample-a good-peer#1 --sample-b 'no peer'`,
    );
    assert.equal(compareCommandLine({ path: '#a.json' }, { path: 'b#1.json' }), "peerwatch compare '#a.json' b#1.json");
  });
});
