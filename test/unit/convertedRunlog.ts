// What `peerwatch convert LOG --to runlog` promises about a run log it writes (docs/runlog-cli.md),
// checked against the serializer's run log of the same transcript (transcriptToRunlog): shared by
// the tests that convert run logs.
import { strict as assert } from 'node:assert';
import { isUtf8 } from 'node:buffer';
import { readRunlog } from '../../src/core/runlog/runlog';

/**
 * `converted` (convert's output) against `serialized` (transcriptToRunlog of the same run): the same
 * header line and end line, byte for byte; one line per event; each event line's `index` its place;
 * UTF-8 throughout; and read back, the same run (header, every event deep-equal, no diagnostics).
 */
export function assertConvertedAs(converted: string | Uint8Array, serialized: string, what: string): void {
  const bytes = typeof converted === 'string' ? Buffer.from(converted, 'utf8') : Buffer.from(converted);
  assert.ok(isUtf8(bytes), `${what}: the converted log is UTF-8`);
  const text = bytes.toString('utf8');
  const lines = text.split('\n');
  const expected = serialized.split('\n');
  assert.equal(lines.length, expected.length, `${what}: as many lines as the serializer writes`);
  assert.equal(lines[0], expected[0], `${what}: the header line`);
  const back = readRunlog('converted.runlog.jsonl', text);
  const fromSerializer = readRunlog('converted.runlog.jsonl', serialized);
  if (!fromSerializer.live) assert.equal(lines.at(-2), expected.at(-2), `${what}: the end line`);
  assert.deepEqual(back.diagnostics, [], `${what}: the converted log reads without a problem`);
  assert.deepEqual(back.header, fromSerializer.header, `${what}: header read back`);
  assert.equal(back.live, fromSerializer.live, `${what}: ended or live`);
  assert.equal(back.events.length, fromSerializer.events.length, `${what}: events read back`);
  for (let i = 0; i < back.events.length; i++) {
    assert.deepEqual(back.events[i], fromSerializer.events[i], `${what}: event ${i} read back`);
    const line = JSON.parse(lines[i + 1]!) as { type?: unknown; index?: unknown };
    assert.equal(line.type, 'event', `${what}: line ${i + 2} is an event`);
    assert.equal(line.index, i, `${what}: line ${i + 2} is numbered by its place`);
  }
}
