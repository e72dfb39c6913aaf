/**
 * Comparing two runs in the extension host itself: the web extension's only way (no worker thread can
 * be started from a file there), and the Node extension's for runs not on this machine's disk. Both
 * sides are read through the files seam with the editor's readers (core/compare/view.ts), pausing
 * between the reads and before the comparison so the host answers other work in between; cancelling
 * settles at once and the rest is dropped.
 */
import * as vscode from 'vscode';
import type { Rules, RulesText } from '../../core/behaviours';
import type { CompareInit } from '../../core/compare/protocol';
import { compareCommandLine, comparisonView, readComparedSide } from '../../core/compare/view';
import { openSampleLogAt, yieldToHost } from '../files';
import { vscodeRunFiles } from '../runFiles';

/** One side: its file, the name the view and messages give it, and the run of a log of many samples. */
export interface CompareSide {
  readonly uri: vscode.Uri;
  readonly name: string;
  readonly sample?: string;
}

/** The workspace's rules (src/host/review/documentBehaviours.ts loadRules): parsed here, as text for a worker. */
export interface CompareRules {
  readonly rules: Rules;
  readonly text?: RulesText;
}

/** A comparison under way: its message for the view (undefined once cancelled), or why it failed. */
export interface Comparing {
  readonly result: Promise<CompareInit | undefined>;
  cancel(): void;
}

/** `peerwatch compare A B` for two sides (a file not on this disk is named as the view names it). */
export function commandFor(a: CompareSide, b: CompareSide): string {
  const side = (s: CompareSide) => ({ path: s.uri.scheme === 'file' ? s.uri.fsPath : s.name, ...(s.sample !== undefined ? { sample: s.sample } : {}) });
  return compareCommandLine(side(a), side(b));
}

/** Reads and compares A and B here, yielding between the steps; `onStep` hears what it is doing. */
export function compareInHost(a: CompareSide, b: CompareSide, rules: CompareRules, onStep: (what: string) => void, maxEvents?: number): Comparing {
  let cancel: () => void = () => undefined;
  const cancelled = new Promise<undefined>((resolve) => (cancel = () => resolve(undefined)));
  let stop = false;
  const read = (s: CompareSide) => readComparedSide({ path: s.uri.path, name: s.name, ...(s.sample !== undefined ? { sample: s.sample } : {}) }, vscodeRunFiles(s.uri), (_path, name) => openSampleLogAt(s.uri, name));
  const work = (async (): Promise<CompareInit | undefined> => {
    onStep(`reading ${a.name}`);
    const ra = await read(a);
    await yieldToHost();
    if (stop) return undefined;
    onStep(`reading ${b.name}`);
    const rb = await read(b);
    await yieldToHost();
    if (stop) return undefined;
    onStep(`comparing ${ra.transcript.events.length.toLocaleString('en-US')} events with ${rb.transcript.events.length.toLocaleString('en-US')}`);
    await yieldToHost();
    if (stop) return undefined;
    return comparisonView(ra, rb, { rules: rules.rules, command: commandFor(a, b), ...(maxEvents !== undefined ? { maxEvents } : {}) });
  })();
  return {
    result: Promise.race([work, cancelled]),
    cancel: () => {
      stop = true;
      cancel();
    },
  };
}
