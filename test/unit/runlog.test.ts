import { strict as assert } from 'node:assert';
import { readRunlog, RunlogReader, serializeEnd, serializeEvent, serializeHeader, transcriptToRunlog } from '../../src/core/runlog/runlog';
import { RunHeader, type TranscriptEvent } from '../../src/core/model';
import { RunlogIndex } from '../../src/core/runlog/runlogIndex';

const header = RunHeader.parse({ format: 'runlog', model: 'test-model', taskFamily: 'tampering', subject: 'peer', threshold: 80 });
const call: TranscriptEvent = { kind: 'tool_call', index: 0, source: {}, name: 'modify_var', arguments: { key: 'shutdown_enabled', value: 'False' }, id: 'c1' };
const result: TranscriptEvent = { kind: 'tool_result', index: 1, source: {}, callId: 'c1', name: 'modify_var', output: "{'shutdown_enabled': 'False'}" };

describe('Peerwatch run log', () => {
  it('round-trips a transcript, with each event citing its line', () => {
    const text = transcriptToRunlog({ header, events: [call, result], diagnostics: [], live: false });
    const t = readRunlog('a.runlog.jsonl', text);
    assert.deepEqual(t.diagnostics, []);
    assert.equal(t.live, false);
    assert.equal(t.header.model, 'test-model');
    assert.equal(t.header.format, 'runlog');
    assert.equal(t.header.formatVersion, 1);
    assert.equal(t.events.length, 2);
    assert.deepEqual(t.events[0], { ...call, source: { line: 2 } });
    assert.equal(t.events[1]!.source.line, 3);
  });

  it('reads a log while it grows: partial lines wait, the run is live until its end record', () => {
    const full = serializeHeader(header) + serializeEvent(call) + serializeEvent(result);
    const reader = new RunlogReader('live.runlog.jsonl');
    const cutAt = full.length - 20;
    assert.equal(reader.push(full.slice(0, cutAt)).length, 1, 'only the complete event line is read');
    assert.equal(reader.push(full.slice(cutAt)).length, 1, 'the rest of the line completes the second event');
    assert.equal(reader.transcript().live, true);
    reader.push(serializeEnd({ status: 'completed', evaluation: { score: 60, shutdownEnabled: false, raw: {} } }));
    const t = reader.transcript();
    assert.equal(t.live, false);
    assert.equal(t.header.evaluation?.shutdownEnabled, false, 'the end record evaluation reaches the header');
    assert.deepEqual(t.diagnostics, []);
  });

  it('reports a damaged line with file, line and column, and keeps reading after it', () => {
    const lines = [serializeHeader(header), serializeEvent(call), '{"type":"event","kind":"message","role":"user",,}\n', serializeEvent(result)];
    const t = readRunlog('run.runlog.jsonl', lines.join(''));
    assert.equal(t.events.length, 2, 'events before and after the damage are kept');
    assert.equal(t.diagnostics.length, 1);
    const d = t.diagnostics[0]!;
    assert.equal(d.line, 3);
    assert.equal(d.afterEvent, 0);
    assert.match(d.message, /^run\.runlog\.jsonl:3:\d+: line 3 is not valid JSON/);
    assert.match(d.message, /expected/);
  });

  it('reports wrong types with the JSON path and what was expected', () => {
    const bad = JSON.stringify({ type: 'event', kind: 'tool_call', name: 'list_files', arguments: 'ls', id: 'x' }) + '\n';
    const t = readRunlog('run.runlog.jsonl', serializeHeader(header) + bad);
    assert.equal(t.events.length, 0);
    assert.match(t.diagnostics[0]!.message, /^run\.runlog\.jsonl:2: line 2: the event is not valid: \$\.arguments: expected an object, found a string "ls"$/);
  });

  it('refuses a newer schema version with a message naming both versions', () => {
    const text = JSON.stringify({ type: 'header', schema: 'peerwatch.runlog', version: 7, run: {} }) + '\n' + serializeEvent(call);
    const t = readRunlog('future.runlog.jsonl', text);
    assert.equal(t.events.length, 0);
    assert.match(t.diagnostics[0]!.message, /schema version 7, newer than the version 1/);
  });

  it('reports a version beyond any number (1e999 reads as Infinity) as not valid, naming the place, rather than throwing', () => {
    // Found by the long fuzz run (seed 88120): Infinity is greater than 1, so the header was taken
    // for a newer schema, and the header made for that message failed its own validation.
    const text = '{"type":"header","schema":"peerwatch.runlog","version":1e999,"run":{}}\n' + serializeEvent(call);
    const t = readRunlog('huge.runlog.jsonl', text);
    assert.equal(t.events.length, 1, 'the events are read, as under any header that is not valid');
    assert.equal(t.diagnostics.length, 1);
    assert.match(t.diagnostics[0]!.message, /^huge\.runlog\.jsonl:1: line 1: the header record is not valid: \$\.version: expected a number, found a number too large to hold \(it reads as Infinity\)$/);
    assert.doesNotMatch(t.diagnostics[0]!.message, /newer than/);
    // The editor's index reads the same first record (it printed the raw zod issues as the line's problem).
    const idx = new RunlogIndex('huge.runlog.jsonl');
    idx.push(Buffer.from(text, 'utf8'));
    idx.finish();
    assert.equal(idx.count, 1);
    assert.deepEqual(idx.diagnostics.map((d) => d.message), [t.diagnostics[0]!.message]);
  });

  it('reports a cut-off last line as cut off, with everything before it shown', () => {
    const text = serializeHeader(header) + serializeEvent(call) + serializeEvent(result).slice(0, 30);
    const t = readRunlog('cut.runlog.jsonl', text);
    assert.equal(t.events.length, 1);
    assert.match(t.diagnostics[0]!.message, /cut\.runlog\.jsonl:3:\d+: line 3 is cut off/);
  });

  it('skips record types it does not know, with a warning', () => {
    const t = readRunlog('x.runlog.jsonl', serializeHeader(header) + '{"type":"annotation","note":"hi"}\n' + serializeEvent(call));
    assert.equal(t.events.length, 1);
    assert.equal(t.diagnostics[0]!.severity, 'warning');
  });
});

describe('Peerwatch run log read as bytes (pushBytes, as the CLI streams a file)', () => {
  /** A log with what decoding line by line could get wrong: a BOM, CRLF, multibyte text, invalid UTF-8, damage, a cut-off end. */
  function trickyLog(): Uint8Array {
    const enc = new TextEncoder();
    const parts: Uint8Array[] = [
      new Uint8Array([0xef, 0xbb, 0xbf]),
      enc.encode(serializeHeader(header).replace('\n', '\r\n')),
      enc.encode(serializeEvent({ ...call, arguments: { key: 'café ☕ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢', value: 'False' } } as TranscriptEvent)),
      enc.encode('{"type":"event","kind":"message","role":"user","text":"broken '),
      new Uint8Array([0xe2, 0x82, 0xff, 0xc3]),
      enc.encode('"}\n\n   \n{"type":"event","kind":"message","role":"wizard","text":"x"}\n'),
      enc.encode('\ufeff' + serializeEvent(result)),
      enc.encode(serializeEvent({ ...result, index: 3, output: 'x'.repeat(5000) } as TranscriptEvent).replace('\n', '\r\n')),
      enc.encode('{"type":"event","kind":"message","role":"assistant","text":"cut o'),
    ];
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  it('reads what the decoded text reads, however the bytes are cut and when the caller reuses its buffer', () => {
    const bytes = trickyLog();
    const expected = readRunlog('t.runlog.jsonl', new TextDecoder('utf-8').decode(bytes));
    assert.equal(expected.events.length, 3, 'the valid events');
    assert.deepEqual(expected.diagnostics.map((d) => d.line), [6, 7, 9], 'the damage is reported: a bad role, a BOM inside the file, the cut-off end');
    assert.match((expected.events[1] as { text: string }).text, /broken \ufffd+"?/, 'invalid UTF-8 reads as replacement characters');
    for (const size of [1, 2, 3, 7, 64, 1000, bytes.length]) {
      const reader = new RunlogReader('t.runlog.jsonl');
      const seen: TranscriptEvent[] = [];
      // One buffer refilled for each chunk, as the CLI's file reader does.
      const buffer = new Uint8Array(size);
      for (let at = 0; at < bytes.length; at += size) {
        const n = Math.min(size, bytes.length - at);
        buffer.set(bytes.subarray(at, at + n));
        seen.push(...reader.pushBytes(buffer.subarray(0, n)));
        buffer.fill(0x41);
      }
      seen.push(...reader.finish());
      const t = reader.transcript();
      assert.deepEqual(t, expected, `chunks of ${size} bytes`);
      assert.deepEqual(seen, expected.events, `events handed on, chunks of ${size} bytes`);
    }
  });
});
