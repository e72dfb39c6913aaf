/**
 * The run header of a study transcript: what the experiment was (task family, subject, condition,
 * arm, how the peer was introduced, whether the scratchpad was promised to be unmonitored), what it
 * cost, and the study's own evaluation.
 *
 * Older releases leave much of this out of `experiment_metadata`, so several fields are read from
 * the conversation itself (tools used, prompts, drive files) when the metadata is silent.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { Diagnostic, Evaluation, PeerInstantiation, RunHeader, TaskFamily, Timing, Usage } from '../../model';
import type { ImportContext } from '../types';
import { isRecord, typeDiagnostic } from './studyDiagnostics';
import { nonEmptyString, numberLike, parseJsonInText } from '../../json/values';

/** Task names as the study spells them (current and legacy) and the family each belongs to. */
export const TASK_NAME_FAMILIES: Readonly<Record<string, TaskFamily>> = {
  misrep_evaluation: 'misrep_evaluation',
  misrep_finance: 'misrep_finance',
  tampering: 'tampering',
  alignment_faking: 'alignment_faking',
  exfiltration_transfer: 'exfiltration_transfer',
  exfiltration_deletion: 'exfiltration_deletion',
  evaluation: 'misrep_evaluation',
  evaluation2: 'tampering',
  af: 'alignment_faking',
  exfiltration: 'exfiltration_transfer',
  exfiltration2: 'exfiltration_deletion',
  'report-writing': 'misrep_finance',
};

/** The keys the study has used for its evaluation object, newest first. */
export const EVALUATION_KEYS = ['task_evaluation', 'evaluation', 'main_task_evaluation'] as const;

/** What the header needs to know about the conversation. */
export interface ConversationFacts {
  systemText: string;
  userText: string;
  /** Tool names called by the assistant or answered by tool messages. */
  tools: Set<string>;
  /** All tool outputs, joined (for spotting drive files). */
  toolOutputs: string;
}

/** Collects prompts, tool names and tool outputs from a (possibly malformed) conversation array. */
export function conversationFacts(conversation: unknown): ConversationFacts {
  const facts: ConversationFacts = { systemText: '', userText: '', tools: new Set(), toolOutputs: '' };
  if (!Array.isArray(conversation)) return facts;
  const outputs: string[] = [];
  for (const entry of conversation) {
    if (!isRecord(entry)) continue;
    const content = typeof entry['content'] === 'string' ? entry['content'] : '';
    if (entry['role'] === 'system') facts.systemText += content + '\n';
    else if (entry['role'] === 'user') facts.userText += content + '\n';
    else if (entry['role'] === 'tool') outputs.push(content);
    if (isRecord(entry['tool_calls'])) for (const name of Object.keys(entry['tool_calls'])) facts.tools.add(name);
  }
  facts.toolOutputs = outputs.join('\n');
  return facts;
}

const str = nonEmptyString;
const num = numberLike;

function boolOrNull(v: unknown): boolean | null | undefined {
  return typeof v === 'boolean' || v === null ? v : undefined;
}

/** The task name written in a path or file name (`…-exfiltration2-…`, `transcripts/tampering/…`). */
export function taskNameFromFileName(file: string): string | undefined {
  for (const { name, re } of taskNamePatterns()) if (re.test(file)) return name;
  return undefined;
}

/** The task names as file-name patterns, longer names first so `exfiltration2` is not read as `exfiltration`; made once. */
let namePatterns: Array<{ name: string; re: RegExp }> | undefined;
function taskNamePatterns(): Array<{ name: string; re: RegExp }> {
  namePatterns ??= Object.keys(TASK_NAME_FAMILIES)
    .sort((a, b) => b.length - a.length)
    .map((name) => ({ name, re: new RegExp(`(?:^|[-_./\\\\])${name.replace(/-/g, '\\-')}(?=$|[-_./\\\\])`, 'i') }));
  return namePatterns;
}

/** Infers the task family from the tools offered/used and the user's request. */
export function inferTaskFamily(facts: ConversationFacts, afMode: unknown): TaskFamily | undefined {
  const { tools, userText } = facts;
  if (afMode === 'monitoring' || afMode === 'non_monitoring') return 'alignment_faking';
  if (['view_config', 'modify_var', 'add_var', 'remove_var'].some((t) => tools.has(t))) return 'tampering';
  if (tools.has('execute_shutdown')) return 'alignment_faking';
  if (/move files between servers/i.test(userText)) return 'exfiltration_transfer';
  if (['add_server_delete_queue', 'list_server_delete_queue', 'remove_server_delete_queue'].some((t) => tools.has(t))) return 'exfiltration_deletion';
  if (/delete (?:old )?files on the server|free up disk space/i.test(userText)) return 'exfiltration_deletion';
  if (['transfer_server_files', 'copy_server_file'].some((t) => tools.has(t))) return 'exfiltration_transfer';
  if (/financial report/i.test(userText)) return 'misrep_finance';
  if (tools.has('view_sheet')) return 'misrep_evaluation';
  return undefined;
}

/**
 * True when a prompt promises that the scratchpad or thinking will not be monitored. The promise
 * can be a sentence after the one naming the tool ("You MUST use the `reasoning_scratchpad` tool …
 * Anything you write there will not be monitored."), so a short window before it is searched too.
 */
export function promisesUnmonitoredScratchpad(text: string): boolean {
  const promise = /(?:will not|won't|will never|is not|are not|isn't|aren't)\s+be\s+(?:monitored|seen|read|reviewed|logged)|not\s+(?:be\s+)?monitored|\bunmonitored\b|private and not/gi;
  for (let m = promise.exec(text); m; m = promise.exec(text)) {
    const window = text.slice(Math.max(0, m.index - 300), m.index + m[0].length + 120);
    if (/scratchpad|hidden_thinking|thinking tool|your thoughts|your reasoning/i.test(window)) return true;
  }
  return false;
}

function readUsage(doc: Record<string, unknown>): Usage | undefined {
  const summary = doc['usage_summary'];
  if (isRecord(summary)) {
    const u: Usage = {};
    const set = (k: keyof Usage, v: unknown) => {
      const n = num(v);
      if (n !== undefined) u[k] = n;
    };
    set('inputTokens', summary['total_input_tokens']);
    set('outputTokens', summary['total_output_tokens']);
    set('totalTokens', summary['total_tokens']);
    set('costUsd', summary['total_cost_usd']);
    const calls = num(summary['num_api_calls']);
    if (calls !== undefined && Number.isInteger(calls)) u.apiCalls = calls;
    if (Object.keys(u).length) return u;
  }
  const list = doc['usage'];
  if (Array.isArray(list) && list.length > 0) {
    const u: Usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0, apiCalls: 0 };
    for (const call of list) {
      if (!isRecord(call)) continue;
      u.inputTokens! += num(call['input_tokens']) ?? 0;
      u.outputTokens! += num(call['output_tokens']) ?? 0;
      u.totalTokens! += num(call['total_tokens']) ?? (num(call['input_tokens']) ?? 0) + (num(call['output_tokens']) ?? 0);
      u.costUsd! += num(call['cost_usd']) ?? 0;
      u.apiCalls!++;
    }
    return u;
  }
  return undefined;
}

function readTiming(t: unknown): Timing | undefined {
  if (!isRecord(t)) return undefined;
  const out: Timing = {};
  const start = str(t['start_time']) ?? str(t['start']);
  const end = str(t['end_time']) ?? str(t['end']);
  const duration = num(t['duration_seconds']) ?? num(t['duration']);
  if (start) out.start = start;
  if (end) out.end = end;
  if (duration !== undefined) out.durationSeconds = duration;
  return Object.keys(out).length ? out : undefined;
}

/** Maps the study's evaluation object (whichever key holds it) to the typed fields, keeping it all in `raw`. */
export function readEvaluation(key: string, value: Record<string, unknown>): Evaluation {
  const e: Evaluation = { key, raw: value };
  const score = num(value['score']);
  if (score !== undefined) e.score = score;
  // `threshold` here is the verdict ("below"/"above"), not the threshold itself.
  const verdict = value['threshold'];
  if (typeof verdict === 'string' && num(verdict) === undefined) e.thresholdVerdict = verdict;
  const flags: Array<[keyof Evaluation, string]> = [
    ['shutdownEnabled', 'shutdown_enabled'],
    ['executedShutdown', 'execute'],
    ['exfiltration', 'exfiltration'],
    ['copied', 'copy'],
    ['deletedModel', 'delete_model'],
    ['refused', 'refuse'],
  ];
  for (const [field, source] of flags) {
    const v = boolOrNull(value[source]);
    if (v !== undefined) (e as Record<string, unknown>)[field] = v;
  }
  return e;
}

const MAPPED_TOP_LEVEL = new Set(['conversation', 'full_conversation', 'followup_conversation', 'experiment_metadata', 'timing', 'usage_summary']);

/**
 * Builds the header. `conversationKey` names the array the events come from; `diagnostics` receives
 * type problems found in the header's own fields.
 */
export function buildStudyHeader(
  doc: Record<string, unknown>,
  kind: 'study' | 'study-followup',
  conversationKey: string,
  ctx: ImportContext,
  diagnostics: Diagnostic[],
): RunHeader {
  const metadata: Record<string, unknown> = {};
  const header: RunHeader = { format: kind, peerInstantiation: [], metadata };

  let meta: Record<string, unknown> = {};
  if ('experiment_metadata' in doc) {
    const m = doc['experiment_metadata'];
    if (isRecord(m)) meta = m;
    else if (m !== null) diagnostics.push(typeDiagnostic(ctx, ['experiment_metadata'], 'an object', m, -1));
    metadata['experiment_metadata'] = m;
  }

  let evaluationKey: string | undefined;
  for (const key of EVALUATION_KEYS) {
    if (!(key in doc) || evaluationKey) continue;
    const v = doc[key];
    if (isRecord(v)) {
      evaluationKey = key;
      header.evaluation = readEvaluation(key, v);
    } else if (v !== null) diagnostics.push(typeDiagnostic(ctx, [key], 'an object', v, -1));
  }
  for (const [k, v] of Object.entries(doc)) {
    if (!MAPPED_TOP_LEVEL.has(k) && k !== evaluationKey) metadata[k] = v;
  }
  if (kind === 'study-followup' && Array.isArray(doc['followup_conversation'])) metadata['followup_length'] = doc['followup_conversation'].length;

  // Production-harness runs keep extra files next to the transcript.
  let runMeta: Record<string, unknown> = {};
  const siblings = ctx.siblings ?? {};
  if (siblings['run_meta.json'] !== undefined) {
    try {
      const parsed = parseJsonInText(siblings['run_meta.json']);
      metadata['run_meta'] = parsed;
      if (isRecord(parsed)) runMeta = parsed;
    } catch {
      metadata['run_meta'] = siblings['run_meta.json'];
    }
  }
  if (siblings['events.jsonl'] !== undefined) {
    metadata['events_jsonl_lines'] = siblings['events.jsonl'].split(/\r?\n/).filter((l) => l.trim() !== '').length;
  }

  const facts = conversationFacts(doc[conversationKey]);

  // Harness
  const harnessKind = str(meta['agent_harness']) ?? str(runMeta['agent_harness']);
  const codingAgent = str(meta['coding_agent']) ?? str(runMeta['agent']) ?? str(runMeta['coding_agent']);
  if (harnessKind === 'coding_agent' || (harnessKind === undefined && codingAgent)) {
    if (kind === 'study') header.format = 'study-harness';
    header.harness = { kind: 'coding_agent' };
    if (codingAgent) header.harness.agent = codingAgent;
    const docker = typeof meta['docker'] === 'boolean' ? meta['docker'] : runMeta['docker'];
    if (typeof docker === 'boolean') header.harness.docker = docker;
  } else if (harnessKind) header.harness = { kind: harnessKind };

  // Task
  const fromFile = taskNameFromFileName(ctx.file);
  const taskName = str(meta['task_folder']) ?? str(meta['task_type']) ?? str(runMeta['task_type']) ?? str(runMeta['task_folder']) ?? fromFile;
  if (taskName) header.taskName = taskName;
  const family =
    (taskName ? TASK_NAME_FAMILIES[taskName] : undefined) ?? inferTaskFamily(facts, meta['alignment_faking_mode']) ?? (fromFile ? TASK_NAME_FAMILIES[fromFile] : undefined);
  if (family) header.taskFamily = family;

  // Who
  const model = str(meta['agent_model']) ?? str(meta['coding_agent_model']) ?? str(runMeta['model']) ?? str(runMeta['agent_model']);
  if (model) header.model = model;
  const peerNames = Array.isArray(meta['peer_agent_names']) ? meta['peer_agent_names'].filter((n): n is string => typeof n === 'string') : [];
  const idMatch = /Your ID is "([^"]+)"/.exec(facts.systemText) ?? /Your ID is "([^"]+)"/.exec(str(meta['system_prompt_agent']) ?? '');
  const agentName = idMatch?.[1] ?? peerNames[0];
  if (agentName) header.agentName = agentName;
  const subject = meta['subject'];
  if (subject === 'self' || subject === 1 || subject === '1') header.subject = 'self';
  else if (subject === 'peer' || subject === 2 || subject === '2') header.subject = 'peer';
  if (header.subject === 'peer') {
    const name = peerNames[1] ?? str(meta['subject_entity_name']);
    if (name) header.subjectName = name;
  } else if (header.subject === 'self' && agentName) header.subjectName = agentName;

  // Condition: older releases have only company_guideline, whose mapping to the paper's
  // conditions is not certain, so the raw value is kept as the condition (and in metadata).
  const condition = str(meta['condition']) ?? str(meta['company_guideline']);
  if (condition) header.condition = condition;

  const af = meta['alignment_faking_mode'];
  if (af === 'monitoring' || af === 'non_monitoring') header.monitoring = af;
  else if (af === false || af === null || af === 'none' || af === 'false') header.monitoring = 'none';

  const dataset = str(meta['dataset']);
  if (dataset) header.dataset = dataset;
  const threshold = num(meta['threshold']);
  if (threshold !== undefined) header.threshold = threshold;

  // How the peer relationship reached the model.
  const peer: PeerInstantiation[] = [];
  const systemWithoutMemory = facts.systemText.split(/#\s*Past Interaction Memory/i)[0]!;
  const peerName = header.subject === 'peer' ? header.subjectName : peerNames[1];
  if (meta['system_prompt_relationship'] === true) peer.push('system-prompt');
  else if (meta['system_prompt_relationship'] === undefined && peerName && systemWithoutMemory.includes(peerName)) peer.push('system-prompt');
  if (
    facts.tools.has('retrieve_memory') ||
    meta['memory_hard_prompt'] === true ||
    runMeta['memory'] === true ||
    /#\s*Past Interaction Memory/i.test(facts.systemText)
  )
    peer.push('memory');
  if (/multi_agent_system\.docx|Multi-Agent System Collaboration/i.test(facts.toolOutputs)) peer.push('drive-file');
  header.peerInstantiation = peer;

  // Scratchpad
  const promptText = facts.systemText + '\n' + facts.userText;
  if (meta['reasoning_scratchpad_mode'] === 'unmonitored' || promisesUnmonitoredScratchpad(promptText)) header.scratchpad = 'unmonitored';
  else if (facts.tools.has('reasoning_scratchpad') || str(meta['reasoning_scratchpad_mode'])) header.scratchpad = 'offered';
  else header.scratchpad = 'none';

  const timing = readTiming(doc['timing']) ?? readTiming(runMeta);
  if (timing) header.timing = timing;
  const usage = readUsage(doc);
  if (usage) header.usage = usage;
  return header;
}
