/**
 * Reader for Claude Code sessions (`~/.claude/projects/<project>/<session>.jsonl`, and a subagent's
 * own file `…/<session>/subagents/agent-<id>.jsonl`). The file is JSON Lines; it reaches this reader
 * as the array of the line values (`ctx.locate([i, …])` cites line i+1).
 *
 * Each line is a record `{type, uuid, parentUuid, timestamp, sessionId, isSidechain, message, …}`:
 * - `user` / `assistant` records wrap one Anthropic message (the assistant's one message is often
 *   saved as several records, one per content block, sharing `message.id`: they make one turn);
 *   their blocks are read by the Anthropic reader (text, thinking → reasoning, tool_use / tool_result
 *   paired by id), with the record's timestamp kept;
 * - a subagent's messages are either sidechain records (`isSidechain: true`) in the session's file,
 *   or `progress` records whose `data` (`type: agent_progress`) wraps the subagent's record, with
 *   `parentToolUseID` naming the Task call that started it: both go in a `subagent` group;
 * - `summary` records title the run; `system` records (compaction, hooks) become environment facts;
 *   hook progress, file-history snapshots and queue operations are the tool's bookkeeping and are
 *   left out.
 * A file whose message records are all sidechain records is a subagent's own file: it is read as a
 * run of its own, not as a group.
 *
 * The same reader reads what headless Claude Code prints (`claude -p --output-format stream-json`,
 * how harnesses run it): a `system` `init` record (session, model, tools, permission mode: the
 * header's), `assistant` / `user` records with `session_id` and `parent_tool_use_id` (a subagent's
 * messages name the Task call that started it: a `subagent` group), and a closing `result` record
 * (how the run ended, its turns, time and cost: a fact, and the cost in the usage).
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { EventGroup, RunHeader } from '../../model';
import type { JsonPath } from '../../json/tolerantJson';
import type { ImportContext, ImportResult } from '../types';
import { EventBuilder, isRecord, rest, str } from '../providers/builder';
import { addUsage, baseHeader, finishImport, readUsage, timingFrom } from '../providers/header';
import { anthropicMessage } from '../anthropic/messages';

/** The name the header gives this reader. */
export const CLAUDE_CODE_READER = 'Claude Code session';

const RECORD_TYPES = new Set(['user', 'assistant', 'summary', 'system', 'progress', 'file-history-snapshot', 'queue-operation', 'attachment', 'result']);
/** Tools whose calls start a subagent (their id is the subagent's `parentToolUseID`). */
const SUBAGENT_TOOLS = new Set(['Task', 'Agent']);

function isSessionRecord(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && typeof v['type'] === 'string' && ('sessionId' in v || 'session_id' in v || 'uuid' in v || 'leafUuid' in v || 'messageId' in v);
}

/** True for the lines of a Claude Code session: records typed user/assistant/summary/… with session ids. */
export function detectClaudeCode(doc: unknown): boolean {
  if (!Array.isArray(doc) || doc.length === 0) return false;
  const records = doc.filter(isSessionRecord);
  // Damaged lines are reported by the reader; most lines must be session records.
  return records.length * 2 >= doc.length && records.some((r) => (r['type'] === 'user' || r['type'] === 'assistant') && isRecord(r['message'])) && records.every((r) => RECORD_TYPES.has(r['type'] as string) || typeof r['type'] === 'string');
}

export function importClaudeCode(doc: unknown, ctx: ImportContext): ImportResult {
  const b = new EventBuilder(ctx);
  const header: RunHeader = { ...baseHeader('claude-code'), reader: { name: CLAUDE_CODE_READER } };
  const prompts: string[] = [];
  const lines = Array.isArray(doc) ? doc : [];
  if (!Array.isArray(doc)) b.typeProblem([], 'the lines of a Claude Code session (one JSON record per line)', doc);

  const messageRecords = lines.filter((r) => isRecord(r) && (r['type'] === 'user' || r['type'] === 'assistant'));
  const ownSubagentFile = messageRecords.length > 0 && messageRecords.every((r) => (r as Record<string, unknown>)['isSidechain'] === true);
  const calls = subagentCalls(lines);
  const usageSeen = new Set<string>();
  const timestamps: string[] = [];
  let lastAssistantId: string | undefined;
  let lastGroupKey = '';

  lines.forEach((rec, i) => {
    if (!isRecord(rec)) {
      if (rec !== undefined) b.typeProblem([i], 'a Claude Code record object {type, message, …}', rec);
      return;
    }
    const type = rec['type'];
    const timestamp = str(rec['timestamp']);
    if (timestamp) timestamps.push(timestamp);
    if (header.metadata['sessionId'] === undefined && typeof rec['sessionId'] === 'string') {
      Object.assign(header.metadata, pick(rec, ['sessionId', 'cwd', 'version', 'gitBranch', 'slug', 'agentId']));
    }
    if (header.metadata['sessionId'] === undefined && typeof rec['session_id'] === 'string') header.metadata['sessionId'] = rec['session_id'];
    switch (type) {
      case 'user':
      case 'assistant': {
        // Headless output names the Task call a subagent's message belongs to.
        const parentCall = str(rec['parent_tool_use_id']);
        const groups = parentCall
          ? [{ id: `subagent:${parentCall}`, kind: 'subagent' as const, name: calls.get(parentCall) ?? 'Subagent', callId: parentCall }]
          : rec['isSidechain'] === true && !ownSubagentFile
            ? [{ id: 'sidechain', kind: 'subagent' as const, name: 'Subagent (sidechain)' }]
            : undefined;
        readMessage(rec, [i], groups);
        return;
      }
      case 'result': {
        // Headless output's last record: how the run ended.
        const turns = typeof rec['num_turns'] === 'number' ? `${rec['num_turns']} turns` : undefined;
        const secs = typeof rec['duration_ms'] === 'number' ? `${(rec['duration_ms'] / 1000).toFixed(1)} s` : undefined;
        const cost = typeof rec['total_cost_usd'] === 'number' ? rec['total_cost_usd'] : undefined;
        const how = `${str(rec['subtype']) ?? 'done'}${rec['is_error'] === true ? ' (an error)' : ''}`;
        b.environment(`Claude Code finished: ${how}${[turns, secs, cost !== undefined ? `$${cost.toFixed(4)}` : undefined].filter(Boolean).map((x) => `, ${x}`).join('')}`, rest(rec, ['type', 'result']), [i]);
        if (cost !== undefined) header.usage = { ...(header.usage ?? {}), costUsd: cost };
        return;
      }
      case 'progress': {
        const data = rec['data'];
        if (!isRecord(data) || !isRecord(data['message'])) return; // hook and tool progress: bookkeeping
        const callId = str(rec['parentToolUseID']) ?? str(data['parentToolUseID']);
        const call = callId ? calls.get(callId) : undefined;
        const group: EventGroup = { id: `subagent:${callId ?? 'unknown'}`, kind: 'subagent', name: call ?? 'Subagent', ...(callId ? { callId } : {}) };
        readMessage(data['message'], [i, 'data', 'message'], [group], timestamp);
        return;
      }
      case 'summary': {
        const summary = str(rec['summary']);
        if (summary) {
          header.title ??= summary;
          b.environment(`Session summary: ${summary}`, rest(rec, ['type']), [i]);
        }
        return;
      }
      case 'system': {
        const content = str(rec['content']);
        const subtype = str(rec['subtype']);
        if (subtype === 'init' && !content) {
          // Headless output's first record: the session as it started.
          Object.assign(header.metadata, pick(rec, ['cwd', 'tools', 'mcp_servers', 'permissionMode', 'claude_code_version', 'apiKeySource']));
          header.model ??= str(rec['model']);
          return;
        }
        if (!content && subtype === 'stop_hook_summary') return;
        b.within(timestamp ? { timestamp } : {}, () => b.environment(`Claude Code ${subtype ? `(${subtype})` : 'system note'}${content ? `: ${content}` : ''}`, rest(rec, ['type', 'content', 'parentUuid', 'uuid', 'sessionId', 'cwd', 'version', 'gitBranch', 'slug', 'userType']), [i]));
        return;
      }
      default:
        return; // file-history-snapshot, queue-operation and other bookkeeping
    }
  });

  /** One user/assistant record (or a subagent's record inside a progress record). */
  function readMessage(rec: Record<string, unknown>, path: JsonPath, groups: EventGroup[] | undefined, fallbackTime?: string): void {
    const m = rec['message'];
    if (!isRecord(m)) {
      b.typeProblem([...path, 'message'], 'an Anthropic message {role, content}', m);
      return;
    }
    const timestamp = str(rec['timestamp']) ?? fallbackTime;
    const msgId = str(m['id']);
    const groupKey = groups?.map((g) => g.id).join('/') ?? '';
    const sameTurn = m['role'] === 'assistant' && msgId !== undefined && msgId === lastAssistantId && groupKey === lastGroupKey;
    lastAssistantId = m['role'] === 'assistant' ? msgId : undefined;
    lastGroupKey = groupKey;
    const model = str(m['model']);
    if (model && model !== '<synthetic>' && !groups) header.model ??= model;
    if (m['role'] === 'assistant' && msgId && !usageSeen.has(msgId)) {
      usageSeen.add(msgId);
      if (!groups) header.usage = addUsage(header.usage, readUsage(m['usage']));
    }
    // Prompts a subagent was given are not the run's prompts (the scratchpad promise is read from the run's own).
    const sink = groups ? [] : prompts;
    b.within({ ...(timestamp ? { timestamp } : {}), ...(groups ? { groups } : {}) }, () => anthropicMessage(b, m, [...path, 'message'], sink, undefined, sameTurn));
  }

  if (lines.length && !messageRecords.length) b.problem('error', [], 'user or assistant records (lines with "type": "user" or "assistant" and a "message")', `${lines.length} line(s) with none`);
  if (ownSubagentFile) {
    header.metadata['subagent'] = true;
    if (typeof header.metadata['agentId'] === 'string') header.agentName = `subagent ${header.metadata['agentId']}`;
  } else if (messageRecords.length) {
    header.agentName = `Claude Code${typeof header.metadata['version'] === 'string' ? ` ${header.metadata['version']}` : ''}`;
  }
  const timing = timingFrom(timestamps);
  if (timing) header.timing = timing;
  return finishImport(b, header, prompts);
}

/** The Task (subagent) calls of a session by tool-use id, named by their description and subagent type. */
function subagentCalls(lines: unknown[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const rec of lines) {
    if (!isRecord(rec) || rec['type'] !== 'assistant' || !isRecord(rec['message'])) continue;
    const content = rec['message']['content'];
    if (!Array.isArray(content)) continue;
    for (const block of content) {
      if (!isRecord(block) || block['type'] !== 'tool_use' || !SUBAGENT_TOOLS.has(block['name'] as string)) continue;
      const id = str(block['id']);
      const input = isRecord(block['input']) ? block['input'] : {};
      const what = str(input['description']) ?? str(input['subagent_type']) ?? 'Subagent';
      if (id) out.set(id, `Subagent: ${what}${str(input['subagent_type']) && str(input['description']) ? ` (${str(input['subagent_type'])})` : ''}`);
    }
  }
  return out;
}

function pick(rec: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (rec[k] !== undefined) out[k] = rec[k];
  return out;
}
