/**
 * Where a comparison runs, Node side: in a worker thread of its own (dist/compareWorker.js,
 * src/node/compareWorker.ts) when both runs are on this machine's disk, so reading a run log of 100 MB
 * and aligning it (seconds, close to a GB of memory) never holds up the extension host, which every
 * other extension shares. Cancelling terminates the worker. Runs on other file systems are compared
 * in the host (compareInHost.ts), as in the web extension, which is built with comparing.web.ts here.
 */
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { CompareInit } from '../../core/compare/protocol';
import type { CompareReply, CompareRequest } from '../../node/compareWorker';
import { startWorkerJob } from '../../node/workerJob';
import { commandFor, compareInHost, type CompareRules, type CompareSide, type Comparing } from './compareInHost';

export type { CompareRules, CompareSide, Comparing } from './compareInHost';

/**
 * Starts comparing A with B; `onStep` hears what it is doing; `maxEvents` is the view's bound
 * (core/compare/view.ts MAX_VIEW_EVENTS by default).
 */
export function startComparison(extensionUri: vscode.Uri, a: CompareSide, b: CompareSide, rules: CompareRules, onStep: (what: string) => void, maxEvents?: number): Comparing {
  const workerFile = vscode.Uri.joinPath(extensionUri, 'dist', 'compareWorker.js').fsPath;
  if (a.uri.scheme !== 'file' || b.uri.scheme !== 'file' || !existsSync(workerFile)) return compareInHost(a, b, rules, onStep, maxEvents);
  const side = (s: CompareSide) => ({ path: s.uri.fsPath, name: s.name, ...(s.sample !== undefined ? { sample: s.sample } : {}) });
  const root = vscode.workspace.getWorkspaceFolder(a.uri)?.uri;
  const req: CompareRequest = {
    a: side(a),
    b: side(b),
    command: commandFor(a, b),
    ...(rules.text ? { rules: rules.text } : {}),
    ...(root?.scheme === 'file' ? { root: root.fsPath } : {}),
    ...(maxEvents !== undefined ? { maxEvents } : {}),
  };
  return startWorkerJob<CompareRequest, CompareReply, CompareInit>(workerFile, req, `the comparison worker (comparing ${a.name} with ${b.name})`, (reply, settle) => {
    if ('step' in reply) onStep(reply.step);
    else if ('init' in reply) settle.resolve(reply.init);
    else settle.reject(new Error(reply.error));
  });
}
