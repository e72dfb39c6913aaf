/**
 * Find's text for an event: all the text a user sees of it, for the editor's Ctrl+F and the corpus
 * view's search across runs. Apart from present.ts so that the webview's bundle, which renders with
 * present.ts, does not take the YAML reader that a YAML answer's readable fields need.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { imageLabel } from './images';
import type { TranscriptEvent } from './model';
import { configChangeKeys, kindLabel, qualifiedPath, summarizeEvent } from './present';
import { readableOutput } from './readableOutput';

/** Commands longer than this are searched at their tool call only (see `file_change` below). */
export const MAX_CHANGE_COMMAND = 2000;

function valueText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '';
  return JSON.stringify(v, null, 2) ?? String(v);
}

/**
 * All the text a user sees for an event, rendered or not, as printed (case is kept). The label and
 * summary come first, then the body's texts one per line. Find searches this and, for a YAML answer,
 * its Readable fields too: see eventFindText.
 */
export function eventSearchText(e: TranscriptEvent): string {
  const parts: string[] = [kindLabel(e), summarizeEvent(e)];
  switch (e.kind) {
    case 'message':
      if (e.name) parts.push(e.name);
      parts.push(e.text);
      for (const img of e.images ?? []) parts.push(imageLabel(img));
      break;
    case 'reasoning':
      if (e.toolName) parts.push(e.toolName);
      if (e.unmonitored) parts.push('not monitored');
      parts.push(e.text);
      break;
    case 'tool_call':
      parts.push(e.name);
      for (const [k, v] of Object.entries(e.arguments)) parts.push(k, valueText(v));
      break;
    case 'tool_result':
      if (e.name) parts.push(e.name);
      if (e.error) parts.push(e.error);
      parts.push(e.output);
      for (const img of e.images ?? []) parts.push(imageLabel(img));
      break;
    case 'config_change':
      parts.push(e.path, e.op, ...configChangeKeys(e), e.before, e.after);
      break;
    case 'file_change':
      parts.push(e.op, qualifiedPath(e.path, e.host));
      if (e.to !== undefined) parts.push(qualifiedPath(e.to, e.toHost));
      // The command that made the change is found at its tool call; here only when short. One
      // command may write thousands of files, and each change's text would repeat all of it.
      if (e.command !== undefined && e.command.length <= MAX_CHANGE_COMMAND) parts.push(e.command);
      if (e.before !== undefined) parts.push(e.before);
      if (e.after !== undefined) parts.push(e.after);
      break;
    case 'environment':
      parts.push(e.fact);
      if (e.data !== undefined) parts.push(valueText(e.data));
      break;
  }
  return parts.join('\n');
}

function contains(text: string, query: string, caseSensitive: boolean): boolean {
  return caseSensitive ? text.includes(query) : text.toLowerCase().includes(query.toLowerCase());
}

/**
 * The query's longest run of ASCII letters, digits and `_`. YAML's quoting and folding keep such a
 * run whole (PyYAML folds at spaces and escapes what is not ASCII), so an answer whose text as
 * printed lacks it cannot hold the query once read either, and need not be read.
 */
export function longestAsciiWord(query: string): string | undefined {
  let best: string | undefined;
  for (const m of query.matchAll(/[A-Za-z0-9_]+/g)) if (!best || m[0].length > best.length) best = m[0];
  return best;
}

/**
 * How many characters of YAML answers one search may still read for their Readable fields. The
 * editor's find runs on the extension host, which every extension shares: a log of thousands of
 * answers holding the query's word is searched as printed past this (4 MB, a few seconds at most).
 */
export interface FindBudget {
  yamlChars: number;
}

/** What the editor's find may read of YAML answers in one search (see FindBudget). */
export const FIND_YAML_CHARS = 4 * 1024 * 1024;

/**
 * The text of `e` in which find finds `query`, or undefined: the text as printed (eventSearchText),
 * else a YAML answer's fields as the editor's Readable view shows them (a phrase PyYAML folded over
 * two lines, a quote it escaped). An answer is read as YAML only when its text as printed holds the
 * query's longest word: reading YAML costs about a microsecond a character, searching a few
 * nanoseconds, and find runs over every event of a run and every run of a corpus.
 */
export function eventFindText(e: TranscriptEvent, query: string, caseSensitive: boolean, budget?: FindBudget): string | undefined {
  const text = eventSearchText(e);
  if (contains(text, query, caseSensitive)) return text;
  if (e.kind !== 'tool_result' || e.error) return undefined;
  const word = longestAsciiWord(query);
  if (word === undefined || !contains(e.output, word, caseSensitive)) return undefined;
  if (budget) {
    if (budget.yamlChars < e.output.length) return undefined;
    budget.yamlChars -= e.output.length;
  }
  const records = readableOutput(e.output);
  if (!records) return undefined;
  const readable = records.map((r) => r.map((f) => f.value).join('\n')).join('\n');
  return contains(readable, query, caseSensitive) ? readable : undefined;
}
