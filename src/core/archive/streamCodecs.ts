/**
 * Zip member decompressors that need no Node: deflate through the web platform's
 * `DecompressionStream('deflate-raw')` (browsers, VS Code's web worker extension host, and Node 18+),
 * zstd through the pure-TypeScript decoder the core already uses (zstdMember.ts). The web extension
 * reads `.eval` logs with these; Node keeps zlib (src/node/sampleLogs.ts).
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { Codecs } from './bytes';
import { decompressZstdMember } from './zstdMember';

/**
 * Inflates raw deflate `data`, stopping one byte past `expectedSize` (a member that inflates to more
 * than its directory entry says is refused, without inflating a bomb to the end).
 */
export async function inflateRawStream(data: Uint8Array, expectedSize: number): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const reader = stream.getReader();
  const out = new Uint8Array(expectedSize);
  let got = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (got + value.length > expectedSize) throw new Error(`the deflate data produces more than the ${expectedSize} bytes the member holds`);
      out.set(value, got);
      got += value.length;
    }
  } catch (e) {
    void reader.cancel().catch(() => undefined);
    if (e instanceof Error && /produces more than/.test(e.message)) throw e;
    throw new Error(`the deflate data is damaged (${e instanceof Error ? e.message : String(e)})`);
  }
  return got === expectedSize ? out : out.subarray(0, got);
}

/** Deflate through DecompressionStream, zstd through fzstd: the codecs of the web extension. */
export const streamCodecs: Codecs = {
  inflateRaw: inflateRawStream,
  zstd: decompressZstdMember,
};
