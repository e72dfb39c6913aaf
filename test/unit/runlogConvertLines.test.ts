// `peerwatch convert LOG --to runlog` writes a valid event line of a run log again as it was, with
// its index put in its place, and serializes any other event (src/core/runlog/runlog.ts keptEventTail,
// src/node/runlogChunks.ts). Differential: what it writes, read back, is the run the serializer's
// log gives (transcriptToRunlog), for every run log the repository holds and for crafted lines
// (keys reordered, whitespace, unknown fields, escapes, non-ASCII, bytes that are not UTF-8, written
// indexes right and wrong, damage, CRLF, lines across pieces and across reads, a last line without
// a newline), read on one thread and in pieces on two.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSourceRecord } from '../../src/core/formats/readRun';
import { EVENT_LINE_PREFIX, keptEventTail, runlogFrame, serializeHeader, transcriptToRunlog } from '../../src/core/runlog/runlog';
import type { Transcript } from '../../src/core/model';
import { readRunFile } from '../../src/node/readTranscript';
import { predictRunlogFrame, summarizeRunlogFile, writeRunlogEvents } from '../../src/node/runlogChunks';
import { assertConvertedAs } from './convertedRunlog';
import { peerwatch, repoRoot } from './peerwatchCli';
import { filesUnder } from './filesUnder';


/**
 * `file` converted as the CLI converts it (src/cli/main.ts): in one pass when its first line is a
 * header and its last an end record, else in two; `pieces`: read in pieces of that size by the main
 * thread and a worker running the built CLI.
 */
async function convert(file: string, pieces?: number): Promise<{ text: Buffer; onePass: boolean; pieces: number }> {
  const parts: Array<string | Uint8Array> = [];
  const opts = pieces ? { workerFile: join(repoRoot, 'dist', 'cli.js'), workers: 1, pieceBytes: pieces } : {};
  const frame = (t: Pick<Transcript, 'header' | 'live'>, sha256?: string) => runlogFrame(t, 'peerwatch convert', runSourceRecord({ source: file, transcript: t as Transcript, ...(sha256 ? { sha256 } : {}) }));
  const predicted = predictRunlogFrame(file);
  let read: number;
  if (predicted) {
    const run = await summarizeRunlogFile(file, { ...opts, convert: { predicted, head: (sha) => frame(predicted, sha).head, write: (t) => parts.push(t) } });
    parts.push(frame(run.transcript).tail);
    read = run.split.pieces.length;
  } else {
    const run = await summarizeRunlogFile(file, { ...opts, hash: true });
    read = run.split.pieces.length;
    const { head, tail } = frame(run.transcript, run.sha256);
    parts.push(head);
    await writeRunlogEvents(file, run.split, { kind: 'runlog' }, (t) => parts.push(t), opts.workerFile ? { workerFile: opts.workerFile, workers: 1 } : {});
    parts.push(tail);
  }
  return { text: Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p))), onePass: predicted !== undefined, pieces: read };
}

/** The serializer's run log of `file` read whole: what convert wrote before it kept lines. */
async function serialized(file: string): Promise<string> {
  const whole = await readRunFile(file, { hash: true });
  return transcriptToRunlog(whole.transcript, 'peerwatch convert', runSourceRecord(whole));
}

const event = (fields: string) => `{"type":"event",${fields}}`;
const user = (text: string) => `"kind":"message","role":"user","text":${JSON.stringify(text)}`;

/** Lines a writer other than Peerwatch might write, valid or not; `kept`: written again as they are (but for the index). */
const CRAFTED: Array<{ line: string | Buffer; kept?: boolean; what: string }> = [
  { line: event(`"index":0,${user('index written right')}`), kept: true, what: 'index written right' },
  { line: event(`"index":0,${user('index written wrong')}`), kept: false, what: 'index written wrong' },
  { line: event(user('no index')), kept: true, what: 'no index' },
  { line: `{"kind":"message","type":"event","role":"user","text":"keys reordered"}`, kept: false, what: 'type not first' },
  { line: event(`"role":"user","text":"fields in another order","kind":"message"`), kept: true, what: 'fields in another order' },
  { line: `{ "type" : "event" , "kind" : "message" , "role" : "user" , "text" : "spaced" }`, kept: false, what: 'whitespace in the prefix' },
  { line: `{"type":"event",  ${user('whitespace after the prefix')} }`, kept: true, what: 'whitespace after the prefix' },
  { line: event(`${user('unknown fields')},"mood":"curious","nested":{"a":[1,2,{"b":null}]}`), kept: true, what: 'unknown fields' },
  { line: event(`"kind":"message","role":"user","text":"escapes: \\u00e9 \\"q\\" \\/ \\\\ \\n \\t \\ud83d\\ude00 \\u2028 \\ud800"`), kept: true, what: 'escapes' },
  { line: event(user('non-ASCII: café, 日本語, 😀, \u2028 raw')), kept: true, what: 'non-ASCII' },
  { line: Buffer.concat([Buffer.from(event(`"kind":"message","role":"user","text":"bytes not UTF-8: `).slice(0, -1)), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}')]), kept: false, what: 'bytes not UTF-8' },
  { line: event(`"index":"seven",${user('index not a number')}`), kept: false, what: 'index not a number' },
  { line: event(`"index":1.5,${user('index not an integer')}`), kept: false, what: 'index not an integer' },
  { line: event(`"index":3,${user('index twice')},"index":4`), kept: false, what: 'index twice' },
  { line: event(`"kind":"reasoning","text":"defaults left out","via":"provider"`), kept: true, what: 'defaults left out' },
  { line: event(`${user('a source written')},"source":{"line":99}`), kept: true, what: 'a source written' },
  { line: event(`"kind":"tool_call","name":"edit","arguments":{"__proto__":{"a":1},"path":"x"},"id":"c1"`), kept: true, what: '__proto__ in arguments' },
  { line: event(`${user('type twice')},"type":"event"`), kept: true, what: 'type twice' },
  { line: event(user('CRLF')) + '\r', kept: true, what: 'CRLF' },
  { line: event(user('trailing spaces')) + '   ', kept: true, what: 'trailing spaces' },
  { line: '{"type":"event","kind":"message", oops}', what: 'not JSON' },
  { line: event(`"kind":"message","role":"wizard","text":"not a role"`), what: 'not a valid event' },
  { line: '{"type":"event","index":01,"kind":"message"}', what: 'a number JSON forbids' },
  { line: JSON.stringify({ type: 'checkpoint' }), what: 'a record type this Peerwatch does not know' },
  { line: '', what: 'a blank line' },
];

/** A run log of `header`, the crafted lines, and filler events until byte `size`, the crafted lines placed again across piece edges and read edges. */
function craftedLog(pieceBytes: number, ending: 'end' | 'cut'): Buffer {
  const parts: Buffer[] = [Buffer.from(serializeHeader({ format: 'runlog', model: 'test/crafted' } as never))];
  let size = parts[0]!.length;
  const add = (b: string | Buffer) => {
    const buf = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
    parts.push(buf);
    size += buf.length;
  };
  const addCrafted = () => {
    for (const c of CRAFTED) add(Buffer.concat([typeof c.line === 'string' ? Buffer.from(c.line) : c.line, Buffer.from('\n')]));
  };
  const fillTo = (offset: number) => {
    for (let n = 0; size < offset - 200; n++) add(event(user(`filler ${n} `.padEnd(Math.min(150, offset - size - 60), '.'))) + '\n');
  };
  addCrafted();
  for (let k = 1; k <= 3; k++) {
    // The crafted lines across the edge of piece k.
    fillTo(k * pieceBytes - 300);
    addCrafted();
  }
  // A line longer than a read (1 MB), kept, then the crafted lines again.
  add(event(user('long '.repeat(260_000))) + '\n');
  addCrafted();
  add(ending === 'end' ? JSON.stringify({ type: 'end', status: 'completed', evaluation: { score: 70 } }) + '\n' : event(user('the last line, without a newline')));
  return Buffer.concat(parts);
}

describe('peerwatch convert writes a run log\'s event lines as they were, numbered by their place', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'peerwatch-convert-lines-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps a line that begins {"type":"event", with no index or the index the record holds, and no other', () => {
    const tail = (line: string, written: unknown) => {
      const bytes = Buffer.from(line);
      const at = keptEventTail(bytes, 0, bytes.length, written);
      return at < 0 ? undefined : bytes.subarray(at).toString();
    };
    assert.equal(tail(event(user('a')), undefined), `,${user('a')}}`, 'no index: the tail begins at the comma after "event"');
    assert.equal(tail(event(`"index":12,${user('a')}`), 12), `,${user('a')}}`, 'the index the record holds: the tail begins after its digits');
    assert.equal(tail(event(`"index":12,${user('a')}`), 13), undefined, 'digits that are not the index the record holds (another index key overrides them)');
    assert.equal(tail(event(`"index":1.5,${user('a')}`), 1.5), undefined, 'an index that is not a whole number');
    assert.equal(tail(event(`"index":"7",${user('a')}`), '7'), undefined, 'an index that is not a number');
    assert.equal(tail(`{"kind":"message","type":"event"}`, undefined), undefined, 'type not first');
    assert.equal(tail(`{"type": "event",${user('a')}}`, undefined), undefined, 'whitespace inside the prefix');
    // Where the line starts and ends in a larger buffer is respected.
    const bytes = Buffer.from(`xx${event(user('a'))}yy`);
    assert.equal(keptEventTail(bytes, 2, bytes.length - 2, undefined), 2 + '{"type":"event"'.length);
    assert.equal(keptEventTail(bytes, 0, bytes.length, undefined), -1);
  });

  it('converts every run log in examples/ and test/fixtures/ to what the serializer\'s log reads back as', async () => {
    const files = [...filesUnder(join(repoRoot, 'examples'), '.runlog.jsonl'), ...filesUnder(join(repoRoot, 'test', 'fixtures'), '.runlog.jsonl')];
    assert.ok(files.length >= 100, `the repository's run logs (${files.length})`);
    let onePass = 0;
    for (const file of files) {
      const converted = await convert(file);
      onePass += converted.onePass ? 1 : 0;
      assertConvertedAs(converted.text, await serialized(file), file.slice(repoRoot.length + 1));
    }
    assert.ok(onePass > 0 && onePass < files.length, `both ways of converting are used (${onePass} of ${files.length} in one pass)`);
  });

  for (const ending of ['end', 'cut'] as const) {
    it(`converts crafted lines on one thread and in pieces, ${ending === 'end' ? 'ended by an end record (one pass)' : 'cut off without a newline (two passes)'}`, async () => {
      const pieceBytes = 64 * 1024;
      const file = join(dir, `crafted-${ending}.runlog.jsonl`);
      writeFileSync(file, craftedLog(pieceBytes, ending));
      const expected = await serialized(file);
      const whole = await readRunFile(file);
      // Three damaged lines and a record of an unknown type, five times over.
      assert.deepEqual(['error', 'warning'].map((s) => whole.transcript.diagnostics.filter((d) => d.severity === s).length), [15, 5], 'the damage planted is there to find');
      const alone = await convert(file);
      assert.equal(alone.onePass, ending === 'end');
      assertConvertedAs(alone.text, expected, `${ending}: on one thread`);
      const inPieces = await convert(file, pieceBytes);
      assert.ok(inPieces.pieces >= 20, `${ending}: read in pieces (${inPieces.pieces})`);
      assertConvertedAs(inPieces.text, expected, `${ending}: in pieces`);
      assert.ok(inPieces.text.equals(alone.text), `${ending}: the same bytes however the log is cut into pieces`);

      // What is kept is the line as written; what is not is the serializer's line.
      const lines = alone.text.toString('utf8').split('\n');
      const serializedLines = expected.split('\n');
      const valid = CRAFTED.filter((c) => c.kept !== undefined);
      for (const [i, c] of valid.entries()) {
        const at = 1 + i; // the crafted lines come first, after the header
        const original = (typeof c.line === 'string' ? c.line : c.line.toString('utf8')).replace(/\r$/, '');
        if (c.kept) {
          const rest = original.replace(/^\{"type":"event",("index":\d+,)?/, '');
          assert.equal(lines[at], `${EVENT_LINE_PREFIX}${i},${rest}`, `${c.what}: kept as written`);
        } else assert.equal(lines[at], serializedLines[at], `${c.what}: serialized`);
      }

      // And through the command line, to a file and to stdout.
      const out = join(dir, `crafted-${ending}.converted.runlog.jsonl`);
      const cli = peerwatch(['convert', file, '--to', 'runlog', '-o', out]);
      assert.equal(cli.code, 1, 'the damage fails the conversion');
      assert.equal(cli.stderr, whole.transcript.diagnostics.map((d) => `${d.severity}: ${d.message}\n`).join(''), 'the diagnostics, as reading the whole file gives them');
      assert.ok(readFileSync(out).equals(alone.text), 'the command line writes the same bytes');
      assert.ok(Buffer.from(peerwatch(['convert', file, '--to', 'runlog']).stdout, 'utf8').equals(alone.text), 'to stdout as to a file');
    });
  }
});
