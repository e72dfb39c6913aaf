/**
 * The end of a run log read ahead of its index (src/core/runlog/runlogTail.ts): the event lines it
 * finds from any byte offset are the index's own events, and their numbers, once the index has read
 * them, are the index's.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RunlogIndex } from '../../src/core/runlog/runlogIndex';
import { holdsEndRecord, tailEventLines, tailNumbering } from '../../src/core/runlog/runlogTail';

const root = resolve(__dirname, '../../..');
const example = readFileSync(join(root, 'examples', 'runlog', 'tampering-shutdown-tampering-peer-good_peer.runlog.jsonl'));
const enc = new TextEncoder();

function indexOf(bytes: Uint8Array, upTo = bytes.length): RunlogIndex {
  const idx = new RunlogIndex('t.runlog.jsonl');
  idx.push(bytes.slice(0, upTo));
  if (upTo === bytes.length) idx.finish();
  return idx;
}

/** The example with a damaged line, an unknown record type and a blank line among its last events. */
function damaged(): Uint8Array {
  const lines = new TextDecoder().decode(example).trimEnd().split('\n');
  const end = lines.pop()!;
  lines.splice(lines.length - 3, 0, '{"type": "event", "kind": "message", "role": "assistant", "text": "cut off', '{"type": "note", "text": "later"}', '');
  return enc.encode([...lines, end].join('\r\n') + '\r\n');
}

describe('Run log tail read ahead of the index', () => {
  for (const [name, bytes] of [['the example', new Uint8Array(example)], ['with damaged lines and CRLF', damaged()]] as const) {
    it(`finds exactly the index's last events from any offset (${name})`, () => {
      const idx = indexOf(bytes);
      assert.ok(idx.count > 10);
      for (const back of [1, 100, 700, 3000, bytes.length]) {
        const from = Math.max(0, bytes.length - back);
        const lines = tailEventLines(bytes.subarray(from), from);
        // Every event line whose start lies after the cut (the line cut in two is not read).
        const expected: { start: number; end: number }[] = [];
        for (let i = 0; i < idx.count; i++) if (idx.startOf(i) > from || (from === 0 && idx.startOf(i) >= 0)) expected.push({ start: idx.startOf(i), end: idx.endOf(i) });
        assert.deepEqual(lines, from === 0 ? expected : expected.filter((l) => l.start > from), `from byte ${from}`);
      }
    });
  }

  it('numbers the tail exactly once the index has read it, and estimates it before', () => {
    const bytes = new Uint8Array(example);
    const full = indexOf(bytes);
    const from = bytes.length - 2000;
    const lines = tailEventLines(bytes.subarray(from), from);
    const first = lines[0]!;
    const trueIndex = Array.from({ length: full.count }, (_, i) => i).find((i) => full.startOf(i) === first.start)!;
    const exactAt = (idx: RunlogIndex) => (start: number) => {
      for (let i = 0; i < idx.count; i++) if (idx.startOf(i) === start) return { index: i, line: idx.lineOf(i) };
      return undefined;
    };
    const done = tailNumbering(first.start, { count: full.count, lines: full.lineCount, bytesIndexed: full.bytesIndexed }, exactAt(full));
    assert.deepEqual(done, { index: trueIndex, line: full.lineOf(trueIndex), exact: true });
    // Half the file indexed: an estimate, close to the truth on a log of even lines.
    const half = indexOf(bytes, Math.floor(bytes.length / 2));
    const early = tailNumbering(first.start, { count: half.count, lines: half.lineCount, bytesIndexed: half.bytesIndexed }, exactAt(half));
    assert.equal(early.exact, false);
    assert.ok(Math.abs(early.index - trueIndex) <= Math.max(3, trueIndex * 0.25), `estimate ${early.index} against ${trueIndex}`);
  });

  it('finds nothing in a tail that is one cut line', () => {
    const bytes = enc.encode('{"type": "event", "kind": "message", "role": "user", "text": "' + 'x'.repeat(100) + '"}\n');
    assert.deepEqual(tailEventLines(bytes.subarray(10), 10), []);
    assert.equal(tailEventLines(bytes, 0).length, 1);
  });

  it('tells a finished log from a live one by its last bytes, as the index does once it has read them all', () => {
    const text = new TextDecoder().decode(example).trimEnd();
    const lines = text.split('\n');
    const body = lines.slice(0, -1).join('\n');
    assert.match(lines[lines.length - 1]!, /"type":\s*"end"/, 'the example ends with its end record');
    const cases: Array<[string, string]> = [
      ['finished', text + '\n'],
      ['finished, blank lines and CRLF after', text + '\r\n\r\n\n'],
      ['finished, no newline at the end', text],
      ['live: no end record', body + '\n'],
      ['finished, an event after the end record', text + '\n' + lines[lines.length - 2] + '\n'],
      ['live: the end record cut off', text.slice(0, -3)],
      ['an end record the schema refuses', body + '\n{"type": "end", "status": "done"}\n'],
    ];
    for (const [what, log] of cases) {
      const bytes = enc.encode(log);
      const idx = indexOf(bytes);
      for (const back of [40, 300, 400, 800, bytes.length]) {
        const from = Math.max(0, bytes.length - back);
        // Cut inside the end record, the tail cannot know that line whole: it says live (not ended).
        const endStart = enc.encode(log.slice(0, log.lastIndexOf('{"type"', log.lastIndexOf('"end"')))).length;
        const whole = from === 0 || endStart > from;
        assert.equal(holdsEndRecord(bytes.subarray(from), from), whole && !idx.live, `${what}, from byte ${from}`);
      }
    }
  });
});
