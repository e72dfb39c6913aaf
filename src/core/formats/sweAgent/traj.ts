/**
 * Reader for SWE-agent trajectories (`.traj`): `{trajectory: [{thought, action, observation,
 * response, state}], history: [{role, content, agent, …}], info: {exit_status, submission,
 * model_stats}, environment, replay_config}`.
 *
 * The run is read from `history`, the conversation the model saw:
 * - the function-calling form: assistant entries carry `tool_calls` (OpenAI shape) and `tool`
 *   entries answer them (`tool_call_ids`; where an id does not match, the answer goes to the call
 *   just made: SWE-agent runs one action at a time);
 * - the older form (gpt4 demonstrations): an assistant entry's `action` is a command line for
 *   SWE-agent's shell, answered by the next user entry. Interface commands (`open`, `edit a:b`,
 *   `create`, `find_file`, `submit`, …) are tool calls of that name with the arguments read from the
 *   line (`edit`'s `path` is the open file recorded in the step's state); anything else is `bash`.
 * Demonstration entries (`is_demo`) are the prompt's examples: one user message. Without a history,
 * the trajectory's steps are read (thought, action, observation). The final patch (`submission`) and
 * exit status are an environment fact at the end.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { RunHeader } from '../../model';
import type { JsonPath } from '../../json/tolerantJson';
import type { ImportContext, ImportResult } from '../types';
import { EventBuilder, isRecord, num, parseArguments, partsText, rest, str } from '../providers/builder';
import { parseJsonInText } from '../../json/values';
import { baseHeader, finishImport, usageFrom } from '../providers/header';

export const SWE_AGENT_READER = 'SWE-agent trajectory';

/** SWE-agent's own interface commands (anything else an action runs goes to bash). */
const INTERFACE = new Set(['open', 'goto', 'scroll_up', 'scroll_down', 'create', 'edit', 'insert', 'append', 'search_dir', 'search_file', 'find_file', 'submit', 'str_replace_editor', 'filemap']);

/** True for `{trajectory: [steps with action/observation], …}` beside a history or info. */
export function detectSweAgent(doc: unknown): boolean {
  if (!isRecord(doc) || !Array.isArray(doc['trajectory'])) return false;
  const t = doc['trajectory'];
  return (Array.isArray(doc['history']) || isRecord(doc['info'])) && (t.length === 0 || t.some((s) => isRecord(s) && ('action' in s || 'observation' in s)));
}

export function importSweAgent(doc: unknown, ctx: ImportContext, isIncomplete?: (v: unknown) => boolean): ImportResult {
  const b = new EventBuilder(ctx);
  const header: RunHeader = { ...baseHeader('swe-agent'), reader: { name: SWE_AGENT_READER } };
  const prompts: string[] = [];
  if (!isRecord(doc)) {
    b.typeProblem([], 'a SWE-agent trajectory object', doc);
    return finishImport(b, header, prompts);
  }
  const info = isRecord(doc['info']) ? doc['info'] : {};
  const stats = isRecord(info['model_stats']) ? info['model_stats'] : {};
  const usage = usageFrom({ inputTokens: num(stats['tokens_sent']), outputTokens: num(stats['tokens_received']), costUsd: num(stats['instance_cost']), apiCalls: num(stats['api_calls']) });
  if (usage) header.usage = usage;
  const replay = isRecord(doc['replay_config']) ? doc['replay_config'] : typeof doc['replay_config'] === 'string' ? safeParse(doc['replay_config']) : undefined;
  const agentCfg = isRecord(replay?.['agent']) ? replay['agent'] : undefined;
  const model = isRecord(agentCfg?.['model']) ? str(agentCfg['model']['name']) : undefined;
  if (model) header.model = model;
  header.metadata = rest(doc, ['trajectory', 'history']);

  const trajectory = Array.isArray(doc['trajectory']) ? doc['trajectory'] : [];
  const history = doc['history'];
  if (Array.isArray(history) && history.length) readHistory(b, history, trajectory, prompts, isIncomplete);
  else readTrajectory(b, trajectory, prompts);

  const submission = str(info['submission']);
  const exit = str(info['exit_status']);
  if (submission || exit) b.environment(`The run ended${exit ? ` (${exit})` : ''}${submission ? ' and submitted a patch' : ''}`, { ...(exit ? { exit_status: exit } : {}), ...(submission ? { submission } : {}) }, ['info']);
  return finishImport(b, header, prompts);
}

function safeParse(s: string): Record<string, unknown> | undefined {
  try {
    const v = parseJsonInText(s);
    return isRecord(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function readHistory(b: EventBuilder, history: unknown[], trajectory: unknown[], prompts: string[], isIncomplete?: (v: unknown) => boolean): void {
  let lastCalls: string[] = [];
  // The same ids as a set: a tool entry may list thousands of ids against thousands of calls.
  let lastCallIds = new Set<string>();
  let pendingAction = false;
  let step = 0;
  history.forEach((m, i) => {
    if (isIncomplete?.(m)) return;
    const path: JsonPath = ['history', i];
    if (!isRecord(m)) {
      b.typeProblem(path, 'a history entry {role, content}', m);
      return;
    }
    const role = m['role'];
    const text = m['content'] === null || m['content'] === undefined ? '' : partsText(m['content']);
    if (text === undefined) {
      b.typeProblem([...path, 'content'], 'a string or a list of content parts', m['content']);
      return;
    }
    switch (role) {
      case 'system':
        prompts.push(text);
        b.message('system', text, [...path, 'content']);
        return;
      case 'user':
        if (pendingAction && lastCalls.length) {
          b.toolResult({ callId: lastCalls[0]!, output: text }, [...path, 'content']);
          pendingAction = false;
          return;
        }
        prompts.push(text);
        b.message('user', text, [...path, 'content']);
        return;
      case 'tool': {
        const ids = Array.isArray(m['tool_call_ids']) ? m['tool_call_ids'].filter((x): x is string => typeof x === 'string') : str(m['tool_call_id']) ? [str(m['tool_call_id'])!] : [];
        // SWE-agent answers the calls just made; ids that match none of them are replay leftovers.
        const id = ids.find((x) => lastCallIds.has(x)) ?? lastCalls[0] ?? ids[0];
        b.toolResult({ ...(id !== undefined ? { callId: id } : {}), output: text }, [...path, 'content']);
        pendingAction = false;
        return;
      }
      case 'assistant': {
        b.beginAssistant();
        const thought = str(m['thought']) ?? text;
        const calls = Array.isArray(m['tool_calls']) ? m['tool_calls'] : undefined;
        if (thought.trim()) b.message('assistant', calls ? thought : stripActionBlock(thought, str(m['action'])), [...path, m['thought'] !== undefined ? 'thought' : 'content']);
        lastCalls = [];
        lastCallIds = new Set();
        if (calls) {
          calls.forEach((c, k) => {
            const cp: JsonPath = [...path, 'tool_calls', k];
            const fn = isRecord(c) && isRecord(c['function']) ? c['function'] : undefined;
            const name = str(fn?.['name']);
            if (!fn || !name) {
              b.typeProblem(cp, 'a tool call {id, function: {name, arguments}}', c);
              return;
            }
            const id = b.toolCall(name, parseArguments(b, fn['arguments'], [...cp, 'function', 'arguments'], name), isRecord(c) ? str(c['id']) : undefined, cp);
            lastCalls.push(id);
            lastCallIds.add(id);
          });
        } else {
          const action = str(m['action']);
          const state = stateOf(trajectory[step]);
          if (action !== undefined && action.trim()) {
            const id = actionCall(b, action, state, [...path, 'action']);
            lastCalls.push(id);
            lastCallIds.add(id);
          }
        }
        step++;
        pendingAction = lastCalls.length > 0;
        return;
      }
      default:
        b.typeProblem([...path, 'role'], 'one of "system", "user", "assistant", "tool"', role);
    }
  });
}

function readTrajectory(b: EventBuilder, trajectory: unknown[], prompts: string[]): void {
  void prompts;
  trajectory.forEach((s, i) => {
    const path: JsonPath = ['trajectory', i];
    if (!isRecord(s)) {
      b.typeProblem(path, 'a trajectory step {thought, action, observation}', s);
      return;
    }
    b.beginAssistant();
    const thought = str(s['thought']);
    if (thought?.trim()) b.message('assistant', thought, [...path, 'thought']);
    const action = str(s['action']);
    if (action?.trim()) {
      const id = actionCall(b, action, stateOf(s), [...path, 'action']);
      b.toolResult({ callId: id, output: typeof s['observation'] === 'string' ? s['observation'] : JSON.stringify(s['observation'] ?? '') }, [...path, 'observation']);
    }
  });
}

/** The step's environment state (`{open_file, working_dir}`), saved as an object or a JSON string. */
function stateOf(step: unknown): Record<string, unknown> {
  if (!isRecord(step)) return {};
  const s = step['state'];
  if (isRecord(s)) return s;
  return typeof s === 'string' ? safeParse(s) ?? {} : {};
}

/**
 * The model's text without the fenced block that repeats its action: the block from the text's first
 * fence (through the end of its line) to the fence that ends the text (only whitespace after it),
 * when what it holds is the action. Found with indexOf: the regex that said the same
 * (/```[^\n]*\n([\s\S]*?)```\s*$/) tried every fence against the rest of the text, and a thought
 * of 64,000 fences (0.6 MB) took 14 s.
 */
function stripActionBlock(text: string, action: string | undefined): string {
  if (!action) return text;
  const end = text.trimEnd();
  if (!end.endsWith('```')) return text;
  const close = end.length - 3; // the last fence: only whitespace follows it
  const open = text.indexOf('```');
  const bodyStart = text.indexOf('\n', open + 3) + 1;
  if (bodyStart === 0 || bodyStart > close) return text;
  return text.slice(bodyStart, close).trim() === action.trim() ? text.slice(0, open).trimEnd() : text;
}

/**
 * A command line for SWE-agent's shell as a tool call: an interface command by its name with the
 * arguments read from the line, anything else as `bash {command}`.
 */
function actionCall(b: EventBuilder, action: string, state: Record<string, unknown>, path: JsonPath): string {
  // trimEnd, not replace(/\s+$/): the regex tried every whitespace run to its end (a run of 160,000
  // spaces inside an action took 23 s); both remove the same characters.
  const line = action.trimEnd();
  const word = /^(\S+)/.exec(line)?.[1] ?? '';
  if (!INTERFACE.has(word)) return b.toolCall('bash', { command: line }, undefined, path);
  const restOfLine = line.slice(word.length).replace(/^[ \t]+/, '');
  const firstLine = restOfLine.split('\n')[0]!;
  const unquote = (s: string) => s.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
  const openFile = str(state['open_file']);
  const file = openFile && openFile !== 'n/a' ? openFile : undefined;
  let args: Record<string, unknown>;
  switch (word) {
    case 'edit': {
      const range = /^(\d+):(\d+)\n([\s\S]*?)\n?end_of_edit\s*$/.exec(restOfLine);
      args = range ? { ...(file ? { path: file } : {}), start_line: Number(range[1]), end_line: Number(range[2]), replacement: range[3] } : { command: line };
      break;
    }
    case 'create':
      args = { filename: unquote(firstLine.trim()) };
      break;
    case 'open': {
      const [p, ln] = firstLine.trim().split(/\s+/);
      args = { path: unquote(p ?? ''), ...(ln ? { line_number: Number(ln) } : {}) };
      break;
    }
    case 'submit':
      args = {};
      break;
    default:
      args = { command: line };
  }
  return b.toolCall(word, args, undefined, path);
}
