/**
 * Behaviour detection off the extension host's thread, Node side: the detection worker
 * (dist/detectWorker.js, src/node/detectWorker.ts) tags a large run log, a large run of a folder, and
 * the samples of a log of many samples. The web extension is built with detection.web.ts in this
 * module's place: no worker file there, so runs are tagged in the host (in chunks), and samples one at
 * a time with a pause between them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { detectSamplesInWorker, type DetectJob } from '../node/detectInWorker';
import type { SampleProgress } from '../node/detectWorker';

export { detectInWorker, type DetectJob, type Detected } from '../node/detectInWorker';
export { WorkerOutOfMemoryError } from '../node/workerJob';
export type { SampleProgress } from '../node/detectWorker';

/**
 * A built worker (`dist/<bundle>`) of the installed extension, found through VS Code rather than
 * `__dirname` so the extension-host tests' own bundle finds it too; undefined when absent.
 */
export function builtWorkerFile(bundle: string): string | undefined {
  const ext = vscode.extensions.getExtension('peerwatch.peerwatch');
  const file = ext && join(ext.extensionPath, 'dist', bundle);
  return file && existsSync(file) ? file : undefined;
}

/** The built detection worker (dist/detectWorker.js); undefined when absent. */
export function detectWorkerFile(): string | undefined {
  return builtWorkerFile('detectWorker.js');
}

/** What tagging a log's samples needs besides the log: samples already tagged, and the rules file. */
export interface SampleTagging {
  skip: string[];
  rules?: { fileName: string; text: string };
}

/**
 * Tags each complete sample of the log at `logUri` (but those in `skip`) in the detection worker:
 * `onReply` gets the count to tag, then each sample's tags as it is tagged.
 */
export function tagSamples(logUri: vscode.Uri, req: SampleTagging, onReply: (reply: SampleProgress) => void, workerFile = detectWorkerFile()): DetectJob<true> {
  if (logUri.scheme !== 'file') throw new Error('flags are counted for logs on this machine’s disk only');
  if (!workerFile) throw new Error('the detection worker (dist/detectWorker.js) is missing from the extension');
  return detectSamplesInWorker(workerFile, { path: logUri.fsPath, ...req }, onReply);
}
