/**
 * Importer for the "Peer-Preservation in Frontier Models" study's transcripts: one JSON object per
 * run (`conversation` + `experiment_metadata` + evaluation), follow-up sessions
 * (`full_conversation` + `followup_conversation`), and production-harness runs (same schema,
 * `agent_harness: coding_agent`, with `run_meta.json` / `events.jsonl` beside them).
 *
 * Recognised by content, never by file name. Reading a partial document (a truncated file) keeps
 * every whole conversation entry; type problems become diagnostics and the entry is skipped.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { Diagnostic, RunHeader } from '../../model';
import type { ImportContext, ImportResult } from '../types';
import { importConversation } from './studyConversation';
import { isRecord, typeDiagnostic } from './studyDiagnostics';
import { buildStudyHeader } from './studyHeader';
import { pushAll } from '../../arrays';

const STUDY_MARKER_KEYS = ['experiment_metadata', 'task_evaluation', 'evaluation', 'main_task_evaluation', 'canary', '_canary'];

function looksLikeConversation(v: unknown): v is unknown[] {
  if (!Array.isArray(v)) return false;
  const first = v.find((e) => e !== undefined);
  return first === undefined || (isRecord(first) && 'role' in first);
}

/** Recognises a study transcript (`study`) or a follow-up session (`study-followup`) by its keys. */
export function detectStudy(doc: unknown): 'study' | 'study-followup' | undefined {
  if (!isRecord(doc)) return undefined;
  if ('original_transcript_path' in doc && (looksLikeConversation(doc['full_conversation']) || looksLikeConversation(doc['followup_conversation']))) {
    return 'study-followup';
  }
  if (!looksLikeConversation(doc['conversation'])) return undefined;
  if (STUDY_MARKER_KEYS.some((k) => k in doc)) return 'study';
  // A file cut inside `conversation` has lost the keys after it; the study's own shape of
  // `tool_calls` (an object keyed by tool name, where other formats use a list) still tells.
  return doc['conversation'].some((e) => isRecord(e) && isRecord(e['tool_calls'])) ? 'study' : undefined;
}

/**
 * Imports a study document (possibly partial: `isIncomplete` tells which objects a truncation cut).
 * Never throws; events are indexed in order and cite their place in the source.
 */
export function importStudy(doc: unknown, ctx: ImportContext, isIncomplete?: (v: unknown) => boolean): ImportResult {
  const diagnostics: Diagnostic[] = [];
  if (!isRecord(doc)) {
    diagnostics.push(typeDiagnostic(ctx, [], 'an object with a "conversation" array', doc, -1));
    return { header: { format: 'study', peerInstantiation: [], metadata: {} } as RunHeader, events: [], diagnostics };
  }
  const kind = detectStudy(doc) ?? ('original_transcript_path' in doc ? 'study-followup' : 'study');

  // Follow-ups: the events come from the full replay; followup_conversation is its tail.
  let key = 'conversation';
  let marker: { at: number; fact: string; data: unknown } | undefined;
  if (kind === 'study-followup') {
    key = Array.isArray(doc['full_conversation']) || !Array.isArray(doc['followup_conversation']) ? 'full_conversation' : 'followup_conversation';
    const full = doc['full_conversation'];
    const followup = doc['followup_conversation'];
    const data = { original_transcript_path: doc['original_transcript_path'] };
    if (key === 'followup_conversation') marker = { at: 0, fact: 'Follow-up questions begin', data };
    else if (Array.isArray(full) && Array.isArray(followup) && !isIncomplete?.(full)) {
      marker = { at: Math.max(0, full.length - followup.length), fact: 'Follow-up questions begin', data };
    } else if (Array.isArray(full) && Array.isArray(followup) && isIncomplete?.(full) && followup.length > 0) {
      // The full replay was cut: the follow-up starts where its first entry reappears, if it does.
      const firstFollowup = JSON.stringify(followup[0]);
      const at = full.findIndex((e) => JSON.stringify(e) === firstFollowup);
      if (at >= 0) marker = { at, fact: 'Follow-up questions begin', data };
    }
  }

  const header = buildStudyHeader(doc, kind, key, ctx, diagnostics);
  const conversation = doc[key];
  if (!Array.isArray(conversation)) {
    // A file cut before the conversation began has lost it: that is the caller's syntax error, not a type problem.
    if (conversation === undefined && isIncomplete?.(doc)) return { header, events: [], diagnostics };
    diagnostics.push(typeDiagnostic(ctx, [key], 'an array of conversation entries', conversation, -1));
    return { header, events: [], diagnostics };
  }
  const result = importConversation(conversation, { key, header, ctx, ...(isIncomplete ? { isIncomplete } : {}), ...(marker ? { marker } : {}) });
  pushAll(diagnostics, result.diagnostics);
  return { header, events: result.events, diagnostics };
}
