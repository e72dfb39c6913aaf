/**
 * A Peerwatch run log read from disk as a stream: 4 MB at a time through the run-log reader
 * (core/runlog/runlog.ts, the reader `peerwatch parse` used on the whole text), each event handed on
 * and dropped, so a log of any size is read in bounded memory. Lines are split at their newline byte
 * and decoded one at a time (RunlogReader.pushBytes): no string longer than a line is made. The CLI's
 * parse, convert and tag read `.runlog.jsonl` files this way.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { harnessRunFiles, isRunlogText } from '../core/formats';
import type { RunRead } from '../core/formats/readRun';
import type { Transcript, TranscriptEvent } from '../core/model';
import { RunlogReader, readRunlogSource } from '../core/runlog/runlog';
import { nodeRunFiles } from './readTranscript';

const CHUNK = 4 * 1024 * 1024;
/** How much of a file is looked at to tell a run log (its first line, which holds the header). */
const HEAD_BYTES = 64 * 1024;
/** The longest first line kept to read the source a converted log records (readRunlogSource). */
const FIRST_LINE_MAX = 16 * 1024 * 1024;

/**
 * Whether `path` is a Peerwatch run log (by its name and first line), as the format sniffer decides;
 * a harness run's file is read with its siblings instead (readRun), never streamed.
 */
export async function isRunlogFile(path: string): Promise<boolean> {
  if (harnessRunFiles(path)) return false;
  if (/\.runlog\.jsonl$/i.test(path)) return true;
  const fh = await open(path, 'r').catch(() => undefined);
  if (!fh) return false;
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(head, 0, HEAD_BYTES, 0);
    return isRunlogText(path, new TextDecoder('utf-8').decode(head.subarray(0, bytesRead)));
  } finally {
    await fh.close();
  }
}

/** A run log streamed: the transcript without its events (header, diagnostics, live), and how many there were. */
export interface StreamedRunlog extends RunRead {
  readonly eventCount: number;
  /** The bytes read. */
  readonly bytes: number;
}

/**
 * Reads the run log at `path` chunk by chunk; `onEvent` sees each event in order. The transcript it
 * resolves to has every field but `events` (empty unless `keepEvents`): the header as the end
 * record completes it, the diagnostics (file, line:column, what was expected), and `live`; with
 * `hash`, the file's SHA-256. (`tag` and the run reader's Node files, readTranscript.ts, read a log
 * this way; `parse` and `convert` read it on every core, node/runlogChunks.ts.)
 */
export async function streamRunlogFile(
  path: string,
  onEvent: (e: TranscriptEvent) => void,
  opts: { keepEvents?: boolean; hash?: boolean } = {},
): Promise<StreamedRunlog> {
  const hash = opts.hash ? createHash('sha256') : undefined;
  const display = nodeRunFiles.display?.(path) ?? path;
  const reader = new RunlogReader(display, { keepEvents: opts.keepEvents ?? false });
  // The first line's bytes, for the source a converted log records (up to FIRST_LINE_MAX).
  const head: Buffer[] = [];
  let headBytes = 0;
  let headDone = false;
  let bytesTotal = 0;
  const fh = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await fh.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      bytesTotal += bytesRead;
      const bytes = buffer.subarray(0, bytesRead);
      hash?.update(bytes);
      if (!headDone) {
        const nl = bytes.indexOf(10);
        const part = nl < 0 ? bytes : bytes.subarray(0, nl);
        if (headBytes + part.length <= FIRST_LINE_MAX) head.push(Buffer.from(part));
        headBytes += part.length;
        headDone = nl >= 0 || headBytes > FIRST_LINE_MAX;
      }
      // Lines are split and decoded one by one from the bytes (no string of the whole chunk).
      for (const e of reader.pushBytes(bytes)) onEvent(e);
    }
    for (const e of reader.finish()) onEvent(e);
  } finally {
    await fh.close();
  }
  const transcript: Transcript = reader.transcript();
  const convertedFrom = headBytes <= FIRST_LINE_MAX ? readRunlogSource(new TextDecoder('utf-8').decode(Buffer.concat(head))) : undefined;
  return {
    source: path,
    transcript,
    eventCount: reader.eventCount,
    bytes: bytesTotal,
    ...(hash ? { sha256: hash.digest('hex') } : {}),
    ...(convertedFrom ? { convertedFrom } : {}),
  };
}
