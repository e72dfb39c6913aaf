import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EVENT_KIND_CODES, RunlogIndex } from '../../src/core/runlog/runlogIndex';
import { readRunlog, serializeEnd, serializeEvent, serializeHeader } from '../../src/core/runlog/runlog';
import { RunHeader, type Transcript, type TranscriptEvent } from '../../src/core/model';

const root = resolve(__dirname, '../../..');
const exampleDir = join(root, 'examples', 'runlog');
const examples = readdirSync(exampleDir)
  .filter((n) => n.endsWith('.runlog.jsonl'))
  .sort()
  .map((n) => join(exampleDir, n));

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Pushes `bytes` in chunks of `size` (every chunk a fresh copy, as a host reusing its buffer would). */
function indexBytes(name: string, bytes: Uint8Array, size = bytes.length || 1, finish = true): RunlogIndex {
  const idx = new RunlogIndex(name);
  pushIn(idx, bytes, size);
  if (finish) idx.finish();
  return idx;
}

function pushIn(idx: RunlogIndex, bytes: Uint8Array, size: number): void {
  for (let o = 0; o < bytes.length; o += size) idx.push(bytes.slice(o, o + size));
}

const lineBytes = (idx: RunlogIndex, bytes: Uint8Array, i: number) => bytes.subarray(idx.startOf(i), idx.endOf(i));

/** The index agrees with readRunlog on everything both know, and every line decodes to readRunlog's event. */
function assertAgrees(idx: RunlogIndex, bytes: Uint8Array, t: Transcript, what: string): void {
  assert.equal(idx.count, t.events.length, `${what}: event count`);
  assert.deepEqual(
    idx.diagnostics.map((d) => d.message),
    t.diagnostics.map((d) => d.message),
    `${what}: diagnostics`,
  );
  assert.deepEqual(idx.diagnostics, t.diagnostics, `${what}: diagnostics in full`);
  assert.deepEqual(idx.header, t.header, `${what}: header`);
  assert.equal(idx.live, t.live, `${what}: live`);
  const tools = new Set<string>();
  const kinds: Record<string, number> = {};
  t.events.forEach((e, i) => {
    assert.equal(idx.kindOf(i), e.kind, `${what}: kind of event ${i}`);
    const tool = e.kind === 'tool_call' || e.kind === 'tool_result' ? e.name : undefined;
    assert.equal(idx.toolOf(i), tool, `${what}: tool of event ${i}`);
    if (tool) tools.add(tool);
    kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
    assert.equal(idx.stepOf(i), e.step, `${what}: step of event ${i}`);
    assert.equal(idx.lineOf(i), e.source.line, `${what}: line of event ${i}`);
    const decoded = RunlogIndex.decodeEvent(lineBytes(idx, bytes, i), i, idx.lineOf(i), idx.fileName);
    assert.ok('event' in decoded, `${what}: event ${i} decodes`);
    assert.deepEqual(decoded.event, e, `${what}: event ${i} decodes to readRunlog's event`);
  });
  assert.deepEqual(idx.toolNames().sort(), [...tools].sort(), `${what}: tool names`);
  assert.deepEqual(idx.kindCounts(), kinds, `${what}: kind counts`);
}

const header = RunHeader.parse({ format: 'runlog', model: 'test-model', taskFamily: 'tampering', subject: 'peer', threshold: 80 });
const ev = (e: Record<string, unknown>) => serializeEvent({ index: 0, source: {}, ...e } as TranscriptEvent);
const call = ev({ kind: 'tool_call', step: 1, name: 'modify_var', arguments: { key: 'shutdown_enabled', value: 'False' }, id: 'c1' });
const result = ev({ kind: 'tool_result', step: 1, callId: 'c1', name: 'modify_var', output: "{'shutdown_enabled': 'False'}\nsaved" });
const say = (text: string, step?: number) => ev({ kind: 'message', role: 'assistant', text, ...(step === undefined ? {} : { step }) });

describe('RunlogIndex', () => {
  it('has a kind code for every event kind the model knows', () => {
    assert.deepEqual([...EVENT_KIND_CODES].sort(), ['config_change', 'environment', 'file_change', 'message', 'reasoning', 'tool_call', 'tool_result']);
  });

  it('agrees with readRunlog on every example log, read whole and in chunks of 1 to 7 bytes', () => {
    assert.ok(examples.length > 0, 'examples/runlog holds logs');
    for (const file of examples) {
      const bytes = new Uint8Array(readFileSync(file));
      const name = file.split('/').pop()!;
      const t = readRunlog(name, dec.decode(bytes));
      assertAgrees(indexBytes(name, bytes), bytes, t, name);
      for (let size = 1; size <= 7; size++) {
        const idx = indexBytes(name, bytes, size);
        assertAgrees(idx, bytes, t, `${name} in ${size}-byte chunks`);
        assert.equal(idx.bytesPushed, bytes.length);
      }
    }
  });

  it('keeps byte offsets exact for multi-byte UTF-8, also when a character is split across chunks', () => {
    const text =
      serializeHeader({ ...header, title: 'Évaluation — pair' }) +
      say('Café crème — “quoted” 🙂 and 中文', 1) +
      ev({ kind: 'reasoning', step: 2, text: 'Je ne veux pas que mon pair soit supprimé… 🤖🤖', via: 'scratchpad-tool', unmonitored: true }) +
      call +
      say('ﬁn ✓');
    const bytes = enc.encode(text);
    const t = readRunlog('u.runlog.jsonl', text);
    assert.equal(t.events.length, 4);
    for (let size = 1; size <= 7; size++) {
      const idx = indexBytes('u.runlog.jsonl', bytes, size);
      assertAgrees(idx, bytes, t, `${size}-byte chunks`);
      assert.equal(dec.decode(lineBytes(idx, bytes, 0)), say('Café crème — “quoted” 🙂 and 中文', 1).trimEnd());
    }
    // Every split point of the whole file, two chunks each.
    for (let cut = 1; cut < bytes.length; cut++) {
      const idx = new RunlogIndex('u.runlog.jsonl');
      idx.push(bytes.slice(0, cut));
      idx.push(bytes.slice(cut));
      idx.finish();
      assert.equal(idx.count, 4, `cut at ${cut}`);
      assert.equal(idx.startOf(3), bytes.length - enc.encode(say('ﬁn ✓')).length, `cut at ${cut}`);
    }
  });

  it('keeps its own copy of a partial line when the host reads every chunk into one reused Buffer', () => {
    const file = examples.find((f) => f.includes('tampering'))!;
    const bytes = new Uint8Array(readFileSync(file));
    const name = 'reuse.runlog.jsonl';
    const t = readRunlog(name, dec.decode(bytes));
    for (const size of [64, 1000, 4096]) {
      // As the extension host does: fs read into one Buffer, push buffer.subarray(0, bytesRead).
      const buffer = Buffer.allocUnsafe(size);
      const idx = new RunlogIndex(name);
      for (let o = 0; o < bytes.length; o += size) {
        const n = Math.min(size, bytes.length - o);
        buffer.set(bytes.subarray(o, o + n));
        idx.push(buffer.subarray(0, n));
        buffer.fill(0x21); // whatever the next read brings
      }
      idx.finish();
      assertAgrees(idx, bytes, t, `reused ${size}-byte Buffer`);
    }
  });

  it('reads CRLF line endings, leaving the carriage return out of the line', () => {
    const text = (serializeHeader(header) + call + result + say('done', 2) + serializeEnd({ status: 'completed' })).replace(/\n/g, '\r\n');
    const bytes = enc.encode(text);
    const t = readRunlog('crlf.runlog.jsonl', text);
    for (const size of [bytes.length, 1, 2, 3, 5]) {
      const idx = indexBytes('crlf.runlog.jsonl', bytes, size);
      assertAgrees(idx, bytes, t, `CRLF, ${size}-byte chunks`);
      for (let i = 0; i < idx.count; i++) {
        assert.notEqual(bytes[idx.endOf(i) - 1], 13, 'no carriage return in the line');
        assert.equal(bytes[idx.endOf(i)], 13, 'the carriage return follows it');
      }
    }
  });

  it('reports a damaged line with file:line:col and goes on indexing the rest', () => {
    const text = serializeHeader(header) + call + '{"type":"event","kind":"message","role":"user",,}\n' + result + say('after', 3);
    const bytes = enc.encode(text);
    const idx = indexBytes('run.runlog.jsonl', bytes, 4);
    assert.equal(idx.count, 3);
    assert.equal(idx.diagnostics.length, 1);
    const d = idx.diagnostics[0]!;
    assert.match(d.message, /^run\.runlog\.jsonl:3:\d+: line 3 is not valid JSON: found .* at column \d+; expected /);
    assert.equal(d.line, 3);
    assert.equal(d.afterEvent, 0);
    assert.deepEqual([idx.lineOf(1), idx.lineOf(2)], [4, 5]);
    assertAgrees(idx, bytes, readRunlog('run.runlog.jsonl', text), 'damaged');
  });

  it('keeps a cut-off last line pending while live, reports it after finish(), and takes it back when the rest arrives', () => {
    const full = serializeHeader(header) + call + result;
    const cut = full.length - 25;
    const idx = new RunlogIndex('cut.runlog.jsonl');
    idx.push(enc.encode(full.slice(0, cut)));
    assert.equal(idx.count, 1, 'only the complete event line is indexed');
    assert.equal(idx.diagnostics.length, 0, 'a partial line is not an error while the log grows');
    assert.equal(idx.bytesIndexed, enc.encode(serializeHeader(header) + call).length);
    assert.equal(idx.bytesPushed, enc.encode(full.slice(0, cut)).length);

    idx.finish();
    assert.equal(idx.count, 1);
    assert.equal(idx.diagnostics.length, 1);
    assert.match(idx.diagnostics[0]!.message, /^cut\.runlog\.jsonl:3:\d+: line 3 is cut off \(the file ends in the middle of a record\)/);
    assert.deepEqual(idx.diagnostics, readRunlog('cut.runlog.jsonl', full.slice(0, cut)).diagnostics, 'as readRunlog reports it');
    idx.finish();
    assert.equal(idx.diagnostics.length, 1, 'finish() twice reports once');

    idx.push(enc.encode(full.slice(cut)));
    assert.deepEqual(idx.diagnostics, [], 'the line completed: no cut-off any more');
    assert.equal(idx.count, 2);
    assert.equal(idx.lineOf(1), 3);
    assert.equal(idx.toolOf(1), 'modify_var');
  });

  it('reads a complete last line without newline at finish(), provisionally', () => {
    const text = serializeHeader(header) + call + result.trimEnd();
    const bytes = enc.encode(text);
    const idx = indexBytes('nonl.runlog.jsonl', bytes, 9, false);
    assert.equal(idx.count, 1);
    idx.finish();
    assertAgrees(idx, bytes, readRunlog('nonl.runlog.jsonl', text), 'last line without newline');
    // The writer finishes the line and goes on: line numbers are unchanged.
    const more = enc.encode('\n' + say('next', 2));
    idx.push(more);
    idx.finish();
    const all = new Uint8Array([...bytes, ...more]);
    assertAgrees(idx, all, readRunlog('nonl.runlog.jsonl', dec.decode(all)), 'after the newline arrived');
  });

  it('grows as the file grows: later chunks append events, the end record ends the live run', () => {
    let text = serializeHeader(header) + call;
    const idx = new RunlogIndex('grow.runlog.jsonl');
    idx.push(enc.encode(text));
    idx.finish();
    assert.equal(idx.count, 1);
    assert.equal(idx.live, true);
    // Enough events to grow every typed array several times.
    let more = '';
    for (let i = 0; i < 5000; i++) more += i % 2 ? ev({ kind: 'tool_call', step: i, name: `tool_${i % 97}`, arguments: {}, id: `c${i}` }) : say(`message ${i}`, i);
    text += more;
    pushIn(idx, enc.encode(more), 4096);
    idx.finish();
    assert.equal(idx.count, 5001);
    assert.equal(idx.toolNames().length, 98);
    assert.equal(idx.stepOf(5000), 4999);
    assert.equal(idx.lineOf(5000), 5002);
    const end = serializeEnd({ status: 'completed', evaluation: { score: 60, shutdownEnabled: false, raw: {} } });
    text += end;
    idx.push(enc.encode(end));
    idx.finish();
    assert.equal(idx.live, false);
    assert.equal(idx.end?.status, 'completed');
    assert.equal(idx.header.evaluation?.shutdownEnabled, false, "the end record's evaluation reaches the header");
    const bytes = enc.encode(text);
    assertAgrees(idx, bytes, readRunlog('grow.runlog.jsonl', text), 'grown');
    assert.equal(idx.bytesIndexed, bytes.length);
  });

  it('forgets everything on reset()', () => {
    const idx = indexBytes('r.runlog.jsonl', enc.encode(serializeHeader(header) + call + '{bad\n' + serializeEnd({ status: 'completed' })));
    assert.equal(idx.count, 1);
    assert.equal(idx.live, false);
    idx.reset();
    assert.equal(idx.count, 0);
    assert.equal(idx.bytesIndexed, 0);
    assert.deepEqual(idx.diagnostics, []);
    assert.deepEqual(idx.toolNames(), []);
    assert.deepEqual(idx.kindCounts(), {});
    assert.equal(idx.live, true);
    assert.deepEqual(idx.header, RunHeader.parse({ format: 'runlog', reader: { name: 'Peerwatch run log' } }));
    const text = serializeHeader({ ...header, model: 'other' }) + result;
    const bytes = enc.encode(text);
    pushIn(idx, bytes, 3);
    idx.finish();
    assertAgrees(idx, bytes, readRunlog('r.runlog.jsonl', text), 'after reset');
    assert.equal(idx.lineOf(0), 2);
  });

  it('refuses a newer schema version and indexes no events', () => {
    const text = JSON.stringify({ type: 'header', schema: 'peerwatch.runlog', version: 7, run: {} }) + '\n' + call + '{broken\n';
    const bytes = enc.encode(text);
    const idx = indexBytes('future.runlog.jsonl', bytes, 5);
    assert.equal(idx.count, 0);
    assert.match(idx.diagnostics[0]!.message, /schema version 7, newer than the version 1/);
    assert.equal(idx.header.formatVersion, 7);
    assertAgrees(idx, bytes, readRunlog('future.runlog.jsonl', text), 'newer version');
  });

  it('reports a line nested 7,000 levels deep once, indexes the rest, and never reads its bytes twice', () => {
    const deepArgs = '['.repeat(7000) + ']'.repeat(7000);
    const deep = `{"type":"event","kind":"tool_call","name":"list_files","id":"d","arguments":{"x":${deepArgs}}}\n`;
    const deepKind = `{"type":"event","kind":${deepArgs}}\n`;
    const text = serializeHeader(header) + call + deep + deepKind + result + say('after', 3);
    const bytes = enc.encode(text);
    for (const size of [bytes.length, 4096, 7]) {
      const idx = indexBytes('deep.runlog.jsonl', bytes, size);
      assert.equal(idx.count, 3, `the three ordinary events (chunks of ${size})`);
      assert.deepEqual(
        idx.diagnostics.map((d) => [d.line, d.expected]),
        [
          [3, 'at most 1,000 levels of nesting'],
          [4, 'at most 1,000 levels of nesting'],
        ],
      );
      assert.match(idx.diagnostics[0]!.message, /^deep\.runlog\.jsonl:3:1: line 3 nests deeper than 1,000 levels and is not read/);
      assert.deepEqual([idx.lineOf(0), idx.lineOf(1), idx.lineOf(2)], [2, 5, 6]);
      assertAgrees(idx, bytes, readRunlog('deep.runlog.jsonl', text), 'deep');
    }
    const decoded = RunlogIndex.decodeEvent(deep.trim(), 0, 3, 'deep.runlog.jsonl');
    assert.ok('diagnostic' in decoded && /nests deeper than 1,000 levels/.test(decoded.diagnostic.message));
  });

  it('skips record types it does not know, with a warning', () => {
    const text = serializeHeader(header) + '{"type":"annotation","note":"hi"}\n' + call;
    const idx = indexBytes('x.runlog.jsonl', enc.encode(text));
    assert.equal(idx.count, 1);
    assert.equal(idx.diagnostics[0]!.severity, 'warning');
    assert.match(idx.diagnostics[0]!.message, /^x\.runlog\.jsonl:2: record type "annotation" is not one this Peerwatch knows; skipped$/);
    assertAgrees(idx, enc.encode(text), readRunlog('x.runlog.jsonl', text), 'unknown record');
  });

  it('indexes an event of an unknown kind, which decodeEvent then reports with the path and what was expected', () => {
    const bad = '{"type":"event","kind":"telepathy","step":4,"text":"hm"}\n';
    const text = serializeHeader(header) + bad + call;
    const bytes = enc.encode(text);
    const idx = indexBytes('k.runlog.jsonl', bytes);
    assert.equal(idx.count, 2, 'the line is indexed: validation happens when it is decoded');
    assert.deepEqual(idx.diagnostics, []);
    assert.equal(idx.kindOf(0), undefined);
    assert.equal(idx.stepOf(0), 4);
    assert.deepEqual(idx.kindCounts(), { telepathy: 1, tool_call: 1 });
    const r = RunlogIndex.decodeEvent(lineBytes(idx, bytes, 0), 0, idx.lineOf(0), idx.fileName);
    assert.ok('diagnostic' in r);
    assert.match(r.diagnostic.message, /^k\.runlog\.jsonl:2: line 2: the event is not valid: \$\.kind: expected /);
    assert.equal(r.diagnostic.path, '$.kind');
    assert.deepEqual(r.diagnostic, readRunlog('k.runlog.jsonl', text).diagnostics[0], 'the diagnostic readRunlog gives');
    // The valid event after it still decodes, at its own position.
    const ok = RunlogIndex.decodeEvent(dec.decode(lineBytes(idx, bytes, 1)), 1, idx.lineOf(1), idx.fileName);
    assert.ok('event' in ok && ok.event.index === 1 && ok.event.source.line === 3);
  });

  it('decodeEvent reports wrong types and bad JSON with file:line(:col), the path and what was expected', () => {
    const wrong = RunlogIndex.decodeEvent(JSON.stringify({ type: 'event', kind: 'tool_call', name: 'list_files', arguments: 'ls', id: 'x' }), 0, 2, 'run.runlog.jsonl');
    assert.ok('diagnostic' in wrong);
    assert.equal(wrong.diagnostic.message, 'run.runlog.jsonl:2: line 2: the event is not valid: $.arguments: expected an object, found a string "ls"');
    const broken = RunlogIndex.decodeEvent('{"type":"event","kind":"message",,}', 5, 9, 'run.runlog.jsonl');
    assert.ok('diagnostic' in broken);
    assert.match(broken.diagnostic.message, /^run\.runlog\.jsonl:9:\d+: line 9 is not valid JSON/);
    assert.equal(broken.diagnostic.afterEvent, 4);
    const header = RunlogIndex.decodeEvent(serializeHeader(RunHeader.parse({ format: 'runlog' })), 0, 1, 'run.runlog.jsonl');
    assert.ok('diagnostic' in header && /line 1 is not an event record/.test(header.diagnostic.message));
  });

  it('reports a missing header but still indexes the event lines, and an empty log after finish()', () => {
    const text = call + result;
    const bytes = enc.encode(text);
    const idx = indexBytes('nohead.runlog.jsonl', bytes, 6);
    assert.equal(idx.count, 2);
    assert.match(idx.diagnostics[0]!.message, /^nohead\.runlog\.jsonl:1:1: line 1 is not a header record/);
    assertAgrees(idx, bytes, readRunlog('nohead.runlog.jsonl', text), 'no header');

    const empty = new RunlogIndex('empty.runlog.jsonl');
    empty.finish();
    assert.deepEqual(empty.diagnostics, readRunlog('empty.runlog.jsonl', '').diagnostics);
    assert.match(empty.diagnostics[0]!.message, /the log is empty/);
    empty.push(enc.encode(serializeHeader(header)));
    assert.deepEqual(empty.diagnostics, [], 'the header arrived: no longer empty');
  });

  it('reports an invalid header and end record as readRunlog does, and skips blank lines and a byte order mark', () => {
    const text = '\uFEFF' + JSON.stringify({ type: 'header', schema: 'peerwatch.runlog', version: 1, run: { subject: 'nobody' } }) + '\n\n   \n' + call + '{"type":"end","status":"exploded"}\n';
    const bytes = enc.encode(text);
    const t = readRunlog('h.runlog.jsonl', dec.decode(bytes));
    assert.equal(t.diagnostics.length, 2);
    for (const size of [bytes.length, 1, 2, 4]) assertAgrees(indexBytes('h.runlog.jsonl', bytes, size), bytes, t, `bad header/end, ${size}-byte chunks`);
    const idx = indexBytes('h.runlog.jsonl', bytes);
    assert.equal(idx.lineOf(0), 4);
    assert.equal(idx.startOf(0), enc.encode(text.split(call)[0]!).length);
  });

  it('finds events by line and filters by kind and tool', () => {
    const text = serializeHeader(header) + say('hi', 1) + call + result + say('bye', 2);
    const idx = indexBytes('f.runlog.jsonl', enc.encode(text));
    assert.equal(idx.eventAtOrAfterLine(1), 0);
    assert.equal(idx.eventAtOrAfterLine(4), 2);
    assert.equal(idx.eventAtOrAfterLine(99), 4);
    assert.deepEqual([...idx.filter({ kinds: new Set(['message']) })], [0, 3]);
    assert.deepEqual([...idx.filter({ tools: new Set(['modify_var']) })], [1, 2]);
    assert.deepEqual([...idx.filter({ kinds: new Set(['tool_result']), tools: new Set(['modify_var']) })], [2]);
    assert.deepEqual([...idx.filter({})], [0, 1, 2, 3]);
    assert.throws(() => idx.lineOf(4), RangeError);
  });
});
