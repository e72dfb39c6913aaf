/**
 * The file seam (src/host/files.ts) in the web extension (dist/web/extension.js, vscode.dev,
 * github.dev, code-server's web worker extension host): every file through `vscode.workspace.fs`, which
 * has no byte-range reads, so a file is read whole and ranges are cut from that copy (the size at which
 * Peerwatch asks before opening is lower here, and the prompt says why); `.eval` members inflate
 * through `DecompressionStream` and zstd through the core's decoder; writes go through a temporary
 * file and a rename. No Node module, `process` or `Buffer` (checked by scripts/check-web-bundle.mjs).
 */
import * as vscode from 'vscode';
import type { ByteSource, SampleLog } from '../core/formats/sampleLog';
import { openSampleLog } from '../core/formats/openSampleLog';
import { streamCodecs } from '../core/archive/streamCodecs';
import { openWhole, readText, wholeFileByteSource, writeThroughRename, type OpenedFile } from './workspaceFiles';
import type * as NodeFiles from './files';

export type { OpenedFile } from './workspaceFiles';

export const IN_BROWSER = true;

/** Lower than in Node (1500): in the browser every file is read whole into the extension host's memory. */
export const DEFAULT_CONFIRM_MB = 200;
export const LARGE_FILE_NOTE: string | undefined =
  'In VS Code for the Web, Peerwatch reads the whole file into memory (the browser cannot read part of a file), so it asks at a lower size than on the desktop.';

export const openFile = (uri: vscode.Uri): Promise<OpenedFile> => openWhole(uri);

export const byteSource = (uri: vscode.Uri): ByteSource => wholeFileByteSource(uri);

export async function readHead(uri: vscode.Uri, bytes: number): Promise<Uint8Array> {
  return (await openWhole(uri)).read(0, bytes);
}

export function openSampleLogAt(uri: vscode.Uri, displayName: string): Promise<SampleLog | undefined> {
  return openSampleLog({ path: uri.path, displayName, bytes: wholeFileByteSource(uri), readText: () => readText(uri) }, streamCodecs);
}

export const writeTextAtomically = (uri: vscode.Uri, text: string): Promise<void> => writeThroughRename(uri, text);

/** Nothing to do: the web writes leave no temporary file of a dead process (a failed rename removes its own). */
export async function removeLeftoverTemps(_uri: vscode.Uri): Promise<void> {}

/** A macrotask through a message channel (setImmediate is absent, and nested timeouts are clamped to 4 ms). */
export function yieldToHost(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(undefined);
  });
}

// Both builds of the seam export the same names with the same types.
export const nodeShapeCheck: typeof NodeFiles = {
  IN_BROWSER,
  DEFAULT_CONFIRM_MB,
  LARGE_FILE_NOTE,
  openFile,
  byteSource,
  readHead,
  openSampleLogAt,
  writeTextAtomically,
  removeLeftoverTemps,
  yieldToHost,
};
