// zstd zip members (fzstd behind src/core/archive/zstdMember.ts, as the zip reader calls it through
// nodeCodecs) against 90 files made by the zstd CLI (v1.5.4) with scripts/make-zstd-fixtures.sh.
// manifest.json holds the size and SHA-256 of each original; the zip reader passes a member's size
// the same way, so each fixture is decoded with the size the manifest records.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readZipDirectory, readZipMember, ZipMemberError } from '../../src/core/archive/zip';
import { MAX_WINDOW_BYTES, ZstdError, zstdFrames } from '../../src/core/archive/zstdMember';
import type { ByteSource } from '../../src/core/formats/sampleLog';
import { nodeCodecs } from '../../src/node/sampleLogs';
import { writeZip } from '../../scripts/lib/zipWriter.mjs';

const root = resolve(__dirname, '../../..');
const DIR = resolve(root, 'test/unit/fixtures/zstd');

interface Entry {
  file: string;
  note: string;
  size: number;
  sha256: string;
}
const manifest = JSON.parse(readFileSync(resolve(DIR, 'manifest.json'), 'utf8')) as { entries: Entry[] };
const named = manifest.entries.filter((e) => !e.file.startsWith('roundtrip/'));
const roundtrip = manifest.entries.filter((e) => e.file.startsWith('roundtrip/'));

function fixture(file: string): Uint8Array {
  const b = readFileSync(resolve(DIR, file));
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The codec as the zip reader calls it: the data and the member's size from the zip directory. */
const zstd = (data: Uint8Array, expectedSize: number): Uint8Array => nodeCodecs.zstd(data, expectedSize) as Uint8Array;
const sizeOf = (file: string): number => manifest.entries.find((e) => e.file === file)!.size;
/** A fixture's original bytes, decoded and checked against the manifest's SHA-256. */
function original(file: string): Uint8Array {
  const out = zstd(fixture(file), sizeOf(file));
  assert.equal(sha256(out), manifest.entries.find((e) => e.file === file)!.sha256);
  return out;
}

/** Decoding `data` (for a member of `expectedSize` bytes) throws a ZstdError whose message matches `re`. */
function throwsZstd(data: Uint8Array, expectedSize: number, re: RegExp): ZstdError {
  let caught: unknown;
  try {
    zstd(data, expectedSize);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ZstdError, `expected a ZstdError, got ${caught === undefined ? 'a result' : String(caught)}`);
  assert.match(caught.message, re);
  assert.match(caught.message, /^zstd: at byte \d+: /);
  assert.equal(typeof caught.offset, 'number');
  return caught;
}

/** A ByteSource over a buffer. */
function bufferSource(buf: Uint8Array): ByteSource {
  return { size: async () => buf.length, read: async (offset, length) => buf.subarray(offset, Math.min(buf.length, offset + length)) };
}

/**
 * Reads `compressed` as the zstd member `m.json` of an archive whose directory records `original`'s
 * size and CRC-32: the bytes the zip reader gives back, or the ZipMemberError it rejects with.
 */
async function asMember(compressed: Uint8Array, original: Uint8Array): Promise<Uint8Array | ZipMemberError> {
  const zip = writeZip([{ name: 'm.json', data: Buffer.from(original), compressed: Buffer.from(compressed), method: 93 }]);
  const source = bufferSource(zip);
  const dir = await readZipDirectory('log.eval', source);
  try {
    return await readZipMember(dir, 'm.json', nodeCodecs, source);
  } catch (e) {
    if (e instanceof ZipMemberError) return e;
    throw e;
  }
}

/**
 * An independent, shallow walk over the frames and blocks of a zstd file (headers only), so the
 * tests can show which features the fixtures exercise.
 */
interface Survey {
  frames: number;
  skippable: number;
  contentSize: Array<number | undefined>;
  checksum: boolean[];
  blocks: { raw: number; rle: number; compressed: number };
  literals: Set<string>;
  literalHeaders: Set<string>;
  huffmanTrees: Set<string>;
  seqModes: Set<string>;
  windowLog: number[];
}
function survey(buf: Uint8Array): Survey {
  const s: Survey = { frames: 0, skippable: 0, contentSize: [], checksum: [], blocks: { raw: 0, rle: 0, compressed: 0 }, literals: new Set(), literalHeaders: new Set(), huffmanTrees: new Set(), seqModes: new Set(), windowLog: [] };
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let ip = 0;
  while (ip < buf.length) {
    const magic = dv.getUint32(ip, true);
    if ((magic & 0xfffffff0) >>> 0 === 0x184d2a50) {
      s.skippable++;
      ip += 8 + dv.getUint32(ip + 4, true);
      continue;
    }
    assert.equal(magic, 0xfd2fb528);
    s.frames++;
    const fhd = buf[ip + 4]!;
    const fcsFlag = fhd >> 6, single = (fhd >> 5) & 1, check = (fhd >> 2) & 1, did = [0, 1, 2, 4][fhd & 3]!;
    const fcsSize = fcsFlag === 0 ? single : 1 << fcsFlag;
    ip += 5;
    if (!single) s.windowLog.push(10 + (buf[ip++]! >> 3));
    ip += did;
    let fcs: number | undefined;
    if (fcsSize) {
      fcs = 0;
      for (let k = 0; k < fcsSize; k++) fcs += buf[ip + k]! * 2 ** (8 * k);
      if (fcsSize === 2) fcs += 256;
    }
    s.contentSize.push(fcs);
    s.checksum.push(!!check);
    ip += fcsSize;
    for (;;) {
      const bh = buf[ip]! | (buf[ip + 1]! << 8) | (buf[ip + 2]! << 16);
      const type = (bh >> 1) & 3, size = bh >> 3;
      ip += 3;
      if (type === 0) s.blocks.raw++;
      else if (type === 1) s.blocks.rle++;
      else {
        s.blocks.compressed++;
        const b0 = buf[ip]!, lt = b0 & 3, sf = (b0 >> 2) & 3;
        let after: number;
        if (lt <= 1) {
          const hdr = (sf & 1) === 0 ? 1 : sf === 1 ? 2 : 3;
          const n = hdr === 1 ? b0 >> 3 : hdr === 2 ? (b0 >> 4) + (buf[ip + 1]! << 4) : (b0 >> 4) + (buf[ip + 1]! << 4) + (buf[ip + 2]! << 12);
          s.literals.add(lt === 0 ? 'raw' : 'rle');
          s.literalHeaders.add(`${lt === 0 ? 'raw' : 'rle'}-${hdr}`);
          after = ip + hdr + (lt === 0 ? n : 1);
        } else {
          const hdr = sf <= 1 ? 3 : sf + 2;
          const b1 = buf[ip + 1]!, b2 = buf[ip + 2]!;
          const c = hdr === 3 ? (b1 >> 6) | (b2 << 2) : hdr === 4 ? (b2 >> 2) | (buf[ip + 3]! << 6) : (b2 >> 6) | (buf[ip + 3]! << 2) | (buf[ip + 4]! << 10);
          s.literals.add(`${lt === 2 ? 'huffman' : 'treeless'}-${sf === 0 ? 1 : 4}`);
          s.literalHeaders.add(`huffman-${hdr}`);
          if (lt === 2) s.huffmanTrees.add(buf[ip + hdr]! >= 128 ? 'direct' : 'fse');
          after = ip + hdr + c;
        }
        let nb = buf[after]!;
        let m = after + 1;
        if (nb >= 128) m += nb < 255 ? 1 : 2;
        if (nb > 0) {
          const modes = buf[m]!;
          const names = ['predefined', 'rle', 'fse', 'repeat'];
          for (const sh of [6, 4, 2]) s.seqModes.add(names[(modes >> sh) & 3]!);
        }
        nb = 0;
      }
      ip += type === 1 ? 1 : size;
      if (bh & 1) break;
    }
    if (check) ip += 4;
  }
  return s;
}

describe('zstd members (fzstd)', () => {
  describe('decodes files made by the zstd CLI to their originals', () => {
    for (const e of named) {
      it(`${e.file}: ${e.note}`, () => {
        const out = zstd(fixture(e.file), e.size);
        assert.ok(out instanceof Uint8Array);
        assert.equal(out.length, e.size);
        assert.equal(sha256(out), e.sha256);
      });
    }
  });

  it(`decodes all ${roundtrip.length} round-trip files (sizes 0..20 KB, levels --fast=5..--ultra -22, with and without checksum and size)`, () => {
    assert.ok(roundtrip.length >= 60);
    const wrong: string[] = [];
    for (const e of roundtrip) {
      try {
        const out = zstd(fixture(e.file), e.size);
        if (out.length !== e.size || sha256(out) !== e.sha256) wrong.push(`${e.file}: ${out.length} bytes, expected ${e.size}, or a different hash`);
      } catch (err) {
        wrong.push(`${e.file}: ${(err as Error).message}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('the fixtures exercise every block, literals and sequence mode', () => {
    const all = manifest.entries.map((e) => survey(fixture(e.file)));
    const blocks = { raw: 0, rle: 0, compressed: 0 };
    const literals = new Set<string>();
    const literalHeaders = new Set<string>();
    const huffmanTrees = new Set<string>();
    const seqModes = new Set<string>();
    for (const s of all) {
      blocks.raw += s.blocks.raw;
      blocks.rle += s.blocks.rle;
      blocks.compressed += s.blocks.compressed;
      s.literals.forEach((l) => literals.add(l));
      s.literalHeaders.forEach((l) => literalHeaders.add(l));
      s.huffmanTrees.forEach((l) => huffmanTrees.add(l));
      s.seqModes.forEach((m) => seqModes.add(m));
    }
    assert.ok(blocks.raw > 0 && blocks.rle > 0 && blocks.compressed > 0, JSON.stringify(blocks));
    for (const l of ['raw', 'rle', 'huffman-1', 'huffman-4', 'treeless-4']) assert.ok(literals.has(l), `no fixture has ${l} literals: ${[...literals]}`);
    for (const h of ['raw-1', 'raw-2', 'raw-3', 'rle-2', 'huffman-3', 'huffman-4', 'huffman-5']) assert.ok(literalHeaders.has(h), `no fixture has a ${h} literals header: ${[...literalHeaders]}`);
    assert.deepEqual([...huffmanTrees].sort(), ['direct', 'fse']);
    for (const m of ['predefined', 'rle', 'fse', 'repeat']) assert.ok(seqModes.has(m), `no fixture has ${m} sequence tables: ${[...seqModes]}`);
    // Frames with and without a content size and a checksum, a multi-block frame, a long window.
    const pipe = survey(fixture('samples-pipe.zst'));
    assert.deepEqual(pipe.contentSize, [undefined]);
    assert.deepEqual(survey(fixture('samples-l1.zst')).checksum, [true]);
    assert.deepEqual(survey(fixture('samples-l3.zst')).checksum, [false]);
    assert.ok(survey(fixture('samples-l1.zst')).blocks.compressed >= 2);
    assert.deepEqual(survey(fixture('long-distance.zst')).windowLog, [27]);
    assert.deepEqual(survey(fixture('samples-wlog10.zst')).windowLog, [10]);
    const skip = survey(fixture('skippable.zst'));
    assert.equal(skip.skippable, 2);
    assert.equal(skip.frames, 2);
  });

  it('the frame walk agrees with the survey on where frames are and what they declare', () => {
    const frames = zstdFrames(fixture('skippable.zst'));
    assert.deepEqual(frames.map((f) => f.skippable), [true, false, true, false]);
    assert.deepEqual(frames.filter((f) => !f.skippable).map((f) => f.contentSize), [12, 1]);
    assert.equal(frames.at(-1)!.end, fixture('skippable.zst').length);
    assert.deepEqual(zstdFrames(fixture('samples-pipe.zst')).map((f) => f.contentSize), [undefined]);
    assert.deepEqual(zstdFrames(fixture('long-distance.zst')).map((f) => f.windowSize), [2 ** 27]);
  });

  it('decodes concatenated frames, with and without declared sizes, to the concatenation of their contents', () => {
    const a = fixture('tiny.zst');
    const b = fixture('samples-pipe.zst');
    const c = fixture('empty.zst');
    const joined = new Uint8Array(a.length + b.length + c.length + a.length);
    joined.set(a, 0);
    joined.set(b, a.length);
    joined.set(c, a.length + b.length);
    joined.set(a, a.length + b.length + c.length);
    const da = original('tiny.zst');
    const db = original('samples-pipe.zst');
    const out = zstd(joined, 2 * da.length + db.length);
    assert.equal(out.length, 2 * da.length + db.length);
    assert.deepEqual(out.subarray(0, da.length), da);
    assert.deepEqual(out.subarray(da.length, da.length + db.length), db);
    assert.deepEqual(out.subarray(da.length + db.length), da);
    assert.equal(new TextDecoder().decode(da), 'hello, zstd\n');
  });

  it('as zip members: multi-frame, skippable, long-window, unsized and empty fixtures read back through the zip reader, checked against size and CRC-32', async () => {
    for (const file of ['samples-l1.zst', 'samples-pipe.zst', 'multi-frame.zst', 'skippable.zst', 'long-distance.zst', 'empty.zst']) {
      const data = original(file);
      const got = await asMember(fixture(file), data);
      assert.ok(got instanceof Uint8Array, `${file}: ${String(got)}`);
      assert.equal(sha256(got), sha256(data), file);
    }
  });

  describe('errors', () => {
    it('every truncation of a small frame is a ZstdError, never a result or another exception', () => {
      const data = fixture('sample-l3.zst');
      const size = sizeOf('sample-l3.zst');
      for (let n = 0; n < data.length; n++) {
        assert.throws(
          () => zstd(data.subarray(0, n), size),
          (e: unknown) => e instanceof ZstdError && /^zstd: at byte \d+: /.test(e.message),
          `cut at ${n} of ${data.length}`,
        );
      }
    });

    it('data cut inside a block says so and where the block starts', () => {
      const data = fixture('samples-l1.zst');
      const e = throwsZstd(data.subarray(0, 5000), sizeOf('samples-l1.zst'), /the data ends inside the block at byte \d+ \(its header announces \d+ bytes, \d+ remain\)/);
      assert.equal(e.offset, 5000);
    });

    it('a zip member cut short names the archive, the member and the place', async () => {
      const data = original('samples-l1.zst');
      const got = await asMember(fixture('samples-l1.zst').subarray(0, 5000), data);
      assert.ok(got instanceof ZipMemberError);
      assert.match(got.message, /^log\.eval: member m\.json is damaged: it does not decompress \(zstd: at byte 5000: the data ends inside the block at byte \d+ .*\(expected zstd-compressed data\)$/);
    });

    it('a corrupted byte in the content fails the zip CRC-32 check (fzstd does not check the XXH64 checksum)', async () => {
      // random.zst holds raw blocks, so a changed byte in the middle changes the output, not the structure.
      const data = fixture('random.zst').slice();
      assert.ok(survey(data).blocks.raw > 0 && survey(data).blocks.compressed === 0);
      const orig = original('random.zst');
      data[20000] ^= 0x40;
      const got = await asMember(data, orig);
      assert.ok(got instanceof ZipMemberError);
      assert.match(got.message, /member m\.json is damaged: its data has CRC-32 [0-9a-f]{8} \(expected CRC-32 [0-9a-f]{8}\)/);
    });

    it('a frame that needs a dictionary is refused with a clear error', () => {
      throwsZstd(fixture('dictionary.zst'), 12, /needs dictionary \d+; frames with dictionaries are not read/);
    });

    it('a reserved block type is named with its place', () => {
      const data = fixture('one-byte.zst').slice();
      // one-byte.zst: magic, descriptor (single segment, 1-byte size), size, then the block header.
      assert.equal(data[4]! & 0x20, 0x20);
      const blockAt = 6;
      data[blockAt] |= 6; // block type 3
      const e = throwsZstd(data, 1, /expected a block type of 0\.\.2, found 3/);
      assert.equal(e.offset, blockAt);
    });

    it('input that is not zstd names the magic number it found', () => {
      throwsZstd(new TextEncoder().encode('PK\u0003\u0004 not zstd'), 10, /at byte 0: expected a zstd frame magic number 0xFD2FB528 .*found 0x04034B50/);
      throwsZstd(new Uint8Array(0), 0, /found no data/);
    });

    it('garbage after a valid frame is an error, not ignored', () => {
      const a = fixture('tiny.zst');
      const data = new Uint8Array(a.length + 2);
      data.set(a);
      data[a.length] = 0x28;
      data[a.length + 1] = 0xb5;
      const e = throwsZstd(data, 12, /expected a zstd frame \(4-byte magic number\), found 2 trailing byte\(s\)/);
      assert.equal(e.offset, a.length);
    });

    it("the member's size stops a decompression bomb, with or without a declared content size", () => {
      throwsZstd(fixture('zeros.zst'), 100000, /the frame declares 300000 bytes of content, more than the 100000 left of the 100000 the member holds/);
      throwsZstd(fixture('samples-pipe.zst'), 50000, /the frame produces more than the 50000 bytes the member holds/);
      assert.equal(zstd(fixture('zeros.zst'), 300000).length, 300000);
    });

    it('a frame without a declared size may not ask for a window over zstd\'s default limit of 128 MB', () => {
      const data = fixture('samples-pipe.zst').slice();
      // Not single-segment: the window descriptor follows the frame header descriptor.
      assert.equal(data[4]! & 0x20, 0);
      data[5] = 18 << 3; // 2^28 bytes
      throwsZstd(data, sizeOf('samples-pipe.zst'), new RegExp(`asks for a ${2 ** 28}-byte window, more than the ${MAX_WINDOW_BYTES} zstd decoders accept`));
    });

    it('a declared content size other than the member size: a shorter result or a refusal, then the zip reader names it', async () => {
      // samples-l1.zst is single-segment: its 4-byte Frame_Content_Size follows the descriptor.
      const orig = original('samples-l1.zst');
      const more = fixture('samples-l1.zst').slice();
      assert.equal(more[4], 0xa4);
      assert.equal(new DataView(more.buffer).getUint32(5, true), 136807);
      more[5]! += 1;
      const refused = await asMember(more, orig);
      assert.ok(refused instanceof ZipMemberError);
      assert.match(refused.message, /the frame declares 136808 bytes of content, more than the 136807 left/);
      // tiny.zst declares 12 bytes; claim 11 instead.
      const fewer = fixture('tiny.zst').slice();
      assert.equal(fewer[5], 12);
      fewer[5] = 11;
      const short = await asMember(fewer, original('tiny.zst'));
      assert.ok(short instanceof ZipMemberError);
      assert.match(short.message, /member m\.json is damaged: it (decompresses to 11 bytes|does not decompress)/);
    });

    it('randomly damaged members give back the original bytes or a ZipMemberError, never another exception', async () => {
      let seed = 0x9e3779b9;
      const rnd = (n: number): number => {
        seed ^= seed << 13;
        seed >>>= 0;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        seed >>>= 0;
        return Math.floor((seed / 4294967296) * n);
      };
      const outcomes = { original: 0, error: 0 };
      for (const file of ['sample-l3.zst', 'samples-l19.zst', 'mixed-l3.zst', 'nibbles.zst', 'roundtrip/rt08.zst']) {
        const orig = original(file);
        const compressed = fixture(file);
        for (let r = 0; r < 60; r++) {
          const d = compressed.slice();
          for (let k = 1 + rnd(3); k > 0; k--) d[rnd(d.length)] ^= 1 << rnd(8);
          const got = await asMember(d, orig);
          if (got instanceof ZipMemberError) outcomes.error++;
          else {
            assert.equal(sha256(got), sha256(orig), `${file}, damage round ${r}: wrong bytes came back without an error`);
            outcomes.original++;
          }
        }
      }
      assert.ok(outcomes.error > 150, JSON.stringify(outcomes));
    });

    it('each bit flipped in the frame headers (and 0x00, 0xFF) gives at most the member size or a ZstdError', () => {
      // Without the frame walk, such damage made fzstd allocate up to 2 GB (a window or declared size)
      // and take seconds per member.
      for (const file of ['samples-pipe.zst', 'samples-l1.zst', 'zeros.zst']) {
        const compressed = fixture(file);
        const orig = original(file);
        for (let at = 4; at < 14; at++) {
          for (const v of [0, 255, ...[0, 1, 2, 3, 4, 5, 6, 7].map((bit) => compressed[at]! ^ (1 << bit))]) {
            const d = compressed.slice();
            d[at] = v;
            try {
              const out = zstd(d, orig.length);
              assert.ok(out.length <= orig.length, `${file}, byte ${at} = ${v}: ${out.length} bytes`);
            } catch (e) {
              if (!(e instanceof ZstdError)) assert.fail(`${file}, byte ${at} = ${v}: ${(e as Error).stack}`);
            }
          }
        }
      }
    });
  });
});
