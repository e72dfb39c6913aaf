/**
 * From a folder's index entries to the corpus's runs, whatever file system the folder is on (node:fs:
 * node/corpus/corpusRuns.ts; `vscode.workspace.fs`: host/corpus/corpusFolder.web.ts): each entry's
 * runs with their problems, then each run's review sidecar and the judge's latest answer, read through
 * the caller's `readText`.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { IndexEntry } from './corpusIndex';
import type { CorpusRun } from './summarize';
import { parseReview, reviewSidecarPath } from '../review/sidecar';
import { judgeFileName, latestAnswer, parseJudgeFile, type JudgeFile } from '../judge/judgeFile';

/** A file's text, or undefined when it is not there (or cannot be read). */
export type ReadText = (path: string) => Promise<string | undefined>;

/**
 * The names in a folder (empty when the folder is not there), or undefined when it cannot be listed.
 * Sidecars are looked for by listing each folder once: most runs have none, and trying to read
 * 20,000 files that are not there took 1.5 s of a 10,000-run corpus opened from its index in VS Code.
 */
export type ListDir = (dir: string) => Promise<ReadonlySet<string> | undefined>;

/** Whether a file may be there: false only when its folder was listed without it. Each folder is listed once. */
function sidecarFinder(listDir: ListDir | undefined): (path: string) => Promise<boolean> {
  const listed = new Map<string, Promise<ReadonlySet<string> | undefined>>();
  return async (path) => {
    if (!listDir) return true;
    const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
    const dir = cut >= 0 ? path.slice(0, cut) : '.';
    let names = listed.get(dir);
    if (!names) listed.set(dir, (names = listDir(dir).catch(() => undefined)));
    const got = await names;
    return got === undefined || got.has(path.slice(cut + 1));
  };
}

/**
 * One copy of each string a corpus's runs repeat (models, tasks, conditions, behaviours, tag ids,
 * verdict fields): parsed from the index or received from a worker, each run has copies of its own.
 * Over the study's 223,000 transcripts sharing them cut the runs the corpus view holds from 365 to
 * 227 MB of the extension host's heap, for about 1.5 s of its thread while they arrive. One pool per
 * reading of a folder. Not in `peerwatch summarize`: its peak is the old index's entries, and the
 * lookups only cost it time.
 */
export class StringPool {
  private readonly strings = new Map<string, string>();

  one<S extends string | undefined>(s: S): S {
    if (s === undefined) return s;
    const held = this.strings.get(s);
    if (held !== undefined) return held as S;
    this.strings.set(s, s);
    return s;
  }

  /** `run` with its repeated strings shared (changed in place: a run just parsed or received). */
  shareIn(run: CorpusRun): CorpusRun {
    const r = run as { -readonly [K in keyof CorpusRun]: CorpusRun[K] };
    r.format = this.one(r.format);
    if (r.model !== undefined) r.model = this.one(r.model);
    if (r.modelRaw !== undefined) r.modelRaw = this.one(r.modelRaw);
    if (r.task !== undefined) r.task = this.one(r.task);
    if (r.condition !== undefined) r.condition = this.one(r.condition);
    if (r.conditionRaw !== undefined) r.conditionRaw = this.one(r.conditionRaw);
    if (r.monitoring !== undefined) r.monitoring = this.one(r.monitoring);
    if (r.dataset !== undefined) r.dataset = this.one(r.dataset);
    if (r.key === r.file) r.key = r.file;
    for (const t of r.tags as ReadonlyArray<{ id: string; behaviour: string; qualifier: string }>) {
      t.id = this.one(t.id);
      t.behaviour = this.one(t.behaviour);
      t.qualifier = this.one(t.qualifier);
    }
    for (const v of (r.verdicts ?? []) as ReadonlyArray<{ behaviour: string; field: string }>) {
      v.behaviour = this.one(v.behaviour);
      v.field = this.one(v.field);
    }
    return run;
  }
}

/** Takes a file's entry into `runs`, reporting its problems (again, when it comes from the index: the exit status is the same). */
export function collectEntry(entry: IndexEntry, path: string, explicit: boolean, runs: CorpusRun[], display: (p: string) => string, problem: (m: string) => void, strings?: StringPool): void {
  for (const p of entry.file.problems ?? []) problem(`error: ${p}`);
  if (entry.file.skipped !== undefined && explicit) problem(`${display(path)} is not a transcript Peerwatch can read: ${entry.file.skipped}`);
  for (const r of entry.runs) {
    for (const p of r.problems ?? []) problem(`error: ${p}`);
    const { type: _type, path: _path, ...rest } = r;
    const run: CorpusRun = { ...rest, file: path, key: r.sample !== undefined ? `${path}#${r.sample}` : path };
    runs.push(strings ? strings.shareIn(run) : run);
  }
}

/** Reads the review sidecar of every run that has one; a sidecar with errors is reported and not used. */
export async function loadReviews(runs: readonly CorpusRun[], readText: ReadText, display: (p: string) => string, problem: (m: string) => void, listDir?: ListDir): Promise<void> {
  const mayExist = sidecarFinder(listDir);
  for (const run of runs) {
    const file = reviewSidecarPath(run.file, run.sample);
    if (!(await mayExist(file))) continue;
    const text = await readText(file);
    if (text === undefined) continue;
    const parsed = parseReview(display(file), text);
    if (parsed.review) run.review = parsed.review;
    else for (const e of parsed.errors) problem(`error: ${e.message}`);
  }
}

/** `<run's folder>/.peerwatch/judge/<file name>.judge.json` of a '/'-separated path (or '\'-separated: the separator it uses). */
export function judgeFilePath(logPath: string, sampleKey?: string): string {
  const cut = Math.max(logPath.lastIndexOf('/'), logPath.lastIndexOf('\\'));
  const sep = cut >= 0 ? logPath[cut]! : '/';
  const dir = cut >= 0 ? logPath.slice(0, cut) : '.';
  return [dir, '.peerwatch', 'judge', judgeFileName(logPath.slice(cut + 1), sampleKey)].join(sep);
}

/** The judge file of a run, if there is one; a damaged one is reported through `problem` and not used. */
export async function readJudgeFile(logPath: string, sampleKey: string | undefined, readText: ReadText, problem: (m: string) => void, display: (p: string) => string = (p) => p): Promise<JudgeFile | undefined> {
  const file = judgeFilePath(logPath, sampleKey);
  const text = await readText(file);
  if (text === undefined) return undefined;
  const parsed = parseJudgeFile(display(file), text);
  for (const e of parsed.errors) problem(`error: ${e}`);
  return parsed.file;
}

/** Gives each run the judge has read its latest answer's tags (`run.judge`). */
export async function loadJudgeTags(runs: CorpusRun[], readText: ReadText, display: (p: string) => string, problem: (m: string) => void, listDir?: ListDir): Promise<void> {
  const mayExist = sidecarFinder(listDir);
  for (const run of runs) {
    if (!(await mayExist(judgeFilePath(run.file, run.sample)))) continue;
    const answer = latestAnswer(await readJudgeFile(run.file, run.sample, readText, problem, display));
    if (answer) run.judge = answer.tags.map((t) => ({ id: t.id, behaviour: t.behaviour, qualifier: t.qualifier, events: t.events }));
  }
}
