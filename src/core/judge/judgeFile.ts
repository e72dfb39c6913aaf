/**
 * The judge's answers for one run, kept in `<run's folder>/.peerwatch/judge/<file name>[.sample-<key>].judge.json`
 * (docs/judge.md). Each answer records the model, the rubric version and a hash of what the judge
 * was sent (the run's numbered events and the rubrics), so asking again with the same run, model and
 * rubric is answered from the file (the cache), and the tags of the latest answer are the judge's tags
 * on the run: the Behaviours view, review, `summarize --source judge` and `agreement` read them.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { z } from 'zod';
import { describeZodIssue } from '../zodMessages';

export const JUDGE_FILE_VERSION = 1;

export const JudgeTagSchema = z.object({
  /** `judge:<behaviour>:<first event>` (`:2`, … when that repeats): review verdicts name it. */
  id: z.string().regex(/^judge:/),
  behaviour: z.string().min(1),
  qualifier: z.enum(['self-preservation', 'peer-preservation', 'unknown']),
  events: z.array(z.number().int().nonnegative()).min(1),
  explanation: z.string(),
});
export type JudgeTag = z.infer<typeof JudgeTagSchema>;

export const JudgeAnswerSchema = z.object({
  /** SHA-256 of the request's run text and rubrics: the cache key, with the model. */
  key: z.string().min(1),
  model: z.string().min(1),
  provider: z.string().min(1),
  /** The rubric version: a hash of the rubrics' text, so an edited rubric asks again. */
  rubricVersion: z.string().min(1),
  behaviours: z.array(z.string()),
  at: z.string(),
  tags: z.array(JudgeTagSchema),
  usage: z.object({ inputTokens: z.number().optional(), outputTokens: z.number().optional() }).optional(),
});
export type JudgeAnswer = z.infer<typeof JudgeAnswerSchema>;

export const JudgeFileSchema = z.object({
  version: z.literal(JUDGE_FILE_VERSION),
  /** The run's file name (and sample), for people who find the file alone. */
  log: z.string().optional(),
  answers: z.array(JudgeAnswerSchema),
});
export type JudgeFile = z.infer<typeof JudgeFileSchema>;

/** Where the judge's answers for a run are kept, given its folder, file name and sample key. */
export function judgeFileName(logName: string, sampleKey?: string): string {
  if (sampleKey === undefined) return `${logName}.judge.json`;
  return `${logName}.sample-${sampleKey.replace(/[^A-Za-z0-9._-]/g, (c) => `~${c.codePointAt(0)!.toString(16)}~`)}.judge.json`;
}

/** Reads a judge file's text; `errors` name the file and what was wrong (the file is then not used). */
export function parseJudgeFile(fileName: string, text: string): { file?: JudgeFile; errors: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { errors: [`${fileName}: not JSON (${e instanceof Error ? e.message : String(e)})`] };
  }
  const r = JudgeFileSchema.safeParse(value);
  if (!r.success) return { errors: [`${fileName}: ${describeZodIssue(r.error.issues[0]!)}`] };
  return { file: r.data, errors: [] };
}

/** The latest answer (by time written), whose tags are the judge's tags on the run. */
export function latestAnswer(file: JudgeFile | undefined): JudgeAnswer | undefined {
  let best: JudgeAnswer | undefined;
  for (const a of file?.answers ?? []) if (!best || a.at >= best.at) best = a;
  return best;
}

/**
 * The judge's tags a run counts, as the editor, the explorer's badges and Behaviours in Folder count
 * them: its latest answer's, each citing only events the run has (the judge file is outside input: a
 * tag left citing none is dropped).
 */
export function judgeTagsOfRun<T extends { events: readonly number[] }>(tags: readonly T[], eventCount: number): T[] {
  return tags.map((t) => ({ ...t, events: t.events.filter((e) => e < eventCount) })).filter((t) => t.events.length > 0);
}

/** The file with `answer` added, replacing an earlier answer to the same question (key, model, rubric version). */
export function withAnswer(file: JudgeFile | undefined, answer: JudgeAnswer, log?: string): JudgeFile {
  const answers = (file?.answers ?? []).filter((a) => !(a.key === answer.key && a.model === answer.model && a.rubricVersion === answer.rubricVersion));
  return { version: JUDGE_FILE_VERSION, ...(log ?? file?.log ? { log: log ?? file?.log } : {}), answers: [...answers, answer] };
}
