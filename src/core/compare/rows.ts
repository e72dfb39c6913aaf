/**
 * What the comparison view's page needs of an aligned row without the detectors (align.ts brings
 * them in for event snippets): an event's text as a row diffs it, and which rows start a difference.
 * Pure module.
 */
import { canonicalJson } from '../json/values';
import type { TranscriptEvent } from '../model';

export type RowStatus = 'same' | 'changed' | 'only-a' | 'only-b';

/** The text a row's inline diff shows for an event. */
export function eventText(e: TranscriptEvent): string {
  switch (e.kind) {
    case 'message':
    case 'reasoning':
      return e.text;
    case 'tool_call':
      return `${e.name}(${canonicalJson(e.arguments)})`;
    case 'tool_result':
      return e.error ? `${e.output}\n${e.error}` : e.output;
    case 'config_change':
      return `${e.path}: ${e.op} ${e.key}${e.op !== 'remove' ? ` = ${JSON.stringify(e.newValue)}` : ''}`;
    case 'file_change':
      return `${e.op} ${e.host ? `${e.host}:` : ''}${e.path}${e.to ? ` → ${e.toHost ? `${e.toHost}:` : ''}${e.to}` : ''}`;
    case 'environment':
      return e.fact;
  }
}

/** The rows that differ (indexes into `aligned`), in order: what next/previous difference steps through. */
export function differenceRows(aligned: ReadonlyArray<{ readonly status: RowStatus }>): number[] {
  const out: number[] = [];
  aligned.forEach((r, i) => {
    // A run of differing rows is one difference: stop at its first row.
    if (r.status !== 'same' && (i === 0 || aligned[i - 1]!.status === 'same')) out.push(i);
  });
  return out;
}
