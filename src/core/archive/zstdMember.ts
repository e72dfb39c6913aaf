/**
 * zstd-compressed zip members (method 93, as in Inspect AI `.eval` logs), decoded by `fzstd`, the
 * decoder Inspect's own viewers use.
 *
 * fzstd trusts the sizes a frame declares: a damaged or hostile frame header can make it allocate up
 * to 2 GB before it finds the data is wrong, and it has no output limit. A zip member's size is known
 * beforehand, so this module walks the frame and block headers first (a few bytes each; the data
 * itself is left to fzstd) and refuses a frame that declares more than the member holds, then decodes
 * frames with a declared size straight into their place in an output of the member's size. fzstd
 * neither checks the optional XXH64 content checksum nor uses dictionaries: the zip reader checks
 * every member's CRC-32 instead, and a frame naming a dictionary is refused here.
 *
 * Pure module: typed arrays only.
 */
import { Decompress, decompress } from 'fzstd';

/** Bad or truncated zstd data: `offset` is the byte of the input where the problem was found. */
export class ZstdError extends Error {
  constructor(
    readonly offset: number,
    detail: string,
  ) {
    super(`zstd: at byte ${offset}: ${detail}`);
    this.name = 'ZstdError';
  }
}

/** The largest window a frame without a declared content size may ask for: zstd's own default limit (2^27). */
export const MAX_WINDOW_BYTES = 1 << 27;

const FRAME_MAGIC = 0xfd2fb528;
const SKIPPABLE_MAGIC = 0x184d2a50;

/** One frame as its headers describe it; `contentSize` is absent when the frame does not declare it. */
export interface ZstdFrame {
  readonly start: number;
  readonly end: number;
  readonly skippable: boolean;
  readonly contentSize?: number;
  readonly windowSize: number;
}

function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}
function uint(b: Uint8Array, o: number, n: number): number {
  let v = 0;
  for (let k = n - 1; k >= 0; k--) v = v * 256 + b[o + k]!;
  return v;
}

/** Where each frame starts and ends, with its declared sizes (RFC 8878 section 3.1); headers only. */
export function zstdFrames(data: Uint8Array): ZstdFrame[] {
  if (data.length === 0) throw new ZstdError(0, 'expected a zstd frame, found no data');
  const frames: ZstdFrame[] = [];
  let p = 0;
  const need = (at: number, n: number, what: string): void => {
    if (at + n > data.length) throw new ZstdError(data.length, `the data ends inside ${what} at byte ${at} (${n} bytes expected, ${data.length - at} remain)`);
  };
  while (p < data.length) {
    const start = p;
    if (data.length - p < 4) throw new ZstdError(p, `expected a zstd frame (4-byte magic number), found ${data.length - p} trailing byte(s)`);
    const magic = u32(data, p);
    if ((magic & 0xfffffff0) >>> 0 === SKIPPABLE_MAGIC) {
      need(p, 8, 'a skippable frame header');
      const size = u32(data, p + 4);
      need(p + 8, size, 'a skippable frame');
      p += 8 + size;
      frames.push({ start, end: p, skippable: true, windowSize: 0 });
      continue;
    }
    if (magic !== FRAME_MAGIC) {
      throw new ZstdError(p, `expected a zstd frame magic number 0xFD2FB528 (or a skippable frame), found 0x${magic.toString(16).toUpperCase().padStart(8, '0')}`);
    }
    need(p + 4, 1, 'the frame header');
    const fhd = data[p + 4]!;
    const fcsFlag = fhd >> 6;
    const single = (fhd >> 5) & 1;
    const checksum = (fhd >> 2) & 1;
    const dictBytes = [0, 1, 2, 4][fhd & 3]!;
    const fcsBytes = fcsFlag === 0 ? single : 1 << fcsFlag;
    if (fhd & 0x08) throw new ZstdError(p + 4, 'the frame header descriptor has its reserved bit set');
    const headerLength = 5 + (single ? 0 : 1) + dictBytes + fcsBytes;
    need(p, headerLength, 'the frame header');
    let q = p + 5;
    let windowSize = 0;
    if (!single) {
      const wd = data[q++]!;
      const base = 2 ** (10 + (wd >> 3));
      windowSize = base + (base / 8) * (wd & 7);
    }
    const dictId = uint(data, q, dictBytes);
    q += dictBytes;
    if (dictId !== 0) throw new ZstdError(start, `the frame needs dictionary ${dictId}; frames with dictionaries are not read`);
    let contentSize: number | undefined;
    if (fcsBytes) contentSize = uint(data, q, fcsBytes) + (fcsBytes === 2 ? 256 : 0);
    q += fcsBytes;
    if (single) windowSize = contentSize!;
    for (;;) {
      need(q, 3, 'a block header');
      const bh = data[q]! | (data[q + 1]! << 8) | (data[q + 2]! << 16);
      const type = (bh >> 1) & 3;
      const size = bh >>> 3;
      if (type === 3) throw new ZstdError(q, 'expected a block type of 0..2, found 3 (reserved)');
      const length = type === 1 ? 1 : size;
      if (q + 3 + length > data.length) {
        throw new ZstdError(data.length, `the data ends inside the block at byte ${q} (its header announces ${length} bytes, ${data.length - q - 3} remain)`);
      }
      q += 3 + length;
      if (bh & 1) break;
    }
    if (checksum) need(q, 4, 'the content checksum');
    p = q + (checksum ? 4 : 0);
    frames.push({ start, end: p, skippable: false, windowSize, ...(contentSize === undefined ? {} : { contentSize }) });
  }
  return frames;
}

/**
 * The bytes of a zstd zip member that holds `expectedSize` bytes once decompressed. Never produces
 * or allocates much more than `expectedSize` (plus, for a frame without a declared size, its window
 * of at most MAX_WINDOW_BYTES). Frames that declare fewer bytes than expected give a shorter array,
 * for the zip reader to report; blocks that produce other bytes than declared are caught by its
 * CRC-32 check.
 */
export function decompressZstdMember(data: Uint8Array, expectedSize: number): Uint8Array {
  const out = new Uint8Array(expectedSize);
  let at = 0;
  for (const frame of zstdFrames(data)) {
    if (frame.skippable) continue;
    const bytes = data.subarray(frame.start, frame.end);
    if (frame.contentSize !== undefined) {
      if (at + frame.contentSize > expectedSize) {
        throw new ZstdError(frame.start, `the frame declares ${frame.contentSize} bytes of content, more than the ${expectedSize - at} left of the ${expectedSize} the member holds`);
      }
      decodeFrame(frame, () => decompress(bytes, out.subarray(at, at + frame.contentSize!)));
      at += frame.contentSize;
    } else {
      if (frame.windowSize > MAX_WINDOW_BYTES) {
        throw new ZstdError(frame.start, `the frame asks for a ${frame.windowSize}-byte window, more than the ${MAX_WINDOW_BYTES} zstd decoders accept by default`);
      }
      // No declared size: decode block by block and stop as soon as the output passes the member's size.
      const stream = new Decompress((chunk) => {
        if (at + chunk.length > expectedSize) throw new ZstdError(frame.start, `the frame produces more than the ${expectedSize} bytes the member holds`);
        out.set(chunk, at);
        at += chunk.length;
      });
      decodeFrame(frame, () => stream.push(bytes, true));
    }
  }
  return at === expectedSize ? out : out.subarray(0, at);
}

function decodeFrame(frame: ZstdFrame, run: () => unknown): void {
  try {
    run();
  } catch (e) {
    if (e instanceof ZstdError) throw e;
    throw new ZstdError(frame.start, `the frame does not decode (${e instanceof Error ? e.message : String(e)})`);
  }
}
