/**
 * Files through `vscode.workspace.fs`: what the web extension uses for every file (the browser has no
 * byte-range reads, so a file is read whole and ranges are cut from that copy), and what the Node
 * extension host uses for files not on its own disk (remote and virtual file systems). The seam the
 * rest of the host goes through is src/host/files.ts (Node) / files.web.ts (browser).
 */
import * as vscode from 'vscode';
import type { ByteSource } from '../core/formats/sampleLog';

/** Random access to one file while it is open. */
export interface OpenedFile {
  /** True when reads come from a copy taken at opening (later writes to the file are not seen). */
  readonly copy: boolean;
  size(): Promise<number>;
  /** `length` bytes from `offset` (fewer only at the end of the file). */
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** The file as it is now, read whole: one copy for every read until closed. */
export async function openWhole(uri: vscode.Uri): Promise<OpenedFile> {
  const bytes = await vscode.workspace.fs.readFile(uri);
  return {
    copy: true,
    size: async () => bytes.length,
    read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)),
    close: async () => undefined,
  };
}

/**
 * Random access for the archive and log readers: the file is read whole on first use and again only
 * when `size()` finds it changed (a log still being written), judged by its size and modification time.
 */
export function wholeFileByteSource(uri: vscode.Uri): ByteSource {
  let copy: Uint8Array | undefined;
  let seen: { size: number; mtime: number } | undefined;
  const load = async () => {
    const st = await vscode.workspace.fs.stat(uri);
    if (!copy || !seen || st.size !== seen.size || st.mtime !== seen.mtime) {
      copy = await vscode.workspace.fs.readFile(uri);
      seen = { size: st.size, mtime: st.mtime };
    }
    return copy;
  };
  return {
    size: async () => (await load()).length,
    read: async (offset, length) => {
      const bytes = copy ?? (await load());
      return bytes.subarray(offset, Math.min(bytes.length, offset + length));
    },
  };
}

/** The file's text (UTF-8). */
export async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
}

/**
 * Writes `text` to `uri` through a temporary file beside it and a rename over the old file, so a
 * write cut short leaves the old file whole; where the file system cannot rename, writes it directly.
 */
export async function writeThroughRename(uri: vscode.Uri, text: string): Promise<void> {
  const data = new TextEncoder().encode(text);
  const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
  const random = [...crypto.getRandomValues(new Uint8Array(4))].map((b) => b.toString(16).padStart(2, '0')).join('');
  const tmp = vscode.Uri.joinPath(uri, '..', `.${name}.web.${random}.tmp`);
  try {
    await vscode.workspace.fs.writeFile(tmp, data);
  } catch {
    await vscode.workspace.fs.writeFile(uri, data);
    return;
  }
  try {
    await vscode.workspace.fs.rename(tmp, uri, { overwrite: true });
  } catch (e) {
    await vscode.workspace.fs.delete(tmp).then(undefined, () => undefined);
    throw e;
  }
}
