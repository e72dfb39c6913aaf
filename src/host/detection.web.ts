/**
 * Behaviour detection in the web extension (src/host/detection.ts is the Node side): the browser's
 * extension host has no worker threads to start from a file, so a run is tagged in the host itself
 * (documentBehaviours.ts reads it in chunks, yielding between them) and a log's samples are tagged one
 * at a time, yielding between samples, so the host keeps answering the editor while it works.
 */
import * as vscode from 'vscode';
import { detectBehaviours, emptyRules, parseRules } from '../core/behaviours';
import { sampleRuns } from '../core/formats/openSampleLog';
import { openSampleLogAt, yieldToHost } from './files';
import type { DetectJob, Detected, SampleProgress, SampleTagging } from './detection';
import type * as NodeDetection from './detection';

export type { DetectJob, Detected, SampleProgress, SampleTagging } from './detection';

/** There are no worker files in the browser. */
export function builtWorkerFile(): string | undefined {
  return undefined;
}

/** There is no worker file in the browser: callers tag in the host. */
export function detectWorkerFile(): string | undefined {
  return undefined;
}

/** The Node side's error for a worker past its memory bound; never thrown here (no workers). */
export class WorkerOutOfMemoryError extends Error {}

/** Never called in the browser (detectWorkerFile gives no file); says so if it is. */
export function detectInWorker(): DetectJob<Detected> {
  throw new Error('the detection worker does not run in the browser');
}

/** Tags each complete sample (but those in `skip`) here, one at a time, with a pause between samples. */
export function tagSamples(logUri: vscode.Uri, req: SampleTagging, onReply: (reply: SampleProgress) => void): DetectJob<true> {
  let cancelled = false;
  const result = (async (): Promise<true | undefined> => {
    const display = vscode.workspace.asRelativePath(logUri, false);
    const log = await openSampleLogAt(logUri, display);
    if (!log) throw new Error(`${display} is not a log of many samples Peerwatch can read`);
    const rules = req.rules ? parseRules(req.rules.fileName, req.rules.text).rules : emptyRules();
    const skip = new Set(req.skip);
    onReply({ total: log.samples.filter((s) => s.complete && !skip.has(s.key)).length });
    for await (const s of sampleRuns(log, skip)) {
      if (cancelled) return undefined;
      onReply(s.transcript ? { sample: s.key, tags: detectBehaviours(s.transcript, rules) } : { sample: s.key, error: s.error });
      await yieldToHost();
    }
    return cancelled ? undefined : true;
  })();
  return { result, cancel: () => (cancelled = true) };
}

export const nodeShapeCheck: typeof NodeDetection = { builtWorkerFile, detectWorkerFile, detectInWorker, tagSamples, WorkerOutOfMemoryError };
