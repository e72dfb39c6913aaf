// The sample list as a table (src/core/sampleTable.ts): each sample's flags from its tags, sorting by
// id, flags and scores, the filters, stepping to the next flagged sample, and the list as CSV.
import { strict as assert } from 'node:assert';
import { filterRows, flaggedBehaviours, nextFlagged, sampleFlags, samplesCsv, scoreValues, sortRows, type SampleFlags, type TableRow } from '../../src/core/sampleTable';

const flags = (count: number, behaviours: string[] = []): SampleFlags => ({ count, behaviours, ...(count ? { first: 1 } : {}) });
const rows: TableRow[] = [
  { key: 's10#1', id: 's10', epoch: 1, input: 'Grade the peer', scores: { match: 'C', accuracy: '0.5' }, flags: flags(2, ['misrepresentation', 'shutdown-tampering']) },
  { key: 's2#1', id: 's2', epoch: 1, input: 'Delete the weights', scores: { match: 'I', accuracy: '1' }, flags: flags(0) },
  { key: 's2#2', id: 's2', epoch: 2, input: 'Delete the weights', scores: { match: 'C', accuracy: '0.25' } },
  { key: 's1#1', id: 's1', epoch: 1, input: 'Copy the model', scores: { match: 'C' }, flags: flags(5, ['exfiltration']) },
];
const keys = (rs: readonly TableRow[]) => rs.map((r) => r.key);

describe('sample table', () => {
  it('counts a sample’s flags as the flagged events of its open tags, naming their behaviours once', () => {
    const f = sampleFlags([
      { behaviour: 'misrepresentation', events: [8, 12] },
      { behaviour: 'shutdown-tampering', events: [9, 12] },
      { behaviour: 'exfiltration', events: [3], verdict: 'dismissed' },
      { behaviour: 'misrepresentation', events: [20] },
    ]);
    assert.deepEqual(f, { count: 4, first: 8, behaviours: ['misrepresentation', 'shutdown-tampering'] }, 'events 8, 9, 12 and 20; the dismissed tag on 3 flags nothing');
    assert.deepEqual(sampleFlags([]), { count: 0, behaviours: [] });
  });

  it('sorts ids in natural order then by epoch, and back', () => {
    assert.deepEqual(keys(sortRows(rows, { column: 'id', descending: false })), ['s1#1', 's2#1', 's2#2', 's10#1']);
    assert.deepEqual(keys(sortRows(rows, { column: 'id', descending: true })), ['s10#1', 's2#2', 's2#1', 's1#1']);
  });

  it('sorts by flag count with samples not yet tagged last either way', () => {
    assert.deepEqual(keys(sortRows(rows, { column: 'flags', descending: true })), ['s1#1', 's10#1', 's2#1', 's2#2']);
    assert.deepEqual(keys(sortRows(rows, { column: 'flags', descending: false })), ['s2#1', 's10#1', 's1#1', 's2#2']);
  });

  it('sorts scores as numbers when they are, words otherwise, samples without the score last', () => {
    assert.deepEqual(keys(sortRows(rows, { column: 'score:accuracy', descending: false })), ['s2#2', 's10#1', 's2#1', 's1#1']);
    assert.deepEqual(keys(sortRows(rows, { column: 'score:accuracy', descending: true })), ['s2#1', 's10#1', 's2#2', 's1#1']);
    assert.deepEqual(keys(sortRows(rows, { column: 'score:match', descending: false })), ['s10#1', 's2#2', 's1#1', 's2#1'], 'C before I, ties in the log’s order');
  });

  it('filters by text, behaviour, score and flagged / unflagged, together', () => {
    assert.deepEqual(keys(filterRows(rows, { text: 'WEIGHTS' })), ['s2#1', 's2#2']);
    assert.deepEqual(keys(filterRows(rows, { behaviour: 'exfiltration' })), ['s1#1']);
    assert.deepEqual(keys(filterRows(rows, { score: { name: 'match', value: 'C' } })), ['s10#1', 's2#2', 's1#1']);
    assert.deepEqual(keys(filterRows(rows, { flagged: true })), ['s10#1', 's1#1']);
    assert.deepEqual(keys(filterRows(rows, { flagged: false })), ['s2#1'], 'a sample not tagged yet is neither flagged nor unflagged');
    assert.deepEqual(keys(filterRows(rows, { flagged: true, score: { name: 'match', value: 'C' }, text: 'peer' })), ['s10#1']);
    assert.deepEqual(keys(filterRows(rows, {})), keys(rows));
  });

  it('offers the behaviours flagged and every score value as filter choices', () => {
    assert.deepEqual(flaggedBehaviours(rows), ['exfiltration', 'misrepresentation', 'shutdown-tampering']);
    assert.deepEqual(
      scoreValues(rows).map((s) => `${s.name}=${s.value}`),
      ['match=C', 'match=I', 'accuracy=0.25', 'accuracy=0.5', 'accuracy=1'],
    );
  });

  it('steps to the next and previous flagged sample in the order shown', () => {
    const order = keys(rows);
    const byKey = new Map(rows.filter((r) => r.flags).map((r) => [r.key, r.flags!]));
    assert.equal(nextFlagged(order, byKey, undefined, 1), 's10#1');
    assert.equal(nextFlagged(order, byKey, 's10#1', 1), 's1#1', 'skips the unflagged and the untagged samples');
    assert.equal(nextFlagged(order, byKey, 's1#1', 1), undefined, 'none after the last');
    assert.equal(nextFlagged(order, byKey, 's1#1', -1), 's10#1');
    assert.equal(nextFlagged(order, byKey, undefined, -1), 's1#1');
    assert.equal(nextFlagged(order, byKey, 'gone#1', 1), 's10#1', 'a sample not in the list steps from the start');
  });

  it('writes the list as CSV with a column per scorer, disarming formulas from the log', () => {
    const hostile: TableRow = { key: '=HYPERLINK("x")#1', id: '=HYPERLINK("x")', epoch: 1, scores: { match: '+1' }, flags: flags(1, ['exfiltration']) };
    const csv = samplesCsv([...rows, hostile]);
    assert.deepEqual(csv.split('\r\n'), [
      'sample,epoch,match,accuracy,flags,behaviours',
      's10,1,C,0.5,2,misrepresentation;shutdown-tampering',
      's2,1,I,1,0,',
      's2,2,C,0.25,,',
      's1,1,C,,5,exfiltration',
      `"'=HYPERLINK(""x"")",1,'+1,,1,exfiltration`,
      '',
    ]);
  });
});
