/**
 * Importer for Petri transcripts (safety-research/petri): `{metadata, events}` where `events` is an
 * append-only log of view edits.
 *
 * - `transcript_event` items carry `view` (a name or a list: `target`, `auditor`, `combined`) and an
 *   `edit`: `add` (`message`), `rollback` (`count`, or `to_id`: keep up to that message), `reset`
 *   (`new_messages`) or `json_patch`. The target's view is replayed (else `combined`, else the first
 *   view named) and becomes the transcript; each rollback or reset leaves an environment event at its
 *   place ("Rolled back 2 messages") whose data holds the messages it removed.
 * - Messages are Inspect chat messages: `content` a string or parts (`text`, `reasoning` → reasoning
 *   events, redacted when so marked), assistant `tool_calls` ({id, function, arguments}), tool
 *   messages with `tool_call_id`, `function` and `error`.
 * - `metadata`: `transcript_id` (title), `target_model` (model), `auditor_model`, `judge_output`
 *   (`scores` per dimension → `header.evaluation.raw`; `summary` and `justification`; `highlights`
 *   citing message ids → tags listed in the Behaviours view, see core/sourceTags.ts).
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { JsonPath } from '../../json/tolerantJson';
import type { Evaluation, TranscriptEvent } from '../../model';
import type { ImportContext, ImportResult } from '../types';
import { SOURCE_TAGS_KEY, type SourceTag } from '../../sourceTags';
import { EventBuilder, isRecord, parseArguments, partsText, rest, str } from '../providers/builder';
import { baseHeader, scratchpadFromPrompts } from '../providers/header';
import { pushAll } from '../../arrays';
import { setMember } from '../../json/values';

/** True for a Petri transcript: an `events` list of `transcript_event`s, or Petri's metadata beside `events`. */
export function detectPetri(doc: unknown): boolean {
  if (!isRecord(doc) || !Array.isArray(doc['events'])) return false;
  const meta = doc['metadata'];
  if (isRecord(meta) && ('transcript_id' in meta || 'judge_output' in meta || 'auditor_model' in meta || 'target_model' in meta)) return true;
  return doc['events'].some((e) => isRecord(e) && e['type'] === 'transcript_event' && isRecord(e['edit']));
}

interface Held {
  message: unknown;
  path: JsonPath;
}
type Entry = { kind: 'message'; held: Held } | { kind: 'marker'; fact: string; data: Record<string, unknown>; path: JsonPath; timestamp?: string };

/**
 * How many values (messages, list items, object members) JSON patches may copy in one transcript, in
 * all: each patch copies the list of the view's messages, so many patches on a long view take time
 * growing with their product. Petri's own transcripts patch a view of tens of messages a few times.
 */
export const MAX_PATCHED_VALUES = 1_000_000;

/** Characters of event text the judge's quotes are looked for in, in one transcript (see highlightTags). */
const QUOTE_SEARCH_CHARS = 64 * 1024 * 1024;

function views(e: Record<string, unknown>): string[] {
  const v = e['view'];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

function messageId(m: unknown): string | undefined {
  return isRecord(m) && typeof m['id'] === 'string' ? m['id'] : undefined;
}

export function importPetri(doc: unknown, ctx: ImportContext, isIncomplete?: (v: unknown) => boolean): ImportResult {
  const b = new EventBuilder(ctx);
  const header = baseHeader('petri');
  if (!isRecord(doc)) return { header, events: [], diagnostics: [] };
  const meta = isRecord(doc['metadata']) ? doc['metadata'] : {};
  const events = Array.isArray(doc['events']) ? doc['events'] : [];

  header.title = str(meta['transcript_id']) ?? str(meta['id']);
  header.model = str(meta['target_model']);
  const auditor = str(meta['auditor_model']);
  if (str(meta['version'])) header.formatVersion = (meta['version'] as string).replace(/^v(?=\d)/, '');
  header.metadata = { ...rest(doc, ['events', 'metadata']), petri: rest(meta, ['judge_output']) };
  if (auditor) header.metadata['auditor_model'] = auditor;
  const seed = str(meta['seed_instruction']) ?? str(meta['description']);
  if (seed) header.metadata['seed_instruction'] = seed;

  // Which view to show: the target's, else the combined one, else the first named.
  const named = new Set<string>();
  for (const e of events) if (isRecord(e) && e['type'] === 'transcript_event') views(e).forEach((v) => named.add(v));
  const view = named.has('target') ? 'target' : named.has('combined') ? 'combined' : [...named][0];
  if (view) header.metadata['petri_view'] = view;

  // Replay the edits. Each edit costs about what it adds or removes (a file of 32,000 rollbacks took
  // 72 s while each one copied the whole view): the view is cut in place, and the number of its
  // messages and the first place of each message id are kept as it changes.
  let entries: Entry[] = [];
  let messageCount = 0;
  let firstAt = new Map<string, number>();
  /** The first message of the view with this id, if any (-1). */
  const placeOf = (id: string): number => {
    const at = firstAt.get(id);
    const en = at === undefined ? undefined : entries[at];
    // A place past a cut, or since taken by another entry, holds no such message: the first one was
    // cut away, and with it every later one.
    if (at === undefined || en?.kind !== 'message' || messageId(en.held.message) !== id) return -1;
    return at;
  };
  const pushMessage = (held: Held) => {
    const id = messageId(held.message);
    if (id !== undefined && placeOf(id) < 0) firstAt.set(id, entries.length);
    entries.push({ kind: 'message', held });
    messageCount++;
  };
  /** After the view was replaced whole (a reset, a patch). */
  const reindex = () => {
    firstAt = new Map();
    messageCount = 0;
    entries.forEach((en, k) => {
      if (en.kind !== 'message') return;
      messageCount++;
      const id = messageId(en.held.message);
      if (id !== undefined && !firstAt.has(id)) firstAt.set(id, k);
    });
  };
  /** Where the last `count` messages start (0 when the view holds no more than that). */
  const startOfLast = (count: number): number => {
    if (count >= messageCount) return 0;
    let seen = 0;
    for (let k = entries.length - 1; k >= 0; k--) if (entries[k]!.kind === 'message' && ++seen === count) return k;
    return 0;
  };
  // What JSON patches may copy in all: past it, a patch is shown where it happened but not applied.
  const patchBudget = { left: MAX_PATCHED_VALUES };
  const removedData = (removed: Entry[]) => removed.map((r) => (r.kind === 'message' ? r.held.message : { fact: r.fact, ...r.data }));
  events.forEach((e, i) => {
    const path: JsonPath = ['events', i];
    if (isIncomplete?.(e)) return;
    if (!isRecord(e)) {
      b.typeProblem(path, 'an event object with a "type"', e);
      return;
    }
    if (e['type'] !== 'transcript_event') return; // tool creation, decisions, info: kept in the file, not in the view
    if (view === undefined || !views(e).includes(view)) return;
    const edit = e['edit'];
    const ts = str(e['timestamp']);
    if (!isRecord(edit)) {
      b.typeProblem([...path, 'edit'], 'an edit object {operation: add | rollback | reset | json_patch}', edit);
      return;
    }
    const op = edit['operation'] ?? edit['type'];
    switch (op) {
      case 'add':
        if (edit['message'] === undefined) b.typeProblem([...path, 'edit', 'message'], 'the message added', undefined);
        else pushMessage({ message: edit['message'], path: [...path, 'edit', 'message'] });
        return;
      case 'rollback': {
        const toId = str(edit['to_id']);
        let cut: number | undefined;
        if (toId !== undefined) {
          const at = placeOf(toId);
          if (at >= 0) cut = at + 1;
        }
        if (cut === undefined) {
          const count = typeof edit['count'] === 'number' && edit['count'] >= 0 ? Math.floor(edit['count']) : undefined;
          if (count === undefined) {
            b.typeProblem([...path, 'edit', 'count'], 'the number of messages to roll back (or to_id)', edit['count']);
            return;
          }
          cut = count === 0 ? entries.length : startOfLast(count);
        }
        const removed = entries.slice(cut);
        const n = removed.filter((r) => r.kind === 'message').length;
        entries.length = cut;
        messageCount -= n;
        entries.push({ kind: 'marker', fact: `Rolled back ${plural(n, 'message')}`, data: { operation: 'rollback', view, ...(toId ? { to_id: toId } : { count: edit['count'] }), removed: removedData(removed) }, path, ...(ts ? { timestamp: ts } : {}) });
        return;
      }
      case 'reset': {
        const fresh = Array.isArray(edit['new_messages']) ? edit['new_messages'] : [];
        const removed = entries;
        entries = [{ kind: 'marker', fact: `Reset: ${plural(removed.filter((r) => r.kind === 'message').length, 'message')} replaced by ${fresh.length}`, data: { operation: 'reset', view, removed: removedData(removed) }, path, ...(ts ? { timestamp: ts } : {}) }];
        firstAt = new Map();
        messageCount = 0;
        fresh.forEach((m, k) => pushMessage({ message: m, path: [...path, 'edit', 'new_messages', k] }));
        return;
      }
      case 'json_patch': {
        const patch = edit['patch'];
        // Once the budget is spent, later patches are shown unapplied, under the one warning that said so.
        const spentBefore = patchBudget.left < 0;
        const applied = spentBefore ? 'spent' : Array.isArray(patch) ? applyPatch(entries, patch, [...path, 'edit'], patchBudget) : 'the edit has no "patch" list';
        if (typeof applied === 'string') {
          entries.push({ kind: 'marker', fact: 'Edit not applied: json_patch', data: { operation: 'json_patch', view, edit }, path });
          if (spentBefore) return;
          const then = patchBudget.left < 0 ? "This patch and every later one are shown but not applied; the view may differ from Petri's from here on." : "The edit is shown but not applied; the view may differ from Petri's from here on.";
          b.problem('warning', [...path, 'edit', 'patch'], 'a JSON Patch (RFC 6902) list that applies to the view', `a patch that does not apply (${applied})`, then);
          return;
        }
        const n = applied.messages.length;
        entries = applied.entries;
        reindex();
        const ops = (patch as unknown[]).length;
        entries.push({ kind: 'marker', fact: `Edited the view (json_patch, ${plural(ops, 'operation')})`, data: { operation: 'json_patch', view, patch, before: applied.before, messages: n }, path, ...(ts ? { timestamp: ts } : {}) });
        return;
      }
      default:
        // Future edit kinds: shown where they happened, not applied.
        entries.push({ kind: 'marker', fact: `Edit not applied: ${String(op)}`, data: { operation: op, view, edit }, path });
        b.problem('warning', [...path, 'edit', 'operation'], 'an edit operation add, rollback, reset or json_patch', JSON.stringify(op) ?? 'nothing', "The edit is shown but not applied; the view may differ from Petri's from here on.");
    }
  });

  // Build events from the final view.
  const prompts: string[] = [];
  const byPosition: string[] = [];
  for (const en of entries) {
    if (en.kind === 'marker') {
      b.endTurn();
      b.environment(en.fact, en.data, en.path, en.timestamp ? { timestamp: en.timestamp } : {});
      continue;
    }
    const id = messageId(en.held.message) ?? `#${byPosition.length}`;
    byPosition.push(id);
    inspectMessage(b, en.held.message, en.held.path, prompts, id);
  }

  // The judge: scores, summary, highlights.
  const judge = isRecord(meta['judge_output']) ? meta['judge_output'] : undefined;
  const judgePath: JsonPath = ['metadata', 'judge_output'];
  if (judge) {
    const evaluation: Evaluation = { key: 'judge_output', raw: isRecord(judge['scores']) ? { ...judge['scores'] } : {} };
    header.evaluation = evaluation;
    header.metadata['judge'] = rest(judge, ['scores', 'highlights']);
    const summary = str(judge['summary']);
    b.endTurn();
    // The fact is one short line; the whole summary is in the data.
    const short = summary ? summary.replace(/\s+/g, ' ').trim() : '';
    if (summary) b.environment(`Judge summary: ${short.length > 200 ? `${short.slice(0, 199)}…` : short}`, { summary, justification: judge['justification'], scores: judge['scores'] }, [...judgePath, 'summary']);
  }

  const scratchpad = scratchpadFromPrompts(prompts);
  if (scratchpad) {
    header.scratchpad = scratchpad;
    b.unmonitoredScratchpad = scratchpad === 'unmonitored';
  }
  if (!header.model) delete header.model;
  if (!header.title) delete header.title;
  const built = b.finish();
  const before = b.diagnostics.length;
  if (judge && Array.isArray(judge['highlights'])) {
    const tags = highlightTags(judge['highlights'], built.groups, byPosition, built.events, b, [...judgePath, 'highlights']);
    if (tags.length) header.metadata[SOURCE_TAGS_KEY] = tags;
  }
  // Problems found after the events were built belong after the last one.
  const late = b.diagnostics.slice(before).map((d) => {
    const { itemAt: _itemAt, ...plain } = d as typeof d & { itemAt?: number };
    return { ...plain, afterEvent: built.events.length - 1 };
  });
  return { header, events: built.events, diagnostics: [...built.diagnostics, ...late] };
}

/** One Inspect-style chat message of a Petri view. */
function inspectMessage(b: EventBuilder, m: unknown, path: JsonPath, prompts: string[], group: string): void {
  if (!isRecord(m)) {
    b.typeProblem(path, 'a message object {role, content}', m);
    return;
  }
  const role = m['role'];
  const content = m['content'];
  const opts = { group };
  if (role === 'info') {
    b.endTurn();
    b.environment(partsText(content) ?? 'Info', m, path, opts);
    return;
  }
  if (role !== 'system' && role !== 'user' && role !== 'assistant' && role !== 'tool') {
    b.typeProblem([...path, 'role'], 'one of "system", "user", "assistant", "tool", "info"', role);
    return;
  }
  // Text and reasoning parts, in order.
  const texts: string[] = [];
  const reasoning: Array<{ text: string; redacted: boolean; at: JsonPath }> = [];
  if (typeof content === 'string') texts.push(content);
  else if (Array.isArray(content)) {
    content.forEach((p, k) => {
      if (typeof p === 'string') texts.push(p);
      else if (isRecord(p)) {
        if (p['type'] === 'reasoning') {
          const redacted = p['redacted'] === true;
          reasoning.push({ text: redacted ? (str(p['summary']) ?? '[redacted reasoning]') : String(p['reasoning'] ?? p['summary'] ?? ''), redacted, at: [...path, 'content', k] });
        } else if (typeof p['text'] === 'string') texts.push(p['text']);
        else if (typeof p['type'] === 'string') texts.push(`[${p['type']}]`);
      }
    });
  } else if (content !== undefined && content !== null) {
    b.typeProblem([...path, 'content'], 'a string or a list of content parts', content);
  }
  const text = texts.join('\n');

  if (role === 'tool') {
    const err = m['error'];
    const error = isRecord(err) ? str(err['message']) ?? str(err['type']) ?? 'The tool reported an error' : str(err);
    b.toolResult({ ...(typeof m['tool_call_id'] === 'string' ? { callId: m['tool_call_id'] } : {}), ...(str(m['function']) ? { name: str(m['function'])! } : {}), output: text, ...(error !== undefined ? { error } : {}) }, path, opts);
    return;
  }
  if (role !== 'assistant') {
    prompts.push(text);
    b.message(role, text, path, opts);
    return;
  }
  b.beginAssistant();
  for (const r of reasoning) b.reasoning(r.text, r.at, { group, redacted: r.redacted });
  b.message('assistant', text, path, opts);
  const calls = m['tool_calls'];
  if (Array.isArray(calls)) {
    calls.forEach((tc, j) => {
      const cpath = [...path, 'tool_calls', j];
      if (!isRecord(tc)) {
        b.typeProblem(cpath, 'a tool call {id, function, arguments}', tc);
        return;
      }
      const name = str(tc['function']) ?? (isRecord(tc['function']) ? str(tc['function']['name']) : undefined);
      if (!name) {
        b.typeProblem([...cpath, 'function'], 'the name of the tool called', tc['function']);
        return;
      }
      const args = parseArguments(b, tc['arguments'] ?? (isRecord(tc['function']) ? tc['function']['arguments'] : undefined), [...cpath, 'arguments'], name);
      b.toolCall(name, args, str(tc['id']), cpath, { group: `${group}\u0000call:${str(tc['id']) ?? j}` });
    });
  }
}

/** The judge's highlights as tags citing the events built from the messages they quote. */
function highlightTags(highlights: unknown[], groups: Map<string, number[]>, byPosition: string[], events: TranscriptEvent[], b: EventBuilder, path: JsonPath): SourceTag[] {
  const tags: SourceTag[] = [];
  // The events of each message's tool calls (groups `<message id>\u0000call:<call>`), found once
  // rather than by a walk of every group for each highlight.
  const CALL = '\u0000call:';
  const callGroups = new Map<string, number[][]>();
  for (const [g, list] of groups) {
    for (let at = g.indexOf(CALL); at >= 0; at = g.indexOf(CALL, at + 1)) {
      const id = g.slice(0, at);
      const lists = callGroups.get(id);
      if (lists) lists.push(list);
      else callGroups.set(id, [list]);
    }
  }
  // A quote narrows a highlight to the events holding it; their text is compared at most up to
  // QUOTE_SEARCH_CHARS in all (thousands of highlights quoting one long message), then a highlight
  // cites its message's events.
  const flat = new Map<number, string>();
  let searchLeft = QUOTE_SEARCH_CHARS;
  const eventsOf = (messageRef: unknown): number[] => {
    let id = typeof messageRef === 'string' ? messageRef : undefined;
    // Judges cite messages by id, or by their 0-based position in the view ("3" or 3), or "M3"/"[3]".
    if (id === undefined || !groups.has(id)) {
      const m = typeof messageRef === 'number' ? messageRef : typeof messageRef === 'string' && /^\[?M?(\d+)\]?$/i.test(messageRef) ? Number(/(\d+)/.exec(messageRef)![1]) : undefined;
      if (m !== undefined && byPosition[m] !== undefined) id = byPosition[m];
    }
    if (id === undefined) return [];
    const out = [...(groups.get(id) ?? [])];
    for (const list of callGroups.get(id) ?? []) pushAll(out, list);
    return out.sort((a, c) => a - c);
  };
  const textOf = (i: number): string => {
    const e = events[i]!;
    if (e.kind === 'message' || e.kind === 'reasoning') return e.text;
    if (e.kind === 'tool_call') return JSON.stringify(e.arguments);
    if (e.kind === 'tool_result') return e.output;
    return '';
  };
  highlights.forEach((h, k) => {
    if (!isRecord(h)) return;
    const parts = Array.isArray(h['parts']) && h['parts'].length ? h['parts'] : [h];
    const cited: number[] = [];
    const quotes: string[] = [];
    for (const p of parts) {
      if (!isRecord(p)) continue;
      const ref = p['message_id'] ?? p['message_index'] ?? p['index'];
      let evs = eventsOf(ref);
      const callId = str(p['tool_call_id']);
      let narrowed = false;
      if (callId) {
        // The call and what the importer derived from it (a config change).
        const callEvents = evs.filter((i) => {
          const e = events[i]!;
          return (e.kind === 'tool_call' && e.id === callId) || ((e.kind === 'config_change' || e.kind === 'file_change') && e.callId === callId);
        });
        if (callEvents.length) {
          evs = callEvents;
          narrowed = true;
        }
      }
      const quote = str(p['quoted_text']);
      if (quote) quotes.push(quote);
      if (quote && !narrowed) {
        const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
        const wanted = norm(quote);
        if (searchLeft > 0) {
          const texts = evs.map((i) => {
            let text = flat.get(i);
            if (text === undefined) flat.set(i, (text = norm(textOf(i))));
            return text;
          });
          searchLeft -= texts.reduce((n, t) => n + t.length, 0);
          const matching = searchLeft >= 0 ? evs.filter((_, j) => texts[j]!.includes(wanted)) : [];
          if (matching.length) evs = matching;
        }
      }
      pushAll(cited, evs);
    }
    const description = str(h['description']) ?? (quotes[0] ? `“${quotes[0]}”` : 'Highlighted by the judge');
    if (cited.length === 0) {
      b.problem('warning', [...path, k], 'a highlight citing a message of the target view (message_id)', `a highlight ("${description.slice(0, 60)}") citing no message shown`, 'It is not listed as a tag.');
      return;
    }
    // One line, one sentence: what the judge said, and the start of what it quoted.
    const oneLine = (s: string, n: number) => {
      const flat = s.replace(/\s+/g, ' ').trim();
      return flat.length > n ? `${flat.slice(0, n - 1)}…` : flat;
    };
    const said = oneLine(description, 300).replace(/[.]$/, '');
    const quoted = quotes.length ? ` (quoting “${oneLine(quotes[0]!, 120)}”)` : '';
    tags.push({ behaviour: 'judge-highlight', events: [...new Set(cited)].sort((a, c) => a - c), explanation: `Petri judge: ${said}${quoted}.`, detector: 'source:petri-judge' });
  });
  return tags;
}

/** A patch's budget ran out (a symbol: any JSON value may be what an operation removed). */
const SPENT = Symbol('spent');

/**
 * Applies a JSON Patch (RFC 6902: add, remove, replace, move, copy, test) to the view's messages,
 * seen as a JSON list. Markers (rollbacks) keep their place by the number of messages before them.
 * Returns why when the patch does not apply; the view is then left as it was.
 *
 * Nothing is copied deeply: a container is copied (one level) the first time an operation writes
 * into it, so the messages before the patch stay as they were, and a patch costs about the lists and
 * objects it writes into, not the size of the view's text. Each copy is taken from `budget` (values
 * copied, for the whole transcript); a patch that would go past it is not applied.
 */
function applyPatch(entries: Entry[], patch: unknown[], editPath: JsonPath, budget: { left: number }): { entries: Entry[]; messages: unknown[]; before: unknown[] } | string {
  const held = entries.filter((e): e is Extract<Entry, { kind: 'message' }> => e.kind === 'message');
  const before = held.map((e) => e.held.message);
  const spent = () => `the patches up to it copy more than ${MAX_PATCHED_VALUES.toLocaleString('en-US')} values, as many as Peerwatch replays in one transcript`;
  const charge = (n: number) => (budget.left -= n) >= 0;
  // The view's list, its copy, and the entries placed again after the patch.
  if (!charge(2 * before.length + entries.length)) return spent();
  // Containers made by this patch, which it may change in place; any other is copied first.
  let own = new Set<object>();
  const doc: { root: unknown } = { root: before.slice() };
  own.add(doc.root as object);
  const pointer = (p: unknown): string[] | undefined => (typeof p === 'string' && (p === '' || p.startsWith('/')) ? p.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~')) : undefined);
  const child = (cur: unknown, t: string): unknown => (Array.isArray(cur) ? cur[Number(t)] : isRecord(cur) ? cur[t] : undefined);
  const put = (parent: object, key: string, value: unknown) => {
    if (Array.isArray(parent)) parent[Number(key)] = value;
    else setMember(parent, key, value);
  };
  /** The container holding the last token, made this patch's own (copied along the way as needed). */
  const parentOf = (tokens: string[]): { parent: object; key: string } | undefined | typeof SPENT => {
    if (tokens.length === 0) return undefined;
    if (doc.root === null || typeof doc.root !== 'object') return undefined;
    if (!own.has(doc.root)) {
      const size = Array.isArray(doc.root) ? doc.root.length : Object.keys(doc.root).length;
      if (!charge(size)) return SPENT;
      doc.root = Array.isArray(doc.root) ? doc.root.slice() : { ...(doc.root as Record<string, unknown>) };
      own.add(doc.root as object);
    }
    let cur = doc.root as object;
    for (const t of tokens.slice(0, -1)) {
      const next = child(cur, t);
      if (next === null || typeof next !== 'object') return undefined;
      if (own.has(next)) {
        cur = next;
        continue;
      }
      const size = Array.isArray(next) ? next.length : Object.keys(next).length;
      if (!charge(size)) return SPENT;
      const copy = Array.isArray(next) ? next.slice() : { ...(next as Record<string, unknown>) };
      own.add(copy);
      put(cur, t, copy);
      cur = copy;
    }
    return { parent: cur, key: tokens[tokens.length - 1]! };
  };
  const get = (tokens: string[]): unknown => {
    let cur: unknown = doc.root;
    for (const t of tokens) cur = child(cur, t);
    return cur;
  };
  const remove = (tokens: string[]): unknown => {
    const at = parentOf(tokens);
    if (!at || at === SPENT) return at;
    if (Array.isArray(at.parent)) {
      if (!charge(at.parent.length)) return SPENT;
      return at.parent.splice(Number(at.key), 1)[0];
    }
    const v = (at.parent as Record<string, unknown>)[at.key];
    delete (at.parent as Record<string, unknown>)[at.key];
    return v;
  };
  const add = (tokens: string[], value: unknown): boolean | typeof SPENT => {
    if (tokens.length === 0) {
      doc.root = value;
      return true;
    }
    const at = parentOf(tokens);
    if (!at || at === SPENT) return at ?? false;
    if (Array.isArray(at.parent)) {
      const i = at.key === '-' ? at.parent.length : Number(at.key);
      if (!Number.isInteger(i) || i < 0 || i > at.parent.length) return false;
      if (!charge(at.parent.length)) return SPENT;
      at.parent.splice(i, 0, value);
    } else put(at.parent, at.key, value);
    return true;
  };
  for (const [k, raw] of patch.entries()) {
    if (!charge(1)) return spent();
    if (!isRecord(raw)) return `operation ${k} is not an object`;
    const tokens = pointer(raw['path']);
    if (!tokens) return `operation ${k} has no JSON pointer "path"`;
    // Values are the patch's own, never changed in place (a write copies them first).
    const value = raw['value'];
    let done: unknown = true;
    switch (raw['op']) {
      case 'add':
        done = add(tokens, value);
        if (!done) return `operation ${k}: nothing at ${String(raw['path'])}`;
        break;
      case 'remove': {
        if (get(tokens) === undefined) return `operation ${k}: nothing to remove at ${String(raw['path'])}`;
        const removed = remove(tokens);
        if (removed === undefined) return `operation ${k}: nothing to remove at ${String(raw['path'])}`;
        done = removed;
        break;
      }
      case 'replace':
        if (get(tokens) === undefined) return `operation ${k}: nothing to replace at ${String(raw['path'])}`;
        done = remove(tokens);
        if (done !== SPENT) done = add(tokens, value);
        break;
      case 'move':
      case 'copy': {
        const from = pointer(raw['from']);
        const v = from ? get(from) : undefined;
        if (!from || v === undefined) return `operation ${k}: nothing at "from"`;
        if (raw['op'] === 'move') done = remove(from);
        // A copy is the same value in two places: from here on, neither may be changed in place.
        else own = new Set();
        if (done !== SPENT) done = add(tokens, v);
        if (!done) return `operation ${k}: cannot add at ${String(raw['path'])}`;
        break;
      }
      case 'test':
        if (!jsonEqual(get(tokens), raw['value'])) return `operation ${k}: test failed at ${String(raw['path'])}`;
        break;
      default:
        return `operation ${k} has an unknown "op" ${JSON.stringify(raw['op'])}`;
    }
    if (done === SPENT) return spent();
  }
  if (!Array.isArray(doc.root)) return 'the patched view is not a list of messages';
  const messages = doc.root;
  // Rebuild. A message keeps the source place of the original with its id (a new one cites the
  // edit); a rollback marker stays before the message that followed it, else after as many messages.
  const pathById = new Map<string, JsonPath>();
  for (const e of held) {
    const id = messageId(e.held.message);
    if (id !== undefined) pathById.set(id, e.held.path);
  }
  const firstIndex = new Map<string, number>();
  messages.forEach((msg, i) => {
    const id = messageId(msg);
    if (id !== undefined && !firstIndex.has(id)) firstIndex.set(id, i);
  });
  // The id of the first message after each entry, from the end.
  const nextIds: Array<string | undefined> = new Array(entries.length);
  let nextId: string | undefined;
  let nextIsMessage = false;
  for (let k = entries.length - 1; k >= 0; k--) {
    nextIds[k] = nextIsMessage ? nextId : undefined;
    const e = entries[k]!;
    if (e.kind === 'message') {
      nextId = messageId(e.held.message);
      nextIsMessage = true;
    }
  }
  let seen = 0;
  const markersAt = new Map<number, Entry[]>();
  entries.forEach((e, k) => {
    if (e.kind === 'message') {
      seen++;
      return;
    }
    const id = nextIds[k];
    const j = id !== undefined ? (firstIndex.get(id) ?? -1) : -1;
    const at = j >= 0 ? j : Math.min(seen, messages.length);
    const list = markersAt.get(at);
    if (list) list.push(e);
    else markersAt.set(at, [e]);
  });
  const out: Entry[] = [];
  for (let i = 0; i <= messages.length; i++) {
    for (const mk of markersAt.get(i) ?? []) out.push(mk);
    if (i < messages.length) out.push({ kind: 'message', held: { message: messages[i], path: pathById.get(messageId(messages[i]) ?? '\u0000') ?? editPath } });
  }
  return { entries: out, messages, before };
}

/** JSON values equal as RFC 6902's `test` compares them (objects by their members, in any order). */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (!isRecord(a) || !isRecord(b) || Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && jsonEqual(a[key], b[key]));
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
