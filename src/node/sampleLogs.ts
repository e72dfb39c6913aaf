/**
 * Multi-sample logs opened from disk, for the extension host and the CLI: Inspect `.eval` and `.json`
 * (read by byte range), and files of many runs (tau2 results, NeMo Gym rollouts, OpenHands evaluation
 * output, JSON arrays and JSON Lines of runs; read whole, see core/formats/runs/).
 * Node side: the core reads bytes through `fileByteSource` and decompresses through `nodeCodecs`.
 */
import { open, readFile } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import { decompressZstdMember } from '../core/archive/zstdMember';
import type { ByteSource, Codecs, SampleLog } from '../core/formats/sampleLog';
import { openSampleLog } from '../core/formats/openSampleLog';

/**
 * Random access to a file. Each read opens the file, so a log still being written is read as it is
 * now; `size()` is read again on every call.
 */
export function fileByteSource(path: string): ByteSource {
  return {
    async size() {
      const fh = await open(path, 'r');
      try {
        return (await fh.stat()).size;
      } finally {
        await fh.close();
      }
    },
    async read(offset: number, length: number) {
      const fh = await open(path, 'r');
      try {
        const buf = Buffer.allocUnsafe(length);
        let got = 0;
        while (got < length) {
          const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
        return new Uint8Array(buf.buffer, buf.byteOffset, got);
      } finally {
        await fh.close();
      }
    },
  };
}

/** Deflate through Node's zlib (stopping past the member's size), zstd through fzstd. */
export const nodeCodecs: Codecs = {
  inflateRaw(data: Uint8Array, expectedSize: number): Uint8Array {
    // One byte over the member's size is enough to see it is wrong, without inflating a bomb.
    try {
      return inflateRawSync(data, { maxOutputLength: expectedSize + 1 });
    } catch (e) {
      if ((e as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw new Error(`the deflate data produces more than the ${expectedSize} bytes the member holds`);
      throw e;
    }
  },
  zstd: decompressZstdMember,
};

/** True when the path names a file that may be a log of many samples or runs, judged by its name alone. */
export function mayBeSampleLog(path: string): boolean {
  return /\.(eval|json|jsonl|ndjson)$/i.test(path) && !/\.runlog\.jsonl$/i.test(path);
}

/** Opens an Inspect log or a file of many runs from disk (core/formats/openSampleLog.ts says which files are). */
export function openSampleLogFile(path: string, displayName: string = path): Promise<SampleLog | undefined> {
  return openSampleLog({ path, displayName, bytes: fileByteSource(path), readText: () => readFile(path, 'utf8') }, nodeCodecs);
}
