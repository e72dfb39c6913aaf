/**
 * What the archive readers need from their caller: random access to a file's bytes, and the
 * decompressors for its members. Formats built on archives (Inspect's `.eval`) pass these through.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */

/** Random access to a file's bytes (the host and CLI read ranges with `fs`; tests use a buffer). */
export interface ByteSource {
  /** Current size in bytes (may grow for a log still being written; re-read on `refresh`). */
  size(): Promise<number>;
  /** `length` bytes from `offset` (fewer only at end of file). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/**
 * Decompressors the caller supplies for zip members (host and CLI: Node's zlib for deflate, and
 * `decompressZstdMember` from core/archive/zstdMember for zstd). `expectedSize` is the member's size
 * from the zip directory: a codec should not produce much more than that (a decompression bomb).
 */
export interface Codecs {
  inflateRaw(data: Uint8Array, expectedSize: number): Uint8Array | Promise<Uint8Array>;
  zstd(data: Uint8Array, expectedSize: number): Uint8Array | Promise<Uint8Array>;
}
