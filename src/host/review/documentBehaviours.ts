/**
 * One open document's behaviour tags and review: the detected tags (computed after the editor
 * shows, off the critical path, and again when a live log grows), the reviewer's judgements from
 * the sidecar `<log>.review.json`, and the edits that change them (undoable, saved atomically,
 * backed up for hot exit). The log itself is never written.
 */
import * as vscode from 'vscode';
import { RULES_FILE_NAMES, detectBehaviours, emptyRules, parseRules, type Rules, type Tag } from '../../core/behaviours';
import type { Transcript, TranscriptEvent } from '../../core/model';
import { mergeReview, type MergedTags } from '../../core/review/merge';
import { emptyReview, parseReview, reviewSidecarPath, serializeReview, type Review } from '../../core/review/sidecar';
import { Disposable } from '../disposable';
import { RunlogFileSource, TranscriptSource, type EventSource } from '../sources';
import { detectInWorker, detectWorkerFile, WorkerOutOfMemoryError, type DetectJob, type Detected } from '../detection';
import { removeLeftoverTemps, writeTextAtomically, yieldToHost } from '../files';
import { readText } from '../workspaceFiles';
import { fitsDetection } from '../../core/detectionMemory';
import { judgeTagsOfRun, latestAnswer } from '../../core/judge/judgeFile';
import { judgeFilePath, readJudgeFile } from '../../core/corpus/folderRuns';

/** Events read per chunk when a run log is read whole for detection. */
const READ_CHUNK = 2000;
/** A growing log is analysed again at most this often. */
const REANALYSE_MS = 1500;
/**
 * Detection reads every event into memory (about 2 KB each once decoded). In the detection worker its
 * heap is bounded by `peerwatch.detection.maxMemoryMB` (a run that needs more stops the worker, not
 * the host); where detection runs in the host itself (the web, a run with no file on disk), above this
 * many events (a run log of roughly 60 MB) it is not run, so the host's memory stays bounded however
 * large the log. `peerwatch tag` tags any run.
 */
const MAX_EVENTS_FOR_DETECTION = 100_000;
/** The setting bounding the detection worker's heap, and its default (package.json says the same). */
export const DETECTION_MEMORY_SETTING = 'detection.maxMemoryMB';
const DEFAULT_DETECTION_MEMORY_MB = 1536;

/** Where a run's detection reads it from: its file, and for a sample of a log of many samples, its key. */
export interface RunOrigin {
  file: vscode.Uri;
  sample?: string;
}

export interface ReviewEdit {
  label: string;
  undo(): void;
  redo(): void;
}

export function sidecarUriFor(logUri: vscode.Uri): vscode.Uri {
  return logUri.with({ path: reviewSidecarPath(logUri.path) });
}

/** The one line the Behaviours views show when a workspace's rules file is withheld (docs/rules.md). */
export const UNTRUSTED_RULES_NOTE = 'Workspace rules not loaded: this workspace is not trusted.';

/**
 * The workspace rules file for `uri` (docs/rules.md), parsed; the built-ins alone when there is none.
 * In a workspace VS Code does not trust, a rules file is not read (its patterns are the workspace's
 * text, run over every event): `withheld` then says so, and trusting the workspace reads it.
 */
export async function loadRules(
  uri: vscode.Uri,
  trusted = vscode.workspace.isTrusted,
): Promise<{ rules: Rules; file?: vscode.Uri; errors: string[]; withheld?: string; text?: { fileName: string; text: string } }> {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return { rules: emptyRules(), errors: [] };
  for (const name of RULES_FILE_NAMES) {
    const file = vscode.Uri.joinPath(folder.uri, name);
    if (!trusted) {
      // Whether the file is there (to say why it is not used), never what it holds.
      const there = await vscode.workspace.fs.stat(file).then(
        () => true,
        () => false,
      );
      if (there) return { rules: emptyRules(), file, errors: [], withheld: UNTRUSTED_RULES_NOTE };
      continue;
    }
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
    } catch {
      continue;
    }
    const fileName = vscode.workspace.asRelativePath(file, false);
    const { rules, diagnostics } = parseRules(fileName, text);
    return { rules, file, errors: diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), text: { fileName, text } };
  }
  return { rules: emptyRules(), errors: [] };
}

/** Reads every event of a source (in chunks, yielding between them) into a transcript for the detectors. */
export async function readWholeTranscript(source: EventSource, isCancelled: () => boolean): Promise<Transcript | undefined> {
  if (source instanceof TranscriptSource) return source.transcript;
  const n = source.count;
  const events: TranscriptEvent[] = [];
  for (let start = 0; start < n; start += READ_CHUNK) {
    if (isCancelled()) return undefined;
    const indices: number[] = [];
    for (let i = start; i < Math.min(n, start + READ_CHUNK); i++) indices.push(i);
    const fetched = await source.get(indices);
    fetched.forEach((f, k) => {
      const i = indices[k]!;
      // An unreadable record keeps its place, so tag indices stay the editor's indices.
      events.push(f.event ? { ...f.event, index: i } : { kind: 'environment', index: i, source: {}, fact: 'unreadable record' });
    });
    await yieldToHost();
  }
  return { header: source.header, events, diagnostics: [], live: source.live };
}

export class DocumentBehaviours extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Tags or judgements changed. */
  readonly onDidChange = this.changed.event;
  private readonly edited = this._register(new vscode.EventEmitter<ReviewEdit>());
  /** A judgement was made (for the custom editor's undo stack and dirty state). */
  readonly onDidEdit = this.edited.event;

  /** Detected tags; undefined until the first analysis finishes. */
  detected: Tag[] | undefined;
  /** The judge's tags (its latest answer in the run's judge file), reviewed like detected ones. */
  judgeTags: Tag[] = [];
  /** The run whose judge file is read: its log and, in a log of many, its sample key (setJudgeTarget). */
  private judgeTarget: { log: vscode.Uri; sample?: string } | undefined;
  /** Why the judge file could not be used, if it could not. */
  judgeError: string | undefined;
  /** The event count the detected tags were computed on. */
  private analysedCount = 0;
  /** The event count at which the run was found too large to tag here (with this memory bound), and why: a growing log is not tried again past it unless the bound is raised. */
  private tooLarge: { at: number; memoryMB: number; why: string } | undefined;
  /** How long the last detection took: a growing log is analysed again no sooner than twice that. */
  private lastDetectionMs = 0;
  analysing = false;
  analysisError: string | undefined;
  rulesErrors: string[] = [];
  /** Why the workspace's rules file was not used (an untrusted workspace), if it was not. */
  rulesWithheld: string | undefined;
  /**
   * Why there is nothing to analyse while the source is absent, when that is expected (a sample
   * log's own review while its list shows): detection then counts as done, with this as its note.
   */
  idleReason: string | undefined;
  private review: Review;
  /** The review as on disk (or as last saved); `undefined`: no sidecar. */
  private savedText: string | undefined;
  /** Why the sidecar on disk could not be read (saving then refuses to overwrite it). */
  sidecarError: string | undefined;
  private mergedCache: MergedTags | undefined;
  private started = false;
  private pendingAnalysis: ReturnType<typeof setTimeout> | undefined;
  private again = false;
  private sourceSub: vscode.Disposable | undefined;
  private generation = 0;
  /** The detection running in a worker, if any (cancelled when the run is replaced or closed). */
  private job: DetectJob | undefined;
  /**
   * Detection started while the editor was still indexing a run log on disk (the whole file, as it
   * was then): its tags are taken once indexing ends if they were computed on as many events as the
   * editor indexed, with the same rules; otherwise the run is tagged again. A 100 MB log's flags came
   * 3.6 s after the 2.6 s of indexing; on the machine's other core the two overlap.
   */
  private early: { generation: number; job?: DetectJob; result?: Promise<Detected | undefined | Error>; rules?: string; started: number } | undefined;
  private readonly sidecarChanged = this._register(new vscode.EventEmitter<'reloaded' | 'conflict'>());
  /** The sidecar changed on disk: reloaded (no unsaved judgements) or in conflict with unsaved ones. */
  readonly onDidChangeSidecarOnDisk = this.sidecarChanged.event;

  private constructor(
    readonly logUri: vscode.Uri,
    private readonly source: () => EventSource | undefined,
    initial: { review: Review; savedText?: string; error?: string },
    private readonly origin: RunOrigin = { file: logUri },
  ) {
    super();
    this.review = initial.review;
    this.savedText = initial.savedText;
    this.sidecarError = initial.error;
    const sidecar = this.sidecarUri;
    const watcher = this._register(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(sidecar, '..'), basename(sidecar))));
    const onDisk = () => void this.sidecarChangedOnDisk();
    this._register(watcher.onDidChange(onDisk));
    this._register(watcher.onDidCreate(onDisk));
    this._register(watcher.onDidDelete(onDisk));
    this._register({ dispose: () => this.sourceSub?.dispose() });
    this._register({ dispose: () => this.pendingAnalysis && clearTimeout(this.pendingAnalysis) });
    this._register({ dispose: () => this.job?.cancel() });
    this._register({ dispose: () => this.dropEarly() });
    // Rules withheld in Restricted Mode apply as soon as the workspace is trusted.
    this._register(
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        if (!this.rulesWithheld) return;
        this.analysedCount = -1;
        this.schedule(0);
      }),
    );
  }

  /**
   * Opens the review of `logUri`: from a hot-exit backup when VS Code has one, else the sidecar.
   * `origin`: where the detection worker reads the run (by default `logUri` itself; for a sample, its
   * log and key).
   */
  static async open(logUri: vscode.Uri, source: () => EventSource | undefined, backupId?: string, origin?: RunOrigin): Promise<DocumentBehaviours> {
    const sidecar = sidecarUriFor(logUri);
    // An earlier save killed between its temporary file and the rename left that file behind.
    await removeLeftoverTemps(sidecar);
    const onDisk = await readSidecar(sidecar);
    if (backupId) {
      try {
        const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.parse(backupId)));
        const parsed = parseReview('backup', text);
        if (parsed.review) return new DocumentBehaviours(logUri, source, { review: parsed.review, savedText: onDisk.text, error: onDisk.error }, origin);
      } catch {
        /* no usable backup: fall back to the sidecar */
      }
    }
    return new DocumentBehaviours(logUri, source, { review: onDisk.review ?? emptyReview(basename(logUri)), savedText: onDisk.text, error: onDisk.error }, origin);
  }

  get sidecarUri(): vscode.Uri {
    return sidecarUriFor(this.logUri);
  }

  get current(): Review {
    return this.review;
  }

  /** Detected tags merged with the judgements (detected tags empty until analysed). */
  get merged(): MergedTags {
    if (!this.mergedCache) {
      const count = this.source()?.count ?? Infinity;
      this.mergedCache = mergeReview([...(this.detected ?? []), ...judgeTagsOfRun(this.judgeTags, count)], this.review, count);
    }
    return this.mergedCache;
  }

  private fire(): void {
    this.mergedCache = undefined;
    this.changed.fire();
  }

  /** Starts detection (once): called when an editor shows the document. */
  start(): void {
    if (this.started) return;
    this.started = true;
    // A run too large for the detection bound is tagged as soon as the bound is raised enough to try.
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`peerwatch.${DETECTION_MEMORY_SETTING}`) && this.mayTryAgain()) this.schedule(0);
      }),
    );
    this.sourceChanged();
  }

  /** Found too large for a smaller detection bound than the one now set. */
  private mayTryAgain(): boolean {
    return this.tooLarge !== undefined && detectionMemoryMB() > this.tooLarge.memoryMB;
  }

  /** The document's content was replaced (a new source): analyse it afresh. */
  sourceChanged(): void {
    if (!this.started) return;
    this.sourceSub?.dispose();
    const source = this.source();
    this.detected = undefined;
    this.analysedCount = 0;
    this.generation++;
    this.job?.cancel();
    this.dropEarly();
    if (!source) {
      if (this.idleReason) {
        this.detected = [];
        this.analysisError = this.idleReason;
      }
      this.fire();
      return;
    }
    this.sourceSub = source.onDidChange((change) => {
      if (change === 'replace') {
        this.detected = undefined;
        this.analysedCount = 0;
        this.generation++;
        this.job?.cancel();
        this.dropEarly();
      }
      this.schedule(change === 'replace' || !this.detected ? 0 : this.reanalyseMs());
    });
    this.schedule(0);
  }

  /** Starts detection of the whole file while the editor indexes it (see `early`); once per generation. */
  private async startEarly(): Promise<void> {
    const generation = this.generation;
    if (this.early?.generation === generation || this.origin.sample !== undefined || this.origin.file.scheme !== 'file') return;
    const worker = detectWorkerFile();
    if (!worker) return;
    this.early = { generation, started: performance.now() };
    const { text: rulesText } = await loadRules(this.logUri);
    const memoryMB = detectionMemoryMB();
    const bytes = await this.fileBytes();
    // Replaced, closed or indexed meanwhile (analyse then tags it itself), or too large to try: the
    // ordinary path says so.
    const source = this.source();
    if (this.isDisposed || generation !== this.generation || this.early?.generation !== generation || !(source instanceof RunlogFileSource) || !source.indexing) return;
    if (bytes === 0 || !fitsDetection(bytes, memoryMB)) return;
    const job = detectInWorker(worker, { path: this.origin.file.fsPath, ...(rulesText ? { rules: rulesText } : {}) }, memoryMB);
    this.early = { generation, job, result: job.result.catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))), started: this.early.started, ...(rulesText ? { rules: rulesText.text } : {}) };
  }

  /** The size of the run's file on disk (0 when it cannot be read). */
  private fileBytes(): Promise<number> {
    return Promise.resolve(vscode.workspace.fs.stat(this.origin.file)).then((st) => st.size, () => 0);
  }

  /** Stops the detection started while indexing, if any. */
  private dropEarly(): void {
    this.early?.job?.cancel();
    this.early = undefined;
  }

  /** How soon a growing log is analysed again: every REANALYSE_MS, or less often when detection takes long (a big log). */
  private reanalyseMs(): number {
    return Math.max(REANALYSE_MS, 2 * this.lastDetectionMs);
  }

  private schedule(delay: number): void {
    if (this.analysing) {
      this.again = true;
      return;
    }
    if (this.pendingAnalysis) return;
    this.pendingAnalysis = setTimeout(() => {
      this.pendingAnalysis = undefined;
      void this.analyse();
    }, delay);
  }

  private async analyse(): Promise<void> {
    const source = this.source();
    if (!source || this.isDisposed) return;
    // The first pass over a big log is still indexing: the worker starts on the file meanwhile, and
    // its tags are taken when indexing ends (its last 'grow' schedules us) if they still fit.
    if (source instanceof RunlogFileSource && source.indexing) {
      void this.startEarly();
      return;
    }
    if (this.detected && source.count === this.analysedCount && !this.mayTryAgain()) return;
    const generation = this.generation;
    this.analysing = true;
    this.fire();
    // Detection started while indexing (startEarly), taken here; stopped unless its tags are used.
    const early = this.early?.generation === generation ? this.early : undefined;
    this.early = undefined;
    try {
      const { rules, errors, withheld, text: rulesText } = await loadRules(this.logUri);
      this.rulesErrors = errors;
      this.rulesWithheld = withheld;
      const count = source.count;
      // A run on disk is tagged off the host's thread: the worker reads the file as the CLI does (a
      // sample: its log, then the sample) and tags its first `count` events (what the editor has
      // indexed of a run log), within the memory the setting gives it. Only a run with no local file
      // is tagged here, from memory; so is one the worker could not read again (the file went away
      // since it was opened).
      const origin = this.origin;
      const worker = origin.file.scheme === 'file' ? detectWorkerFile() : undefined;
      const memoryMB = detectionMemoryMB();
      const tooLarge = (why: string) => {
        this.detected = [];
        this.analysedCount = count;
        this.tooLarge = { at: Math.min(this.tooLarge?.memoryMB === memoryMB ? this.tooLarge.at : count, count), memoryMB, why };
        this.analysisError = `${why}; run \`peerwatch tag\` on it instead`;
      };
      const outOfMemory = () => tooLarge(`tagging this run of ${count.toLocaleString('en-US')} events needed more than the ${memoryMB.toLocaleString('en-US')} MB \`peerwatch.${DETECTION_MEMORY_SETTING}\` gives detection in the editor`);
      const inHostTooLarge = () => tooLarge(`this run has ${count.toLocaleString('en-US')} events, more than the ${MAX_EVENTS_FOR_DETECTION.toLocaleString('en-US')} Peerwatch tags in the editor here`);
      if (!worker && count > MAX_EVENTS_FOR_DETECTION) {
        inHostTooLarge();
        return;
      }
      if (this.tooLarge && count >= this.tooLarge.at && memoryMB <= this.tooLarge.memoryMB) return tooLarge(this.tooLarge.why);
      let tagged = false;
      if (worker && early?.job && early.result) {
        this.job = early.job;
        const reply = await early.result.finally(() => (this.job = undefined));
        if (reply === undefined || generation !== this.generation || this.isDisposed) return;
        // Anything else (an error, a log that grew while indexed, other rules): tagged again below.
        if (!(reply instanceof Error) && reply.eventCount === count && early.rules === rulesText?.text) {
          this.detected = reply.tags;
          this.lastDetectionMs = performance.now() - early.started;
          tagged = true;
        }
      }
      if (worker && !tagged) {
        const bytes = origin.sample === undefined ? await this.fileBytes() : 0;
        // Closed (or the file replaced) meanwhile: no worker to start, none that disposal would stop.
        if (this.isDisposed || generation !== this.generation) return;
        if (!fitsDetection(bytes, memoryMB)) {
          return tooLarge(`this run's file is ${megabytes(bytes)}, too large to tag within the ${memoryMB.toLocaleString('en-US')} MB \`peerwatch.${DETECTION_MEMORY_SETTING}\` gives detection in the editor (it needs about three times the file)`);
        }
        const started = performance.now();
        this.job = detectInWorker(worker, { path: origin.file.fsPath, maxEvents: count, ...(origin.sample !== undefined ? { sample: origin.sample } : {}), ...(rulesText ? { rules: rulesText } : {}) }, memoryMB);
        const fromMemory = !(source instanceof RunlogFileSource);
        const reply = await this.job.result.finally(() => (this.job = undefined)).catch((e: unknown) => {
          if (e instanceof WorkerOutOfMemoryError) return e;
          if (fromMemory) return null;
          throw e;
        });
        this.lastDetectionMs = performance.now() - started;
        if (reply instanceof WorkerOutOfMemoryError) {
          if (generation !== this.generation || this.isDisposed) return;
          return outOfMemory();
        }
        if (reply === undefined || generation !== this.generation || this.isDisposed) return;
        if (reply) {
          this.detected = reply.tags;
          tagged = true;
        }
      }
      if (!tagged) {
        // Tagged here, on the host's thread and heap (no worker, or it could not read the file again).
        if (count > MAX_EVENTS_FOR_DETECTION) return inHostTooLarge();
        const t = await readWholeTranscript(source, () => this.isDisposed || generation !== this.generation);
        if (!t || generation !== this.generation) return;
        this.detected = detectBehaviours(t, rules);
      }
      this.analysedCount = count;
      this.analysisError = undefined;
    } catch (e) {
      this.analysisError = e instanceof Error ? e.message : String(e);
    } finally {
      // Unused (too large, replaced, its tags on other events) or done: a finished job ignores this.
      early?.job?.cancel();
      this.analysing = false;
      this.fire();
      if (this.again) {
        this.again = false;
        this.schedule(this.reanalyseMs());
      }
    }
  }

  /**
   * Names the run's judge file (the log on disk, and the sample key in a log of many), reads it, and
   * reads it again whenever it changes (a `peerwatch judge` run while the editor is open, too).
   */
  setJudgeTarget(logUri: vscode.Uri, sample?: string): void {
    this.judgeTarget = { log: logUri, ...(sample !== undefined ? { sample } : {}) };
    // Where the CLI writes it too (core/corpus/folderRuns.ts): a URI's path is '/'-separated on every file system.
    const file = logUri.with({ path: judgeFilePath(logUri.path, sample) });
    const watcher = this._register(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(file, '..'), basename(file))));
    const reload = () => void this.loadJudge();
    this._register(watcher.onDidChange(reload));
    this._register(watcher.onDidCreate(reload));
    this._register(watcher.onDidDelete(reload));
    void this.loadJudge();
  }

  /** Reads the judge's latest answer for this run (after Ask the Judge, or when the document opens). */
  async loadJudge(): Promise<void> {
    const target = this.judgeTarget;
    if (!target || this.isDisposed) return;
    const log = target.log;
    let error: string | undefined;
    const onDisk = (path: string) => readText(log.with({ path })).then((t): string | undefined => t, () => undefined); // no answer yet
    const display = (path: string) => vscode.workspace.asRelativePath(log.with({ path }));
    const answer = latestAnswer(await readJudgeFile(log.path, target.sample, onDisk, (m) => (error = m), display));
    this.judgeError = error;
    const by = answer ? `judge:${answer.model} · rubric ${answer.rubricVersion}` : '';
    this.judgeTags = (answer?.tags ?? []).map((t) => ({ ...t, detector: by }));
    this.fire();
  }

  /** Waits until the first analysis is done (tests, the CLI-like commands). */
  async whenAnalysed(): Promise<void> {
    while (!this.detected && !this.isDisposed) {
      await new Promise<void>((resolve) => {
        const sub = this.onDidChange(() => {
          sub.dispose();
          resolve();
        });
      });
    }
  }

  // ---- judgements ----------------------------------------------------------------------------

  /** Makes a judgement: `next` becomes the review, undoably. */
  edit(label: string, next: Review): void {
    const prev = this.review;
    this.review = next;
    this.fire();
    this.edited.fire({
      label,
      undo: () => {
        this.review = prev;
        this.fire();
      },
      redo: () => {
        this.review = next;
        this.fire();
      },
    });
  }

  /** Writes the sidecar atomically (a temporary file beside it, then a rename). */
  async save(target = this.sidecarUri): Promise<void> {
    if (this.sidecarError && target.toString() === this.sidecarUri.toString()) {
      throw new Error(`${vscode.workspace.asRelativePath(this.sidecarUri, false)} could not be read (${this.sidecarError}); fix or delete it before saving judgements, so nothing in it is overwritten.`);
    }
    const text = serializeReview(this.review);
    await writeAtomically(target, text);
    if (target.toString() === this.sidecarUri.toString()) this.savedText = text;
  }

  /** Reads the sidecar again, dropping unsaved judgements. */
  async revert(): Promise<void> {
    const onDisk = await readSidecar(this.sidecarUri);
    this.savedText = onDisk.text;
    this.sidecarError = onDisk.error;
    this.review = onDisk.review ?? emptyReview(basename(this.logUri));
    this.fire();
  }

  /** Hot exit: the current judgements, saved or not, in the sidecar format. */
  async backup(destination: vscode.Uri): Promise<void> {
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(destination, '..'));
    await writeAtomically(destination, serializeReview(this.review));
  }

  /** The review differs from what is on disk. */
  get isDirty(): boolean {
    const text = serializeReview(this.review);
    return this.savedText === undefined ? text !== serializeReview(emptyReview(basename(this.logUri))) : text !== this.savedText;
  }

  private async sidecarChangedOnDisk(): Promise<void> {
    if (this.isDisposed) return;
    const onDisk = await readSidecar(this.sidecarUri);
    if (onDisk.text === this.savedText && onDisk.error === this.sidecarError) return; // our own save, or no change
    if (!this.isDirty) {
      this.savedText = onDisk.text;
      this.sidecarError = onDisk.error;
      this.review = onDisk.review ?? emptyReview(basename(this.logUri));
      this.fire();
      this.sidecarChanged.fire('reloaded');
    } else {
      this.sidecarError = onDisk.error;
      this.savedText = onDisk.text;
      this.sidecarChanged.fire('conflict');
    }
  }
}

async function readSidecar(uri: vscode.Uri): Promise<{ review?: Review; text?: string; error?: string }> {
  let text: string;
  try {
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return {};
  }
  const parsed = parseReview(vscode.workspace.asRelativePath(uri, false), text);
  if (parsed.review) return { review: parsed.review, text };
  return { text, error: parsed.errors.map((e) => e.message).join('; ') };
}

/** Writes `text` to `uri` through a temporary file and a rename, so a crash never leaves half a file. */
export const writeAtomically = writeTextAtomically;

function basename(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

/** The detection worker's heap bound in MB (`peerwatch.detection.maxMemoryMB`). */
export function detectionMemoryMB(): number {
  const mb = vscode.workspace.getConfiguration('peerwatch').get<number>(DETECTION_MEMORY_SETTING, DEFAULT_DETECTION_MEMORY_MB);
  return Number.isFinite(mb) && mb >= 64 ? Math.floor(mb) : DEFAULT_DETECTION_MEMORY_MB;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toLocaleString('en-US', { maximumFractionDigits: 0 })} MB`;
}
