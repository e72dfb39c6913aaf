/**
 * Line diffs of config and file changes, made with the `diff` package. Pure module.
 */
import { diffLines } from 'diff';

export interface DiffLine {
  readonly op: '+' | '-' | ' ';
  readonly text: string;
}

/** A unified line diff of two texts (every line, with its operation). */
export function lineDiff(before: string, after: string): DiffLine[] {
  const out: DiffLine[] = [];
  for (const part of diffLines(before, after)) {
    const op = part.added ? '+' : part.removed ? '-' : ' ';
    const lines = part.value.endsWith('\n') ? part.value.slice(0, -1).split('\n') : part.value.split('\n');
    for (const text of lines) out.push({ op, text });
  }
  return out;
}

/** `true → 'False'`-style rendering of a value as the config file shows it. */
export function formatConfigValue(v: unknown): string {
  if (v === undefined) return '(absent)';
  if (typeof v === 'string') return `'${v}'`;
  return JSON.stringify(v);
}
