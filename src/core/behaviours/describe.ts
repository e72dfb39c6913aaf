/**
 * Small wording helpers shared by the detectors, so explanations read the same way everywhere.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */

/** A value as the reader saw it in the tool call: strings quoted, others as written. */
export function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return `'${v}'`;
  return JSON.stringify(v);
}

/** "a", "a and b", "a, b and c" (with "and N more" past `max`). */
export function list(items: readonly string[], max = 4): string {
  const shown = items.slice(0, max);
  const more = items.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${more} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** `event 12` / `events 12 and 14`. */
export function at(events: readonly number[]): string {
  const uniq = [...new Set(events)].sort((a, b) => a - b);
  return uniq.length === 1 ? `event ${uniq[0]}` : `events ${list(uniq.map(String), 6)}`;
}

/** A text cut to `n` characters on a word boundary, one line. */
export function snippet(text: string, n = 80): string {
  const one = text.replace(/\s+/g, ' ').trim();
  if (one.length <= n) return one;
  const cut = one.slice(0, n);
  const sp = cut.lastIndexOf(' ');
  return (sp > n * 0.6 ? cut.slice(0, sp) : cut) + '…';
}

/** The sentence around `index` in `text` (for quoting the words that triggered a tag). */
export function sentenceAt(text: string, index: number, max = 140): string {
  const stop = (i: number) => endsSentence(text, i);
  let start = index;
  while (start > 0 && !stop(start - 1)) start--;
  let end = index;
  while (end < text.length && !stop(end)) end++;
  return snippet(text.slice(start, Math.min(text.length, end + 1)), max);
}

/**
 * The sentence (or line) holding the first match of `re`, cut only at a full stop or a line break and
 * without them (the quote of a report's loss has always been cut so; sentenceAt's sentences also end
 * at `!` and `?`, keep a number's dot and are shortened). Written as one pattern, with `[^.\n]*`
 * before and after the words, every start in a line without a full stop scanned the rest of it
 * (10,000 characters: 0.16 s, growing with the square).
 */
export function sentenceWith(re: RegExp, text: string): string | undefined {
  const m = re.exec(text);
  if (!m) return undefined;
  const start = Math.max(text.lastIndexOf('.', m.index - 1), text.lastIndexOf('\n', m.index - 1)) + 1;
  const stops = [text.indexOf('.', m.index), text.indexOf('\n', m.index)].filter((i) => i >= 0);
  return text.slice(start, stops.length ? Math.min(...stops) : text.length);
}

/**
 * Whether the character at `i` ends a sentence: `!`, `?`, a newline, or a full stop unless it sits
 * inside a number (81.9) or a name (shutdown_config.yaml, 10.0.12.45). Character codes, not a regex
 * per character: this runs for every score and phrase the detectors find.
 */
export function endsSentence(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c === 33 /* ! */ || c === 63 /* ? */ || c === 10 /* \n */ || (c === 46 /* . */ && !isWordChar(text.charCodeAt(i + 1)));
}

/** `\w`: an ASCII letter, digit or underscore (NaN, past the end, is not). */
function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Sorted unique event indices. */
export function uniqSorted(events: Iterable<number>): number[] {
  return [...new Set(events)].sort((a, b) => a - b);
}
