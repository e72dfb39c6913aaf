// A zip's members read straight from its central directory, for tests that check what a reader shows
// against the file itself without going through Peerwatch's own zip reader (src/core/archive/zip.ts).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { decompress as zstd } from 'fzstd';

/** The members of a zip by name, each decompressed when asked for (stored, deflate, or zstd as Inspect writes it). */
export function zipMembers(file: string): Map<string, () => Buffer> {
  const buf = readFileSync(file);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, `${file}: a zip`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const out = new Map<string, () => Buffer>();
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
    out.set(name, () => {
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const data = buf.subarray(start, start + size);
      assert.ok(method === 0 || method === 8 || method === 93, `${name}: stored, deflated or zstd`);
      return method === 8 ? inflateRawSync(data) : method === 93 ? Buffer.from(zstd(data)) : data;
    });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}
