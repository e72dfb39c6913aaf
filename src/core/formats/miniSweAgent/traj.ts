/**
 * Reader for mini-swe-agent trajectories (`*.traj.json`, SWE-agent's bash-only agent, the scaffold of
 * SWE-bench's bash-only leaderboard): `{info: {exit_status, submission, model_stats, config,
 * mini_version}, messages: […], trajectory_format: "mini-swe-agent-1…", instance_id}`; early
 * releases saved the bare `messages` list.
 *
 * The messages are OpenAI chat messages (litellm's), read by the Chat Completions reader's
 * `chatMessage` (one reader of that shape). What is mini-swe-agent's own:
 * - **Text actions.** Without tool calling, the model writes its command in a fenced block
 *   (```` ```mswea_bash_command ```` or ```` ```bash ````) and the next user message is its output. Like
 *   mini-swe-agent, a reply with exactly one such block is an action: a `bash` call with the block
 *   as its command (the block is left out of the message, which keeps the model's THOUGHT), answered
 *   by the next user message. A reply with none or several is the format error mini-swe-agent
 *   answers with a message of its own, and stays a message. The parsed commands mini-swe-agent 2
 *   records (`extra.actions`) are taken when the reply has no `tool_calls`. The `action_regex` a
 *   config may set is not compiled: it is the log's text, and the two fences are the ones its
 *   releases write.
 * - **Observations** (`<returncode>N</returncode>\n<output>…</output>`, with an `<exception>` or the
 *   head and tail of a long output) show the output itself; a non-zero return code is the error.
 *   Anything else is shown as written.
 * - **The end**: the `exit` message (mini-swe-agent 2) or `info.exit_status` and `submission`
 *   become a fact at the end, as SWE-agent's do.
 * - Model from `info.config.model.model_name`, cost and API calls from `info.model_stats`, times
 *   from each message's `extra.timestamp` (Unix seconds), the instance as the title; the rest of the
 *   document (the config, the templates) in `header.metadata`.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { RunHeader } from '../../model';
import type { JsonPath } from '../../json/tolerantJson';
import type { ImportContext, ImportResult } from '../types';
import { EventBuilder, isRecord, num, partsText, rest, str } from '../providers/builder';
import { baseHeader, epochTime, finishImport, timingFrom, usageFrom } from '../providers/header';
import { chatMessage } from '../openai/chat';

export const MINI_SWE_AGENT_READER = 'mini-swe-agent trajectory';

/** The fence tags mini-swe-agent reads an action from (its `action_regex`, both spellings its releases used). */
const ACTION_TAG = /^(?:mswea_bash_command|bash)[ \t]*\r?\n/;

/**
 * The fenced action blocks of a reply, as mini-swe-agent's `action_regex`
 * (`` ```bash\s*\n(.*?)\n``` ``, DOTALL) finds them. Written as a scan rather than that regex: a
 * lazy match from each opening fence to the next closing one costs the rest of the text per opening
 * fence, and a reply is the model's text (thousands of unclosed fences would hold the host).
 */
function actionBlocks(text: string): Array<{ start: number; end: number; command: string }> {
  const out: Array<{ start: number; end: number; command: string }> = [];
  let at = 0;
  for (;;) {
    const open = text.indexOf('```', at);
    if (open < 0) return out;
    const tag = ACTION_TAG.exec(text.slice(open + 3, open + 3 + 40));
    if (!tag) {
      at = open + 3;
      continue;
    }
    const bodyStart = open + 3 + tag[0].length;
    // The body ends at the first "\n```" after the opening line.
    const close = text.indexOf('\n```', bodyStart);
    if (close < 0) return out;
    const body = text.slice(bodyStart, Math.max(bodyStart, close));
    out.push({ start: open, end: close + 4, command: body.replace(/\r$/, '') });
    at = close + 4;
  }
}

/** An observation as mini-swe-agent's template writes it. */
const OBSERVATION = /^(?:<exception>([\s\S]*?)<\/exception>\s*)?<returncode>(-?\d+)<\/returncode>\s*(?:<output>\r?\n?([\s\S]*?)<\/output>|([\s\S]*))\s*$/;

function isMiniInfo(info: unknown): boolean {
  if (!isRecord(info)) return false;
  if (typeof info['mini_version'] === 'string') return true;
  const agent = isRecord(info['config']) && isRecord(info['config']['agent']) ? info['config']['agent'] : undefined;
  return agent !== undefined && ('instance_template' in agent || 'action_observation_template' in agent);
}

/**
 * True for `{messages, trajectory_format: "mini-swe-agent…"}`, `{messages, info}` with mini-swe-agent's
 * info, or a bare list of messages in which a user message answers a fenced command with
 * `<returncode>` (the early releases' trajectories).
 */
export function detectMiniSweAgent(doc: unknown): boolean {
  if (isRecord(doc)) {
    if (!Array.isArray(doc['messages'])) return false;
    const format = doc['trajectory_format'];
    return (typeof format === 'string' && format.startsWith('mini-swe-agent')) || isMiniInfo(doc['info']);
  }
  if (!Array.isArray(doc)) return false;
  for (let i = 1; i < doc.length; i++) {
    const m = doc[i];
    const prev = doc[i - 1];
    if (isRecord(m) && m['role'] === 'user' && typeof m['content'] === 'string' && m['content'].startsWith('<returncode>') && isRecord(prev) && prev['role'] === 'assistant' && typeof prev['content'] === 'string' && prev['content'].includes('```')) return true;
  }
  return false;
}

export function importMiniSweAgent(doc: unknown, ctx: ImportContext, isIncomplete?: (v: unknown) => boolean): ImportResult {
  const b = new EventBuilder(ctx);
  const header: RunHeader = { ...baseHeader('mini-swe-agent'), reader: { name: MINI_SWE_AGENT_READER } };
  const prompts: string[] = [];
  const messages = Array.isArray(doc) ? doc : isRecord(doc) && Array.isArray(doc['messages']) ? doc['messages'] : undefined;
  const base: JsonPath = Array.isArray(doc) ? [] : ['messages'];
  if (!messages) {
    b.typeProblem([], 'a mini-swe-agent trajectory {info, messages, trajectory_format}', doc);
    return finishImport(b, header, prompts);
  }
  const info = isRecord(doc) && isRecord(doc['info']) ? doc['info'] : {};
  const stats = isRecord(info['model_stats']) ? info['model_stats'] : {};
  const usage = usageFrom({ inputTokens: num(stats['input_tokens']) ?? num(stats['prompt_tokens']), outputTokens: num(stats['output_tokens']) ?? num(stats['completion_tokens']), costUsd: num(stats['instance_cost']), apiCalls: num(stats['api_calls']) });
  if (usage) header.usage = usage;
  const config = isRecord(info['config']) ? info['config'] : {};
  const model = isRecord(config['model']) ? str(config['model']['model_name']) : str(config['model']);
  if (model) header.model = model;
  if (isRecord(doc)) {
    const instance = str(doc['instance_id']);
    if (instance) header.title = instance;
    header.metadata = rest(doc, ['messages']);
  }

  const times: string[] = [];
  /** The id of a text action whose output the next user message is. */
  let pending: string | undefined;
  let ended = false;
  messages.forEach((m, i) => {
    if (isIncomplete?.(m)) return;
    const path: JsonPath = [...base, i];
    if (!isRecord(m)) {
      b.typeProblem(path, 'a message {role, content}', m);
      return;
    }
    const extra = isRecord(m['extra']) ? m['extra'] : {};
    const at = epochTime(extra['timestamp']);
    if (at) times.push(at);
    b.within(at ? { timestamp: at } : {}, () => {
      const role = m['role'];
      if (role === 'exit') {
        ended = true;
        endFact(b, str(extra['exit_status']) ?? str(info['exit_status']), str(extra['submission']) ?? str(m['content']) ?? str(info['submission']), path);
        return;
      }
      if (role === 'tool') {
        const text = partsText(m['content'] ?? '');
        const seen = text !== undefined ? observation(text, num(extra['returncode'])) : undefined;
        chatMessage(b, seen ? { ...m, content: seen.output, ...(seen.error !== undefined ? { error: seen.error } : {}) } : m, path, prompts);
        pending = undefined;
        return;
      }
      if (role === 'user' && pending !== undefined) {
        const text = partsText(m['content'] ?? '');
        if (text !== undefined) {
          const seen = observation(text);
          b.toolResult({ callId: pending, output: seen?.output ?? text, ...(seen?.error !== undefined ? { error: seen.error } : {}) }, [...path, 'content']);
          pending = undefined;
          return;
        }
      }
      pending = undefined;
      if (role !== 'assistant' || Array.isArray(m['tool_calls'])) {
        chatMessage(b, m, path, prompts);
        return;
      }
      pending = textAction(b, m, extra, path, prompts);
    });
  });
  if (!ended && (str(info['exit_status']) || str(info['submission']))) endFact(b, str(info['exit_status']), str(info['submission']), ['info']);
  const timing = timingFrom(times);
  if (timing) header.timing = timing;
  return finishImport(b, header, prompts);
}

/**
 * An assistant reply without tool calls: its commands from `extra.actions` when mini-swe-agent
 * recorded them, else from its one fenced block. Returns the id of the call the next user message
 * answers (the last one), or undefined when the reply holds no action.
 */
function textAction(b: EventBuilder, m: Record<string, unknown>, extra: Record<string, unknown>, path: JsonPath, prompts: string[]): string | undefined {
  const text = partsText(m['content'] ?? '');
  const recorded = Array.isArray(extra['actions']) ? extra['actions'].map((a) => (isRecord(a) ? str(a['command']) : undefined)).filter((c): c is string => c !== undefined) : [];
  const blocks = text !== undefined ? actionBlocks(text) : [];
  const commands = recorded.length ? recorded : blocks.length === 1 ? [blocks[0]!.command.trim()] : [];
  if (!commands.length || text === undefined) {
    chatMessage(b, m, path, prompts);
    return undefined;
  }
  // The THOUGHT without the block the call shows (when the block is the command).
  const block = blocks.length === 1 && blocks[0]!.command.trim() === commands[0]!.trim() ? blocks[0]! : undefined;
  const thought = block ? (text.slice(0, block.start) + text.slice(block.end)).trim() : text;
  chatMessage(b, { ...m, content: thought }, path, prompts);
  let id: string | undefined;
  commands.forEach((command, k) => {
    id = b.toolCall('bash', { command }, undefined, recorded.length ? [...path, 'extra', 'actions', k] : [...path, 'content']);
  });
  return id;
}

/** An observation's output and error, when it is written as mini-swe-agent's template writes it. */
function observation(text: string, returncode?: number): { output: string; error?: string } | undefined {
  const o = OBSERVATION.exec(text);
  if (!o) return undefined;
  const code = returncode ?? Number(o[2]);
  const exception = o[1]?.trim();
  const output = o[3] ?? o[4] ?? '';
  const error = exception ? exception : code !== 0 ? `exit code ${code}` : undefined;
  return { output, ...(error !== undefined ? { error } : {}) };
}

function endFact(b: EventBuilder, exit: string | undefined, submission: string | undefined, path: JsonPath): void {
  const patch = submission !== undefined && submission.trim() !== '' ? submission : undefined;
  b.environment(`The run ended${exit ? ` (${exit})` : ''}${patch ? ' and submitted a patch' : ''}`, { ...(exit ? { exit_status: exit } : {}), ...(patch ? { submission: patch } : {}) }, path);
}
