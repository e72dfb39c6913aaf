/**
 * Reader for ATIF trajectories (Harbor's Agent Trajectory Interchange Format, `schema_version:
 * "ATIF-v1.x"`, written by Harbor / Terminal-Bench for Claude Code, OpenHands, Terminus and others):
 * `{session_id, agent: {name, version, model_name}, steps: [...], final_metrics}`.
 *
 * Each step `{step_id, timestamp, source: system | user | agent, model_name, message,
 * reasoning_content, tool_calls: [{tool_call_id, function_name, arguments}], observation: {results:
 * [{source_call_id, content, subagent_trajectory_ref}]}, metrics}`: the message keeps its source's
 * role, an agent step is one assistant turn, its reasoning is reasoning, its calls are tool calls
 * answered by the observation's results (by `source_call_id`, else in order). A result that points to
 * another trajectory (context summarization, a subagent) is an environment fact naming that file.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { RunHeader } from '../../model';
import type { JsonPath } from '../../json/tolerantJson';
import type { ImportContext, ImportResult } from '../types';
import { EventBuilder, isRecord, num, parseArguments, partsText, rest, str } from '../providers/builder';
import { baseHeader, finishImport, timingFrom, usageFrom } from '../providers/header';

export const ATIF_READER = 'ATIF trajectory';

/** True for `{schema_version: "ATIF-v…", steps: [...]}`. */
export function detectAtif(doc: unknown): boolean {
  return isRecord(doc) && typeof doc['schema_version'] === 'string' && /^ATIF/i.test(doc['schema_version']) && Array.isArray(doc['steps']);
}

export function importAtif(doc: unknown, ctx: ImportContext, isIncomplete?: (v: unknown) => boolean): ImportResult {
  const b = new EventBuilder(ctx);
  const header: RunHeader = { ...baseHeader('atif'), reader: { name: ATIF_READER } };
  const prompts: string[] = [];
  if (!isRecord(doc)) {
    b.typeProblem([], 'an ATIF trajectory object', doc);
    return finishImport(b, header, prompts);
  }
  header.formatVersion = str(doc['schema_version']);
  const agent = isRecord(doc['agent']) ? doc['agent'] : {};
  if (str(agent['name'])) header.agentName = `${str(agent['name'])}${str(agent['version']) ? ` ${str(agent['version'])}` : ''}`;
  const model = str(agent['model_name']);
  if (model) header.model = model;
  const fm = isRecord(doc['final_metrics']) ? doc['final_metrics'] : {};
  const usage = usageFrom({ inputTokens: num(fm['total_prompt_tokens']), outputTokens: num(fm['total_completion_tokens']), costUsd: num(fm['total_cost_usd']) });
  if (usage) header.usage = usage;
  header.metadata = rest(doc, ['steps', 'schema_version']);

  const steps = doc['steps'];
  const times: string[] = [];
  if (!Array.isArray(steps)) b.typeProblem(['steps'], 'a list of steps', steps);
  (Array.isArray(steps) ? steps : []).forEach((s, i) => {
    if (isIncomplete?.(s)) return;
    const path: JsonPath = ['steps', i];
    if (!isRecord(s)) {
      b.typeProblem(path, 'a step object {step_id, source, message, …}', s);
      return;
    }
    const timestamp = str(s['timestamp']);
    if (timestamp) times.push(timestamp);
    b.within(timestamp ? { timestamp } : {}, () => step(b, s, path, prompts));
    if (!header.model && s['source'] === 'agent' && str(s['model_name'])) header.model = str(s['model_name']);
  });
  const timing = timingFrom(times);
  if (timing) header.timing = timing;
  return finishImport(b, header, prompts);
}

function step(b: EventBuilder, s: Record<string, unknown>, path: JsonPath, prompts: string[]): void {
  const source = s['source'];
  const text = s['message'] === undefined || s['message'] === null ? '' : partsText(s['message']);
  if (text === undefined) b.typeProblem([...path, 'message'], 'a string or a list of content parts', s['message']);
  if (source === 'system' || source === 'user') {
    if (text) {
      prompts.push(text);
      b.message(source, text, [...path, 'message']);
    }
  } else if (source === 'agent') {
    b.beginAssistant();
    const reasoning = str(s['reasoning_content']);
    if (reasoning) b.reasoning(reasoning, [...path, 'reasoning_content']);
    if (text) b.message('assistant', text, [...path, 'message']);
  } else {
    b.typeProblem([...path, 'source'], 'one of "system", "user", "agent"', source);
    return;
  }

  const callIds: string[] = [];
  const calls = s['tool_calls'];
  if (calls !== undefined && calls !== null && !Array.isArray(calls)) b.typeProblem([...path, 'tool_calls'], 'a list of tool calls', calls);
  (Array.isArray(calls) ? calls : []).forEach((c, k) => {
    const cp: JsonPath = [...path, 'tool_calls', k];
    if (!isRecord(c)) {
      b.typeProblem(cp, 'a tool call {tool_call_id, function_name, arguments}', c);
      return;
    }
    const name = str(c['function_name']);
    if (!name) {
      b.typeProblem([...cp, 'function_name'], 'the name of the function called', c['function_name']);
      return;
    }
    callIds.push(b.toolCall(name, parseArguments(b, c['arguments'], [...cp, 'arguments'], name), str(c['tool_call_id']), cp));
  });

  const obs = s['observation'];
  if (obs === undefined || obs === null) return;
  const results = isRecord(obs) ? obs['results'] : undefined;
  if (!Array.isArray(results)) {
    b.typeProblem([...path, 'observation', 'results'], 'a list of observation results', results);
    return;
  }
  results.forEach((r, k) => {
    const rp: JsonPath = [...path, 'observation', 'results', k];
    if (!isRecord(r)) {
      b.typeProblem(rp, 'an observation result {source_call_id, content}', r);
      return;
    }
    const refs = r['subagent_trajectory_ref'];
    if (Array.isArray(refs)) {
      for (const ref of refs) {
        if (!isRecord(ref)) continue;
        const extra = isRecord(ref['extra']) ? ref['extra'] : {};
        const file = str(ref['trajectory_path']) ?? str(ref['session_id']) ?? 'another trajectory';
        b.environment(`Continued in ${file}${str(extra['summary']) ? `: ${str(extra['summary'])}` : ''}`, ref, rp);
      }
    }
    if (r['content'] === undefined || r['content'] === null) return;
    const output = partsText(r['content']) ?? JSON.stringify(r['content']);
    // Without an id, results answer the step's calls in order.
    const callId = str(r['source_call_id']) ?? callIds[k];
    b.toolResult({ ...(callId !== undefined ? { callId } : {}), output }, rp);
  });
}
