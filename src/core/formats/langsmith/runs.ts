/**
 * Reader for LangSmith run payloads: the SDK's batch ingest body `{post: [runs], patch: [runs]}`
 * (a run is posted when it starts and patched with its outputs when it ends), or a list of runs as
 * exported. Runs are merged by id and read in trace order (`dotted_order`, else start time):
 *
 * - an `llm` run: its input messages (`inputs.messages`, OpenAI chat shape; only those the previous
 *   model call had not seen) and its answer (`outputs.choices[].message`, or `outputs.generations`);
 * - a `tool` run: the answer (its outputs, or its error) to the call the model asked for by that
 *   name; a tool run no model call asked for is a tool call of its own with its inputs as arguments;
 * - `chain` and other runs: the runs inside them sit in a `span` group named after them.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { RunHeader } from '../../model';
import type { JsonPath } from '../../json/tolerantJson';
import type { ImportContext, ImportResult } from '../types';
import { EventBuilder, isRecord, str } from '../providers/builder';
import { addUsage, baseHeader, finishImport, readUsage, timingFrom } from '../providers/header';
import { chatMessage } from '../openai/chat';
import { GroupChains, MAX_GROUP_DEPTH } from '../groups';

export const LANGSMITH_READER = 'LangSmith runs';

const RUN_TYPES = new Set(['llm', 'chain', 'tool', 'retriever', 'prompt', 'parser', 'embedding']);

function isRun(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && typeof v['id'] === 'string' && ('run_type' in v || 'dotted_order' in v || 'trace_id' in v);
}

/** True for `{post: [runs], patch?: [runs]}` or a list of LangSmith runs. */
export function detectLangSmith(doc: unknown): boolean {
  if (Array.isArray(doc)) return doc.length > 0 && doc.every(isRun) && doc.some((r) => RUN_TYPES.has(r['run_type'] as string));
  if (!isRecord(doc) || !Array.isArray(doc['post'])) return false;
  const keys = Object.keys(doc);
  return keys.every((k) => k === 'post' || k === 'patch') && doc['post'].some(isRun);
}

interface Merged {
  run: Record<string, unknown>;
  /** Where each field came from: the posted run, else the patch that set it. */
  path: JsonPath;
  patchPath?: JsonPath;
}

export function importLangSmith(doc: unknown, ctx: ImportContext): ImportResult {
  const b = new EventBuilder(ctx);
  const header: RunHeader = { ...baseHeader('langsmith'), reader: { name: LANGSMITH_READER } };
  const prompts: string[] = [];
  const byId = new Map<string, Merged>();
  const lists: Array<{ list: unknown; key?: string }> = Array.isArray(doc) ? [{ list: doc }] : isRecord(doc) ? [{ list: doc['post'], key: 'post' }, { list: doc['patch'], key: 'patch' }] : [];
  if (!lists.length) b.typeProblem([], 'a LangSmith payload {post: [runs], patch: [runs]} or a list of runs', doc);
  for (const { list, key } of lists) {
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      b.typeProblem(key ? [key] : [], 'a list of runs', list);
      continue;
    }
    list.forEach((r, i) => {
      const path: JsonPath = key ? [key, i] : [i];
      if (!isRecord(r) || typeof r['id'] !== 'string') {
        b.typeProblem(path, 'a run object with an "id"', r);
        return;
      }
      const seen = byId.get(r['id']);
      if (!seen) byId.set(r['id'], { run: { ...r }, path });
      else {
        // A patch fills in what the run did not know when it was posted (outputs, end time, error).
        for (const [k, v] of Object.entries(r)) if (v !== null && v !== undefined && !(isRecord(v) && Object.keys(v).length === 0)) seen.run[k] = v;
        seen.patchPath = path;
      }
    });
  }
  const runs = [...byId.values()].sort((a, c) => order(a.run).localeCompare(order(c.run)));
  const byRunId = new Map(runs.map((m) => [m.run['id'] as string, m]));
  let seenMessages = 0;
  const times: string[] = [];
  /** Tool calls the model asked for that no tool run has answered yet, by name, first asked first. */
  const requested = new Map<string, string[]>();
  // The chain runs each run sits in, found once for each run and shared by the runs inside it.
  const chains = new GroupChains<string>(
    (id) => {
      const parent = str(byRunId.get(id)?.run['parent_run_id']);
      return parent !== undefined && byRunId.has(parent) ? parent : undefined;
    },
    (id) => {
      const p = byRunId.get(id)?.run;
      return p && p['run_type'] !== 'llm' && p['run_type'] !== 'tool' ? { id, kind: 'span', name: str(p['name']) ?? 'chain' } : undefined;
    },
  );
  /** Calls a tool run answered: the next model call's input repeats those answers. */
  const answeredByRun = new Set<string>();
  let saidDeep = false;

  for (const m of runs) {
    const r = m.run;
    const parent = str(r['parent_run_id']);
    const groups = parent !== undefined && byRunId.has(parent) ? [...chains.of(parent)] : [];
    if (chains.capped && !saidDeep) {
      saidDeep = true;
      b.problem('warning', [...m.path, 'parent_run_id'], `runs nested at most ${MAX_GROUP_DEPTH} chains deep`, 'a run nested deeper', `Runs deeper in are shown within the ${MAX_GROUP_DEPTH}th chain.`);
    }
    const start = str(r['start_time']);
    if (start) times.push(start);
    if (str(r['end_time'])) times.push(str(r['end_time'])!);
    b.within({ ...(start ? { timestamp: start } : {}), ...(groups.length ? { groups } : {}) }, () => {
      const type = r['run_type'];
      const inputs = isRecord(r['inputs']) ? r['inputs'] : {};
      const outputs = isRecord(r['outputs']) ? r['outputs'] : {};
      const outPath: JsonPath = [...(m.patchPath ?? m.path), 'outputs'];
      if (type === 'llm') {
        header.model ??= str(inputs['model']) ?? str(outputs['model']);
        const extra = isRecord(r['extra']) && isRecord(r['extra']['metadata']) ? r['extra']['metadata'] : {};
        header.model ??= str(extra['ls_model_name']);
        const messages = Array.isArray(inputs['messages']) ? inputs['messages'] : [];
        // Each model call resends the conversation: only the messages it adds are new.
        messages.slice(seenMessages).forEach((msg, k) => {
          // A tool answer a tool run already gave is not read twice.
          if (isRecord(msg) && msg['role'] === 'tool' && answeredByRun.has(str(msg['tool_call_id']) ?? '')) return;
          chatMessage(b, msg, [...m.path, 'inputs', 'messages', seenMessages + k], groups.length ? [] : prompts);
        });
        seenMessages = Math.max(seenMessages, messages.length);
        const choices = Array.isArray(outputs['choices']) ? outputs['choices'] : [];
        choices.forEach((c, k) => {
          if (isRecord(c) && isRecord(c['message'])) {
            chatMessage(b, { role: 'assistant', ...c['message'] }, [...outPath, 'choices', k, 'message'], prompts);
            seenMessages++;
            for (const tc of Array.isArray(c['message']['tool_calls']) ? c['message']['tool_calls'] : []) {
              const name = isRecord(tc) && isRecord(tc['function']) ? str(tc['function']['name']) : undefined;
              if (name && isRecord(tc) && str(tc['id'])) {
                const ids = requested.get(name);
                if (ids) ids.push(str(tc['id'])!);
                else requested.set(name, [str(tc['id'])!]);
              }
            }
          }
        });
        if (!choices.length && Array.isArray(outputs['generations'])) {
          outputs['generations'].flat().forEach((g, k) => {
            if (isRecord(g) && typeof g['text'] === 'string') {
              b.beginAssistant();
              b.message('assistant', g['text'], [...outPath, 'generations', k]);
            }
          });
        }
        header.usage = addUsage(header.usage, readUsage(outputs['usage'] ?? outputs['usage_metadata']));
      } else if (type === 'tool') {
        const name = str(r['name']) ?? 'tool';
        // A tool run carries out a call the model asked for: it answers that call; otherwise it is a call of its own.
        const asked = requested.get(name)?.shift();
        let id: string;
        if (asked !== undefined) {
          id = asked;
          answeredByRun.add(id);
        } else {
          b.ensureAssistant();
          id = b.toolCall(name, inputs, r['id'] as string, [...m.path, 'inputs']);
        }
        const error = str(r['error']);
        const out = outputs['output'] ?? (Object.keys(outputs).length ? outputs : undefined);
        if (out !== undefined || error) b.toolResult({ callId: id, output: typeof out === 'string' ? out : JSON.stringify(out ?? ''), ...(error ? { error } : {}) }, outPath);
      }
    });
  }
  if (!runs.length && lists.length) b.problem('error', Array.isArray(doc) ? [] : ['post'], 'at least one run', 'none');
  const timing = timingFrom(times);
  if (timing) header.timing = timing;
  const first = runs[0]?.run;
  if (first) {
    header.title = str(first['name']);
    header.metadata = { trace_id: first['trace_id'], session_name: first['session_name'], runs: runs.map((m) => ({ id: m.run['id'], name: m.run['name'], run_type: m.run['run_type'], tags: m.run['tags'], extra: m.run['extra'] })) };
  }
  return finishImport(b, header, prompts);
}

function order(r: Record<string, unknown>): string {
  return str(r['dotted_order']) ?? str(r['start_time']) ?? '';
}
