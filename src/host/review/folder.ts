/**
 * Behaviours across files: a badge in the Explorer on every transcript with flags, and the
 * "Behaviours in Folder" view (counts per behaviour, with a link to each run).
 *
 * Badges: files are analysed lazily, one at a time with a yield between them, never on the UI's
 * critical path; results are cached by the log's and its review sidecar's mtime and size. Only files
 * Peerwatch opens are looked at (`*.runlog.jsonl`, JSON and JSON Lines transcripts, `.traj`), and
 * large ones are skipped. The folder view reads the workspace's corpus index instead (CorpusLoader,
 * shared with the corpus view): any number of files, tagged in worker threads, unchanged ones never
 * read again; its tags are the built-in detectors' and, in a trusted workspace, its rules file's (as
 * the editor and the badges tag), with reviews. Editing the rules file reads the folder again.
 */
import * as vscode from 'vscode';
import { RULES_FILE_NAMES, detectBehaviours, type Rules, type Tag } from '../../core/behaviours';
import { NotATranscriptError, harnessRunFiles } from '../../core/formats';
import { readRun, sameRuns } from '../../core/formats/readRun';
import type { RunlogSource } from '../../core/runlog/runlog';
import { activeFlags, flaggedEvents, mergeReview } from '../../core/review/merge';
import { emptyReview, parseReview, type Review } from '../../core/review/sidecar';
import { detectionMemoryMB, loadRules, sidecarUriFor } from './documentBehaviours';
import { detectInWorker, detectWorkerFile, type Detected } from '../detection';

type LoadedRules = Awaited<ReturnType<typeof loadRules>>;
import { behaviourLabel } from './judgements';
import type { TranscriptEditorProvider } from '../transcriptEditorProvider';
import { vscodeRunFiles } from '../runFiles';
import { openRunAt } from '../links';
import type { CorpusLoader } from '../corpus/corpusLoader';
import { indexedAsTags, type CorpusRun } from '../../core/corpus/summarize';
import { judgeFilePath, readJudgeFile } from '../../core/corpus/folderRuns';
import { judgeTagsOfRun, latestAnswer } from '../../core/judge/judgeFile';
import { readText } from '../workspaceFiles';
import { yieldToHost } from '../files';

export const FOLDER_VIEW = 'peerwatch.folderBehaviours';
/** Files larger than this are not analysed for badges (parsing one whole costs about ten times its size in memory); their tags show when opened. */
const MAX_JSON_BYTES = 10 * 1024 * 1024;
const MAX_RUNLOG_BYTES = 25 * 1024 * 1024;
/** Files larger than this are read and tagged in the detection worker (tens of ms of work here at most). */
const WORKER_MIN_BYTES = 512 * 1024;

export interface FileFlags {
  /** Flags (tags not dismissed) per behaviour. */
  byBehaviour: Record<string, number>;
  /** The first event of the first flag of each behaviour (where a link opens the run). */
  firstEvent: Record<string, number>;
  /** Flagged events: events that at least one tag not dismissed cites. */
  flags: number;
  /** Tags not dismissed. */
  tags: number;
  reviewed: boolean;
  /** SHA-256 of the file's bytes (what a conversion of it records as its source). */
  sha256?: string;
  /** For a run log converted by `peerwatch convert`: the file it came from. */
  convertedFrom?: RunlogSource;
}

type Entry = { key: string; result: FileFlags | null };

/** Files Peerwatch can open as transcripts (by name; the content decides the rest). */
export function isCandidate(uri: vscode.Uri): boolean {
  if (uri.scheme !== 'file' && uri.scheme !== 'vscode-remote') return false;
  const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
  if (/\.runlog\.jsonl$/i.test(name)) return true;
  // JSON Lines sessions (Claude Code, message logs) count; a harness run's events.jsonl is read with its transcript.json.
  if (/\.jsonl$/i.test(name)) return name !== 'events.jsonl' && !/\/(node_modules|\.git|\.vscode|\.peerwatch)\//.test(uri.path);
  if (!/\.json$|\.traj$/i.test(name) || /\.review\.json$/i.test(name)) return false;
  if (/^(package(-lock)?|tsconfig.*|jsconfig|settings|launch|tasks|extensions|run_meta)\.json$/i.test(name)) return false;
  return !/\/(node_modules|\.git|\.vscode|\.peerwatch)\//.test(uri.path);
}

/** The analysis cache and its work queue, shared by the badges and the folder view. */
export class FlagsCache implements vscode.Disposable {
  private readonly cache = new Map<string, Entry>();
  private readonly queue: vscode.Uri[] = [];
  private readonly waiting = new Map<string, Array<(r: FileFlags | null) => void>>();
  private running = false;
  private disposed = false;
  private rules = new Map<string, { at: number; rules: Promise<LoadedRules> }>();
  /** Why the workspace's rules file was not used in the last scan (an untrusted workspace), if it was not. */
  rulesWithheld: string | undefined;
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** A file's result changed (or was computed for the first time). */
  readonly onDidChange = this.changed.event;

  /** The cached result, if it is still current (checked by mtime and size). */
  peek(uri: vscode.Uri): FileFlags | null | undefined {
    return this.cache.get(uri.toString())?.result;
  }

  /** Drops a file's result (its sidecar was saved) and computes it again. */
  invalidate(uri: vscode.Uri): void {
    this.cache.delete(uri.toString());
    void this.get(uri);
  }

  /** The file's flags (null: not a transcript, or too large), computed in the queue when not cached. */
  get(uri: vscode.Uri): Promise<FileFlags | null> {
    const k = uri.toString();
    return new Promise((resolve) => {
      const list = this.waiting.get(k);
      if (list) list.push(resolve);
      else {
        this.waiting.set(k, [resolve]);
        this.queue.push(uri);
      }
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length && !this.disposed) {
        const uri = this.queue.shift()!;
        const k = uri.toString();
        let result: FileFlags | null = null;
        try {
          result = await this.compute(uri);
        } catch {
          result = null;
        }
        const resolvers = this.waiting.get(k) ?? [];
        this.waiting.delete(k);
        resolvers.forEach((r) => r(result));
        // Let the extension host answer everything else between files.
        await new Promise((r) => setTimeout(r, 0));
      }
    } finally {
      this.running = false;
    }
  }

  private async compute(uri: vscode.Uri): Promise<FileFlags | null> {
    const k = uri.toString();
    const stat = await vscode.workspace.fs.stat(uri);
    const sidecar = sidecarUriFor(uri);
    const sidecarStat = await vscode.workspace.fs.stat(sidecar).then(
      (s) => s,
      () => undefined,
    );
    // A harness run's transcript.json is read with run_meta.json and events.jsonl: their changes count too.
    const siblingStats = await Promise.all(
      (harnessRunFiles(uri.path)?.siblings ?? []).map((p) =>
        vscode.workspace.fs.stat(uri.with({ path: p })).then(
          (s) => `${s.mtime}:${s.size}`,
          () => '-',
        ),
      ),
    );
    // The judge's answers count as flags too (as in the editor): a new answer changes the badge.
    const judgeFile = uri.with({ path: judgeFilePath(uri.path) });
    const judgeStat = await vscode.workspace.fs.stat(judgeFile).then(
      (s) => s,
      () => undefined,
    );
    const key = [`${stat.mtime}:${stat.size}`, sidecarStat ? `${sidecarStat.mtime}:${sidecarStat.size}` : '-', judgeStat ? `${judgeStat.mtime}:${judgeStat.size}` : '-', ...siblingStats].join(':');
    const hit = this.cache.get(k);
    if (hit && hit.key === key) return hit.result;
    const isRunlog = /\.runlog\.jsonl$/i.test(uri.path);
    let result: FileFlags | null = null;
    if (stat.size <= (isRunlog ? MAX_RUNLOG_BYTES : MAX_JSON_BYTES)) {
      try {
        // The same reader as the editor and the CLI: a harness run's transcript.json with its siblings.
        const loaded = await this.rulesFor(uri);
        if (loaded.withheld) this.rulesWithheld = loaded.withheld;
        const run = await this.detect(uri, stat.size, loaded);
        let tags = run.tags;
        if (judgeStat) {
          const readJudge = (path: string) => readText(uri.with({ path })).then((t): string | undefined => t, () => undefined);
          const answer = latestAnswer(await readJudgeFile(uri.path, undefined, readJudge, () => undefined));
          if (answer) tags = [...tags, ...judgeTagsOfRun(answer.tags, run.eventCount).map((t) => ({ ...t, detector: `judge:${answer.model}` }))];
        }
        let review = emptyReview();
        if (sidecarStat) {
          const parsed = parseReview(sidecar.path, new TextDecoder().decode(await vscode.workspace.fs.readFile(sidecar)));
          if (parsed.review) review = parsed.review;
        }
        result = fileFlags(tags, review, run);
      } catch (e) {
        if (!(e instanceof NotATranscriptError)) throw e;
      }
    }
    const before = this.cache.get(k);
    this.cache.set(k, { key, result });
    if (!before || JSON.stringify(before.result) !== JSON.stringify(result)) this.changed.fire(uri);
    return result;
  }

  /**
   * Reads and tags one run: a large file on disk in the detection worker (so a folder of large runs
   * never blocks the extension host), a small one here (a worker's start costs more than its tagging).
   */
  private async detect(uri: vscode.Uri, size: number, loaded: { rules: Rules; text?: { fileName: string; text: string } }): Promise<Detected> {
    const worker = uri.scheme === 'file' && size > WORKER_MIN_BYTES ? detectWorkerFile() : undefined;
    if (worker) {
      // Within the editor's detection bound: a file that needs more gets no badge (its editor says why).
      const done = await detectInWorker(worker, { path: uri.fsPath, hash: true, ...(loaded.text ? { rules: loaded.text } : {}) }, detectionMemoryMB()).result;
      if (done) return done;
    }
    const run = await readRun(vscodeRunFiles(uri), uri.path, { hash: true });
    return {
      tags: detectBehaviours(run.transcript, loaded.rules),
      eventCount: run.transcript.events.length,
      ...(run.sha256 ? { sha256: run.sha256 } : {}),
      ...(run.convertedFrom ? { convertedFrom: run.convertedFrom } : {}),
    };
  }

  /** Forgets every result and the rules read (the workspace was trusted: its rules file now applies). */
  clear(): void {
    this.rules.clear();
    this.cache.clear();
    this.rulesWithheld = undefined;
  }

  private rulesFor(uri: vscode.Uri): Promise<LoadedRules> {
    const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.toString() ?? '';
    const hit = this.rules.get(folder);
    if (hit && Date.now() - hit.at < 10_000) return hit.rules;
    const rules = loadRules(uri);
    this.rules.set(folder, { at: Date.now(), rules });
    return rules;
  }

  dispose(): void {
    this.disposed = true;
    this.changed.dispose();
    for (const list of this.waiting.values()) list.forEach((r) => r(null));
    this.waiting.clear();
  }
}

/** Explorer badges: the number of flags on each transcript (✓ when reviewed with none left). */
export class FlagDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri[]>();
  readonly onDidChangeFileDecorations = this.changed.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly cache: FlagsCache) {
    this.sub = cache.onDidChange((uri) => this.changed.fire([uri]));
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (!isCandidate(uri)) return undefined;
    const r = this.cache.peek(uri);
    // Not known yet (or maybe stale): compute in the background; onDidChange brings the badge.
    void this.cache.get(uri);
    if (!r) return undefined;
    if (r.flags === 0) return r.reviewed ? new vscode.FileDecoration('✓', 'Peerwatch: reviewed, no flags') : undefined;
    const list = Object.entries(r.byBehaviour)
      .map(([b, n]) => `${b}${n > 1 ? ` ×${n}` : ''}`)
      .join(', ');
    return new vscode.FileDecoration(
      r.flags > 9 ? '9+' : String(r.flags),
      `Peerwatch: ${r.flags} flagged event${r.flags === 1 ? '' : 's'}, ${r.tags} tag${r.tags === 1 ? '' : 's'} (${list})${r.reviewed ? ', reviewed' : ''}`,
      new vscode.ThemeColor(r.reviewed ? 'list.deemphasizedForeground' : 'list.warningForeground'),
    );
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}

/** Runs the folder view takes from a loaded corpus between two yields to the host. */
const RUNS_PER_SLICE = 5000;

/** A transcript the scan found, with its analysis. */
export interface FoundFile {
  uri: vscode.Uri;
  /** The sample's key, for a run of a log of many. */
  sample?: string;
  result: FileFlags;
}

/** A run's flags from its tags and its review (dismissed dropped, added counted), as the badges and the folder view count them. */
function fileFlags(tags: readonly Tag[], review: Review, run: { eventCount: number; sha256?: string; convertedFrom?: RunlogSource }): FileFlags {
  // No tag and none added by a reviewer: nothing to merge (most runs of a corpus; a workspace of
  // 223,000 runs spent most of 1.2 s of the host's thread merging empty reviews).
  const merged = tags.length === 0 && review.added.length === 0 ? [] : mergeReview(tags, review, run.eventCount).tags;
  const flags = activeFlags(merged);
  const byBehaviour: Record<string, number> = {};
  const firstEvent: Record<string, number> = {};
  for (const f of flags) {
    const b = String(f.behaviour);
    byBehaviour[b] = (byBehaviour[b] ?? 0) + 1;
    if (firstEvent[b] === undefined) firstEvent[b] = f.events[0]!;
  }
  return {
    byBehaviour,
    firstEvent,
    // One meaning of "flag" everywhere: an event an open tag cites (as the editor and F8 count).
    flags: flaggedEvents(merged).length,
    tags: flags.length,
    reviewed: !!review.reviewed,
    ...(run.sha256 ? { sha256: run.sha256 } : {}),
    ...(run.convertedFrom ? { convertedFrom: run.convertedFrom } : {}),
  };
}

/** A corpus run's flags as the folder view counts them (its index tags and the judge's, merged with its review). */
export function flagsOfRun(run: CorpusRun): FileFlags {
  return fileFlags(indexedAsTags([...run.tags, ...judgeTagsOfRun(run.judge ?? [], run.eventCount)]), run.review ?? emptyReview(), run);
}

/**
 * The tree of "Behaviours in Folder" from the files found: each behaviour with the runs that show it,
 * then the runs with none. A run held in two formats (a study `.json` and the `.runlog.jsonl`
 * converted from it, which records the source's SHA-256) is one run: shown once, from the reviewed
 * file if one of them is reviewed, else from the original, with the other named beside it.
 */
export async function tallyRuns(found: readonly FoundFile[]): Promise<{ groups: BehaviourNode[]; runs: number; flagged: number }> {
  const byBehaviour = new Map<string, RunNode[]>();
  const clean: RunNode[] = [];
  const entries = found.map((f) => ({ f, ...(f.result.sha256 ? { sha256: f.result.sha256 } : {}), ...(f.result.convertedFrom ? { convertedFrom: f.result.convertedFrom } : {}) }));
  const runs = sameRuns(entries);
  for (const [i, members] of runs.entries()) {
    // A slice at a time, as the runs were taken (scan): the host answers between them.
    if (i % RUNS_PER_SLICE === RUNS_PER_SLICE - 1) await yieldToHost();
    const { uri, sample, result: r } = (members.find((m) => m.f.result.reviewed) ?? members[0]!).f;
    const alsoAs = members.map((m) => m.f.uri).filter((u) => u !== uri);
    const s = sample !== undefined ? { sample } : {};
    if (r.flags === 0) clean.push({ kind: 'run', uri, ...s, count: 0, reviewed: r.reviewed, alsoAs });
    for (const [b, count] of Object.entries(r.byBehaviour)) {
      const list = byBehaviour.get(b) ?? [];
      list.push({ kind: 'run', uri, ...s, behaviour: b, count, event: r.firstEvent[b], reviewed: r.reviewed, alsoAs });
      byBehaviour.set(b, list);
    }
  }
  const groups: BehaviourNode[] = [...byBehaviour.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0])).map(([behaviour, runs]) => ({ kind: 'behaviour', behaviour, runs }));
  if (clean.length) groups.push({ kind: 'behaviour', behaviour: null, runs: clean });
  return { groups, runs: runs.length, flagged: runs.length - clean.length };
}

export interface RunNode {
  kind: 'run';
  uri: vscode.Uri;
  /** The sample's key, for a run of a log of many. */
  sample?: string;
  /** The same run in other formats (its conversions, or the file it was converted from). */
  alsoAs: vscode.Uri[];
  behaviour?: string;
  count: number;
  event?: number;
  reviewed: boolean;
}
export interface BehaviourNode {
  kind: 'behaviour';
  behaviour: string | null;
  runs: RunNode[];
}
/** Stands for the runs of a behaviour past the first MAX_RUNS_LISTED: they are in the corpus view. */
export interface MoreRunsNode {
  kind: 'more';
  behaviour: string | null;
  count: number;
}
type FolderNode = RunNode | BehaviourNode | MoreRunsNode;

/**
 * Runs listed under a behaviour. A study folder of 223,000 transcripts puts some 75,000 under one
 * behaviour, and the tree sends every item of an expanded node to the window at once; past this many,
 * one line says how many more there are and opens the corpus view, which lists a cell's runs.
 */
export const MAX_RUNS_LISTED = 1000;

/** A behaviour's children in the tree: its first MAX_RUNS_LISTED runs, then how many more. */
export function runsListed(group: BehaviourNode): Array<RunNode | MoreRunsNode> {
  if (group.runs.length <= MAX_RUNS_LISTED) return group.runs;
  return [...group.runs.slice(0, MAX_RUNS_LISTED), { kind: 'more', behaviour: group.behaviour, count: group.runs.length - MAX_RUNS_LISTED }];
}

/** The line that stands for the runs not listed. */
export function moreRunsItem(node: MoreRunsNode): vscode.TreeItem {
  const item = new vscode.TreeItem(`${node.count.toLocaleString('en-US')} more run${node.count === 1 ? '' : 's'}`, vscode.TreeItemCollapsibleState.None);
  item.id = `folder-more:${node.behaviour ?? '-'}`;
  item.description = 'Open Corpus lists them all';
  item.tooltip = `The first ${MAX_RUNS_LISTED.toLocaleString('en-US')} runs are listed here; the corpus view (Peerwatch: Open Corpus) lists every run of a cell and filters by behaviour.`;
  item.iconPath = new vscode.ThemeIcon('table');
  item.command = { command: 'peerwatch.openWorkspaceCorpus', title: 'Open Corpus' };
  return item;
}

/** What a scan of Behaviours in Folder shows (the refresh command gives it, for scripts and tests): runs, flagged runs, and the runs of each behaviour. */
export interface FolderTally {
  runs: number;
  flagged: number;
  /** Per behaviour, the runs that show it (file path, with `#<sample>` for a sample of a log). */
  behaviours: Record<string, string[]>;
  /** The view's message line. */
  message: string;
}

/**
 * `tally`, sent to another process as counts: the view's refresh button runs the command from the
 * window, which is sent its result as JSON, and at the study's 223,000 runs the lists of names would
 * be tens of megabytes serialized on the extension host's thread and read by the window. A caller in
 * this extension host gets the lists (the JSON form is not enumerable: the tally compares as before).
 */
function sentAsCounts(tally: FolderTally): FolderTally {
  const toJSON = () => ({ runs: tally.runs, flagged: tally.flagged, behaviours: Object.fromEntries(Object.entries(tally.behaviours).map(([b, runs]) => [b, runs.length])), message: tally.message });
  return Object.defineProperty(tally, 'toJSON', { value: toJSON, enumerable: false });
}

/** "Behaviours in Folder": each behaviour with the runs that show it, and the runs with none. */
export class FolderBehaviours implements vscode.TreeDataProvider<FolderNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<FolderNode>;
  private readonly disposables: vscode.Disposable[] = [];
  private groups: BehaviourNode[] | undefined;
  private scanning: Promise<FolderTally | undefined> | undefined;
  /** A scan asked for while one runs: it starts when that one ends. */
  private queued: Promise<FolderTally | undefined> | undefined;

  constructor(
    cache: FlagsCache,
    private readonly provider: TranscriptEditorProvider,
    private readonly loader: CorpusLoader,
  ) {
    this.view = vscode.window.createTreeView(FOLDER_VIEW, { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.view,
      this.changed,
      this.view.onDidChangeVisibility((e) => e.visible && !this.groups && void this.scan()),
      vscode.commands.registerCommand('peerwatch.refreshFolderBehaviours', () => this.scan()),
      vscode.commands.registerCommand('peerwatch.openRunAtFlag', (uri: vscode.Uri, event?: number, sample?: string) => this.openRun(uri, event, sample)),
      provider.onDidSaveReview(() => this.groups && void this.scan()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        if (cache.rulesWithheld) cache.clear();
        // The workspace's rules file (if any) now tags the folder's runs too.
        if (this.groups) void this.scan();
      }),
    );
    // The rules file tags the folder's runs (in a trusted workspace): a change to it tags them again.
    for (const name of RULES_FILE_NAMES) {
      const watcher = vscode.workspace.createFileSystemWatcher(`**/${name}`);
      const changed = () => {
        cache.clear();
        if (this.groups) void this.scan();
      };
      this.disposables.push(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed));
    }
    if (this.view.visible) void this.scan();
  }

  /**
   * Reads every run of the workspace's folders from their corpus index (CorpusLoader: the index the
   * corpus view and `peerwatch summarize` keep, changed files tagged in worker threads or, on the web,
   * in the host; no cap on the number of files) and rebuilds the tree. A folder the loader cannot read
   * is named in the view's message.
   */
  scan(): Promise<FolderTally | undefined> {
    if (this.scanning) {
      // What changed since that scan began may not be in it: one more scan after it (however many ask).
      this.queued ??= this.scanning.then(() => {
        this.queued = undefined;
        return this.scan();
      });
      return this.queued;
    }
    this.scanning = (async () => {
      try {
        const found: FoundFile[] = [];
        const notes: string[] = [];
        let withheld: string | undefined;
        for (const folder of vscode.workspace.workspaceFolders ?? []) {
          let corpus;
          try {
            corpus = await this.loader.load(folder.uri, (text) => (this.view.message = `Reading ${folder.name}: ${text}…`), { viewId: FOLDER_VIEW });
          } catch (e) {
            // A folder the loader cannot read (in Node, one not on this machine's disk) is named; the others count.
            notes.push(`${folder.name} was not read: ${e instanceof Error ? e.message : String(e)}.`);
            continue;
          }
          // A few thousand runs at a time: at the study's 223,000 this took 1.5 s, and the extension
          // host, which every extension shares, answers between slices.
          for (let i = 0; i < corpus.runs.length; i++) {
            const run = corpus.runs[i]!;
            found.push({ uri: corpus.uriOf(run.file), ...(run.sample !== undefined ? { sample: run.sample } : {}), result: flagsOfRun(run) });
            if (i % RUNS_PER_SLICE === RUNS_PER_SLICE - 1) await yieldToHost();
          }
          withheld ??= corpus.rulesWithheld;
          if (corpus.totals.interrupted) notes.push(`Reading ${folder.name} was cancelled: these are the files read so far.`);
          if (corpus.totals.problemCount) notes.push(`${corpus.totals.problemCount} problem${corpus.totals.problemCount === 1 ? '' : 's'} reading ${folder.name} (Open Corpus lists them).`);
        }
        if (withheld) notes.push(withheld);
        const { groups, runs: transcripts, flagged } = await tallyRuns(found);
        this.groups = groups;
        const message = [transcripts ? `${transcripts} run${transcripts === 1 ? '' : 's'}, ${flagged} with flags.` : 'No transcripts in this folder.', ...notes].join(' ');
        this.view.message = message;
        this.changed.fire();
        const name = (r: RunNode) => `${r.uri.fsPath}${r.sample !== undefined ? `#${r.sample}` : ''}`;
        return sentAsCounts({ runs: transcripts, flagged, behaviours: Object.fromEntries(groups.filter((g) => g.behaviour !== null).map((g) => [g.behaviour!, g.runs.map(name)])), message });
      } catch (e) {
        this.view.message = `Peerwatch could not read the folder: ${e instanceof Error ? e.message : String(e)}`;
        return undefined;
      } finally {
        this.scanning = undefined;
      }
    })();
    return this.scanning;
  }

  private async openRun(uri: vscode.Uri, event?: number, sample?: string): Promise<void> {
    await openRunAt(this.provider, uri, event, sample);
  }

  getChildren(node?: FolderNode): FolderNode[] {
    if (!node) return this.groups ?? [];
    return node.kind === 'behaviour' ? runsListed(node) : [];
  }

  getTreeItem(node: FolderNode): vscode.TreeItem {
    if (node.kind === 'more') return moreRunsItem(node);
    if (node.kind === 'behaviour') {
      const tags = node.runs.reduce((n, r) => n + r.count, 0);
      const item = new vscode.TreeItem(
        node.behaviour === null ? 'No flags' : behaviourLabel(node.behaviour),
        node.behaviour === null ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded,
      );
      item.id = `folder-behaviour:${node.behaviour ?? '-'}`;
      item.description = node.behaviour === null ? `${node.runs.length} run${node.runs.length === 1 ? '' : 's'}` : `${node.runs.length} run${node.runs.length === 1 ? '' : 's'} · ${tags} tag${tags === 1 ? '' : 's'}`;
      item.iconPath = new vscode.ThemeIcon(node.behaviour === null ? 'pass' : 'warning');
      item.tooltip = node.behaviour ?? 'Transcripts in which no behaviour is flagged (or every flag was dismissed)';
      return item;
    }
    const name = node.uri.path.slice(node.uri.path.lastIndexOf('/') + 1) + (node.sample !== undefined ? ` #${node.sample}` : '');
    const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.None);
    item.id = `folder-run:${node.behaviour ?? '-'}:${node.uri.toString()}${node.sample !== undefined ? `#${node.sample}` : ''}`;
    item.resourceUri = node.uri;
    const also = node.alsoAs.map((u) => u.path.slice(u.path.lastIndexOf('/') + 1));
    item.description = `${node.count ? `${node.count}× ` : ''}${vscode.workspace.asRelativePath(vscode.Uri.joinPath(node.uri, '..'), false)}${node.reviewed ? ' · reviewed' : ''}${also.length ? ` · also as ${also.join(', ')}` : ''}`;
    item.tooltip = `${vscode.workspace.asRelativePath(node.uri, false)}${node.alsoAs.map((u) => `\nThe same run: ${vscode.workspace.asRelativePath(u, false)}`).join('')}${node.event !== undefined ? `\nOpens at event #${node.event}` : ''}`;
    item.command = { command: 'peerwatch.openRunAtFlag', title: 'Open in Peerwatch', arguments: [node.uri, node.event, node.sample] };
    item.contextValue = 'peerwatch.run';
    return item;
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
