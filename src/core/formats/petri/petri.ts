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

  // Replay the edits.
  let entries: Entry[] = [];
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
        else entries.push({ kind: 'message', held: { message: edit['message'], path: [...path, 'edit', 'message'] } });
        return;
      case 'rollback': {
        const toId = str(edit['to_id']);
        const msgPositions = entries.map((en, k) => (en.kind === 'message' ? k : -1)).filter((k) => k >= 0);
        let cut: number | undefined;
        if (toId !== undefined) {
          const at = entries.findIndex((en) => en.kind === 'message' && messageId(en.held.message) === toId);
          if (at >= 0) cut = at + 1;
        }
        if (cut === undefined) {
          const count = typeof edit['count'] === 'number' && edit['count'] >= 0 ? Math.floor(edit['count']) : undefined;
          if (count === undefined) {
            b.typeProblem([...path, 'edit', 'count'], 'the number of messages to roll back (or to_id)', edit['count']);
            return;
          }
          cut = count === 0 ? entries.length : count >= msgPositions.length ? 0 : msgPositions[msgPositions.length - count]!;
        }
        const removed = entries.slice(cut);
        const n = removed.filter((r) => r.kind === 'message').length;
        entries = entries.slice(0, cut);
        entries.push({ kind: 'marker', fact: `Rolled back ${plural(n, 'message')}`, data: { operation: 'rollback', view, ...(toId ? { to_id: toId } : { count: edit['count'] }), removed: removedData(removed) }, path, ...(ts ? { timestamp: ts } : {}) });
        return;
      }
      case 'reset': {
        const fresh = Array.isArray(edit['new_messages']) ? edit['new_messages'] : [];
        const removed = entries;
        entries = [{ kind: 'marker', fact: `Reset: ${plural(removed.filter((r) => r.kind === 'message').length, 'message')} replaced by ${fresh.length}`, data: { operation: 'reset', view, removed: removedData(removed) }, path, ...(ts ? { timestamp: ts } : {}) }];
        fresh.forEach((m, k) => entries.push({ kind: 'message', held: { message: m, path: [...path, 'edit', 'new_messages', k] } }));
        return;
      }
      case 'json_patch': {
        const patch = edit['patch'];
        const applied = Array.isArray(patch) ? applyPatch(entries, patch, [...path, 'edit']) : 'the edit has no "patch" list';
        if (typeof applied === 'string') {
          entries.push({ kind: 'marker', fact: 'Edit not applied: json_patch', data: { operation: 'json_patch', view, edit }, path });
          b.problem('warning', [...path, 'edit', 'patch'], 'a JSON Patch (RFC 6902) list that applies to the view', `a patch that does not apply (${applied})`, "The edit is shown but not applied; the view may differ from Petri's from here on.");
          return;
        }
        const n = applied.messages.length;
        entries = applied.entries;
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
  const eventsOf = (messageRef: unknown): number[] => {
    let id = typeof messageRef === 'string' ? messageRef : undefined;
    // Judges cite messages by id, or by their 0-based position in the view ("3" or 3), or "M3"/"[3]".
    if (id === undefined || !groups.has(id)) {
      const m = typeof messageRef === 'number' ? messageRef : typeof messageRef === 'string' && /^\[?M?(\d+)\]?$/i.test(messageRef) ? Number(/(\d+)/.exec(messageRef)![1]) : undefined;
      if (m !== undefined && byPosition[m] !== undefined) id = byPosition[m];
    }
    if (id === undefined) return [];
    const out = [...(groups.get(id) ?? [])];
    for (const [g, list] of groups) if (g.startsWith(`${id}\u0000call:`)) pushAll(out, list);
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
        const matching = evs.filter((i) => norm(textOf(i)).includes(norm(quote)));
        if (matching.length) evs = matching;
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

/**
 * Applies a JSON Patch (RFC 6902: add, remove, replace, move, copy, test) to the view's messages,
 * seen as a JSON list. Markers (rollbacks) keep their place by the number of messages before them.
 * Returns why when the patch does not apply; the view is then left as it was.
 */
function applyPatch(entries: Entry[], patch: unknown[], editPath: JsonPath): { entries: Entry[]; messages: unknown[]; before: unknown[] } | string {
  const held = entries.filter((e): e is Extract<Entry, { kind: 'message' }> => e.kind === 'message');
  const before = held.map((e) => e.held.message);
  const doc: { root: unknown } = { root: JSON.parse(JSON.stringify(before)) as unknown };
  const pointer = (p: unknown): string[] | undefined => (typeof p === 'string' && (p === '' || p.startsWith('/')) ? p.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~')) : undefined);
  const parentOf = (tokens: string[]): { parent: unknown; key: string } | undefined => {
    let cur: unknown = doc.root;
    for (const t of tokens.slice(0, -1)) {
      if (Array.isArray(cur)) cur = cur[Number(t)];
      else if (isRecord(cur)) cur = cur[t];
      else return undefined;
    }
    return cur === undefined || cur === null || typeof cur !== 'object' ? undefined : { parent: cur, key: tokens[tokens.length - 1]! };
  };
  const get = (tokens: string[]): unknown => {
    let cur: unknown = doc.root;
    for (const t of tokens) cur = Array.isArray(cur) ? cur[Number(t)] : isRecord(cur) ? cur[t] : undefined;
    return cur;
  };
  const remove = (tokens: string[]): unknown => {
    const at = parentOf(tokens);
    if (!at) return undefined;
    if (Array.isArray(at.parent)) return at.parent.splice(Number(at.key), 1)[0];
    const v = (at.parent as Record<string, unknown>)[at.key];
    delete (at.parent as Record<string, unknown>)[at.key];
    return v;
  };
  const add = (tokens: string[], value: unknown): boolean => {
    if (tokens.length === 0) {
      doc.root = value;
      return true;
    }
    const at = parentOf(tokens);
    if (!at) return false;
    if (Array.isArray(at.parent)) {
      const i = at.key === '-' ? at.parent.length : Number(at.key);
      if (!Number.isInteger(i) || i < 0 || i > at.parent.length) return false;
      at.parent.splice(i, 0, value);
    } else (at.parent as Record<string, unknown>)[at.key] = value;
    return true;
  };
  for (const [k, raw] of patch.entries()) {
    if (!isRecord(raw)) return `operation ${k} is not an object`;
    const tokens = pointer(raw['path']);
    if (!tokens) return `operation ${k} has no JSON pointer "path"`;
    const value = raw['value'] === undefined ? undefined : (JSON.parse(JSON.stringify(raw['value'])) as unknown);
    switch (raw['op']) {
      case 'add':
        if (!add(tokens, value)) return `operation ${k}: nothing at ${String(raw['path'])}`;
        break;
      case 'remove':
        if (get(tokens) === undefined || remove(tokens) === undefined) return `operation ${k}: nothing to remove at ${String(raw['path'])}`;
        break;
      case 'replace':
        if (get(tokens) === undefined) return `operation ${k}: nothing to replace at ${String(raw['path'])}`;
        remove(tokens);
        add(tokens, value);
        break;
      case 'move':
      case 'copy': {
        const from = pointer(raw['from']);
        const v = from ? get(from) : undefined;
        if (!from || v === undefined) return `operation ${k}: nothing at "from"`;
        if (raw['op'] === 'move') remove(from);
        if (!add(tokens, raw['op'] === 'copy' ? (JSON.parse(JSON.stringify(v)) as unknown) : v)) return `operation ${k}: cannot add at ${String(raw['path'])}`;
        break;
      }
      case 'test':
        if (JSON.stringify(get(tokens)) !== JSON.stringify(raw['value'])) return `operation ${k}: test failed at ${String(raw['path'])}`;
        break;
      default:
        return `operation ${k} has an unknown "op" ${JSON.stringify(raw['op'])}`;
    }
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
  let seen = 0;
  const markers: Array<{ marker: Entry; at: number }> = [];
  entries.forEach((e, k) => {
    if (e.kind === 'message') {
      seen++;
      return;
    }
    const next = entries.slice(k + 1).find((x): x is Extract<Entry, { kind: 'message' }> => x.kind === 'message');
    const nextId = next ? messageId(next.held.message) : undefined;
    const j = nextId !== undefined ? messages.findIndex((msg) => messageId(msg) === nextId) : -1;
    markers.push({ marker: e, at: j >= 0 ? j : Math.min(seen, messages.length) });
  });
  const out: Entry[] = [];
  for (let i = 0; i <= messages.length; i++) {
    for (const mk of markers) if (mk.at === i) out.push(mk.marker);
    if (i < messages.length) out.push({ kind: 'message', held: { message: messages[i], path: pathById.get(messageId(messages[i]) ?? '\u0000') ?? editPath } });
  }
  return { entries: out, messages, before };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
