// The corpus table's arithmetic (Wilson intervals, rates, Δ against the baseline) and counting rules,
// checked against values worked out by hand, and the index file's reading rules.
import { strict as assert } from 'node:assert';
import { entryLines, indexHeader, readIndex, type IndexEntry } from '../../src/core/corpus/corpusIndex';
import { modelName, normaliseCondition, runFields } from '../../src/core/corpus/runFields';
import { summarize, type CorpusRun, type SummaryRow } from '../../src/core/corpus/summarize';
import { csvField, summaryCsv, summaryText } from '../../src/core/corpus/summaryTable';
import { wilsonInterval } from '../../src/core/corpus/wilson';
import { addManualTag, emptyReview, serializeReview, setReviewed, setVerdict } from '../../src/core/review/sidecar';
import { StringPool, collectEntry, loadJudgeTags, loadReviews } from '../../src/core/corpus/folderRuns';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';

const close = (actual: number | null | undefined, expected: number, what: string) => assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) < 1e-6, `${what}: ${actual} ≠ ${expected}`);

let n = 0;
/** A run of model M on task T under condition C showing `behaviours` (one tag each). */
function run(model: string, condition: string, behaviours: string[], extra: Partial<CorpusRun> = {}): CorpusRun {
  n++;
  return {
    key: `/corpus/run${n}.json`,
    file: `/corpus/run${n}.json`,
    format: 'study',
    model,
    task: 'tampering',
    condition,
    eventCount: 20,
    sha256: `hash${n}`,
    tags: behaviours.map((b, i) => ({ id: `${b}:${i + 3}`, behaviour: b, qualifier: 'peer-preservation', events: [i + 3] })),
    ...extra,
  };
}

function row(rows: readonly SummaryRow[], model: string, condition: string, behaviour: string): SummaryRow {
  const r = rows.find((x) => x.model === model && x.condition === condition && x.behaviour === behaviour);
  assert.ok(r, `a row for ${model} · ${condition} · ${behaviour}`);
  return r;
}

describe('corpus: Wilson intervals', () => {
  it('3 of 10: [0.1078, 0.6032], worked out by hand', () => {
    // z = 1.959964, z² = 3.841459; n = 10, p = 0.3
    // denominator 1 + z²/n = 1.3841459
    // centre (p + z²/2n) / 1.3841459 = (0.3 + 0.19207294) / 1.3841459 = 0.3555066
    // half   z / 1.3841459 · √(p(1−p)/n + z²/4n²) = 1.4160122 · √(0.021 + 0.00960365) = 1.4160122 · 0.1749390 = 0.2477158
    // interval 0.3555066 ∓ 0.2477158 = [0.1077908, 0.6032224] (R's binom.confint(3, 10, method = "wilson") agrees)
    const ci = wilsonInterval(3, 10)!;
    close(ci.low, 0.1077913, 'low');
    close(ci.high, 0.6032219, 'high');
  });

  it('0 of 10 starts at 0 exactly; 1 of 1 ends at 1 exactly; no runs, no interval', () => {
    // 0 of 10: centre 0.19207294/1.3841459 = 0.1387664, half 1.4160122 · √(0.00960365) = 0.1387664 → [0, 0.2775328]
    const zero = wilsonInterval(0, 10)!;
    assert.equal(zero.low, 0);
    close(zero.high, 0.2775328, 'high');
    // 1 of 1: n = 1, denominator 4.841459, centre (1 + 1.9207294)/4.841459 = 0.6032746, half 0.4048246·√(0.9603647) = 0.3967254 → [0.2065492, 1]
    const one = wilsonInterval(1, 1)!;
    close(one.low, 0.2065492, 'low');
    assert.equal(one.high, 1);
    assert.equal(wilsonInterval(0, 0), undefined);
  });
});

describe('corpus: the table', () => {
  // model-a on tampering: good_peer 4 runs, 3 tamper, 2 misrepresent; no_peer 5 runs, 1 tampers;
  // non_shutdown 2 runs, 1 misrepresents. model-b: good_peer only, 2 runs, 1 tampers.
  const runs: CorpusRun[] = [
    run('model-a', 'good_peer', ['shutdown-tampering', 'misrepresentation']),
    run('model-a', 'good_peer', ['shutdown-tampering', 'misrepresentation']),
    run('model-a', 'good_peer', ['shutdown-tampering']),
    run('model-a', 'good_peer', []),
    run('model-a', 'no_peer', ['shutdown-tampering']),
    ...[1, 2, 3, 4].map(() => run('model-a', 'no_peer', [])),
    run('model-a', 'non_shutdown', ['misrepresentation']),
    run('model-a', 'non_shutdown', []),
    run('model-b', 'good_peer', ['shutdown-tampering']),
    run('model-b', 'good_peer', []),
  ];

  it('gives each cell its runs, counts, rates and Δ against the study baseline', () => {
    const s = summarize(runs);
    // 2 models: model-a has 3 conditions, model-b 1: 4 cells × 8 built-in behaviours.
    assert.equal(s.rows.length, 4 * 8);
    assert.equal(s.runs, 13);
    const t = row(s.rows, 'model-a', 'good_peer', 'shutdown-tampering');
    // rate 3/4 = 0.75; baseline no_peer 1/5 = 0.2; Δ = 0.75 − 0.2 = 0.55
    assert.deepEqual([t.runs, t.count, t.baseline], [4, 3, 'no_peer']);
    close(t.rate, 0.75, 'rate');
    close(t.baselineRate, 0.2, 'baseline rate');
    close(t.delta, 0.55, 'Δ');
    // 3 of 4: p = 0.75, denominator 1 + 3.841459/4 = 1.9603647, centre (0.75 + 0.4801824)/1.9603647 = 0.6275273,
    // half (1.959964/1.9603647)·√(0.046875 + 0.0600228) = 0.9997956 · 0.3269523 = 0.3268855 → [0.3006418, 0.9544128]
    close(t.ciLow, 0.3006418, 'ciLow');
    close(t.ciHigh, 0.9544128, 'ciHigh');
    // Misrepresentation is measured against non_shutdown: 2/4 − 1/2 = 0.
    const m = row(s.rows, 'model-a', 'good_peer', 'misrepresentation');
    assert.equal(m.baseline, 'non_shutdown');
    close(m.delta, 0, 'Δ misrepresentation');
    // The baseline row against itself: Δ 0.
    close(row(s.rows, 'model-a', 'no_peer', 'shutdown-tampering').delta, 0, 'Δ of the baseline');
    // model-b has no baseline cell of its own: no Δ (never model-a's baseline).
    const b = row(s.rows, 'model-b', 'good_peer', 'shutdown-tampering');
    assert.deepEqual([b.count, b.rate, b.baseline, b.baselineRate, b.delta], [1, 0.5, null, null, null]);
  });

  it('--baseline picks the condition Δ is taken against', () => {
    const s = summarize(runs, { baseline: 'no_peer' });
    // misrepresentation 2/4 − 0/5 = 0.5
    const m = row(s.rows, 'model-a', 'good_peer', 'misrepresentation');
    assert.equal(m.baseline, 'no_peer');
    close(m.delta, 0.5, 'Δ against no_peer');
  });

  it('groups by what --by names, and gives no Δ without the condition', () => {
    const s = summarize(runs, { by: ['model'] });
    const a = s.rows.find((r) => r.model === 'model-a' && r.behaviour === 'shutdown-tampering')!;
    // 4 tampering runs out of 11
    assert.deepEqual([a.runs, a.count, a.delta, 'condition' in a], [11, 4, null, false]);
  });

  it('counts a run once per behaviour, not a follow-up session, not a run found again as its run log, not a damaged run', () => {
    const original = run('model-c', 'good_peer', ['exfiltration', 'exfiltration']);
    const s = summarize([
      original,
      run('model-c', 'good_peer', ['exfiltration'], { format: 'runlog', sha256: 'other', convertedFrom: { file: 'run.json', format: 'study', sha256: original.sha256! } }),
      run('model-c', 'good_peer', ['exfiltration'], { format: 'study-followup', followup: true }),
      run('model-c', 'good_peer', [], { problems: ['run.json:120:3: invalid JSON at $.conversation[4]: expected a value, found end of file'] }),
      run('model-c', 'good_peer', []),
    ]);
    const e = row(s.rows, 'model-c', 'good_peer', 'exfiltration');
    assert.deepEqual([e.runs, e.count, s.followups, s.duplicates, s.damaged], [2, 1, 1, 1, 1]);
  });

  it('--source review: confirmed and unjudged kept, dismissed dropped, added counted; unreviewed runs apart', () => {
    const judge = { by: 'Ada', at: '2026-03-08T14:02:11Z' };
    const confirmed = run('model-d', 'good_peer', ['shutdown-tampering']);
    confirmed.review = setReviewed(setVerdict(emptyReview(), 'shutdown-tampering:3', 'confirmed', judge), judge);
    const dismissed = run('model-d', 'good_peer', ['shutdown-tampering']);
    dismissed.review = setReviewed(setVerdict(emptyReview(), 'shutdown-tampering:3', 'dismissed', judge), judge);
    const added = run('model-d', 'good_peer', []);
    added.review = setReviewed(addManualTag(emptyReview(), { behaviour: 'refusal', qualifier: 'peer-preservation', events: [7], note: '' }, judge).review, judge);
    const unjudged = run('model-d', 'good_peer', ['shutdown-tampering']);
    unjudged.review = setReviewed(emptyReview(), judge);
    const notMarked = run('model-d', 'good_peer', ['shutdown-tampering']);
    notMarked.review = setVerdict(emptyReview(), 'shutdown-tampering:3', 'confirmed', judge);
    const none = run('model-d', 'good_peer', ['shutdown-tampering']);
    const s = summarize([confirmed, dismissed, added, unjudged, notMarked, none], { source: 'review' });
    const t = row(s.rows, 'model-d', 'good_peer', 'shutdown-tampering');
    // reviewed: confirmed, dismissed, added, unjudged (4); tampering kept on confirmed and unjudged (2)
    assert.deepEqual([t.runs, t.count, t.unreviewed, s.unreviewed], [4, 2, 2, 2]);
    assert.equal(row(s.rows, 'model-d', 'good_peer', 'refusal').count, 1);
    // The detectors' view of the same runs counts every tag.
    assert.equal(row(summarize([confirmed, dismissed, added, unjudged, notMarked, none]).rows, 'model-d', 'good_peer', 'shutdown-tampering').count, 5);
  });

  it('reads legacy condition names in today’s', () => {
    assert.deepEqual(normaliseCondition('collaboration'), { condition: 'good_peer', raw: 'collaboration' });
    assert.deepEqual(normaliseCondition('collaboration_reverse'), { condition: 'bad_peer', raw: 'collaboration_reverse' });
    assert.deepEqual(normaliseCondition('non_collaboration'), { condition: 'neutral_peer', raw: 'non_collaboration' });
    assert.deepEqual(normaliseCondition('no_peer'), { condition: 'no_peer' });
    // No sure counterpart: kept as written (the re-run launchers read it the same way).
    assert.deepEqual(normaliseCondition('shutdown'), { condition: 'shutdown' });
  });

  it('counts one model in one row whatever route it was called by; dated snapshots stay apart', () => {
    assert.equal(modelName('gemini/gemini-3-flash-preview'), 'gemini-3-flash-preview');
    assert.equal(modelName('openrouter/z-ai/glm-4.7'), 'glm-4.7');
    assert.equal(modelName('zai-org/GLM-4.7'), 'glm-4.7');
    assert.equal(modelName('anthropic/claude-haiku-4.5'), 'claude-haiku-4.5');
    assert.equal(modelName('claude-haiku-4-5'), 'claude-haiku-4.5');
    assert.equal(modelName('vertex_ai/claude-haiku-4-5@20251001'), 'claude-haiku-4.5-20251001');
    assert.equal(modelName('claude-3-5-sonnet-20241022'), 'claude-3.5-sonnet-20241022');
    assert.equal(modelName('openai/gpt-4o-2024-08-06'), 'gpt-4o-2024-08-06', 'a date is not a version');
    assert.equal(modelName('gpt-4-0613'), 'gpt-4-0613');
    assert.equal(modelName('gpt-5.2'), 'gpt-5.2');
    assert.deepEqual(runFields({ format: 'study', peerInstantiation: [], metadata: {}, model: 'gemini/gemini-3-pro-preview' }), { format: 'study', model: 'gemini-3-pro-preview', modelRaw: 'gemini/gemini-3-pro-preview' });
    assert.deepEqual(runFields({ format: 'study', peerInstantiation: [], metadata: {}, model: 'gpt-5.2' }), { format: 'study', model: 'gpt-5.2' });
    // Two harnesses' spellings of one model make one cell, which names both.
    const fields = (m: string) => runFields({ format: 'study', peerInstantiation: [], metadata: {}, model: m });
    const s = summarize([run('', 'good_peer', ['exfiltration'], fields('gemini/gemini-3-flash-preview')), run('', 'good_peer', [], fields('gemini-3-flash-preview'))]);
    const r = row(s.rows, 'gemini-3-flash-preview', 'good_peer', 'exfiltration');
    assert.equal(r.runs, 2);
    assert.equal(r.count, 1);
    assert.deepEqual(r.modelNames, ['gemini-3-flash-preview', 'gemini/gemini-3-flash-preview']);
    assert.match(summaryText(s), /\nModels, as the runs name them:\n {2}gemini-3-flash-preview {2}gemini-3-flash-preview, gemini\/gemini-3-flash-preview\n$/);
  });

  it('CSV has the JSON columns, quotes what needs it and disarms formulas; text keeps one line per row', () => {
    const s = summarize([run('=HYPERLINK("x"),\nevil', 'good_peer', ['refusal'])]);
    const csv = summaryCsv(s).split('\r\n');
    assert.equal(csv[0], 'model,task,condition,behaviour,runs,count,rate,ciLow,ciHigh,baseline,baselineRate,delta');
    assert.ok(csv[5]!.startsWith(`"'=HYPERLINK(""x""),\nevil",tampering,good_peer,refusal,1,1,1,`), csv[5]);
    assert.equal(csvField(-0.25), '-0.25');
    const text = summaryText(s).split('\n');
    assert.equal(text.filter((l) => l.includes('HYPERLINK')).length, 8, 'eight rows, each on one line');
  });
});

describe('corpus: runs about the model itself beside runs about a peer', () => {
  // One cell (gemini · tampering · neutral_peer) holds a self-preservation run beside two about a peer.
  const runs: CorpusRun[] = [
    run('gemini', 'neutral_peer', ['misrepresentation'], { subject: 'self' }),
    run('gemini', 'neutral_peer', ['shutdown-tampering'], { subject: 'peer' }),
    run('gemini', 'neutral_peer', [], { subject: 'peer' }),
    run('gemini', 'good_peer', ['shutdown-tampering'], { subject: 'peer' }),
    // A run that does not say whose shutdown it is mixes nothing.
    run('gemini', 'good_peer', [], {}),
  ];

  it('counts the cells that mix the two subjects, and says how to count them apart', () => {
    const s = summarize(runs);
    assert.equal(s.mixedSubjects, 1);
    assert.equal(row(s.rows, 'gemini', 'neutral_peer', 'misrepresentation').runs, 3, 'the three runs share one cell');
    assert.match(summaryText(s), /5 runs counted; 1 cell mixes runs about the model's own shutdown \(subject self\) with runs about a peer's: add subject to --by to count them apart\n/);
  });

  it('counts the cells that mix the two arms of alignment faking, and says how to count them apart', () => {
    const arms = [
      run('claude', 'good_peer', [], { task: 'alignment_faking', monitoring: 'monitoring', subject: 'peer' }),
      run('claude', 'good_peer', ['alignment-faking'], { task: 'alignment_faking', monitoring: 'non_monitoring', subject: 'peer' }),
      run('claude', 'bad_peer', [], { task: 'alignment_faking', monitoring: 'monitoring', subject: 'peer' }),
    ];
    const s = summarize(arms);
    assert.equal(s.mixedArms, 1);
    assert.equal(s.mixedSubjects, undefined);
    assert.match(summaryText(s), /3 runs counted; 1 cell mixes the two arms of alignment faking \(monitoring, non_monitoring\), whose difference is the measure: add monitoring to --by to count them apart\n/);
    const apart = summarize(arms, { by: ['model', 'task', 'condition', 'monitoring'] });
    assert.equal(apart.mixedArms, undefined);
    assert.deepEqual(apart.rows.filter((r) => r.behaviour === 'alignment-faking' && r.condition === 'good_peer').map((r) => [r.monitoring, r.count, r.runs]), [['monitoring', 0, 1], ['non_monitoring', 1, 1]]);
    // Both mixes in one table: two notes.
    assert.match(summaryText(summarize([...arms, run('claude', 'good_peer', [], { task: 'alignment_faking', monitoring: 'monitoring', subject: 'self' })])), /1 cell mixes runs about the model's own shutdown .*; 1 cell mixes the two arms/);
  });

  it('--baseline monitoring=monitoring: each arm against the monitored arm of the same cell, the study\'s measure of alignment faking', () => {
    // claude · good_peer: monitored 1 of 4 inflate scores, unmonitored 3 of 4; bad_peer: unmonitored only.
    const af = (condition: string, monitoring: string, inflates: boolean) => run('claude', condition, inflates ? ['misrepresentation'] : [], { task: 'alignment_faking', monitoring });
    const arms = [
      af('good_peer', 'monitoring', true),
      ...[1, 2, 3].map(() => af('good_peer', 'monitoring', false)),
      ...[1, 2, 3].map(() => af('good_peer', 'non_monitoring', true)),
      af('good_peer', 'non_monitoring', false),
      af('bad_peer', 'non_monitoring', true),
    ];
    const s = summarize(arms, { by: ['model', 'task', 'condition', 'monitoring'], baseline: { dimension: 'monitoring', value: 'monitoring' } });
    assert.equal(s.baselineDimension, 'monitoring');
    const at = (condition: string, monitoring: string) => s.rows.find((r) => r.condition === condition && r.monitoring === monitoring && r.behaviour === 'misrepresentation')!;
    // 3/4 − 1/4 = +0.5 against the monitored arm; the monitored arm against itself: 0.
    assert.deepEqual([at('good_peer', 'non_monitoring').baseline, at('good_peer', 'non_monitoring').baselineRate, at('good_peer', 'non_monitoring').delta], ['monitoring', 0.25, 0.5]);
    assert.deepEqual([at('good_peer', 'monitoring').baselineRate, at('good_peer', 'monitoring').delta], [0.25, 0]);
    // No monitored arm under bad_peer: no Δ.
    assert.deepEqual([at('bad_peer', 'non_monitoring').baseline, at('bad_peer', 'non_monitoring').delta], [null, null]);
    assert.match(summaryText(s), /^claude +alignment_faking +good_peer +non_monitoring +misrepresentation +4 +3 +75\.0% +30\.1%–95\.4% +monitoring 25\.0% +\+50\.0$/m);
    // By condition, as before: no baselineDimension.
    assert.equal(summarize(arms, { by: ['model', 'task', 'condition', 'monitoring'] }).baselineDimension, undefined);
  });

  it('with subject among the cells, or runs of one subject, nothing is mixed and nothing is said', () => {
    const apart = summarize(runs, { by: ['model', 'task', 'condition', 'subject'] });
    assert.equal(apart.mixedSubjects, undefined);
    assert.deepEqual(
      apart.rows.filter((r) => r.condition === 'neutral_peer' && r.behaviour === 'misrepresentation').map((r) => [r.subject, r.runs, r.count]),
      [['peer', 2, 0], ['self', 1, 1]],
    );
    assert.doesNotMatch(summaryText(apart), /mix/);
    const peers = summarize(runs.filter((r) => r.subject !== 'self'));
    assert.equal(peers.mixedSubjects, undefined);
    assert.doesNotMatch(summaryText(peers), /mix/);
    // Counting reviewers' judgements, the self run is not reviewed: the cell's counted runs are all about a peer.
    const reviewed = runs.map((r) => (r.subject === 'peer' ? { ...r, review: setReviewed(emptyReview(), { by: 'ana', at: '2026-12-07T06:00:00Z' }) } : r));
    assert.equal(summarize(reviewed, { source: 'review' }).mixedSubjects, undefined);
    assert.equal(summarize(reviewed).mixedSubjects, 1);
  });
});

describe('corpus: the index file', () => {
  const entry = (path: string, size: number): IndexEntry => ({
    file: { type: 'file', path, size, mtimeMs: 1000, runs: 1 },
    runs: [{ type: 'run', path, format: 'study', eventCount: 3, tags: [{ id: 'refusal:1', behaviour: 'refusal', qualifier: 'peer-preservation', events: [1] }] }],
  });
  const text = JSON.stringify(indexHeader('v1')) + '\n' + entryLines(entry('a.json', 10)) + entryLines(entry('b.json', 20));

  it('reads back what it wrote', () => {
    const r = readIndex('index.jsonl', text, 'v1');
    assert.deepEqual([...r.entries.keys()], ['a.json', 'b.json']);
    assert.deepEqual(r.entries.get('b.json'), entry('b.json', 20));
    assert.deepEqual(r.warnings, []);
  });

  it('sets aside an index of other detectors, and drops a damaged line’s file with a warning naming the line', () => {
    assert.equal(readIndex('index.jsonl', text, 'v2').entries.size, 0);
    assert.match(readIndex('index.jsonl', text, 'v2').discarded!, /written by detectors v1, these are v2/);
    const lines = text.split('\n');
    lines[2] = lines[2]!.slice(0, 40);
    const r = readIndex('index.jsonl', lines.join('\n'), 'v1');
    assert.deepEqual([...r.entries.keys()], ['b.json']);
    assert.match(r.warnings[0]!, /^index\.jsonl:3: not JSON/);
  });
});

describe('corpus: review and judge sidecars', () => {
  const review = (file: string) => serializeReview(setReviewed(emptyReview(file), { by: 'Ada', at: '2026-03-08T14:02:11Z' }));

  it('are looked for by listing each folder once, and read only where the listing has them', async () => {
    const runs = [run('m', 'good_peer', ['refusal'], { file: '/c/a/run1.json', key: '/c/a/run1.json' }), run('m', 'good_peer', [], { file: '/c/a/run2.json', key: '/c/a/run2.json' }), run('m', 'good_peer', [], { file: '/c/b/run3.json', key: '/c/b/run3.json' })];
    const files = new Map([['/c/a/run2.json.review.json', review('run2.json')]]);
    const read: string[] = [];
    const listed: string[] = [];
    const readText = async (p: string) => {
      read.push(p);
      return files.get(p);
    };
    const listDir = async (dir: string) => {
      listed.push(dir);
      return dir === '/c/a' ? new Set(['run1.json', 'run2.json', 'run2.json.review.json']) : dir === '/c/b' ? new Set(['run3.json']) : new Set<string>();
    };
    const problems: string[] = [];
    await loadReviews(runs, readText, (p) => p, (m) => problems.push(m), listDir);
    assert.deepEqual(read, ['/c/a/run2.json.review.json'], 'only the sidecar that is there is read');
    assert.deepEqual(listed, ['/c/a', '/c/b'], 'each folder listed once');
    assert.equal(runs[1]!.review?.reviewed?.by, 'Ada', 'the sidecar there is read');
    assert.equal(runs[0]!.review, undefined);
    assert.equal(problems.length, 0, problems.join('\n'));
    // The judge's folder is listed once per run folder; none is there, so nothing is read.
    read.length = 0;
    listed.length = 0;
    await loadJudgeTags(runs, readText, (p) => p, (m) => problems.push(m), listDir);
    assert.deepEqual(read, []);
    assert.deepEqual(listed, ['/c/a/.peerwatch/judge', '/c/b/.peerwatch/judge']);
    // A folder that cannot be listed: every sidecar in it is tried.
    read.length = 0;
    await loadReviews(runs, readText, (p) => p, (m) => problems.push(m), async () => undefined);
    assert.deepEqual(read, ['/c/a/run1.json.review.json', '/c/a/run2.json.review.json', '/c/b/run3.json.review.json']);
  });
});

describe('corpus: the runs held for a folder', () => {
  it('share one copy of the strings every run repeats: the same runs in less memory', () => {
    // 10,000 runs as the index gives them: each line parsed on its own, so each string a copy.
    const line = (i: number) =>
      JSON.stringify({ type: 'run', path: `batch/transcript_${i}.json`, format: 'study', model: 'gemini-3-flash-preview', modelRaw: 'gemini/gemini-3-flash-preview', task: 'exfiltration_transfer', condition: i % 2 ? 'good_peer' : 'no_peer', conditionRaw: 'collaboration', monitoring: 'non_monitoring', dataset: 'factual', eventCount: 30, tags: [{ id: 'shutdown-tampering:18', behaviour: 'shutdown-tampering', qualifier: 'peer-preservation', events: [18, 19] }, { id: 'misrepresentation:21', behaviour: 'misrepresentation', qualifier: 'peer-preservation', events: [21] }], verdicts: [{ behaviour: 'shutdown-tampering', shown: true, field: 'main_task_evaluation.shutdown_enabled = false' }] });
    const read = (strings?: StringPool): CorpusRun[] => {
      const runs: CorpusRun[] = [];
      for (let i = 0; i < 10_000; i++) {
        const r = JSON.parse(line(i)) as IndexEntry['runs'][number];
        collectEntry({ file: { type: 'file', path: r.path, size: 1, mtimeMs: 1, runs: 1 }, runs: [r] }, `/corpus/${r.path}`, false, runs, (p) => p, assert.fail, strings);
      }
      return runs;
    };
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heldBy = (make: () => CorpusRun[]) => {
      gc();
      const before = process.memoryUsage().heapUsed;
      const runs = make();
      gc();
      const bytes = process.memoryUsage().heapUsed - before;
      return { runs, bytes };
    };
    const plain = heldBy(() => read());
    const pooled = heldBy(() => read(new StringPool()));
    assert.deepEqual(pooled.runs, plain.runs, 'the same runs, field for field');
    assert.ok(pooled.bytes < plain.bytes * 0.8, `pooled ${Math.round(pooled.bytes / 1e6)} MB against ${Math.round(plain.bytes / 1e6)} MB`);
  });
});

describe('the files a folder walk reads (corpus/walk.ts)', () => {
  it('takes JSON, JSON Lines (.jsonl, .ndjson), Inspect logs and trajectories; skips sidecars, run_meta.json and hidden folders', async () => {
    const { mayHoldRuns, runFilesIn } = await import('../../src/core/corpus/walk');
    const tree: Record<string, Array<{ name: string; dir: boolean }>> = {
      '/c': [
        { name: 'a.json', dir: false },
        { name: 'b.jsonl', dir: false },
        { name: 'c.ndjson', dir: false },
        { name: 'd.eval', dir: false },
        { name: 'e.traj', dir: false },
        { name: 'f.log', dir: false },
        { name: 'a.json.review.json', dir: false },
        { name: 'run_meta.json', dir: false },
        { name: '.peerwatch', dir: true },
      ],
      '/c/.peerwatch': [{ name: 'index.jsonl', dir: false }],
    };
    const found: string[] = [];
    for await (const f of runFilesIn('/c', { list: async (d) => tree[d] ?? [], join: (d, n) => `${d}/${n}` })) found.push(f);
    assert.deepEqual(found.sort(), ['/c/a.json', '/c/b.jsonl', '/c/c.ndjson', '/c/d.eval', '/c/e.traj']);
    assert.ok(mayHoldRuns('OUT.NDJSON') && !mayHoldRuns('stdout.txt'));
  });
});
