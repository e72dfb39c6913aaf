/**
 * The fallback reader, last in the registry: a JSON (or JSON Lines) document that no known format
 * matches is searched for lists of message-like objects (a string `role` beside `content`, tool
 * calls or content parts), anywhere in it. The best list (most messages, then most tool calls, then
 * the shallowest) is read as a run through the registry, and the header says it was a guess: which
 * JSON path was used and why (`header.reader.guess`).
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { formatJsonPath, type JsonPath } from '../../json/tolerantJson';
import { isRecord } from '../../json/values';
import { within } from '../types';
import type { RunMatch } from '../index';

/** A list of message-like objects found in a document. */
export interface MessageList {
  readonly path: JsonPath;
  readonly list: unknown[];
  readonly messages: number;
  readonly toolCalls: number;
}

/** Values visited at most: a huge unknown document is searched this far, not further. */
const MAX_VISITS = 500_000;

/** True for an object that reads as a chat message: a string role with content, tool calls or parts. */
export function isMessageLike(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && typeof v['role'] === 'string' && v['role'] !== '' && ('content' in v || 'tool_calls' in v || 'parts' in v || 'function_call' in v);
}

function toolCallsOf(m: Record<string, unknown>): number {
  let n = Array.isArray(m['tool_calls']) ? m['tool_calls'].length : isRecord(m['tool_calls']) ? Object.keys(m['tool_calls']).length : 0;
  if (isRecord(m['function_call'])) n++;
  const c = m['content'];
  if (Array.isArray(c)) n += c.filter((b) => isRecord(b) && (b['type'] === 'tool_use' || b['type'] === 'function_call')).length;
  return n;
}

/**
 * Every list in `doc` of two or more entries, most of them message-like, best first. Searched
 * breadth-first without recursion, so any depth is safe.
 */
export function findMessageLists(doc: unknown): MessageList[] {
  // Each queued value keeps its parent's place in the queue and its own key; paths are built only
  // for the lists found, so a deep document costs no more memory than a flat one.
  const found: Array<{ at: number; list: unknown[]; messages: number; toolCalls: number; depth: number }> = [];
  const queue: Array<{ v: unknown; parent: number; key: string | number; depth: number }> = [{ v: doc, parent: -1, key: '', depth: 0 }];
  for (let q = 0; q < queue.length; q++) {
    const { v, depth } = queue[q]!;
    if (Array.isArray(v)) {
      let messages = 0;
      let toolCalls = 0;
      for (const e of v) {
        if (!isMessageLike(e)) continue;
        messages++;
        toolCalls += toolCallsOf(e);
      }
      if (messages >= 2 && messages * 2 >= v.length) found.push({ at: q, list: v, messages, toolCalls, depth });
      v.forEach((e, i) => typeof e === 'object' && e !== null && queue.length < MAX_VISITS && queue.push({ v: e, parent: q, key: i, depth: depth + 1 }));
    } else if (isRecord(v)) {
      for (const [k, e] of Object.entries(v)) if (typeof e === 'object' && e !== null && queue.length < MAX_VISITS) queue.push({ v: e, parent: q, key: k, depth: depth + 1 });
    }
  }
  const pathOf = (q: number): JsonPath => {
    const path: Array<string | number> = [];
    for (let i = q; i > 0; i = queue[i]!.parent) path.push(queue[i]!.key);
    return path.reverse();
  };
  // Breadth-first order already puts the shallower of two equal lists first (the sort is stable).
  found.sort((a, b) => b.messages - a.messages || b.toolCalls - a.toolCalls || a.depth - b.depth);
  return found.map(({ at, list, messages, toolCalls }) => ({ path: pathOf(at), list, messages, toolCalls }));
}

/**
 * The fallback's match: the best message list that a reader of the registry (`strict`, which has no
 * fallback) can read, read as a run with `header.reader.guess` set. Undefined when there is none.
 */
export function matchGuess(doc: unknown, strict: (v: unknown) => RunMatch | undefined): RunMatch | undefined {
  for (const found of findMessageLists(doc)) {
    const inner = strict(found.list);
    if (!inner) continue;
    const path = formatJsonPath(found.path);
    const calls = found.toolCalls ? ` and ${found.toolCalls} tool call${found.toolCalls === 1 ? '' : 's'}` : '';
    const note = `no known format matched; read the list of ${found.messages} role/content objects${calls} at ${path}`;
    return {
      format: 'guess',
      read(ctx, isIncomplete) {
        const r = inner.read(within(ctx, found.path), isIncomplete);
        r.header = { ...r.header, reader: { name: 'guess', guess: { path, note } } };
        return r;
      },
    };
  }
  return undefined;
}
