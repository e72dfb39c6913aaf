/**
 * Trimming a run of characters from the end of a string, in time linear in the run.
 *
 * Written here rather than as `s.replace(/[…]+$/, '')`: a regular expression anchored only at the end
 * tries the run from each of its characters when something else follows it, so a transcript's path of
 * 50,000 slashes and a letter took 2.2 s, and twice that took four times as long.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */

/** `s` without the characters of `chars` at its end. */
export function trimEndOf(s: string, chars: string): string {
  let end = s.length;
  while (end > 0 && chars.includes(s[end - 1]!)) end--;
  return end === s.length ? s : s.slice(0, end);
}
