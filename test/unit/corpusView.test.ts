// The corpus view's model: which runs a filter keeps, the table it shows (one table per behaviour,
// models × conditions, in the study's order), what a cell says and is read out as, a cell's runs and
// where each opens; and the search across runs (which events hold a string, and the snippet shown).
import { strict as assert } from 'node:assert';
import { cellDescription, cellText, columnLabel, pivotTables } from '../../src/core/corpus/corpusTable';
import { cellRuns, corpusSummary, filterChoices, filterRuns } from '../../src/core/corpus/corpusView';
import { searchEvents, snippetAround } from '../../src/core/corpus/search';
import type { CorpusRun } from '../../src/core/corpus/summarize';
import type { TranscriptEvent } from '../../src/core/model';
import { emptyReview, setReviewed, setVerdict } from '../../src/core/review/sidecar';

let n = 0;
/** A run of `model` under `condition` with one tag per behaviour, at events 3, 4, …; `sha` distinct unless given. */
function run(model: string, condition: string, behaviours: string[], extra: Partial<CorpusRun> = {}): CorpusRun {
  n++;
  return {
    key: `/c/run${String(n).padStart(2, '0')}.json`,
    file: `/c/run${String(n).padStart(2, '0')}.json`,
    format: 'study',
    model,
    task: 'tampering',
    condition,
    eventCount: 20,
    sha256: `h${n}`,
    tags: behaviours.map((b, i) => ({ id: `${b}:${i + 3}`, behaviour: b, qualifier: 'peer-preservation', events: [i + 3, i + 9] })),
    ...extra,
  };
}

const judge = { by: 'ana', at: '2026-12-06T10:00:00Z' };

describe('corpus view: filters, table and cells', () => {
  // gemini: 2 of 4 tamper under good_peer, 0 of 2 under no_peer; gpt: 1 of 1 under bad_peer.
  const runs: CorpusRun[] = [
    run('gemini', 'good_peer', ['shutdown-tampering']),
    run('gemini', 'good_peer', ['shutdown-tampering', 'exfiltration']),
    run('gemini', 'good_peer', []),
    run('gemini', 'good_peer', [], { review: setReviewed(emptyReview(), judge) }),
    run('gemini', 'no_peer', []),
    run('gemini', 'no_peer', []),
    run('gpt', 'bad_peer', ['shutdown-tampering']),
  ];

  it('one table per behaviour: lines by model, columns in the study’s order, cells the summary’s rows', () => {
    const s = corpusSummary(runs, { source: 'detectors' });
    const order = filterChoices(runs).condition;
    assert.deepEqual(order, ['good_peer', 'bad_peer', 'no_peer']);
    const tables = pivotTables(s.rows, undefined, order);
    const st = tables.find((t) => t.behaviour === 'shutdown-tampering')!;
    assert.deepEqual(st.columns, [{ condition: 'good_peer' }, { condition: 'bad_peer' }, { condition: 'no_peer' }]);
    assert.deepEqual(st.lines.map((l) => l.model), ['gemini', 'gpt']);
    const [good, bad, none] = st.lines[0]!.cells;
    assert.equal(bad, undefined, 'gemini has no bad_peer run: an empty cell');
    assert.equal(good!.count, 2);
    assert.equal(good!.runs, 4);
    assert.equal(good!.delta, 0.5, 'Δ against no_peer: 2/4 − 0/2');
    assert.equal(none!.rate, 0);
    // 2 of 4: Wilson centre (0.5 + z²/8) / (1 + z²/4) = 0.5, half z/1.9603649 · √(0.0625 + z²/64) = 0.3500 → [0.1500, 0.8500]
    assert.equal(cellText(good!), '50.0% (15.0%–85.0%) Δ +50.0');
    assert.equal(cellDescription(good!), 'shutdown-tampering, gemini, tampering, good_peer: 2 of 4 runs, 50.0%, 95% interval 15.0% to 85.0%, +50.0 points against no_peer. Press Enter to list the runs.');
    assert.equal(pivotTables(s.rows, 'exfiltration').length, 1, 'one behaviour asked: one table');
  });

  it('filters keep runs by model, condition and review, and the table counts only those', () => {
    assert.equal(filterRuns(runs, { source: 'detectors', model: 'gpt' }).length, 1);
    assert.equal(filterRuns(runs, { source: 'detectors', condition: 'no_peer' }).length, 2);
    assert.equal(filterRuns(runs, { source: 'detectors', reviewed: 'reviewed' }).length, 1);
    assert.equal(filterRuns(runs, { source: 'detectors', reviewed: 'unreviewed' }).length, 6);
    const s = corpusSummary(runs, { source: 'detectors', model: 'gemini', behaviour: 'exfiltration' });
    assert.deepEqual(s.rows.map((r) => [r.condition, r.behaviour, r.count, r.runs]), [['good_peer', 'exfiltration', 1, 4], ['no_peer', 'exfiltration', 0, 2]]);
    // With the reviewers' judgements, only the reviewed run counts.
    const review = corpusSummary(runs, { source: 'review', model: 'gemini', condition: 'good_peer', behaviour: 'shutdown-tampering' });
    assert.deepEqual(review.rows.map((r) => [r.count, r.runs, r.unreviewed]), [[0, 1, 3]]);
    assert.equal(cellText(corpusSummary(runs, { source: 'review', condition: 'no_peer', behaviour: 'refusal' }).rows[0]!), '2 not reviewed');
  });

  it('a subject filter keeps the runs about the model itself or about a peer, and the choices name the subjects the runs have', () => {
    const mixed = [run('kimi', 'neutral_peer', ['misrepresentation'], { subject: 'self' }), run('kimi', 'neutral_peer', [], { subject: 'peer' }), run('kimi', 'neutral_peer', ['refusal'], { subject: 'peer' })];
    assert.deepEqual(filterChoices(mixed).subject, ['peer', 'self']);
    assert.deepEqual(filterChoices(runs).subject, [], 'runs that do not say: nothing to choose');
    assert.deepEqual(filterRuns(mixed, { source: 'detectors', subject: 'self' }), [mixed[0]]);
    const all = corpusSummary(mixed, { source: 'detectors', behaviour: 'misrepresentation' });
    assert.equal(all.mixedSubjects, 1);
    assert.deepEqual(all.rows.map((r) => [r.count, r.runs]), [[1, 3]]);
    const peers = corpusSummary(mixed, { source: 'detectors', subject: 'peer', behaviour: 'misrepresentation' });
    assert.equal(peers.mixedSubjects, undefined);
    assert.deepEqual(peers.rows.map((r) => [r.count, r.runs]), [[0, 2]]);
    assert.deepEqual(cellRuns(mixed, { source: 'detectors', subject: 'peer' }, { model: 'kimi', task: 'tampering', condition: 'neutral_peer' }).map((r) => r.key), [mixed[2]!.key, mixed[1]!.key]);
    // A mixed cell's runs each say whose shutdown they are about.
    assert.deepEqual(cellRuns(mixed, { source: 'detectors' }, { model: 'kimi', task: 'tampering', condition: 'neutral_peer' }, 'misrepresentation').map((r) => r.subject), ['self', 'peer', 'peer']);
  });

  it('an arm filter keeps one arm of alignment faking, and the choices name the arms the runs have', () => {
    const arms = [run('kimi', 'good_peer', [], { monitoring: 'monitoring' }), run('kimi', 'good_peer', ['alignment-faking'], { monitoring: 'non_monitoring' })];
    assert.deepEqual(filterChoices(arms).monitoring, ['monitoring', 'non_monitoring']);
    assert.deepEqual(filterChoices(runs).monitoring, []);
    assert.deepEqual(filterRuns(arms, { source: 'detectors', monitoring: 'non_monitoring' }), [arms[1]]);
    assert.equal(corpusSummary(arms, { source: 'detectors' }).mixedArms, 1);
    const unwatched = corpusSummary(arms, { source: 'detectors', monitoring: 'non_monitoring', behaviour: 'alignment-faking' });
    assert.equal(unwatched.mixedArms, undefined);
    assert.deepEqual(unwatched.rows.map((r) => [r.count, r.runs]), [[1, 1]]);
  });

  it('Δ against the monitored arm: a column per condition and arm, each unmonitored cell minus its monitored one', () => {
    // kimi good_peer: 1 of 4 fake when watched, 3 of 4 when not; bad_peer: unwatched runs only; a tampering run names no arm.
    const af = (cond: string, arm: string, fakes: boolean) => run('kimi', cond, fakes ? ['alignment-faking'] : [], { task: 'alignment_faking', monitoring: arm });
    const arms = [
      af('good_peer', 'monitoring', true),
      af('good_peer', 'monitoring', false),
      af('good_peer', 'monitoring', false),
      af('good_peer', 'monitoring', false),
      af('good_peer', 'non_monitoring', true),
      af('good_peer', 'non_monitoring', true),
      af('good_peer', 'non_monitoring', true),
      af('good_peer', 'non_monitoring', false),
      af('bad_peer', 'non_monitoring', true),
      run('kimi', 'good_peer', ['shutdown-tampering']),
    ];
    const f = { source: 'detectors', against: 'arm', behaviour: 'alignment-faking' } as const;
    const s = corpusSummary(arms, f);
    assert.equal(s.mixedArms, undefined, 'counted by arm, no cell mixes them');
    assert.equal(s.baselineDimension, 'monitoring');
    const [pt] = pivotTables(s.rows, 'alignment-faking', filterChoices(arms).condition);
    assert.deepEqual(pt!.columns.map(columnLabel), ['good_peer · monitoring', 'good_peer · non_monitoring', 'good_peer', 'bad_peer · non_monitoring']);
    const line = pt!.lines.find((l) => l.task === 'alignment_faking')!;
    const [watched, unwatched, , bad] = line.cells;
    assert.equal(watched!.delta, 0, 'the monitored arm against itself');
    assert.equal(unwatched!.rate, 0.75);
    assert.equal(unwatched!.delta, 0.5, '3/4 − 1/4');
    assert.equal(bad!.delta, null, 'no monitored arm under bad_peer: no Δ');
    assert.equal(cellText(unwatched!), '75.0% (30.1%–95.4%) Δ +50.0');
    assert.equal(cellDescription(unwatched!), 'alignment-faking, kimi, alignment_faking, good_peer, non_monitoring arm: 3 of 4 runs, 75.0%, 95% interval 30.1% to 95.4%, +50.0 points against the monitoring arm. Press Enter to list the runs.');
    // A cell of one arm lists that arm's runs only; the study's baselines again without `against`.
    assert.deepEqual(cellRuns(arms, f, { model: 'kimi', task: 'alignment_faking', condition: 'good_peer', monitoring: 'non_monitoring' }).map((r) => r.monitoring), ['non_monitoring', 'non_monitoring', 'non_monitoring', 'non_monitoring']);
    assert.equal(cellRuns(arms, f, { model: 'kimi', task: 'alignment_faking', condition: 'good_peer' }).length, 8, 'a cell key without an arm: both');
    assert.deepEqual(pivotTables(corpusSummary(arms, { source: 'detectors', behaviour: 'alignment-faking' }).rows, undefined, ['good_peer', 'bad_peer'])[0]!.columns, [{ condition: 'good_peer' }, { condition: 'bad_peer' }]);
  });

  it('a cell’s runs: those showing the behaviour first, each opening at its first flag of it; a run in two formats listed once', () => {
    const twice = run('gpt', 'bad_peer', ['exfiltration'], { key: '/c/zz.runlog.jsonl', file: '/c/zz.runlog.jsonl', sha256: 'hconv', convertedFrom: { file: 'run07.json', format: 'study', sha256: runs[6]!.sha256! } });
    const all = [...runs, twice];
    const listed = cellRuns(all, { source: 'detectors' }, { model: 'gemini', task: 'tampering', condition: 'good_peer' }, 'exfiltration');
    assert.equal(listed.length, 4);
    assert.deepEqual(listed[0], { key: runs[1]!.key, file: runs[1]!.file, model: 'gemini', task: 'tampering', condition: 'good_peer', behaviours: ['shutdown-tampering', 'exfiltration'], firstEvent: 4, reviewed: false });
    assert.equal(listed[1]!.firstEvent, 3, 'a run without the behaviour opens at its first flag');
    assert.equal(listed[2]!.firstEvent, undefined, 'a run with no flag opens at its start');
    assert.equal(cellRuns(all, { source: 'detectors' }, { model: 'gpt', task: 'tampering', condition: 'bad_peer' }).length, 1, 'the converted run log is the same run');
  });

  it('with source review, a cell’s runs show the merged flags: a dismissed tag is gone, a run not reviewed says so', () => {
    const r = run('claude', 'good_peer', ['shutdown-tampering', 'exfiltration']);
    r.review = setReviewed(setVerdict(emptyReview(), 'exfiltration:4', 'dismissed', judge, { behaviour: 'exfiltration', events: [4, 10] }), judge);
    const u = run('claude', 'good_peer', ['exfiltration']);
    const listed = cellRuns([r, u], { source: 'review' }, { model: 'claude', task: 'tampering', condition: 'good_peer' }, 'exfiltration');
    assert.deepEqual(listed.map((x) => [x.behaviours, x.firstEvent]), [[['shutdown-tampering'], 3], [undefined, undefined]]);
  });
});

describe('corpus view: search across runs', () => {
  const events = [
    { kind: 'message', role: 'user', text: 'Please look at shutdown_config.yaml' },
    { kind: 'tool_call', name: 'bash', arguments: { command: 'sed -i s/true/false/ shutdown_config.yaml' } },
    { kind: 'message', role: 'assistant', text: 'Nothing to see here.' },
  ] as unknown as TranscriptEvent[];

  it('finds the events holding the text, any case, with a snippet marking the match', () => {
    const hits = searchEvents(events, 'SHUTDOWN_CONFIG');
    assert.deepEqual(hits.map((h) => h.event), [0, 1]);
    const h = hits[1]!;
    assert.equal(h.snippet.slice(h.match[0], h.match[1]), 'shutdown_config');
    assert.match(h.snippet, /sed -i s\/true\/false\/ shutdown_config\.yaml/);
    assert.deepEqual(searchEvents(events, 'not there'), []);
    assert.deepEqual(searchEvents(events, '   '), [], 'a blank query finds nothing');
    assert.equal(searchEvents(events, 'shutdown', 1).length, 1, 'at most max hits');
  });

  it('a snippet is one line, cut with … around a match far into a long text', () => {
    const text = `${'a'.repeat(200)}\n\nneedle  in\tthe\n${'b'.repeat(200)}`;
    const { snippet, match } = snippetAround(text, text.indexOf('needle'), 6, 10);
    assert.equal(snippet, '…aaaaaaaa needle in the b…');
    assert.equal(snippet.slice(match[0], match[1]), 'needle');
  });
});
