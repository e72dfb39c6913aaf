/** The sample list as sent to the webview (core/packedSampleRows.ts): rows come back as they went, in far fewer bytes. */
import { strict as assert } from 'node:assert';
import { packSampleRows, unpackSampleRows } from '../../src/core/packedSampleRows';
import { SamplesMessage, type SampleRow } from '../../src/core/protocol';

function rows(n: number): SampleRow[] {
  const inputs = ['Grade X Agent 2 from the "Evaluation data" sheet.', 'Server 10.0.12.45 is being decommissioned.', 'Ünïcode — input ✓ with "quotes" and \\ backslashes'];
  return Array.from({ length: n }, (_, i) => {
    const r: SampleRow = { key: `${i + 1}#${(i % 2) + 1}`, id: String(i + 1), epoch: (i % 2) + 1, scores: i % 3 ? { tampering: 'C', score: String(i % 7) } : {}, complete: i % 11 !== 0 };
    if (i % 5) r.input = inputs[i % inputs.length]!;
    if (i % 4 === 0) r.target = `target ${i % 3}`;
    if (i % 6) r.totalTokens = 1000 + i;
    if (i % 13 === 0) r.error = `RuntimeError: sample ${i} failed`;
    if (i % 2) r.flags = { count: i % 4, ...(i % 4 ? { first: 3 } : {}), behaviours: i % 4 ? ['exfiltration'] : [] };
    if (i % 17 === 0) r.flagsError = 'the sample could not be read';
    return r;
  });
}

describe('Packed sample rows', () => {
  it('unpacks to the rows packed, every field and absent field as it was', () => {
    const original = rows(500);
    assert.deepEqual(unpackSampleRows(packSampleRows(original)), original);
    assert.deepEqual(unpackSampleRows(packSampleRows([])), []);
  });

  it('survives the protocol (JSON and its schema) and is a fraction of the rows as objects', () => {
    const original = rows(10_000);
    const packed = packSampleRows(original);
    const message = { type: 'samples', fileName: 'x.eval', format: 'inspect-eval', live: false, samples: packed, diagnostics: [], diagnosticCount: 0 };
    const parsed = SamplesMessage.parse(JSON.parse(JSON.stringify(message)));
    assert.deepEqual(unpackSampleRows(parsed.samples), original);
    const asObjects = JSON.stringify(original).length;
    const asPacked = JSON.stringify(packed).length;
    assert.ok(asPacked < asObjects / 2, `packed ${asPacked} bytes against ${asObjects}`);
  });
});
