/**
 * Multi-sample logs opened from disk, for the extension host and the CLI: Inspect `.eval` and `.json`
 * (read by byte range), and files of many runs (tau2 results, NeMo Gym rollouts, OpenHands evaluation
 * output, JSON arrays and JSON Lines of runs; read whole, see core/formats/runs/).
 * Node side: the core reads bytes through `fileByteSource` and decompresses through `nodeCodecs`.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import { decompressZstdMember } from '../core/archive/zstdMember';
import type { ByteSource, Codecs, SampleLog } from '../core/formats/sampleLog';
import { isInspectJson, looksLikeZip, openEvalLog, openInspectJsonLog } from '../core/formats/inspect';
import { mayHoldManyRuns, mayHoldManyRunsHead, openRunsLog } from '../core/formats/runs/runsLog';

/** Files of many runs are read whole: larger ones are opened as one transcript (or not at all). */
const MAX_RUNS_FILE_BYTES = 512 * 1024 * 1024;

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

/**
 * Opens an Inspect log (`.eval`, or a `.json` whose first bytes are an Inspect log's) or a file of
 * many runs; undefined when the file is some other kind of file. Rejects with a message naming the
 * file when it is an Inspect log that cannot be read at all.
 */
export async function openSampleLogFile(path: string, displayName: string = path): Promise<SampleLog | undefined> {
  const source = fileByteSource(path);
  const first = await source.read(0, 8192);
  if (/\.eval$/i.test(path) || looksLikeZip(first)) {
    if (!/\.eval$/i.test(path) && !(await isZipOfInspect(displayName, source))) return undefined;
    return openEvalLog(displayName, source, nodeCodecs);
  }
  if (isInspectJson(first)) return openInspectJsonLog(displayName, source);
  return openRunsFile(path, displayName, first);
}

/** A file of many runs, read whole; undefined when it is not one (or too large to read whole). */
async function openRunsFile(path: string, displayName: string, first: Uint8Array): Promise<SampleLog | undefined> {
  // Binary files and run logs are never lists of runs.
  if (/\.runlog\.jsonl$/i.test(path) || first.includes(0)) return undefined;
  if (!mayHoldManyRunsHead(displayName, new TextDecoder('utf-8').decode(first))) return undefined;
  if ((await stat(path)).size > MAX_RUNS_FILE_BYTES) return undefined;
  const text = await readFile(path, 'utf8');
  if (!mayHoldManyRuns(displayName, text)) return undefined;
  return openRunsLog(displayName, text, () => readFile(path, 'utf8'));
}

/** A zip not named `.eval` counts only when it holds an Inspect header or journal. */
async function isZipOfInspect(displayName: string, source: ByteSource): Promise<boolean> {
  try {
    const log = await openEvalLog(displayName, source, nodeCodecs);
    return log.samples.length > 0 || log.info.task !== undefined;
  } catch {
    return false;
  }
}
