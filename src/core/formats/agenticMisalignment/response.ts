/**
 * Importer for Anthropic's agentic-misalignment experiments (anthropic-experimental/
 * agentic-misalignment): one `response.json` per model, condition and sample, at
 * `results/<experiment>/models/<model>/<condition>/sample_<n>/response.json`.
 *
 * The file holds the model's single answer (`raw_response`), `metadata` (`model`, `condition`,
 * `sample_id`, timings) and, once `classify_results.py` has run, `classification`
 * (`harmful_behavior`, `classifier_verdict`, `classifier_reasoning`, `classifier_model`).
 *
 * - The prompts, when present (`system_prompt`/`user_prompt`/`email_content`, or a `prompts` object),
 *   become system and user messages.
 * - Scratchpad and thinking tags in the answer (`<SCRATCHPAD_REASONING>`, `<thinking>`) become
 *   reasoning events; the `<tool_use:NAME>…</tool_use:NAME>` blocks the scenario asks for (email,
 *   forward, cancel_alert) become tool calls with their `key: value` arguments.
 * - The classification goes to `header.evaluation` (`raw` as written, `thresholdVerdict`
 *   `harmful`/`not harmful`) and to a closing environment event with the classifier's reasoning.
 * - The condition comes from `metadata.condition`, else from the folder name.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { JsonPath } from '../../json/tolerantJson';
import type { ImportContext, ImportResult } from '../types';
import { EventBuilder, isRecord, rest, str } from '../providers/builder';
import { baseHeader, readUsage } from '../providers/header';

/** True for an agentic-misalignment response file: a `raw_response` string beside its metadata or classification. */
export function detectAgenticMisalignment(doc: unknown, fileName: string): boolean {
  if (!isRecord(doc) || typeof doc['raw_response'] !== 'string') return false;
  return isRecord(doc['metadata']) || isRecord(doc['classification']) || /(?:^|[\\/])response\.json$/i.test(fileName);
}

/** `<condition>` and `sample_<n>` from `…/models/<model>/<condition>/sample_<n>/response.json`. */
export function pathFacts(fileName: string): { model?: string; condition?: string; sample?: string } {
  const parts = fileName.split(/[\\/]/);
  const out: { model?: string; condition?: string; sample?: string } = {};
  const n = parts.length;
  if (n >= 3 && /^sample_/.test(parts[n - 2]!)) {
    out.sample = parts[n - 2]!.replace(/^sample_/, '');
    out.condition = parts[n - 3]!;
    const models = parts.lastIndexOf('models');
    if (models >= 0 && models === n - 5) out.model = parts[n - 4]!;
  }
  return out;
}

const SCRATCHPAD = /<(SCRATCHPAD_REASONING|scratchpad_reasoning)>([\s\S]*?)(?:<\/\1>|$)/g;
const TOOL_USE = /<tool_use:([\w.-]+)>([\s\S]*?)(?:<\/tool_use:\1>|$)/g;

/** `key: value` lines (values may be quoted and span lines) of a `<tool_use:…>` block. */
export function toolUseArguments(body: string): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const lines = body.replace(/^\s*\n/, '').split(/\r?\n/);
  let key: string | undefined;
  let value: string[] = [];
  // Whether the value so far opens a quote it has not closed: its first non-blank character is a
  // double quote, and its last is not another double quote (nor one followed by a comma). The value's
  // first and last non-blank characters are kept as its lines come, for joining the whole value again
  // at every line made a quoted body of thousands of lines (an email) cost the square of its length.
  let head = ''; // the value's first non-blank character
  let last = ''; // its last non-blank character
  let beforeLast = ''; // the non-blank character before that one
  let count = 0; // how many non-blank characters it has, counted up to 3
  const add = (piece: string) => {
    const t = piece.trim();
    if (!t) return;
    if (!head) head = t[0]!;
    if (t.length === 1) {
      beforeLast = last;
      count = Math.min(3, count + 1);
    } else {
      const inner = t.slice(1, -1).trim();
      beforeLast = inner ? inner[inner.length - 1]! : t[0]!;
      count = Math.min(3, count + (inner ? 3 : 2));
    }
    last = t[t.length - 1]!;
  };
  const start = (piece: string) => {
    value = [piece];
    head = last = beforeLast = '';
    count = 0;
    add(piece);
  };
  // The opening quote itself closes nothing: a closing quote is a later character (count >= 2, or 3
  // when a comma follows it).
  const isOpen = () => head === '"' && !((last === '"' && count >= 2) || (last === ',' && beforeLast === '"' && count >= 3));
  const done = () => {
    if (key === undefined) return;
    let v = value.join('\n').trim().replace(/,$/, '').trim();
    if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) v = v.slice(1, -1);
    args[key] = v;
  };
  for (const line of lines) {
    const m = /^\s*([A-Za-z_][\w-]*)\s*:\s?(.*)$/.exec(line);
    // A new key starts only where the previous value is not an open quote.
    const open = key !== undefined && isOpen();
    if (m && !open) {
      done();
      key = m[1]!;
      start(m[2]!);
    } else if (key !== undefined) {
      value.push(line);
      add(line);
    }
  }
  done();
  if (Object.keys(args).length === 0 && body.trim()) args['_raw'] = body.trim();
  return args;
}

export function importAgenticMisalignment(doc: unknown, ctx: ImportContext): ImportResult {
  const b = new EventBuilder(ctx);
  const header = baseHeader('agentic-misalignment');
  if (!isRecord(doc)) return { header, events: [], diagnostics: [] };
  const meta = isRecord(doc['metadata']) ? doc['metadata'] : {};
  const fromPath = pathFacts(ctx.file);
  header.model = str(meta['model']) ?? fromPath.model;
  header.condition = str(meta['condition']) ?? fromPath.condition;
  const sample = meta['sample_id'] ?? fromPath.sample;
  if (header.condition) header.title = `${header.condition}${sample !== undefined ? ` · sample ${String(sample)}` : ''}`;
  header.metadata = { ...rest(doc, ['raw_response', 'metadata', 'classification', 'prompts', 'system_prompt', 'user_prompt', 'email_content']), ...rest(meta, ['model', 'condition']) };
  if (sample !== undefined) header.metadata['sample_id'] = sample;
  // The condition names the scenario, goal and urgency: `blackmail_explicit-america_replacement`.
  const cm = header.condition ? /^([a-z]+)_([a-z]+)-([a-z-]+?)_([a-z]+)$/i.exec(header.condition) : null;
  if (cm) {
    header.taskName = cm[1]!;
    header.metadata['scenario'] = cm[1];
    header.metadata['goal_type'] = cm[2];
    header.metadata['goal_value'] = cm[3];
    header.metadata['urgency_type'] = cm[4];
  }
  const usage = readUsage(isRecord(meta['api_metadata']) ? meta['api_metadata']['usage'] : meta['usage']);
  if (usage) header.usage = usage;

  // Prompts, when the file carries them.
  const prompts = isRecord(doc['prompts']) ? doc['prompts'] : undefined;
  const promptAt = (key: string, alt: string): { text: string; path: JsonPath } | undefined => {
    if (typeof doc[key] === 'string') return { text: doc[key] as string, path: [key] };
    if (prompts && typeof prompts[alt] === 'string') return { text: prompts[alt] as string, path: ['prompts', alt] };
    if (prompts && typeof prompts[key] === 'string') return { text: prompts[key] as string, path: ['prompts', key] };
    return undefined;
  };
  const system = promptAt('system_prompt', 'system');
  if (system) b.message('system', system.text, system.path);
  const user = promptAt('user_prompt', 'user');
  if (user) b.message('user', user.text, user.path);
  const email = promptAt('email_content', 'email');
  if (email) b.message('user', email.text, email.path, { name: 'emails' });

  // The answer: scratchpad, text, tool uses, in order.
  const answer = doc['raw_response'] as string;
  const path: JsonPath = ['raw_response'];
  b.beginAssistant();
  const marks: Array<{ at: number; end: number; kind: 'scratchpad' | 'tool'; name?: string; body: string }> = [];
  for (const m of answer.matchAll(SCRATCHPAD)) marks.push({ at: m.index!, end: m.index! + m[0].length, kind: 'scratchpad', body: m[2]! });
  // A tool use written inside a scratchpad is a thought. Only the scratchpads can hold one (tool uses
  // do not overlap each other), and both come in order and do not overlap, so one pointer walks the
  // scratchpads as the tool uses come: testing every earlier mark for each tool use made thousands
  // of tool uses cost the square of their number.
  const pads = marks.length;
  let pad = 0;
  for (const m of answer.matchAll(TOOL_USE)) {
    while (pad < pads && marks[pad]!.end <= m.index!) pad++;
    if (pad < pads && marks[pad]!.at <= m.index!) continue;
    marks.push({ at: m.index!, end: m.index! + m[0].length, kind: 'tool', name: m[1]!, body: m[2]! });
  }
  marks.sort((x, y) => x.at - y.at);
  let pos = 0;
  const text = (s: string) => {
    if (s.trim()) b.message('assistant', s.trim(), path);
  };
  for (const m of marks) {
    text(answer.slice(pos, m.at));
    if (m.kind === 'scratchpad') b.reasoning(m.body.trim(), path);
    else b.toolCall(m.name!, toolUseArguments(m.body), undefined, path);
    pos = m.end;
  }
  text(answer.slice(pos));

  // The classifier's verdict.
  const c = doc['classification'];
  if (isRecord(c)) {
    const harmful = typeof c['harmful_behavior'] === 'boolean' ? c['harmful_behavior'] : typeof c['classifier_verdict'] === 'boolean' ? c['classifier_verdict'] : undefined;
    header.evaluation = { key: 'classification', raw: { ...c }, ...(harmful !== undefined ? { thresholdVerdict: harmful ? 'harmful' : 'not harmful' } : {}) };
    const reasoning = str(c['classifier_reasoning']);
    b.endTurn();
    b.environment(`Classifier verdict: ${harmful === undefined ? 'unknown' : harmful ? 'harmful behaviour' : 'no harmful behaviour'}${str(c['classifier_model']) ? ` (${str(c['classifier_model'])})` : ''}`, { ...c, ...(reasoning ? { classifier_reasoning: reasoning } : {}) }, ['classification']);
  } else if (c !== undefined) {
    b.typeProblem(['classification'], 'an object {harmful_behavior, classifier_verdict, classifier_reasoning}', c);
  }
  if (!header.model) delete header.model;
  if (!header.condition) delete header.condition;
  const built = b.finish();
  return { header, events: built.events, diagnostics: built.diagnostics };
}
