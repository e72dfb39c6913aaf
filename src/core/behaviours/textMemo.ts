/**
 * Readings of tool outputs kept across runs, by their exact text. A scenario's world prints the same
 * documents, listings and sheets in every run of it (the study's 223,000 transcripts come from a few
 * dozen scenarios), so a corpus pays for reading each distinct output once. Only text the
 * environment wrote is kept here, never what the model wrote: a run's own words are read afresh in
 * every run, so a corpus of distinct runs costs what it costs. Readings are shared between runs and
 * must only be read, never changed.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */

/** Texts longer than this are read every time (a big output is rarely printed twice, and keys cost memory). */
const MAX_KEY_CHARS = 16 * 1024;

/**
 * `read` memoized by its text argument, at most `entries` texts (first in, first out), texts up to
 * 16 K characters.
 */
export function memoByText<T>(read: (text: string) => T, entries: number): (text: string) => T {
  const memo = new Map<string, T>();
  return (text) => {
    if (text.length > MAX_KEY_CHARS) return read(text);
    const hit = memo.get(text);
    if (hit !== undefined || memo.has(text)) return hit as T;
    const v = read(text);
    if (memo.size >= entries) memo.delete(memo.keys().next().value!);
    memo.set(text, v);
    return v;
  };
}
