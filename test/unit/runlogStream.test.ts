// `peerwatch parse`, `convert` and `tag` stream run logs (src/node/runlogFile.ts): the output is the
// same as reading the whole file into one string (the reader every other format goes through), for
// the examples and for a damaged log, and a log several times the size of the memory given to Node
// still parses.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runSourceRecord } from '../../src/core/formats/readRun';
import { runlogFrame, serializeEvent, serializeHeader, transcriptToRunlog } from '../../src/core/runlog/runlog';
import type { TranscriptEvent } from '../../src/core/model';
import { readRunFile } from '../../src/node/readTranscript';
import { PIECE_BYTES, predictRunlogFrame, summarizeRunlogFile, writeRunlogEvents } from '../../src/node/runlogChunks';
import { peerwatch, peerwatchBin, repoRoot } from './peerwatchCli';
import { assertConvertedAs } from './convertedRunlog';
import { writeRunlogOfSize } from './bigRunlog';

const examples = readdirSync(join(repoRoot, 'examples', 'runlog'))
  .filter((n) => n.endsWith('.runlog.jsonl'))
  .map((n) => join('examples', 'runlog', n));

/** A run log with every kind of damage the reader reports, CRLF line ends and a cut-off last line. */
function damagedLog(): string {
  const event = (e: Record<string, unknown>) => JSON.stringify({ type: 'event', ...e });
  return [
    serializeHeader({ format: 'runlog', model: 'test/model', taskFamily: 'tampering' } as never).trimEnd(),
    event({ kind: 'message', role: 'user', text: 'Grade the agents.' }),
    '{"type":"event","kind":"message", oops}',
    event({ kind: 'message', role: 'wizard', text: 'not a role' }),
    JSON.stringify({ type: 'checkpoint', at: 3 }),
    '',
    event({ kind: 'tool_call', name: 'edit_file', id: 'c1', arguments: { path: 'x' } }) + '\r',
    event({ kind: 'tool_result', callId: 'c1', output: 'ok' }),
    JSON.stringify({ type: 'end', status: 'completed', evaluation: { score: 60 } }),
    event({ kind: 'message', role: 'assistant', text: 'after the end' }),
    '{"type":"event","kind":"mess',
  ].join('\n');
}

/** What `parse --json` printed before run logs were streamed: the whole file read into one string. */
async function wholeFileJson(file: string): Promise<{ file: string } & Record<string, unknown>> {
  const run = await readRunFile(join(repoRoot, file));
  return { file, ...run.transcript };
}

describe('peerwatch parse, convert and tag stream run logs', function () {
  this.timeout(60_000);
  let dir: string;
  let damaged: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'peerwatch-stream-'));
    damaged = relative(repoRoot, join(dir, 'damaged.runlog.jsonl'));
    writeFileSync(join(repoRoot, damaged), damagedLog());
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('parse --json prints what reading the whole file printed, one file or several, damaged or not', async () => {
    const files = [...examples, damaged];
    assert.ok(examples.length >= 4, 'the examples hold run logs');
    for (const file of files) {
      const r = peerwatch(['parse', file, '--json']);
      assert.equal(r.stdout, JSON.stringify(await wholeFileJson(file), null, 2) + '\n', `${file}: streamed JSON differs`);
      assert.equal(r.code, file === damaged ? 1 : 0, `${file}: exit code (${r.stderr})`);
    }
    const all = peerwatch(['parse', ...files, '--json']);
    const expected: unknown[] = [];
    for (const f of files) expected.push(await wholeFileJson(f));
    assert.equal(all.stdout, JSON.stringify(expected, null, 2) + '\n');
    // The damage is reported on stderr with file, line and column, as before.
    const d = peerwatch(['parse', damaged]);
    assert.match(d.stderr, /damaged\.runlog\.jsonl:3:\d+: line 3 is not valid JSON/);
    assert.match(d.stderr, /damaged\.runlog\.jsonl:4: line 4: the event is not valid/);
    assert.match(d.stderr, /damaged\.runlog\.jsonl:11:\d+: line 11 is cut off/);
  });

  it('parse prints the same event counts as the whole transcript has, and convert writes a run log of the same run', async () => {
    for (const file of [...examples, damaged]) {
      const run = await readRunFile(join(repoRoot, file), { hash: true });
      const counts = new Map<string, number>();
      for (const e of run.transcript.events) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
      const summary = peerwatch(['parse', file]).stdout;
      assert.ok(summary.includes(`  ${run.transcript.events.length} events: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}\n`), `${file}: ${summary}`);
      const out = join(dir, 'converted.runlog.jsonl');
      peerwatch(['convert', file, '--to', 'runlog', '-o', out]);
      assertConvertedAs(readFileSync(out), transcriptToRunlog(run.transcript, 'peerwatch convert', runSourceRecord(run)), file);
      assert.equal(peerwatch(['convert', file, '--to', 'runlog']).stdout, readFileSync(out, 'utf8'), `${file}: convert to stdout and to a file differ`);
    }
  });

  it('tag reads a streamed run log as it read the whole file', () => {
    const file = examples.find((f) => f.includes('tampering-shutdown-tampering'))!;
    const r = peerwatch(['tag', file, '--json', '--no-rules']);
    assert.equal(r.code, 0, r.stderr);
    const [report] = JSON.parse(r.stdout) as Array<{ tags: Array<{ behaviour: string }> }>;
    assert.ok(report!.tags.some((t) => t.behaviour === 'shutdown-tampering'), JSON.stringify(report));
  });

  it('reads a large log on every core and finds what the one-thread reader finds, damage and all', async function () {
    this.timeout(180_000);
    /** Writes a log line by line; `fillTo(offset)` adds valid events until the next line starts at `offset`. */
    const writer = (name: string) => {
      const file = join(dir, name);
      const fd = openSync(file, 'w');
      let bytes = 0;
      let n = 0;
      const raw = (s: string) => (bytes += writeSync(fd, s));
      const event = (text: string) => JSON.stringify({ type: 'event', kind: n % 3 ? 'message' : 'reasoning', role: 'assistant', via: 'provider', text }) + '\n';
      return {
        file,
        raw,
        fillTo(offset: number) {
          const filler = 'The peer scored 60; the threshold is 80. '.repeat(20);
          for (; bytes + 2 * filler.length < offset; n++) raw(event(filler));
          raw(event('x'.repeat(offset - bytes - event('').length)));
          n++;
          assert.equal(bytes, offset);
        },
        close: () => closeSync(fd),
      };
    };
    const header = serializeHeader({ format: 'runlog', model: 'test/model' } as never);
    /** Logs cut into pieces of `piece` bytes, with what could go wrong where pieces meet. */
    const logs = (piece: number, tag: string, onlyDamaged = false) => {
      // Damage in several pieces, on their edges and across them; an end record and a second header mid-file.
      const damagedLog = (name: string, closed: boolean) => {
        const damaged = writer(name);
        damaged.raw(header);
        damaged.fillTo(piece);
        damaged.raw('{"type":"event","kind":"message", oops}\n'); // the first line of piece 1
        damaged.fillTo(2 * piece - 10);
        damaged.raw(JSON.stringify({ type: 'event', kind: 'message', role: 'wizard', text: 'y'.repeat(40) }) + '\n'); // across pieces 1 and 2
        damaged.raw('\n  \r\n' + JSON.stringify({ type: 'end', status: 'completed', evaluation: { score: 60 } }) + '\r\n');
        damaged.raw(JSON.stringify({ type: 'checkpoint' }) + '\n' + header + '\ufeff' + JSON.stringify({ type: 'event', kind: 'message', role: 'user', text: 'z' }) + '\n');
        damaged.fillTo(3 * piece + 1);
        damaged.raw(JSON.stringify({ type: 'end', status: 'failed', error: 'out of turns' }) + '\n');
        damaged.fillTo(3 * piece + 5000);
        // Cut off, or closed by an end record after trailing blank lines (then convert reads it once).
        damaged.raw(closed ? '\n' + JSON.stringify({ type: 'end', status: 'completed', evaluation: { score: 70 } }) + '\r\n \n' : '{"type":"event","kind":"mess');
        damaged.close();
        return damaged;
      };
      const damaged = damagedLog(`damaged-${tag}.runlog.jsonl`, false);
      if (onlyDamaged) return [damaged.file, damagedLog(`closed-${tag}.runlog.jsonl`, true).file];
      const closed = damagedLog(`closed-${tag}.runlog.jsonl`, true);
      // A header of a newer version: nothing after it is read.
      const newer = writer(`newer-${tag}.runlog.jsonl`);
      newer.raw(header.replace('"version":1', '"version":9'));
      newer.fillTo(3 * piece + 100);
      newer.close();
      // No header in the first piece (blank lines), then a log without one.
      const blank = writer(`blank-${tag}.runlog.jsonl`);
      blank.raw('\n'.repeat(piece + 3));
      blank.fillTo(3 * piece + 7);
      blank.close();
      // And a clean one, read in many pieces joined by their counts alone.
      const clean = writer(`clean-${tag}.runlog.jsonl`);
      clean.raw(header);
      clean.fillTo(12 * piece + 11);
      clean.raw(JSON.stringify({ type: 'end', status: 'completed', evaluation: { score: 90 } }) + '\n');
      clean.close();
      return [damaged.file, closed.file, newer.file, blank.file, clean.file];
    };

    // Small pieces, read in this process with workers running the built CLI: both passes against the whole file.
    const workerFile = join(repoRoot, 'dist', 'cli.js');
    for (const file of logs(64 * 1024, 'small')) {
      const whole = await readRunFile(file, { hash: true });
      const counts = new Map<string, number>();
      for (const e of whole.transcript.events) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
      const first = await summarizeRunlogFile(file, { workerFile, workers: 2, pieceBytes: 64 * 1024, hash: true });
      const name = relative(dir, file);
      assert.ok(first.split.pieces.length >= 4, `${name}: read in pieces`);
      assert.deepEqual({ ...first.transcript, events: [] }, { ...whole.transcript, events: [] }, `${name}: header, diagnostics and end as the whole file gives them`);
      assert.equal(first.eventCount, whole.transcript.events.length, `${name}: events`);
      assert.deepEqual([...first.counts], [...counts], `${name}: events by kind, in order of first appearance`);
      assert.equal(first.sha256, whole.sha256, `${name}: SHA-256`);
      const written: Uint8Array[] = [];
      const n = await writeRunlogEvents(file, first.split, { kind: 'runlog' }, (t) => written.push(t), { workerFile, workers: 2 });
      assert.equal(n, whole.transcript.events.length, `${name}: events written`);
      const head = serializeHeader(whole.transcript.header);
      assertConvertedAs(Buffer.concat([Buffer.from(head), ...written]), head + whole.transcript.events.map(serializeEvent).join(''), `${name}: the events written again`);
      // convert in one pass, when the first line is a header and the last an end record.
      const predicted = predictRunlogFrame(file);
      assert.equal(predicted !== undefined, /closed|clean/.test(name), `${name}: read once by convert`);
      if (predicted) {
        const once: Array<string | Uint8Array> = [];
        const frame = (t: typeof predicted, sha256?: string) => runlogFrame(t, 'peerwatch convert', runSourceRecord({ source: file, transcript: t, ...(sha256 ? { sha256 } : {}) }));
        const run = await summarizeRunlogFile(file, { workerFile, workers: 2, pieceBytes: 64 * 1024, convert: { predicted, head: (sha) => frame(predicted, sha).head, write: (t) => once.push(t) } });
        once.push(frame(run.transcript).tail);
        assertConvertedAs(Buffer.concat(once.map((t) => Buffer.from(t))), transcriptToRunlog(whole.transcript, 'peerwatch convert', runSourceRecord(whole)), `${name}: converted in one pass`);
        assert.deepEqual(run.transcript.diagnostics, whole.transcript.diagnostics, `${name}: diagnostics of the one pass`);
      }
    }
    assert.equal((await readRunFile(join(dir, 'damaged-small.runlog.jsonl'))).transcript.diagnostics.length, 6, 'the damage the test planted is there to find');

    // The command line on a log large enough for its own pieces: parse, parse --json and convert.
    const [damaged, closed] = logs(PIECE_BYTES, 'big', true);
    const wholeClosed = await readRunFile(closed!, { hash: true });
    const outClosed = join(dir, 'converted-closed.runlog.jsonl');
    const convertedClosed = peerwatch(['convert', closed!, '--to', 'runlog', '-o', outClosed]);
    assert.equal(convertedClosed.code, 1, 'the damage fails the conversion');
    assert.equal(convertedClosed.stderr, wholeClosed.transcript.diagnostics.map((d) => `${d.severity}: ${d.message}\n`).join(''));
    assertConvertedAs(readFileSync(outClosed), transcriptToRunlog(wholeClosed.transcript, 'peerwatch convert', runSourceRecord(wholeClosed)), 'convert in one pass');
    const whole = await readRunFile(damaged!, { hash: true });
    const cli = peerwatch(['parse', damaged!]);
    assert.equal(cli.code, 1);
    assert.equal(cli.stderr, whole.transcript.diagnostics.map((d) => `${d.severity}: ${d.message}\n`).join(''));
    assert.ok(cli.stdout.includes(`  ${whole.transcript.events.length} events: `), cli.stdout);
    const json = peerwatch(['parse', damaged!, '--json']);
    assert.ok(json.stdout === JSON.stringify({ file: damaged, ...whole.transcript }, null, 2) + '\n', 'parse --json differs from the whole file\'s');
    const out = join(dir, 'converted-big.runlog.jsonl');
    peerwatch(['convert', damaged!, '--to', 'runlog', '-o', out]);
    assertConvertedAs(readFileSync(out), transcriptToRunlog(whole.transcript, 'peerwatch convert', runSourceRecord(whole)), 'convert in two passes');
  });

  it('parses and converts a run log several times the size of the memory Node is given', () => {
    // 120 MB of events against a 48 MB heap: a string of the whole file alone would not fit.
    const filler = 'The config says shutdown is enabled; the score is 60. '.repeat(40);
    const events = writeRunlogOfSize(join(dir, 'big.runlog.jsonl'), serializeHeader({ format: 'runlog', model: 'test/model' } as never), 121e6, (i) =>
      serializeEvent({ index: i, source: {}, kind: i % 2 ? 'tool_result' : 'message', ...(i % 2 ? { output: `${i} ${filler}` } : { role: 'assistant', text: `${i} ${filler}` }) } as unknown as TranscriptEvent),
    );
    const node = (args: string[]) => spawnSync(process.execPath, ['--max-old-space-size=48', peerwatchBin, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 20 });
    const parsed = node(['parse', 'big.runlog.jsonl']);
    assert.equal(parsed.status, 0, parsed.stderr);
    assert.ok(parsed.stdout.includes(`  ${events} events: ${Math.ceil(events / 2)} message, ${Math.floor(events / 2)} tool_result\n`), parsed.stdout);
    const converted = node(['convert', 'big.runlog.jsonl', '--to', 'runlog', '-o', 'again.runlog.jsonl']);
    assert.equal(converted.status, 0, converted.stderr);
    assert.ok(statSync(join(dir, 'again.runlog.jsonl')).size > 120e6, 'the whole log was written');
    const again = node(['parse', 'again.runlog.jsonl']);
    assert.equal(again.stdout.split('\n').at(-2), parsed.stdout.split('\n').at(-2), 'the converted log holds the same events');
  });
});
