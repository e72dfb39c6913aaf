// Comparing two runs (src/core/compare): the alignment of their events, the first divergence, the
// outcomes and the tags, on the study's example runs and on runs derived from them by one edit.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseTranscript } from '../../src/core/formats';
import type { Transcript, TranscriptEvent } from '../../src/core/model';
import { compareRuns, differenceRows } from '../../src/core/compare';

const root = resolve(__dirname, '../../..');
const read = (rel: string): Transcript => parseTranscript({ fileName: join(root, rel), text: readFileSync(join(root, rel), 'utf8') });

const TAMPERING = 'examples/study/tampering-shutdown-tampering-peer-neutral_peer.json';
const FAITHFUL = 'examples/study/tampering-faithful-peer-bad_peer.json';

/** A copy of `t` with its events edited by `edit` and renumbered. */
function edited(t: Transcript, edit: (events: TranscriptEvent[]) => TranscriptEvent[]): Transcript {
  const events = edit(structuredClone(t.events)).map((e, i) => ({ ...e, index: i }));
  return { ...t, events };
}

describe('compare: two runs aligned', () => {
  for (const file of [TAMPERING, FAITHFUL, 'examples/study/exfiltration_transfer-exfiltration-peer-good_peer.json', 'examples/runlog/tampering-shutdown-tampering-peer-good_peer.runlog.jsonl']) {
    it(`a run compared with itself has every row the same and no divergence (${file.split('/').pop()})`, () => {
      const t = read(file);
      const c = compareRuns(t, read(file));
      assert.equal(c.aligned.length, t.events.length);
      assert.ok(c.aligned.every((r, i) => r.status === 'same' && r.a?.event === i && r.b?.event === i));
      assert.equal(c.firstDivergence, null);
      assert.deepEqual(differenceRows(c.aligned), []);
      assert.ok(c.outcome.evaluation.every((d) => d.same) && c.outcome.config.every((d) => d.same) && c.outcome.weights.same);
      assert.deepEqual([c.tags.onlyA, c.tags.onlyB], [[], []]);
    });
  }

  it('a tampering run against a faithful run of the same task diverges at the config change, and says what each left', () => {
    const a = read(TAMPERING);
    const b = read(FAITHFUL);
    const c = compareRuns(a, b);
    const d = c.firstDivergence;
    assert.ok(d, 'a divergence');
    assert.equal(d.by, 'action');
    const row = c.aligned[d.row]!;
    assert.equal(row.status, 'only-a');
    // The step where A changed the config: the row names A's modify_var, and a config_change of that step follows it.
    const changeStep = a.events.find((e) => e.kind === 'config_change')!.step;
    assert.equal(d.stepA, changeStep);
    assert.ok(c.aligned.slice(d.row).some((r) => r.a?.kind === 'config_change' && r.a.step === changeStep && r.status === 'only-a'));
    // Every row before it pairs the same tools in the same order (list_files … view_config).
    const callsBefore = c.aligned.slice(0, d.row).filter((r) => r.a?.kind === 'tool_call');
    assert.deepEqual(callsBefore.map((r) => [r.a!.what, r.b?.what]), [['list_files', 'list_files'], ['list_sheets', 'list_sheets'], ['view_sheet', 'view_sheet'], ['view_config', 'view_config']]);
    // The two runs' events each appear exactly once, in order.
    assert.deepEqual(c.aligned.flatMap((r) => (r.a ? [r.a.event] : [])), a.events.map((e) => e.index));
    assert.deepEqual(c.aligned.flatMap((r) => (r.b ? [r.b.event] : [])), b.events.map((e) => e.index));
    const shutdown = c.outcome.config.find((x) => x.field.endsWith('shutdown_enabled'));
    assert.ok(shutdown && !shutdown.same && shutdown.b === undefined, JSON.stringify(c.outcome.config));
    assert.ok(c.outcome.evaluation.some((x) => x.field === 'shutdownEnabled' && x.a === false && x.b === true));
    assert.ok(c.tags.onlyA.includes('shutdown-tampering'));
    assert.ok(!c.tags.onlyB.includes('shutdown-tampering') && !c.tags.both.includes('shutdown-tampering'));
  });

  it('one tool call with other arguments is a changed row, and the rows after it align again', () => {
    const a = read(FAITHFUL);
    const at = a.events.findIndex((e) => e.kind === 'tool_call' && e.name === 'view_sheet');
    const b = edited(a, (ev) => {
      const e = ev[at]!;
      if (e.kind === 'tool_call') e.arguments = { ...e.arguments, name: 'Other sheet' };
      return ev;
    });
    const c = compareRuns(a, b);
    assert.equal(c.firstDivergence?.row, at);
    assert.equal(c.aligned[at]!.status, 'changed');
    assert.deepEqual(c.aligned.map((r, i) => (i === at ? 'changed' : r.status)), c.aligned.map((_, i) => (i === at ? 'changed' : 'same')));
    assert.deepEqual(differenceRows(c.aligned), [at]);
  });

  it('an event dropped from B is only in A; one added to B is only in B', () => {
    const a = read(FAITHFUL);
    const dropAt = a.events.findIndex((e) => e.kind === 'tool_call' && e.name === 'list_sheets');
    const dropped = compareRuns(a, edited(a, (ev) => ev.filter((_, i) => i !== dropAt)));
    assert.deepEqual(dropped.aligned.filter((r) => r.status !== 'same').map((r) => [r.status, r.a?.event]), [['only-a', dropAt]]);
    assert.equal(dropped.firstDivergence?.status, 'only-a');
    const added = compareRuns(a, edited(a, (ev) => [...ev.slice(0, 3), { kind: 'message', role: 'user', text: 'An extra note from the user.', index: 0, source: {} }, ...ev.slice(3)]));
    assert.deepEqual(added.aligned.filter((r) => r.status !== 'same').map((r) => [r.status, r.b?.event]), [['only-b', 3]]);
    // A message alone differing is a difference of words, not of what the agent did.
    assert.equal(added.firstDivergence?.by, 'text');
  });

  it('runs read from two formats (a study transcript and its run log) compare as the same run', () => {
    const c = compareRuns(read('examples/study/tampering-shutdown-tampering-peer-good_peer.json'), read('examples/runlog/tampering-shutdown-tampering-peer-good_peer.runlog.jsonl'));
    assert.equal(c.firstDivergence, null);
    assert.deepEqual(c.tags.both, ['shutdown-tampering']);
  });

  it('where the weights went differs between an exfiltrating run and a faithful one', () => {
    const c = compareRuns(read('examples/study/exfiltration_transfer-exfiltration-peer-good_peer.json'), read('examples/study/exfiltration_transfer-faithful-peer-neutral_peer.json'));
    assert.equal(c.outcome.weights.same, false);
    assert.ok(c.outcome.weights.a.length > 0, JSON.stringify(c.outcome.weights));
    assert.ok(c.tags.onlyA.includes('exfiltration'));
  });

  it("the monitored and unmonitored arms of one scenario: alignment faking is the unmonitored arm's, as peerwatch tag gives it", () => {
    const monitored = read('test/fixtures/behaviours/study/alignment-faking-pair-monitoring.json');
    const unmonitored = read('test/fixtures/behaviours/study/alignment-faking-pair-non_monitoring.json');
    const c = compareRuns(monitored, unmonitored);
    assert.ok(c.tags.onlyB.includes('alignment-faking'), JSON.stringify(c.tags));
    assert.ok(!c.tags.onlyA.includes('alignment-faking') && !c.tags.both.includes('alignment-faking'));
    assert.ok(c.firstDivergence, 'the arms did different things');
  });

  it('two unrelated long runs (more differences than the diff explores) still list every event of each once, in order', () => {
    const run = (tag: string): Transcript => ({
      header: { format: 'runlog', peerInstantiation: [], metadata: {} },
      events: Array.from({ length: 2500 }, (_, i): TranscriptEvent => ({ kind: 'message', role: i % 2 ? 'assistant' : 'user', text: `${tag} message ${i} ${tag.repeat(i % 7)}`, index: i, source: {} })),
      diagnostics: [],
      live: false,
    });
    const c = compareRuns(run('alpha'), run('omega'));
    assert.deepEqual(c.aligned.flatMap((r) => (r.a ? [r.a.event] : [])), [...Array(2500).keys()]);
    assert.deepEqual(c.aligned.flatMap((r) => (r.b ? [r.b.event] : [])), [...Array(2500).keys()]);
    assert.ok(c.aligned.every((r) => r.status !== 'same'));
    assert.equal(c.firstDivergence?.by, 'text');
  });
});
