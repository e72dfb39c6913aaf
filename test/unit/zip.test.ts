// The zip reader (src/core/archive/zip.ts) against real Inspect logs and archives written by
// scripts/lib/zipWriter.mjs: central directory, zip64, stored/deflate/zstd members, archives without a
// central directory, damaged members.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { readZipDirectory, readZipMember, ZipError, ZipMemberError } from '../../src/core/archive/zip';
import type { ByteSource } from '../../src/core/formats/sampleLog';
import { nodeCodecs as codecs } from '../../src/node/sampleLogs';
import { writeZip } from '../../scripts/lib/zipWriter.mjs';
import { realFixtures } from './realFixtures';

const real = realFixtures('inspect');

/** A ByteSource over a buffer that counts the bytes read. */
function bufferSource(buf: Uint8Array): ByteSource & { bytesRead: number } {
  const s = {
    bytesRead: 0,
    async size() {
      return buf.length;
    },
    async read(offset: number, length: number) {
      const out = buf.subarray(offset, Math.min(buf.length, offset + length));
      s.bytesRead += out.length;
      return out;
    },
  };
  return s;
}

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

describe('zip reader', () => {
  it('lists the members of real Inspect logs from their central directory', async () => {
    assert.ok(existsSync(real), `Inspect's logs are expected at ${real}`);
    const buf = readFileSync(resolve(real, 'log_streaming.eval'));
    const dir = await readZipDirectory('log_streaming.eval', bufferSource(buf));
    assert.equal(dir.fromCentralDirectory, true);
    assert.deepEqual(dir.problems, []);
    assert.deepEqual(
      [...dir.entries.keys()].sort(),
      ['_journal/start.json', '_journal/summaries/1.json', 'header.json', 'reductions.json', 'samples/1_epoch_1.json', 'samples/1_epoch_2.json', 'samples/2_epoch_1.json', 'samples/2_epoch_2.json', 'summaries.json'],
    );
    for (const e of dir.entries.values()) assert.equal(e.method, 8, `${e.name} is deflated`);
  });

  it('reads one member by byte range, not the whole file', async () => {
    const buf = readFileSync(resolve(real, 'log_streaming.eval'));
    const source = bufferSource(buf);
    const dir = await readZipDirectory('log_streaming.eval', source);
    const before = source.bytesRead;
    const header = JSON.parse(text(await readZipMember(dir, 'header.json', codecs, source)));
    assert.equal(header.eval.task, 'popularity');
    const entry = dir.entries.get('header.json')!;
    assert.ok(source.bytesRead - before <= entry.compressedSize + 30, `read ${source.bytesRead - before} bytes for a ${entry.compressedSize}-byte member`);
    // In a big archive, the directory and one small member are a small part of the file.
    const big = writeZip([
      { name: 'samples/1_epoch_1.json', data: randomBytes(1_000_000), method: 0 },
      { name: 'header.json', data: '{"version":2}' },
    ]);
    const bigSource = bufferSource(big);
    const bigDir = await readZipDirectory('big.eval', bigSource);
    assert.equal(text(await readZipMember(bigDir, 'header.json', codecs, bigSource)), '{"version":2}');
    assert.ok(bigSource.bytesRead < 70_000, `read ${bigSource.bytesRead} of ${big.length} bytes`);
  });

  it('gives back stored, deflated and zstd members exactly', async () => {
    const binary = randomBytes(70_000);
    const prose = 'The evaluation score is 60/100, below the threshold of 80. '.repeat(500);
    const zip = writeZip([
      { name: 'stored.bin', data: binary, method: 0 },
      { name: 'deflated.txt', data: prose, method: 8 },
      { name: 'zstd.txt', data: prose, method: 93 },
      { name: 'zstd.bin', data: binary, method: 93 },
      { name: 'ünïcode/名前.json', data: '{"a":1}', method: 8 },
    ]);
    const source = bufferSource(zip);
    const dir = await readZipDirectory('mixed.zip', source);
    assert.deepEqual([...dir.entries.values()].map((e) => e.method), [0, 8, 93, 93, 8]);
    assert.deepEqual(Buffer.from(await readZipMember(dir, 'stored.bin', codecs, source)), binary);
    assert.equal(text(await readZipMember(dir, 'deflated.txt', codecs, source)), prose);
    assert.equal(text(await readZipMember(dir, 'zstd.txt', codecs, source)), prose);
    assert.deepEqual(Buffer.from(await readZipMember(dir, 'zstd.bin', codecs, source)), binary);
    assert.equal(text(await readZipMember(dir, 'ünïcode/名前.json', codecs, source)), '{"a":1}');
  });

  it('reads zip64 end records and extra fields', async () => {
    const zip = writeZip(
      [
        { name: 'a.json', data: '{"first":true}' },
        { name: 'b.json', data: '{"second":true}', method: 93 },
      ],
      { zip64: true },
    );
    const source = bufferSource(zip);
    const dir = await readZipDirectory('big.eval', source);
    assert.equal(dir.entries.size, 2);
    assert.equal(text(await readZipMember(dir, 'b.json', codecs, source)), '{"second":true}');
    assert.equal(text(await readZipMember(dir, 'a.json', codecs, source)), '{"first":true}');
  });

  it('finds the members of an archive still being written (no central directory) by scanning local headers', async () => {
    const zip = writeZip(
      [
        { name: 'header.json', data: '{"version":2}' },
        { name: 'samples/1_epoch_1.json', data: '{"id":1}', dataDescriptor: true },
        { name: 'samples/2_epoch_1.json', data: '{"id":2}' },
      ],
      { centralDirectory: false },
    );
    const source = bufferSource(zip);
    const dir = await readZipDirectory('running.eval', source);
    assert.equal(dir.fromCentralDirectory, false);
    assert.match(dir.problems.join('\n'), /running\.eval: it has no central directory .*scanning local headers/);
    assert.deepEqual([...dir.entries.keys()], ['header.json', 'samples/1_epoch_1.json', 'samples/2_epoch_1.json']);
    assert.equal(text(await readZipMember(dir, 'samples/1_epoch_1.json', codecs, source)), '{"id":1}');
    assert.equal(text(await readZipMember(dir, 'samples/2_epoch_1.json', codecs, source)), '{"id":2}');
  });

  it('reports a member cut short while still being written, and keeps the ones before it', async () => {
    const zip = writeZip(
      [
        { name: 'header.json', data: '{"version":2}' },
        { name: 'samples/1_epoch_1.json', data: 'x'.repeat(5000), method: 0 },
      ],
      { centralDirectory: false },
    );
    const cut = zip.subarray(0, zip.length - 1000);
    const dir = await readZipDirectory('cut.eval', bufferSource(cut));
    assert.deepEqual([...dir.entries.keys()], ['header.json']);
    assert.match(dir.problems.join('\n'), /member samples\/1_epoch_1\.json .* is cut short: 5000 bytes of data expected/);
  });

  it('rejects a damaged member with the file, the member and what was expected; the others stay readable', async () => {
    const good = Buffer.from(JSON.stringify({ ok: true, pad: 'y'.repeat(2000) }));
    const zip = writeZip([
      { name: 'a.json', data: good },
      { name: 'b.json', data: good, compressed: Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x01]) },
      { name: 'c.json', data: 'stored text', method: 0 },
    ]);
    // Overwrite one byte of c.json's stored data: its CRC no longer matches.
    const at = zip.indexOf(Buffer.from('stored text'));
    zip[at] = 'S'.charCodeAt(0);
    const source = bufferSource(zip);
    const dir = await readZipDirectory('log.eval', source);
    assert.equal(JSON.parse(text(await readZipMember(dir, 'a.json', codecs, source))).ok, true);
    await assert.rejects(readZipMember(dir, 'b.json', codecs, source), (e: unknown) => {
      assert.ok(e instanceof ZipMemberError);
      assert.match(e.message, /^log\.eval: member b\.json is damaged: it does not decompress .*expected deflate-compressed data/);
      return true;
    });
    await assert.rejects(readZipMember(dir, 'c.json', codecs, source), /log\.eval: member c\.json is damaged: its data has CRC-32 [0-9a-f]{8} \(expected CRC-32 [0-9a-f]{8}\)/);
    await assert.rejects(readZipMember(dir, 'nope.json', codecs, source), /log\.eval: member nope\.json .*not in the archive/);
  });

  it('stops inflating a member that decompresses to more than its recorded size (a zip bomb)', async () => {
    // 20 MB of zeros deflates to about 20 KB; the directory says the member holds 100 bytes.
    const bomb = deflateRawSync(Buffer.alloc(20_000_000));
    const zip = writeZip([{ name: 'bomb.json', data: 'x'.repeat(100), compressed: bomb, method: 8 }]);
    const source = bufferSource(zip);
    const dir = await readZipDirectory('bomb.eval', source);
    await assert.rejects(readZipMember(dir, 'bomb.json', codecs, source), /^ZipMemberError: bomb\.eval: member bomb\.json is damaged: it does not decompress \(the deflate data produces more than the 100 bytes the member holds\)/);
  });

  it('names a compression method it does not read', async () => {
    const zip = writeZip([{ name: 'x.json', data: '{}', method: 0 }]);
    // Method field of the central directory entry (offset 10 after its signature).
    const cd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt16LE(12, cd + 10);
    const source = bufferSource(zip);
    const dir = await readZipDirectory('bzip.eval', source);
    await assert.rejects(readZipMember(dir, 'x.json', codecs, source), /bzip\.eval: member x\.json is damaged: it uses compression method 12, which Peerwatch does not read/);
  });

  it('says when a file is not a zip at all', async () => {
    await assert.rejects(readZipDirectory('notes.eval', bufferSource(Buffer.from('just some text that is not an archive at all'))), (e: unknown) => {
      assert.ok(e instanceof ZipError);
      assert.match(e.message, /^notes\.eval: is not a zip archive/);
      return true;
    });
  });
});
