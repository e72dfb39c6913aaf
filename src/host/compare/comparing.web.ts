/**
 * comparing.ts in the web extension: the browser's extension host cannot start a worker from a file,
 * so both runs are read and compared in the host (compareInHost.ts), pausing between the steps.
 */
import type * as vscode from 'vscode';
import { compareInHost, type CompareRules, type CompareSide, type Comparing } from './compareInHost';
import type * as NodeComparing from './comparing';

export type { CompareRules, CompareSide, Comparing } from './compareInHost';

export function startComparison(_extensionUri: vscode.Uri, a: CompareSide, b: CompareSide, rules: CompareRules, onStep: (what: string) => void, maxEvents?: number): Comparing {
  return compareInHost(a, b, rules, onStep, maxEvents);
}

export const nodeShapeCheck: typeof NodeComparing = { startComparison };
