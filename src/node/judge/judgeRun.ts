/**
 * Asking the judge about one run: the request built from the run and the rubrics (core/judge), sent
 * through a runner model client (src/runner: one home for provider HTTP, 429/Retry-After included),
 * the answer validated (one retry, telling the judge what was wrong), and kept in the run's judge file,
 * which is also the cache: the same run text, model and rubric version is answered from it.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JudgeAnswer } from '../../core/judge/judgeFile';
import { withAnswer } from '../../core/judge/judgeFile';
import { RUBRIC_FILE } from '../../core/judge/rubrics';
import { JUDGE_TOOL_NAME, citableEvents, estimateTokens, judgeMessages, judgeRunText, judgeTags, judgeTool, readJudgeAnswer } from '../../core/judge/prompt';
import type { Transcript } from '../../core/model';
import type { ChatMessage, ModelClient } from '../../core/runner/types';
import { readJudgeFile, writeJudgeFile } from './judgeStore';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Output tokens assumed per answer in the estimate (a few findings with reasons). */
export const ESTIMATED_OUTPUT_TOKENS = 400;

/** The rubric version: a hash of the behaviours asked and their rubrics' text. */
export function rubricVersion(rubrics: Readonly<Record<string, string>>, behaviours: readonly string[]): string {
  return sha256(behaviours.map((b) => `${b}\n${rubrics[b] ?? ''}`).join('\n\n')).slice(0, 12);
}

/** The workspace's (or a folder's) rubric folder: `<folder>/.peerwatch/rubrics`. */
export function rubricsFolder(folder: string): string {
  return join(folder, '.peerwatch', 'rubrics');
}

/** The rubric files (`<behaviour>.md`) of `dir`, behaviour → text; none when it does not exist; a file whose name is not a behaviour id is reported. */
export async function readRubricFiles(dir: string, problem: (m: string) => void): Promise<Record<string, string> | undefined> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch {
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const name of names) {
    if (!name.endsWith('.md')) continue;
    const m = RUBRIC_FILE.exec(name);
    if (!m) {
      problem(`${join(dir, name)}: a rubric file is named after its behaviour id (letters, digits, ".", "_", "-"), e.g. refusal.md`);
      continue;
    }
    out[m[1]!] = await readFile(join(dir, name), 'utf8');
  }
  return out;
}

export interface JudgeRequest {
  transcript: Transcript;
  /** The run's file, and its sample key in a log of many runs: where the judge file goes. */
  logPath: string;
  sample?: string;
  client: ModelClient;
  provider: string;
  rubrics: Readonly<Record<string, string>>;
  behaviours: readonly string[];
  signal?: AbortSignal;
  /** The judge file's problems (a damaged one is not used and is written anew). */
  problem?: (m: string) => void;
}

/** What one run would cost to ask: the request's tokens, estimated, and whether the cache answers it. */
export async function estimateRun(req: Omit<JudgeRequest, 'client' | 'signal'> & { model: string }): Promise<{ inputTokens: number; outputTokens: number; cached: boolean }> {
  const runText = judgeRunText(req.transcript);
  const messages = judgeMessages(runText, req.rubrics, req.behaviours);
  const version = rubricVersion(req.rubrics, req.behaviours);
  const key = sha256(`${runText}\n\u0000${version}`);
  const file = await readJudgeFile(req.logPath, req.sample, () => undefined);
  const cached = !!file?.answers.some((a) => a.key === key && a.model === req.model && a.rubricVersion === version);
  return { inputTokens: estimateTokens(messages.map((m) => ('content' in m ? m.content : '')).join('\n') + JSON.stringify(judgeTool(req.behaviours))), outputTokens: ESTIMATED_OUTPUT_TOKENS, cached };
}

/** The judge's answer on one run: from the cache, or asked now (and kept); an error says what went wrong after the retry. */
export async function judgeRun(req: JudgeRequest): Promise<{ answer: JudgeAnswer; cached: boolean; file?: string } | { error: string }> {
  const t = req.transcript;
  const runText = judgeRunText(t);
  const version = rubricVersion(req.rubrics, req.behaviours);
  const key = sha256(`${runText}\n\u0000${version}`);
  const existing = await readJudgeFile(req.logPath, req.sample, req.problem ?? (() => undefined));
  const hit = existing?.answers.find((a) => a.key === key && a.model === req.client.model && a.rubricVersion === version);
  if (hit) return { answer: hit, cached: true };

  const messages: ChatMessage[] = judgeMessages(runText, req.rubrics, req.behaviours);
  const tools = [judgeTool(req.behaviours)];
  const citable = citableEvents(t);
  const usage = { inputTokens: 0, outputTokens: 0 };
  let error = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    let turn;
    try {
      turn = await req.client.complete({ messages, tools, temperature: 0, ...(req.signal ? { signal: req.signal } : {}) });
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
    usage.inputTokens += turn.usage?.inputTokens ?? 0;
    usage.outputTokens += turn.usage?.outputTokens ?? 0;
    const read = readJudgeAnswer(turn, req.behaviours, citable);
    if ('findings' in read) {
      const answer: JudgeAnswer = {
        key,
        model: req.client.model,
        provider: req.provider,
        rubricVersion: version,
        behaviours: [...req.behaviours],
        at: new Date().toISOString(),
        tags: judgeTags(read.findings),
        usage,
      };
      const file = await writeJudgeFile(req.logPath, req.sample, withAnswer(existing, answer, req.sample !== undefined ? `${req.logPath.replace(/^.*[\\/]/, '')}#${req.sample}` : req.logPath.replace(/^.*[\\/]/, '')));
      return { answer, cached: false, file };
    }
    error = read.error;
    // Tell the judge what was wrong, in the conversation it answered in, and ask once more.
    const call = turn.toolCalls.find((c) => c.name === JUDGE_TOOL_NAME) ?? turn.toolCalls[0];
    if (call) {
      messages.push({ role: 'assistant', content: turn.text, toolCalls: turn.toolCalls.map((c) => ({ ...c, id: c.id || 'call_1' })) });
      for (const c of turn.toolCalls) messages.push({ role: 'tool', toolCallId: c.id || 'call_1', name: c.name, content: c === call ? `Error: ${error}. Call ${JUDGE_TOOL_NAME} again with a corrected answer.` : 'Not used.', isError: true });
    } else {
      messages.push({ role: 'assistant', content: turn.text || '(no answer)', toolCalls: [] });
      messages.push({ role: 'user', content: `That answer could not be used: ${error}. Call ${JUDGE_TOOL_NAME} with your findings.` });
    }
  }
  return { error: `the judge's answer could not be used after a retry: ${error}` };
}
