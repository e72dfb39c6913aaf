/**
 * Full-text search across a corpus's runs: which events of a run hold the query (case-insensitive, in
 * all the text a user sees of an event: eventSearchText, what the editor's find searches), each with a
 * one-line snippet around the first match.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { TranscriptEvent } from '../model';
import { eventFindText } from '../searchText';

/** One event that holds the query. */
export interface SearchHit {
  event: number;
  /** One line of text around the first match (line breaks and runs of spaces as one space). */
  snippet: string;
  /** Where the match starts and ends in the snippet. */
  match: [number, number];
}

/** Characters of context on each side of a match in a snippet. */
export const SNIPPET_CONTEXT = 60;

/** A one-line snippet of `text` around `[at, at + length)`, with `…` where it was cut. */
export function snippetAround(text: string, at: number, length: number, context = SNIPPET_CONTEXT): { snippet: string; match: [number, number] } {
  const start = Math.max(0, at - context);
  const end = Math.min(text.length, at + length + context);
  const flat = (s: string) => s.replace(/\s+/g, ' ');
  const before = (start > 0 ? '…' : '') + flat(text.slice(start, at)).trimStart();
  const hit = flat(text.slice(at, at + length));
  const after = flat(text.slice(at + length, end)).trimEnd() + (end < text.length ? '…' : '');
  return { snippet: before + hit + after, match: [before.length, before.length + hit.length] };
}

/** The events of a run holding `query` (case-insensitive), at most `max`. An empty query finds nothing. */
export function searchEvents(events: readonly TranscriptEvent[], query: string, max = Infinity): SearchHit[] {
  const q = query.toLowerCase();
  if (q.trim() === '') return [];
  const hits: SearchHit[] = [];
  for (let i = 0; i < events.length && hits.length < max; i++) {
    const text = eventFindText(events[i]!, q, false);
    if (text === undefined) continue;
    const at = text.toLowerCase().indexOf(q);
    hits.push({ event: i, ...snippetAround(text, at, q.length) });
  }
  return hits;
}
