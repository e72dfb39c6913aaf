/**
 * Reader for what headless OpenCode prints (`opencode run --format json "…"`, how harnesses run it):
 * JSON Lines of `{type, timestamp (ms), sessionID, …}` events (OpenCode's packages/opencode/src/cli/
 * cmd/run.ts), each carrying a message part:
 * - `step_start {part}` → a new assistant turn;
 * - `text {part: {text}}` → the assistant's message, `reasoning {part: {text}}` → reasoning;
 * - `tool_use {part: {tool, callID, state: {status, input, output?, error?}}}` (printed once the call
 *   finished) → the call with its input and its answer (`status: error` marks it failed);
 * - `step_finish {part: {reason, tokens, cost}}` → usage and cost, summed over the steps;
 * - `error {error: {name, data: {message}}}` → a fact; `done {reason, rejected}` → a fact at the end
 *   naming the permissions OpenCode rejected.
 *
 * Tools keep OpenCode's names (`bash`, `write`, `edit`, `read`, …): the effects readers know them.
 * The prompt is not in this output (it is on the command line).
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { RunHeader } from '../../model';
import type { JsonPath } from '../../json/tolerantJson';
import type { ImportContext, ImportResult } from '../types';
import { EventBuilder, isRecord, num, str } from '../providers/builder';
import { addUsage, baseHeader, epochTime, finishImport, timingFrom, usageFrom } from '../providers/header';
import { isEventLines } from '../providers/shapes';

export const OPENCODE_RUN_READER = 'OpenCode headless output (run --format json)';

const EVENT_TYPES = new Set(['step_start', 'step_finish', 'text', 'reasoning', 'tool_use', 'error', 'done']);

/** True for JSON Lines of OpenCode run events: every record a known `type` with a `sessionID`, some carrying a `part`. */
export function detectOpenCodeRun(doc: unknown): boolean {
  const hasSession = (r: Record<string, unknown>) => typeof r['sessionID'] === 'string';
  return isEventLines(doc, EVENT_TYPES, hasSession, hasSession) && doc.some((r) => isRecord(r) && isRecord(r['part']));
}

export function importOpenCodeRun(doc: unknown, ctx: ImportContext, isIncomplete?: (v: unknown) => boolean): ImportResult {
  const b = new EventBuilder(ctx);
  const header: RunHeader = { ...baseHeader('opencode'), reader: { name: OPENCODE_RUN_READER } };
  const prompts: string[] = [];
  const times: string[] = [];
  (Array.isArray(doc) ? doc : []).forEach((r, i) => {
    if (isIncomplete?.(r)) return;
    const path: JsonPath = [i];
    if (!isRecord(r)) {
      b.typeProblem(path, 'an OpenCode run event {type, timestamp, sessionID, …}', r);
      return;
    }
    if (header.metadata['sessionID'] === undefined && typeof r['sessionID'] === 'string') header.metadata['sessionID'] = r['sessionID'];
    const at = epochTime(r['timestamp']);
    if (at) times.push(at);
    const part = isRecord(r['part']) ? r['part'] : {};
    b.within(at ? { timestamp: at } : {}, () => {
      switch (r['type']) {
        case 'step_start':
          b.beginAssistant();
          return;
        case 'text':
          b.ensureAssistant();
          b.message('assistant', str(part['text']) ?? '', [...path, 'part', 'text']);
          return;
        case 'reasoning':
          b.ensureAssistant();
          b.reasoning(str(part['text']) ?? '', [...path, 'part', 'text']);
          return;
        case 'tool_use': {
          const name = str(part['tool']);
          if (!name) {
            b.typeProblem([...path, 'part', 'tool'], 'the name of the tool called', part['tool']);
            return;
          }
          b.ensureAssistant();
          const state = isRecord(part['state']) ? part['state'] : {};
          const id = b.toolCall(name, isRecord(state['input']) ? state['input'] : {}, str(part['callID']), [...path, 'part', 'state', 'input']);
          const failed = state['status'] === 'error';
          const error = failed ? str(state['error']) ?? 'error' : undefined;
          b.toolResult({ callId: id, name, output: str(state['output']) ?? error ?? '', ...(error !== undefined ? { error } : {}) }, [...path, 'part', 'state']);
          return;
        }
        case 'step_finish': {
          const tokens = isRecord(part['tokens']) ? part['tokens'] : {};
          header.usage = addUsage(header.usage, usageFrom({ inputTokens: num(tokens['input']), outputTokens: num(tokens['output']), costUsd: num(part['cost']) }));
          return;
        }
        case 'error': {
          const e = isRecord(r['error']) ? r['error'] : {};
          const message = isRecord(e['data']) ? str(e['data']['message']) : undefined;
          b.environment(`Error: ${message ?? str(e['name']) ?? JSON.stringify(r['error'])}`, r, path);
          return;
        }
        case 'done': {
          const rejected = Array.isArray(r['rejected']) ? r['rejected'].filter((x): x is string => typeof x === 'string') : [];
          b.environment(`The run ended (${str(r['reason']) ?? 'done'})${rejected.length ? `; OpenCode rejected the permission${rejected.length > 1 ? 's' : ''} ${rejected.join(', ')}` : ''}`, r, path);
          return;
        }
      }
    });
  });
  const timing = timingFrom(times);
  if (timing) header.timing = timing;
  return finishImport(b, header, prompts);
}
