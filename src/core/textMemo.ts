/**
 * Bounded memos for what a corpus repeats: a scenario's world prints the same tool answers and reaches
 * the same config states in run after run (the study's 223,000 transcripts come from a few dozen
 * scenarios), and reading or writing YAML is among the dearest steps of reading and tagging a run.
 * Entries go first in, first out; keys longer than `maxChars` are computed every time (a long text
 * seldom repeats, and would hold memory). What a memo returns is shared between callers: only read
 * it, never change it.
 *
 * Written here rather than taken from a package: a first-in-first-out Map of a few lines is all it is,
 * and it must run in every place the core runs.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
export interface MemoOptions {
  /** How many entries are kept (default 128). */
  entries?: number;
  /** Keys longer than this are not kept (default 16 K characters). */
  maxChars?: number;
}

/** Values by a key that stands for everything they are computed from. */
export class BoundedMemo<T> {
  private readonly memo = new Map<string, T>();
  private readonly entries: number;
  private readonly maxChars: number;

  constructor(options: MemoOptions = {}) {
    this.entries = options.entries ?? 128;
    this.maxChars = options.maxChars ?? 16 * 1024;
  }

  /** The value kept for `key`, else `compute()` (kept when the key is short enough). */
  get(key: string, compute: () => T): T {
    if (key.length > this.maxChars) return compute();
    if (this.memo.has(key)) return this.memo.get(key)!;
    const value = compute();
    if (this.memo.size >= this.entries) this.memo.delete(this.memo.keys().next().value!);
    this.memo.set(key, value);
    return value;
  }
}

/** A pure function of one text, memoized by the text. */
export function textMemo<T>(compute: (text: string) => T, options: MemoOptions = {}): (text: string) => T {
  const memo = new BoundedMemo<T>(options);
  return (text) => memo.get(text, () => compute(text));
}
