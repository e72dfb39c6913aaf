/**
 * Reading a zip archive through a ByteSource: only the end of the file (to find the central
 * directory), the central directory itself, and the members asked for are read, each by byte range.
 *
 * - End of central directory, with its zip64 forms (archives over 4 GB or 65,535 members).
 * - Members stored (method 0), deflated (8) or zstd (93), decompressed by the caller's `Codecs`.
 * - An archive still being written may have no central directory yet: the local headers are then
 *   scanned from the start, and `diagnostics` says so.
 * - A damaged member (bad local header, failed decompression, CRC or size mismatch) rejects with a
 *   `ZipMemberError` naming the file, the member and what was expected; other members stay readable.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { ByteSource, Codecs } from './bytes';

export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflate, 93 zstd. */
  readonly method: number;
  readonly flags: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** Offset of the member's local header. */
  readonly localHeaderOffset: number;
  /** Offset of the member's data, when already known (scanned archives). */
  readonly dataOffset?: number;
}

export interface ZipDirectory {
  readonly fileName: string;
  readonly entries: ReadonlyMap<string, ZipEntry>;
  /** False when the central directory was missing or unreadable and local headers were scanned. */
  readonly fromCentralDirectory: boolean;
  /** What was wrong with the archive as a whole (the members listed are still readable). */
  readonly problems: readonly string[];
}

/** A member that cannot be read; names the archive file and the member. */
export class ZipMemberError extends Error {
  constructor(
    readonly file: string,
    readonly member: string,
    readonly expected: string,
    detail: string,
  ) {
    super(`${file}: member ${member} is damaged: ${detail} (expected ${expected})`);
    this.name = 'ZipMemberError';
  }
}

/** The archive itself cannot be read (not a zip, or nothing recognisable in it). */
export class ZipError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ZipError';
  }
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_DESCRIPTOR = 0x08074b50;

function u16(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}
function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}
function u64(b: Uint8Array, o: number): number {
  return u32(b, o) + u32(b, o + 4) * 0x100000000;
}

const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');
function entryName(bytes: Uint8Array, flags: number): string {
  // Bit 11: UTF-8 names; Python's zipfile sets it only for non-ASCII names, and ASCII reads the same.
  return (flags & 0x800 ? utf8 : latin1).decode(bytes).replace(/\\/g, '/');
}

/** True when the first bytes look like a zip archive (a local header or an empty archive). */
export function looksLikeZip(firstBytes: Uint8Array): boolean {
  if (firstBytes.length < 4) return false;
  const sig = u32(firstBytes, 0);
  return sig === SIG_LOCAL || sig === SIG_EOCD;
}

/** Reads the member list: the central directory, or a scan of local headers when it is missing. */
export async function readZipDirectory(fileName: string, source: ByteSource): Promise<ZipDirectory> {
  const size = await source.size();
  if (size < 22) {
    if (size >= 4 && u32(await source.read(0, 4), 0) === SIG_LOCAL) return scanLocalHeaders(fileName, source, size, 'the file ends before any central directory');
    throw new ZipError(fileName, `is not a zip archive (${size} bytes; a zip holds at least an end-of-central-directory record of 22 bytes)`);
  }
  const tailLength = Math.min(size, 22 + 65535 + 20);
  const tailStart = size - tailLength;
  const tail = await source.read(tailStart, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail[i] === 0x50 && u32(tail, i) === SIG_EOCD && i + 22 + u16(tail, i + 20) <= tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    const head = await source.read(0, 4);
    if (u32(head, 0) !== SIG_LOCAL) throw new ZipError(fileName, 'is not a zip archive (no local file header at its start and no end-of-central-directory record)');
    return scanLocalHeaders(fileName, source, size, 'it has no central directory (the archive may still be being written, or was cut short)');
  }
  let count = u16(tail, eocd + 10);
  let cdSize = u32(tail, eocd + 12);
  let cdOffset = u32(tail, eocd + 16);
  const loc = eocd - 20;
  if (loc >= 0 && u32(tail, loc) === SIG_ZIP64_LOCATOR) {
    const z64Offset = u64(tail, loc + 8);
    const rec = await source.read(z64Offset, 56);
    if (rec.length === 56 && u32(rec, 0) === SIG_ZIP64_EOCD) {
      count = u64(rec, 32);
      cdSize = u64(rec, 40);
      cdOffset = u64(rec, 48);
    }
  }
  if (cdOffset + cdSize > size) {
    return scanLocalHeaders(fileName, source, size, `its central directory (at byte ${cdOffset}, ${cdSize} bytes) lies past the end of the file (${size} bytes)`);
  }
  const cd = await source.read(cdOffset, cdSize);
  const entries = new Map<string, ZipEntry>();
  const problems: string[] = [];
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > cd.length || u32(cd, p) !== SIG_CENTRAL) {
      problems.push(`${fileName}: the central directory is damaged at entry ${n + 1} of ${count} (byte ${cdOffset + p}; expected a central directory header PK\\1\\2); the ${n} entries before it are listed`);
      break;
    }
    const flags = u16(cd, p + 8);
    const method = u16(cd, p + 10);
    const crc = u32(cd, p + 16);
    let compressedSize = u32(cd, p + 20);
    let uncompressedSize = u32(cd, p + 24);
    const nameLen = u16(cd, p + 28);
    const extraLen = u16(cd, p + 30);
    const commentLen = u16(cd, p + 32);
    let localHeaderOffset = u32(cd, p + 42);
    const name = entryName(cd.subarray(p + 46, p + 46 + nameLen), flags);
    // zip64 extended information: the 64-bit values, in this order, for the fields set to 0xFFFFFFFF.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = u16(cd, e);
      const len = u16(cd, e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (uncompressedSize === 0xffffffff && q + 8 <= e + 4 + len) (uncompressedSize = u64(cd, q)), (q += 8);
        if (compressedSize === 0xffffffff && q + 8 <= e + 4 + len) (compressedSize = u64(cd, q)), (q += 8);
        if (localHeaderOffset === 0xffffffff && q + 8 <= e + 4 + len) localHeaderOffset = u64(cd, q);
      }
      e += 4 + len;
    }
    if (!name.endsWith('/')) entries.set(name, { name, method, flags, crc32: crc, compressedSize, uncompressedSize, localHeaderOffset });
    p = extraEnd + commentLen;
  }
  return { fileName, entries, fromCentralDirectory: true, problems };
}

/**
 * Lists members by walking local headers from the start of the file. A member written with a data
 * descriptor (sizes after the data) is measured by finding the descriptor whose size matches.
 */
async function scanLocalHeaders(fileName: string, source: ByteSource, size: number, why: string): Promise<ZipDirectory> {
  const bytes = await source.read(0, size);
  const entries = new Map<string, ZipEntry>();
  const problems = [`${fileName}: ${why}; its members were found by scanning local headers`];
  let p = 0;
  while (p + 30 <= bytes.length && u32(bytes, p) === SIG_LOCAL) {
    const flags = u16(bytes, p + 6);
    const method = u16(bytes, p + 8);
    let crc = u32(bytes, p + 14);
    let compressedSize = u32(bytes, p + 18);
    let uncompressedSize = u32(bytes, p + 22);
    const nameLen = u16(bytes, p + 26);
    const extraLen = u16(bytes, p + 28);
    if (p + 30 + nameLen + extraLen > bytes.length) break;
    const name = entryName(bytes.subarray(p + 30, p + 30 + nameLen), flags);
    let e = p + 30 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = u16(bytes, e);
      const len = u16(bytes, e + 2);
      if (id === 0x0001 && len >= 16) {
        if (uncompressedSize === 0xffffffff) uncompressedSize = u64(bytes, e + 4);
        if (compressedSize === 0xffffffff) compressedSize = u64(bytes, e + 12);
      }
      e += 4 + len;
    }
    const dataOffset = extraEnd;
    let next: number;
    if (flags & 0x8 && compressedSize === 0) {
      // Sizes follow the data: find a descriptor whose compressed size is its distance from the data.
      let found = -1;
      for (let q = dataOffset; q + 16 <= bytes.length; q++) {
        if (bytes[q] !== 0x50 || u32(bytes, q) !== SIG_DESCRIPTOR) continue;
        if (u32(bytes, q + 8) === q - dataOffset) {
          found = q;
          crc = u32(bytes, q + 4);
          compressedSize = q - dataOffset;
          uncompressedSize = u32(bytes, q + 12);
          next = q + 16;
          break;
        }
        if (q + 24 <= bytes.length && u64(bytes, q + 8) === q - dataOffset) {
          found = q;
          crc = u32(bytes, q + 4);
          compressedSize = q - dataOffset;
          uncompressedSize = u64(bytes, q + 16);
          next = q + 24;
          break;
        }
      }
      if (found < 0) {
        problems.push(`${fileName}: member ${name} (byte ${p}) is incomplete: its data has no end (expected a data descriptor after it); it is left out`);
        break;
      }
      next = next!;
    } else {
      next = dataOffset + compressedSize;
      if (flags & 0x8) next += u32(bytes, next) === SIG_DESCRIPTOR ? 16 : 12;
      if (dataOffset + compressedSize > bytes.length) {
        problems.push(`${fileName}: member ${name} (byte ${p}) is cut short: ${compressedSize} bytes of data expected, ${bytes.length - dataOffset} present; it is left out`);
        break;
      }
    }
    if (!name.endsWith('/')) entries.set(name, { name, method, flags, crc32: crc, compressedSize, uncompressedSize, localHeaderOffset: p, dataOffset });
    p = next;
  }
  if (entries.size === 0 && p === 0) throw new ZipError(fileName, 'is not a zip archive (no local file header at its start)');
  return { fileName, entries, fromCentralDirectory: false, problems };
}

const METHOD_NAMES: Record<number, string> = { 0: 'stored', 8: 'deflate', 93: 'zstd' };

/** The member's bytes, decompressed and checked against its CRC and size. */
export async function readZipMember(dir: ZipDirectory, name: string, codecs: Codecs, source: ByteSource): Promise<Uint8Array> {
  const entry = dir.entries.get(name);
  if (!entry) throw new ZipMemberError(dir.fileName, name, 'a member of that name', 'it is not in the archive');
  let dataOffset = entry.dataOffset;
  if (dataOffset === undefined) {
    const header = await source.read(entry.localHeaderOffset, 30);
    if (header.length < 30 || u32(header, 0) !== SIG_LOCAL) {
      throw new ZipMemberError(dir.fileName, name, `a local file header (PK\\3\\4) at byte ${entry.localHeaderOffset}`, 'its local header is missing or overwritten');
    }
    dataOffset = entry.localHeaderOffset + 30 + u16(header, 26) + u16(header, 28);
  }
  const raw = await source.read(dataOffset, entry.compressedSize);
  if (raw.length < entry.compressedSize) {
    throw new ZipMemberError(dir.fileName, name, `${entry.compressedSize} bytes of compressed data`, `the file ends after ${raw.length}`);
  }
  let data: Uint8Array;
  try {
    switch (entry.method) {
      case 0:
        data = raw;
        break;
      case 8:
        data = await codecs.inflateRaw(raw, entry.uncompressedSize);
        break;
      case 93:
        data = await codecs.zstd(raw, entry.uncompressedSize);
        break;
      default:
        throw new ZipMemberError(dir.fileName, name, 'compression method stored (0), deflate (8) or zstd (93)', `it uses compression method ${entry.method}, which Peerwatch does not read`);
    }
  } catch (e) {
    if (e instanceof ZipMemberError) throw e;
    throw new ZipMemberError(dir.fileName, name, `${METHOD_NAMES[entry.method]}-compressed data`, `it does not decompress (${e instanceof Error ? e.message : String(e)})`);
  }
  if (data.length !== entry.uncompressedSize) {
    throw new ZipMemberError(dir.fileName, name, `${entry.uncompressedSize} bytes once decompressed`, `it decompresses to ${data.length} bytes`);
  }
  const crc = crc32(data);
  if (crc !== entry.crc32) {
    throw new ZipMemberError(dir.fileName, name, `CRC-32 ${hex(entry.crc32)}`, `its data has CRC-32 ${hex(crc)}`);
  }
  return data;
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}

let CRC_TABLE: Uint32Array | undefined;
/** CRC-32 (IEEE 802.3), as zip stores it. */
export function crc32(data: Uint8Array): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  const t = CRC_TABLE;
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
