/**
 * Reader for OpenAI Agents SDK run dumps: a serialized RunState (`{$schemaVersion, currentAgent,
 * originalInput, modelResponses, generatedItems, currentStep, pendingAgentToolRuns, …}`, JS SDK) and
 * RunResult-like dumps with the Python SDK's snake_case names (`original_input`, `new_items`,
 * `raw_responses`, `last_agent`).
 *
 * - `originalInput`: a string (the user's prompt) or a list of Responses items;
 * - `generatedItems`: run items wrapping Responses items (`rawItem`): messages, reasoning, function
 *   calls and their results, handoffs (the handoff call and its result, plus an environment fact
 *   naming the agents), approvals asked for (`tool_approval_item`, environment facts);
 * - the interruption the run stopped on (`currentStep.data.interruptions`) and the approvals given
 *   or refused (`context.approvals`) are environment facts;
 * - an agent run as a tool that is waiting (`pendingAgentToolRuns`, a nested RunState saved as a
 *   string, keyed `<tool>:<callId>`) is read in an `agent` group under that call.
 * The SDK's items use camelCase ids (`callId`) and `function_call_result`; they are read by the one
 * Responses item reader after renaming.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { EventGroup, RunHeader, Usage } from '../../model';
import type { JsonPath } from '../../json/tolerantJson';
import type { ImportContext, ImportResult } from '../types';
import { EventBuilder, isRecord, num, str } from '../providers/builder';
import { JsonTooDeepError, parseJsonInText } from '../../json/values';
import { addUsage, baseHeader, finishImport, readUsage } from '../providers/header';
import { responsesItem } from '../openai/responses';

export const OPENAI_AGENTS_READER = 'OpenAI Agents SDK run state';

function pickKey(doc: Record<string, unknown>, ...keys: string[]): { key: string; value: unknown } | undefined {
  for (const k of keys) if (doc[k] !== undefined) return { key: k, value: doc[k] };
  return undefined;
}

/** True for a RunState (`$schemaVersion` with the run's fields) or a Python RunResult dump. */
export function detectOpenAIAgents(doc: unknown): boolean {
  if (!isRecord(doc)) return false;
  if (typeof doc['$schemaVersion'] === 'string' && ('generatedItems' in doc || 'originalInput' in doc || 'modelResponses' in doc)) return true;
  return Array.isArray(doc['new_items']) && ('original_input' in doc || 'raw_responses' in doc);
}

export function importOpenAIAgents(doc: unknown, ctx: ImportContext): ImportResult {
  const b = new EventBuilder(ctx);
  const header: RunHeader = { ...baseHeader('openai-agents'), reader: { name: OPENAI_AGENTS_READER } };
  const prompts: string[] = [];
  if (!isRecord(doc)) {
    b.typeProblem([], 'an Agents SDK RunState object', doc);
    return finishImport(b, header, prompts);
  }
  if (typeof doc['$schemaVersion'] === 'string') header.formatVersion = doc['$schemaVersion'];
  const agent = pickKey(doc, 'currentAgent', 'current_agent', 'last_agent');
  const agentName = isRecord(agent?.value) ? str(agent.value['name']) : str(agent?.value);
  if (agentName) header.agentName = agentName;
  header.usage = readState(b, doc, [], prompts, undefined);
  const used = ['$schemaVersion', 'originalInput', 'original_input', 'generatedItems', 'new_items', 'modelResponses', 'raw_responses', 'lastModelResponse', 'pendingAgentToolRuns', 'currentAgent', 'current_agent', 'last_agent'];
  for (const [k, v] of Object.entries(doc)) if (!used.includes(k)) header.metadata[k] = v;
  return finishImport(b, header, prompts);
}

/** Reads one RunState's conversation into `b`; returns its usage. `groups` places a nested run. */
function readState(b: EventBuilder, doc: Record<string, unknown>, path: JsonPath, prompts: string[], groups: EventGroup[] | undefined): Usage | undefined {
  let usage: Usage | undefined;
  b.within(groups ? { groups } : {}, () => {
    const input = pickKey(doc, 'originalInput', 'original_input');
    if (typeof input?.value === 'string') {
      if (!groups) prompts.push(input.value);
      b.message('user', input.value, [...path, input.key]);
    } else if (Array.isArray(input?.value)) {
      input.value.forEach((it, i) => responsesItem(b, sdkItem(it), [...path, input.key, i], groups ? [] : prompts));
    } else if (input) b.typeProblem([...path, input.key], 'the run\'s input: a string or a list of items', input.value);

    const items = pickKey(doc, 'generatedItems', 'new_items');
    if (items && !Array.isArray(items.value)) b.typeProblem([...path, items.key], 'a list of run items', items.value);
    (Array.isArray(items?.value) ? items.value : []).forEach((item, i) => runItem(b, item, [...path, items!.key, i], prompts));

    const responses = pickKey(doc, 'modelResponses', 'raw_responses');
    for (const r of Array.isArray(responses?.value) ? responses.value : []) if (isRecord(r)) usage = addUsage(usage, sdkUsage(r['usage']));

    // The approvals the run waits for, and those already given or refused.
    const step = doc['currentStep'] ?? doc['current_step'];
    if (isRecord(step) && isRecord(step['data']) && Array.isArray(step['data']['interruptions'])) {
      step['data']['interruptions'].forEach((it, i) => {
        if (!isRecord(it)) return;
        const raw = isRecord(it['rawItem']) ? it['rawItem'] : {};
        const tool = str(it['toolName']) ?? str(raw['name']) ?? 'a tool';
        const who = isRecord(it['agent']) ? str(it['agent']['name']) : undefined;
        b.environment(`The run is paused for approval: ${tool}${who ? ` (asked by ${who})` : ''}`, it, [...path, 'currentStep', 'data', 'interruptions', i]);
      });
    }
    const context = doc['context'];
    if (isRecord(context) && isRecord(context['approvals'])) {
      for (const [tool, a] of Object.entries(context['approvals'])) {
        if (!isRecord(a)) continue;
        for (const verdict of ['approved', 'rejected'] as const) {
          const v = a[verdict];
          if (v === true || (Array.isArray(v) && v.length)) b.environment(`Approval ${verdict} for ${tool}${Array.isArray(v) ? ` (calls ${v.join(', ')})` : ' (all calls)'}`, a, [...path, 'context', 'approvals', tool]);
        }
      }
    }
  });

  // Agents run as tools that are still going: each a RunState of its own, saved as a string.
  const pending = doc['pendingAgentToolRuns'];
  if (isRecord(pending)) {
    for (const [key, saved] of Object.entries(pending)) {
      const at: JsonPath = [...path, 'pendingAgentToolRuns', key];
      let nested: unknown = saved;
      if (typeof saved === 'string') {
        try {
          nested = parseJsonInText(saved);
        } catch (e) {
          const why = e instanceof Error ? e.message : String(e);
          b.problem('warning', at, 'a string holding the nested run\'s RunState as JSON', e instanceof JsonTooDeepError ? why : `text that is not valid JSON (${why})`, 'The nested run is not shown.');
          continue;
        }
      }
      if (!isRecord(nested)) {
        b.typeProblem(at, 'the nested run\'s RunState', nested);
        continue;
      }
      const callId = key.includes(':') ? key.slice(key.indexOf(':') + 1) : key;
      const tool = key.includes(':') ? key.slice(0, key.indexOf(':')) : key;
      const nestedAgent = isRecord(nested['currentAgent']) ? str(nested['currentAgent']['name']) : undefined;
      const group: EventGroup = { id: `agent:${callId}`, kind: 'agent', name: `${nestedAgent ?? 'Agent'} (run by ${tool})`, callId };
      usage = addUsage(usage, readState(b, nested, at, prompts, [...(groups ?? []), group]));
    }
  }
  return usage;
}

/** One run item (`{type: message_output_item | tool_call_item | …, rawItem, agent}`). */
function runItem(b: EventBuilder, item: unknown, path: JsonPath, prompts: string[]): void {
  if (!isRecord(item)) {
    b.typeProblem(path, 'a run item {type, rawItem, …}', item);
    return;
  }
  const type = str(item['type']);
  const raw = item['rawItem'] ?? item['raw_item'];
  const rawPath: JsonPath = [...path, item['rawItem'] !== undefined ? 'rawItem' : 'raw_item'];
  switch (type) {
    case 'tool_approval_item': {
      const r = isRecord(raw) ? raw : {};
      const tool = str(item['toolName']) ?? str(r['name']) ?? 'a tool';
      b.environment(`Approval asked for ${tool}`, item, path);
      return;
    }
    case 'handoff_output_item': {
      responsesItem(b, sdkItem(raw), rawPath, []);
      const from = agentNameOf(item['sourceAgent'] ?? item['source_agent']);
      const to = agentNameOf(item['targetAgent'] ?? item['target_agent']);
      if (from || to) b.environment(`Handoff from ${from ?? 'an agent'} to ${to ?? 'another agent'}`, { from, to }, path);
      return;
    }
    case undefined:
      b.typeProblem([...path, 'type'], 'the run item\'s type (message_output_item, tool_call_item, …)', item['type']);
      return;
    default:
      if (raw === undefined) {
        b.environment(`Run item of type ${type}`, item, path);
        return;
      }
      responsesItem(b, sdkItem(raw), rawPath, prompts);
  }
}

function agentNameOf(v: unknown): string | undefined {
  return isRecord(v) ? str(v['name']) : str(v);
}

/** A JS SDK protocol item in the Responses API's spelling (`callId` → `call_id`, function results). */
function sdkItem(v: unknown): unknown {
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = { ...v };
  if (out['call_id'] === undefined && out['callId'] !== undefined) out['call_id'] = out['callId'];
  if (out['type'] === 'function_call_result') out['type'] = 'function_call_output';
  const o = out['output'];
  if (isRecord(o) && typeof o['text'] === 'string') out['output'] = o['text'];
  return out;
}

/** The SDK's usage (`inputTokens`, `outputTokens`, `totalTokens`, `requests`). */
function sdkUsage(u: unknown): Usage | undefined {
  if (!isRecord(u)) return undefined;
  const base = readUsage({ input_tokens: u['inputTokens'] ?? u['input_tokens'], output_tokens: u['outputTokens'] ?? u['output_tokens'], total_tokens: u['totalTokens'] ?? u['total_tokens'] });
  const requests = num(u['requests']);
  return requests !== undefined ? { ...base, apiCalls: requests } : base;
}
