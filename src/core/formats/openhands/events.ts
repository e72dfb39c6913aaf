/**
 * Reader for OpenHands event streams: a JSON list of events `{id, timestamp, source: user | agent |
 * environment, action | observation, args, message, content, cause, extras, tool_call_metadata}`,
 * or a record holding one as `history` (an evaluation output line: `{instance_id, instruction,
 * history, test_result, metrics, …}`).
 *
 * - `system` and `message` actions are messages (the agent's are the assistant's);
 * - any other action is a tool call: named by `tool_call_metadata.function_name` (`execute_bash`,
 *   `str_replace_editor`, …) with the arguments the model sent (from the saved model response),
 *   else by the action (`run`, `edit`, …) with the event's `args`; the action's `thought` is the
 *   assistant's text before it; `think` is reasoning;
 * - an observation answers the action its `cause` names; an `error` observation or a command's
 *   non-zero exit code marks the result failed; `recall` (workspace context) is an environment fact.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { RunHeader } from '../../model';
import type { JsonPath } from '../../json/tolerantJson';
import type { ImportContext, ImportResult } from '../types';
import { EventBuilder, isRecord, num, parseArguments, rest, str } from '../providers/builder';
import { baseHeader, finishImport, readUsage, timingFrom } from '../providers/header';

export const OPENHANDS_READER = 'OpenHands event stream';

/** The args OpenHands adds to an action for its own use, left out of a call's arguments. */
const BOOKKEEPING_ARGS = new Set(['thought', 'impl_source', 'translated_ipython_code', 'confirmation_state', 'hidden', 'is_static', 'blocking', 'is_input', 'security_risk', 'wait_for_response', 'image_urls']);

function isEvent(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && typeof v['source'] === 'string' && (typeof v['action'] === 'string' || typeof v['observation'] === 'string');
}

/** True for a list of OpenHands events, or a record holding one as `history`. */
export function detectOpenHands(doc: unknown): boolean {
  const list = Array.isArray(doc) ? doc : isRecord(doc) && Array.isArray(doc['history']) ? doc['history'] : undefined;
  if (!list || list.length === 0) return false;
  const events = list.filter(isEvent);
  return events.length * 2 >= list.length && events.some((e) => 'id' in e);
}

/** Reads an OpenHands event list (or `{history, instance_id, …}` record) as one run. */
export function importOpenHands(doc: unknown, ctx: ImportContext, isIncomplete?: (v: unknown) => boolean): ImportResult {
  const b = new EventBuilder(ctx);
  const header: RunHeader = { ...baseHeader('openhands'), reader: { name: OPENHANDS_READER } };
  const prompts: string[] = [];
  let list: unknown[] = [];
  let base: JsonPath = [];
  if (Array.isArray(doc)) list = doc;
  else if (isRecord(doc) && Array.isArray(doc['history'])) {
    list = doc['history'];
    base = ['history'];
    header.metadata = rest(doc, ['history']);
    if (str(doc['instance_id'])) header.title = str(doc['instance_id']);
    const meta = isRecord(doc['metadata']) ? doc['metadata'] : {};
    const llm = isRecord(meta['llm_config']) ? meta['llm_config'] : {};
    if (str(llm['model'])) header.model = str(llm['model']);
    if (str(meta['agent_class'])) header.agentName = str(meta['agent_class']);
    const metrics = isRecord(doc['metrics']) ? doc['metrics'] : {};
    const usage = readUsage(metrics['accumulated_token_usage']);
    const cost = num(metrics['accumulated_cost']);
    if (usage || cost !== undefined) header.usage = { ...usage, ...(cost !== undefined ? { costUsd: cost } : {}) };
  } else b.typeProblem([], 'a list of OpenHands events, or a record with a "history" list of them', doc);

  const callOfEvent = new Map<number, string>();
  const times: string[] = [];
  list.forEach((e, i) => {
    if (isIncomplete?.(e)) return;
    const path: JsonPath = [...base, i];
    if (!isRecord(e)) {
      b.typeProblem(path, 'an OpenHands event {id, source, action | observation, …}', e);
      return;
    }
    const timestamp = str(e['timestamp']);
    if (timestamp) times.push(timestamp);
    b.within(timestamp ? { timestamp } : {}, () => event(e, path));
  });

  function event(e: Record<string, unknown>, path: JsonPath): void {
    const source = e['source'];
    const args = isRecord(e['args']) ? e['args'] : {};
    const action = str(e['action']);
    const meta = isRecord(e['tool_call_metadata']) ? e['tool_call_metadata'] : undefined;
    if (action) {
      if (action === 'system' || action === 'message') {
        const text = str(args['content']) ?? str(e['message']) ?? '';
        const role = action === 'system' ? 'system' : source === 'user' ? 'user' : 'assistant';
        if (role === 'assistant') b.beginAssistant();
        else prompts.push(text);
        b.message(role, text, [...path, str(args['content']) !== undefined ? 'args' : 'message']);
        return;
      }
      if (action === 'recall') return; // the lookup of workspace context; its observation says what was added
      if (source === 'user' || source === 'environment') {
        b.environment(`${source === 'user' ? 'The user' : 'The environment'}: ${action}${str(e['message']) ? ` — ${str(e['message'])}` : ''}`, args, path);
        return;
      }
      b.beginAssistant();
      const thought = str(args['thought']);
      if (action === 'think') {
        if (thought) b.reasoning(thought, [...path, 'args', 'thought']);
        return;
      }
      if (thought?.trim()) b.message('assistant', thought, [...path, 'args', 'thought']);
      const fromModel = meta ? modelArguments(meta) : undefined;
      const name = str(meta?.['function_name']) ?? action;
      const callArgs = fromModel !== undefined ? parseArguments(b, fromModel, [...path, 'tool_call_metadata', 'model_response'], name) : ownArgs(args);
      const id = b.toolCall(name, callArgs, str(meta?.['tool_call_id']) ?? (num(e['id']) !== undefined ? `event-${e['id']}` : undefined), path);
      if (num(e['id']) !== undefined) callOfEvent.set(num(e['id'])!, id);
      return;
    }
    const observation = str(e['observation']);
    if (!observation) {
      b.typeProblem(path, 'an event with an "action" or an "observation"', e);
      return;
    }
    const cause = num(e['cause']);
    const callId = cause !== undefined ? callOfEvent.get(cause) : undefined;
    const content = typeof e['content'] === 'string' ? e['content'] : JSON.stringify(e['content'] ?? '');
    if (observation === 'recall' || (callId === undefined && observation !== 'error')) {
      b.environment(`${observation}: ${str(e['message']) ?? content.slice(0, 200)}`, rest(e, ['content']), path);
      return;
    }
    const extras = isRecord(e['extras']) ? e['extras'] : {};
    const exit = isRecord(extras['metadata']) ? num(extras['metadata']['exit_code']) : num(extras['exit_code']);
    const error = observation === 'error' ? (content.split('\n')[0] || 'error') : exit !== undefined && exit !== 0 && exit !== -1 ? `exit code ${exit}` : /^ERROR:/.test(content) ? content.split('\n').slice(0, 2).join(' ').trim() : undefined;
    if (callId === undefined) {
      b.environment(`Error: ${content}`, rest(e, ['content']), path);
      return;
    }
    b.toolResult({ callId, output: content, ...(error !== undefined ? { error } : {}) }, [...path, 'content']);
  }

  const timing = timingFrom(times);
  if (timing) header.timing = timing;
  return finishImport(b, header, prompts);
}

/** The arguments the model sent for this call, from the saved model response (a JSON string). */
function modelArguments(meta: Record<string, unknown>): unknown {
  const response = meta['model_response'];
  if (!isRecord(response) || !Array.isArray(response['choices'])) return undefined;
  const wanted = str(meta['tool_call_id']);
  const calls: Record<string, unknown>[] = [];
  for (const c of response['choices']) {
    const m = isRecord(c) ? c['message'] : undefined;
    if (isRecord(m) && Array.isArray(m['tool_calls'])) for (const t of m['tool_calls']) if (isRecord(t)) calls.push(t);
  }
  const call = calls.find((t) => t['id'] === wanted) ?? (calls.length === 1 ? calls[0] : undefined);
  const fn = call && isRecord(call['function']) ? call['function'] : undefined;
  if (!fn || (str(meta['function_name']) && fn['name'] !== meta['function_name'])) return undefined;
  return fn['arguments'];
}

/** An action's own args without OpenHands' bookkeeping and empty values. */
function ownArgs(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) if (!BOOKKEEPING_ARGS.has(k) && v !== null && v !== '') out[k] = v;
  return out;
}
