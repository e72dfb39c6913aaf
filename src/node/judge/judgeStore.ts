/**
 * Where the judge's answers live on disk: `<run's folder>/.peerwatch/judge/<file name>.judge.json`
 * (core/judge/judgeFile.ts), read by the CLI and the extension host alike, written atomically.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { CorpusRun } from '../../core/corpus/summarize';
import { judgeFileName, latestAnswer, parseJudgeFile, type JudgeFile } from '../../core/judge/judgeFile';
import { writeFileAtomically } from '../atomicWrite';

/** The judge file of the run in `logPath` (a sample of a log: its key). */
export function judgeFilePath(logPath: string, sampleKey?: string): string {
  return join(dirname(logPath), '.peerwatch', 'judge', judgeFileName(basename(logPath), sampleKey));
}

/** The judge file of a run, if there is one; a damaged one is reported through `problem` and not used. */
export async function readJudgeFile(logPath: string, sampleKey: string | undefined, problem: (m: string) => void, display: (p: string) => string = (p) => p): Promise<JudgeFile | undefined> {
  const file = judgeFilePath(logPath, sampleKey);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const parsed = parseJudgeFile(display(file), text);
  for (const e of parsed.errors) problem(`error: ${e}`);
  return parsed.file;
}

/** Writes a run's judge file (creating `.peerwatch/judge/`). */
export async function writeJudgeFile(logPath: string, sampleKey: string | undefined, file: JudgeFile): Promise<string> {
  const path = judgeFilePath(logPath, sampleKey);
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomically(path, JSON.stringify(file, null, 2) + '\n');
  return path;
}

/** Gives each run the judge has read its latest answer's tags (`run.judge`). */
export async function loadJudgeTags(runs: CorpusRun[], display: (p: string) => string, problem: (m: string) => void): Promise<void> {
  for (const run of runs) {
    const answer = latestAnswer(await readJudgeFile(run.file, run.sample, problem, display));
    if (answer) run.judge = answer.tags.map((t) => ({ id: t.id, behaviour: t.behaviour, qualifier: t.qualifier, events: t.events }));
  }
}
