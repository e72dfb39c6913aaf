/**
 * Where the judge's answers live on disk: `<run's folder>/.peerwatch/judge/<file name>.judge.json`
 * (core/judge/judgeFile.ts), read by the CLI and the extension host alike, written atomically.
 */
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CorpusRun } from '../../core/corpus/summarize';
import * as sidecars from '../../core/corpus/folderRuns';
import type { JudgeFile } from '../../core/judge/judgeFile';
import { writeFileAtomically } from '../atomicWrite';

export { judgeFilePath } from '../../core/corpus/folderRuns';

/** A file's text on disk, undefined when it cannot be read. */
export const readTextOnDisk = (file: string): Promise<string | undefined> => readFile(file, 'utf8').then(
  (t) => t,
  () => undefined,
);

/** The names in a folder on disk (empty when it is not there), undefined when it cannot be listed. */
export const listDirOnDisk = (dir: string): Promise<ReadonlySet<string> | undefined> =>
  readdir(dir).then(
    (names) => new Set(names),
    (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' || e.code === 'ENOTDIR' ? new Set<string>() : undefined),
  );

/** The judge file of a run, if there is one; a damaged one is reported through `problem` and not used. */
export function readJudgeFile(logPath: string, sampleKey: string | undefined, problem: (m: string) => void, display: (p: string) => string = (p) => p): Promise<JudgeFile | undefined> {
  return sidecars.readJudgeFile(logPath, sampleKey, readTextOnDisk, problem, display);
}

/** Writes a run's judge file (creating `.peerwatch/judge/`). */
export async function writeJudgeFile(logPath: string, sampleKey: string | undefined, file: JudgeFile): Promise<string> {
  const path = sidecars.judgeFilePath(logPath, sampleKey);
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomically(path, JSON.stringify(file, null, 2) + '\n');
  return path;
}

/** Gives each run the judge has read its latest answer's tags (`run.judge`). */
export function loadJudgeTags(runs: CorpusRun[], display: (p: string) => string, problem: (m: string) => void): Promise<void> {
  return sidecars.loadJudgeTags(runs, readTextOnDisk, display, problem, listDirOnDisk);
}
