import * as vscode from 'vscode';
import { NotATranscriptError } from '../core/formats';
import { readRun, runSourcePath } from '../core/formats/readRun';
import { vscodeRunFiles } from './runFiles';
import { Disposable } from './disposable';
import { RunlogFileSource, TranscriptSource, type EventSource } from './sources';
import { DocumentBehaviours } from './review/documentBehaviours';
import type { SampleLog, SampleSummary } from '../core/formats/sampleLog';
import { DEFAULT_CONFIRM_MB, IN_BROWSER, LARGE_FILE_NOTE, openSampleLogAt, readHead } from './files';
import { cachedSampleLog } from './sampleLogCache';
import { reviewSidecarPath } from '../core/review/sidecar';
import { SampleFlagsTracker } from './sampleFlags';

/**
 * Run logs above this size (MB) ask before opening; other formats are read whole, so a tenth of it.
 * Unset, it is 1500 in Node and lower in the browser (files.web.ts), where every file is read whole.
 */
export const CONFIRM_SETTING = 'confirmOpenAboveMB';

/** The size (MB) above which a run log asks before opening: the setting where the user set it, else this platform's default. */
export function confirmAboveMB(): number {
  const set = vscode.workspace.getConfiguration('peerwatch').inspect<number>(CONFIRM_SETTING);
  const explicit = set?.workspaceFolderValue ?? set?.workspaceValue ?? set?.globalValue;
  return typeof explicit === 'number' ? explicit : DEFAULT_CONFIRM_MB;
}

/** What opening produced: a source of events, or why there is none. */
export type Content = { ok: true; source: EventSource } | { ok: false; message: string };

/** Logs of many samples (Inspect AI): `.eval` always; `.json` when its first bytes look like one. */
const EVAL_FILE = /\.eval$/i;

/** The first bytes of an Inspect JSON log: `{"version": 2, "status": …, "eval": {"run_id" / "task" …`. */
export function looksLikeInspectJson(head: string): boolean {
  return /^\s*\{/.test(head) && /"eval"\s*:\s*\{/.test(head) && /"version"\s*:\s*\d/.test(head) && /"(run_id|task|task_id)"\s*:/.test(head);
}

/**
 * The file name a sample's review sidecar is named after: `<log>.sample-<key>` (so its judgements
 * are in `<log>.sample-<key>.review.json`); characters other than letters, digits, `.`, `_` and `-`
 * are written `~<hex>~`, so every key has its own file.
 */
export function sampleReviewUri(logUri: vscode.Uri, key: string): vscode.Uri {
  return logUri.with({ path: reviewSidecarPath(logUri.path, key).slice(0, -'.review.json'.length) });
}

/**
 * A transcript opened in Peerwatch. The log is never written: what a reviewer edits are judgements on
 * its behaviour tags (`behaviours`), saved to the sidecar `<log>.review.json`. Watches its file (and,
 * for a production-harness run, the run's transcript.json); a run log is followed as it grows.
 */
export class TranscriptDocument extends Disposable implements vscode.CustomDocument {
  private readonly replaced = this._register(new vscode.EventEmitter<void>());
  /** Fires when `content` is a new object (the file became readable, or unreadable). */
  readonly onDidReplace = this.replaced.event;
  private current: Content;
  /** Behaviour tags and the review judgements on them (of the open sample, in a sample log). */
  get behaviours(): DocumentBehaviours {
    return (this.sampleKey !== undefined ? this.sampleBehaviours.get(this.sampleKey) : undefined) ?? this.logBehaviours;
  }
  /** The log's own review (for a sample log: used while the list shows). Set by `open`. */
  private logBehaviours!: DocumentBehaviours;
  /** A sample log's samples' reviews, created as they are opened. */
  private readonly sampleBehaviours = new Map<string, DocumentBehaviours>();
  private readonly behavioursAdded = this._register(new vscode.EventEmitter<DocumentBehaviours>());
  /** A new review was opened (a sample's): the provider wires its edits and saves. */
  readonly onDidAddBehaviours = this.behavioursAdded.event;
  private readonly tagsChanged = this._register(new vscode.EventEmitter<void>());
  /** The tags of the open transcript changed, or another sample (with its own tags) was opened. */
  readonly onDidChangeTags = this.tagsChanged.event;

  /** The log of many samples (Inspect) this document is, if it is one. */
  private samples: SampleLog | undefined;
  /** The open sample's key (undefined: the sample list shows). */
  private openKey: string | undefined;
  /** Why the last sample could not be opened (shown over the list). */
  sampleError: string | undefined;
  private readonly samplesChanged = this._register(new vscode.EventEmitter<void>());
  /** A sample log's list changed (samples added or finished) or the open sample changed. */
  readonly onDidChangeSamples = this.samplesChanged.event;
  /** Reads the list of a log of many samples (see `listed`). */
  private listing: (() => Promise<void>) | undefined;
  private listedOnce: Promise<void> | undefined;
  /**
   * Settles once a log of many samples is listed (its samples known, or why they cannot be); at once
   * for any other file. An `.eval` is read when this is first asked for, after `start` returns (the
   * editor asks once it has given VS Code its page, so the page loads while the log is read and the
   * reading does not hold up the page's creation); what needs the list waits on this.
   */
  get listed(): Promise<void> {
    return (this.listedOnce ??= this.listing ? this.listing() : Promise.resolve());
  }
  /** Sample selections run one after another. */
  private selecting: Promise<void> = Promise.resolve();
  /** Hot-exit backups of samples' unsaved judgements (key → backup file), used when the sample opens. */
  private sampleBackups = new Map<string, string>();

  private constructor(
    readonly uri: vscode.Uri,
    /** The file whose text is read: the opened file, or the run's transcript.json for harness files. */
    readonly sourceUri: vscode.Uri,
    initial: Content,
    /** A log of many samples (or an `.eval`, which is one or cannot be read), listed or to be. */
    private readonly manySamples: boolean,
  ) {
    super();
    this.current = initial;
    const watcher = this._register(
      vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(sourceUri, '..'), basename(sourceUri))),
    );
    let pending: ReturnType<typeof setTimeout> | undefined;
    const changed = () => {
      if (this.manySamples) {
        if (pending) return;
        pending = setTimeout(() => {
          pending = undefined;
          void this.refreshSamples();
        }, 100);
        return;
      }
      const source = this.current.ok ? this.current.source : undefined;
      if (source instanceof RunlogFileSource) {
        source.fileChanged(); // reads only the new bytes
        return;
      }
      // Whole-file formats: coalesce bursts of writes, then parse again.
      if (pending) return;
      pending = setTimeout(async () => {
        pending = undefined;
        if (this.isDisposed) return;
        const next = await TranscriptDocument.load(this.sourceUri, false);
        if (this.isDisposed) return next.ok && next.source.dispose();
        if (next.ok && this.current.ok && this.current.source instanceof TranscriptSource && next.source instanceof TranscriptSource) {
          this.current.source.replace(next.source.transcript);
          return;
        }
        this.setContent(next);
      }, 100);
    };
    this._register(watcher.onDidChange(changed));
    this._register(watcher.onDidCreate(changed));
    this._register({ dispose: () => pending && clearTimeout(pending) });
    this._register({ dispose: () => this.current.ok && this.current.source.dispose() });
    this._register({ dispose: () => this.sampleBehaviours.forEach((b) => b.dispose()) });
  }

  /** The log of many samples this document is (Inspect AI), or undefined for a single transcript. */
  get sampleLog(): SampleLog | undefined {
    return this.samples;
  }

  private flagsTracker: SampleFlagsTracker | undefined;

  /**
   * The flags of each sample of a sample log, tagged in the detection worker on first use and kept
   * while the document is open (undefined for a single transcript).
   */
  get sampleFlags(): SampleFlagsTracker | undefined {
    if (!this.samples || this.isDisposed) return undefined;
    if (!this.flagsTracker) {
      // An open sample counts as its editor does (its review as edited).
      const opened = (key: string) => {
        const b = this.sampleBehaviours.get(key);
        return b?.detected ? b.merged.tags : undefined;
      };
      this.flagsTracker = this._register(new SampleFlagsTracker(this.sourceUri, opened, () => this.samples?.samples ?? []));
      this._register(this.onDidChangeSamples(() => this.flagsTracker?.samplesChanged()));
      void this.flagsTracker.start();
    }
    return this.flagsTracker;
  }

  /** The open sample's key; undefined while the sample list shows (or for a single transcript). */
  get sampleKey(): string | undefined {
    return this.openKey;
  }

  /** The open sample's row in the list. */
  get openSample(): SampleSummary | undefined {
    return this.openKey === undefined ? undefined : this.samples?.samples.find((s) => s.key === this.openKey);
  }

  /** Every review of this document: the log's and those of the samples opened. */
  get allBehaviours(): DocumentBehaviours[] {
    return [this.logBehaviours, ...this.sampleBehaviours.values()];
  }

  /**
   * Opens sample `key` of a sample log as the document's transcript (undefined: back to the list).
   * A sample that cannot be read leaves the list showing, with the reason in `sampleError`.
   */
  selectSample(key: string | undefined): Promise<void> {
    const run = this.selecting.then(() => this.listed).then(() => this.doSelect(key));
    this.selecting = run.catch(() => undefined);
    return run;
  }

  private async doSelect(key: string | undefined): Promise<void> {
    const log = this.samples;
    if (!log || this.isDisposed) return;
    this.sampleError = undefined;
    if (key === undefined) {
      if (this.openKey === undefined) return;
      this.openKey = undefined;
      this.switchContent({ ok: false, message: 'No sample is open.' });
      return;
    }
    if (key === this.openKey && this.current.ok) return;
    if (!log.samples.some((s) => s.key === key)) {
      this.sampleError = `${this.displayName} has no sample "${key}".`;
      if (this.openKey !== undefined) this.openKey = undefined;
      this.switchContent({ ok: false, message: this.sampleError });
      return;
    }
    // The sample's review file is read while the sample is (both wait on the disk).
    const reviewOpening = this.sampleBehaviours.has(key)
      ? undefined
      : DocumentBehaviours.open(
          sampleReviewUri(this.sourceUri, key),
          () => (this.openKey === key && this.current.ok ? this.current.source : undefined),
          this.sampleBackups.get(key),
          { file: this.sourceUri, sample: key },
        );
    let source: TranscriptSource;
    try {
      source = new TranscriptSource(await log.readSample(key));
    } catch (e) {
      void reviewOpening?.then((created) => created.dispose(), () => undefined);
      this.sampleError = `Sample ${key} of ${this.displayName} could not be read: ${e instanceof Error ? e.message : String(e)}`;
      this.openKey = undefined;
      this.switchContent({ ok: false, message: this.sampleError });
      return;
    }
    if (this.isDisposed) {
      void reviewOpening?.then((created) => created.dispose(), () => undefined);
      return source.dispose();
    }
    let b = this.sampleBehaviours.get(key);
    if (!b) {
      let created: DocumentBehaviours;
      try {
        created = await reviewOpening!;
      } catch (e) {
        source.dispose();
        throw e;
      }
      if (this.isDisposed) {
        source.dispose();
        return created.dispose();
      }
      b = created;
      b.setJudgeTarget(this.sourceUri, key);
      this.sampleBehaviours.set(key, b);
      b.onDidChange(() => {
        this.flagsTracker?.reviewChanged(key);
        if (this.openKey === key) this.tagsChanged.fire();
      });
      this.behavioursAdded.fire(b);
    }
    this.openKey = key;
    this.switchContent({ ok: true, source });
    b.start(); // detection starts once the sample shows (later openings re-detect through switchContent)
  }

  /** New content for a sample log (another sample, or the list): the reviews follow. */
  private switchContent(next: Content): void {
    if (this.current.ok) this.current.source.dispose();
    this.current = next;
    // The review that lost its source drops its tags; the open one detects on its new source.
    for (const b of this.sampleBehaviours.values()) b.sourceChanged();
    this.samplesChanged.fire();
    this.replaced.fire();
    this.tagsChanged.fire();
  }

  /** A sample log changed on disk: read the new samples, and the open sample again if it was running. */
  private async refreshSamples(): Promise<void> {
    const log = this.samples;
    if (!log || this.isDisposed) return;
    const wasRunning = this.openSample?.complete === false;
    let changed = false;
    try {
      changed = await log.refresh();
    } catch {
      return; // mid-write or gone for now: the next change tries again
    }
    if (this.isDisposed) return;
    if (changed) this.samplesChanged.fire();
    const key = this.openKey;
    if (key !== undefined && (wasRunning || changed) && this.current.ok && this.current.source instanceof TranscriptSource) {
      try {
        const t = await log.readSample(key);
        if (!this.isDisposed && this.openKey === key && this.current.ok && this.current.source instanceof TranscriptSource) this.current.source.replace(t);
      } catch {
        // the sample is mid-write: keep what shows
      }
    }
  }

  /** Saves every review with unsaved judgements (the log's and its samples'). */
  async saveReviews(): Promise<void> {
    for (const b of this.allBehaviours) if (b === this.behaviours || b.isDirty) await b.save();
  }

  async revertReviews(): Promise<void> {
    for (const b of this.allBehaviours) await b.revert();
  }

  /**
   * Hot exit: the current judgements, saved or not. A sample log writes each sample's review with
   * unsaved judgements to a file of its own (`<destination>.sample<n>`) and, at `destination`, which
   * file is which sample's; they come back when that sample is opened. Returns every file written.
   */
  async backup(destination: vscode.Uri): Promise<vscode.Uri[]> {
    await this.listed;
    if (!this.samples) {
      await this.logBehaviours.backup(destination);
      return [destination];
    }
    const files: vscode.Uri[] = [destination];
    const entries: Record<string, string> = {};
    let n = 0;
    for (const [key, b] of this.sampleBehaviours) {
      if (!b.isDirty) continue;
      const file = destination.with({ path: `${destination.path}.sample${n++}` });
      await b.backup(file);
      entries[key] = file.toString();
      files.push(file);
    }
    // Samples not opened since the last restore keep their earlier backups.
    for (const [key, file] of this.sampleBackups) if (!this.sampleBehaviours.has(key)) entries[key] = file;
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(destination, '..'));
    await vscode.workspace.fs.writeFile(destination, new TextEncoder().encode(JSON.stringify({ [SAMPLE_BACKUPS]: entries })));
    return files;
  }

  get content(): Content {
    return this.current;
  }

  get displayName(): string {
    return vscode.workspace.asRelativePath(this.sourceUri, false);
  }

  private setContent(next: Content): void {
    if (this.current.ok) this.current.source.dispose();
    this.current = next;
    this.behaviours.sourceChanged();
    this.replaced.fire();
  }

  /**
   * Opens `uri`, a log of many samples listed; a very large file asks first (declining shows a
   * message instead of the log). `backupId`: VS Code's hot-exit backup of unsaved judgements,
   * restored instead of the sidecar.
   */
  static async open(uri: vscode.Uri, backupId?: string): Promise<TranscriptDocument> {
    const doc = await TranscriptDocument.start(uri, backupId);
    await doc.listed;
    return doc;
  }

  /**
   * Opens `uri` as `open` does, but an `.eval` (always a log of many samples, or one that cannot be
   * read) is listed only once `listed` is asked for: the editor's page loads meanwhile.
   */
  static async start(uri: vscode.Uri, backupId?: string): Promise<TranscriptDocument> {
    const sourceUri = await TranscriptDocument.sourceFor(uri);
    const isEval = EVAL_FILE.test(sourceUri.path);
    // Every other format but run logs and Inspect logs is read whole, a file of many runs (tau2
    // results, NeMo Gym rollouts) included (in a worker when large, files.ts): ask once, before either reading.
    const declined = isEval ? undefined : await TranscriptDocument.askBeforeReadingWhole(sourceUri);
    const samples = isEval || declined ? undefined : await TranscriptDocument.openSamples(sourceUri);
    const content: Content = declined ? { ok: false, message: declined } : isEval || samples ? { ok: false, message: 'No sample is open.' } : await TranscriptDocument.load(sourceUri, true);
    const doc = new TranscriptDocument(uri, sourceUri, content, isEval || !!samples);
    // The sidecar sits beside the file whose text is read (a harness run's transcript.json), so
    // every file of one run shares one review.
    doc.logBehaviours = doc._register(await DocumentBehaviours.open(sourceUri, () => (doc.current.ok && !doc.samples ? doc.current.source : undefined), backupId));
    doc.logBehaviours.setJudgeTarget(sourceUri);
    doc.logBehaviours.onDidChange(() => doc.openKey === undefined && doc.tagsChanged.fire());
    if (isEval || samples) doc.listing = () => doc.receiveSamples(isEval ? TranscriptDocument.openSamples(sourceUri) : Promise.resolve(samples), backupId);
    return doc;
  }

  /** A log of many samples is listed: its samples show, or why it cannot be read (instead of the list). */
  private async receiveSamples(listing: Promise<{ log: SampleLog } | { message: string } | undefined>, backupId: string | undefined): Promise<void> {
    let samples: { log: SampleLog } | { message: string } | undefined;
    let backups: Map<string, string> | undefined;
    try {
      samples = await listing;
      if (samples && 'log' in samples && backupId) backups = await readSampleBackups(backupId);
    } catch (e) {
      samples = { message: `${this.displayName} could not be read: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (this.isDisposed) return;
    if (samples && 'log' in samples) {
      this.samples = samples.log;
      if (backups) this.sampleBackups = backups;
      this.logBehaviours.idleReason = 'this log holds many samples; open one to see its behaviour tags';
      this.logBehaviours.sourceChanged();
      this.samplesChanged.fire();
      return;
    }
    this.setContent({ ok: false, message: samples?.message ?? `${this.displayName} is not a log of many samples.` });
  }

  /**
   * A log of many samples or runs: `.eval` files (binary, never read as text), JSON files whose first
   * bytes are an Inspect log's, and files of many runs (tau2 results, NeMo Gym rollouts, OpenHands
   * evaluation output, arrays and JSON Lines of runs). Undefined: not one (read it as a transcript).
   */
  private static async openSamples(sourceUri: vscode.Uri): Promise<{ log: SampleLog } | { message: string } | undefined> {
    const display = vscode.workspace.asRelativePath(sourceUri, false);
    const isEval = EVAL_FILE.test(sourceUri.path);
    // In the browser an .eval is read whole (Node reads its members by byte range): ask as for a run log.
    if (isEval && IN_BROWSER) {
      const declined = await askBeforeOpening(sourceUri, display, 1, 'Peerwatch reads an Inspect log’s samples one at a time, but the log itself is held in memory.');
      if (declined) return { message: declined };
    }
    let inspectJson = false;
    try {
      inspectJson = !isEval && /\.json$/i.test(sourceUri.path) && looksLikeInspectJson(new TextDecoder().decode(await readHead(sourceUri, 4096)));
      const log = await cachedSampleLog(sourceUri, () => openSampleLogAt(sourceUri, display));
      if (log) return { log };
      return isEval ? { message: `${display} is not an Inspect AI log (expected a zip archive with header.json or _journal/start.json).` } : undefined;
    } catch (e) {
      // Only an Inspect log that cannot be read is reported here; any other file is read as one run.
      if (!isEval && !inspectJson) return undefined;
      return { message: `${display} could not be read as an Inspect AI log: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  /** The file whose text is read: a harness run's transcript.json for its other files (as every reader does). */
  private static async sourceFor(uri: vscode.Uri): Promise<vscode.Uri> {
    return uri.with({ path: await runSourcePath(vscodeRunFiles(uri), uri.path) });
  }

  /**
   * For a file read whole (not a run log, not an Inspect log): asks when it is larger than a tenth of
   * the peerwatch.confirmOpenAboveMB size; undefined: read it, else why it was not opened.
   */
  private static async askBeforeReadingWhole(sourceUri: vscode.Uri): Promise<string | undefined> {
    if (RUNLOG_FILE.test(sourceUri.path)) return undefined;
    if (/\.json$/i.test(sourceUri.path) && looksLikeInspectJson(new TextDecoder().decode(await readHead(sourceUri, 4096).catch(() => new Uint8Array())))) return undefined;
    const display = vscode.workspace.asRelativePath(sourceUri, false);
    return askBeforeOpening(
      sourceUri,
      display,
      1 / 10,
      'This format is read whole into memory (a file of many runs too); converting it with `peerwatch convert FILE --to runlog` (`-o DIR` for each run of a file of many) lets Peerwatch index it instead.',
    ).catch(() => undefined);
  }

  private static async load(sourceUri: vscode.Uri, confirm: boolean): Promise<Content> {
    const display = vscode.workspace.asRelativePath(sourceUri, false);
    try {
      const isRunlog = RUNLOG_FILE.test(sourceUri.path);
      // Other formats were asked about before they were read (askBeforeReadingWhole).
      if (confirm && isRunlog) {
        const declined = await askBeforeOpening(sourceUri, display, 1, 'Peerwatch indexes run logs without loading them whole, but very large ones still take memory and time.');
        if (declined) return { ok: false, message: declined };
      }
      if (isRunlog) {
        return { ok: true, source: await RunlogFileSource.open(sourceUri, display) };
      }
      // The same reader as the CLI and the folder scan: a harness run's sibling files included.
      const run = await readRun(vscodeRunFiles(sourceUri), sourceUri.path);
      return { ok: true, source: new TranscriptSource(run.transcript) };
    } catch (e) {
      if (e instanceof NotATranscriptError) return { ok: false, message: e.message };
      return { ok: false, message: `${display} could not be read: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
}

const RUNLOG_FILE = /\.runlog\.jsonl$/i;

function basename(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

/**
 * Asks before opening a file larger than `share` of the peerwatch.confirmOpenAboveMB size (`detail`
 * says why it matters for this kind of file); undefined: open it, else why it was not opened.
 */
async function askBeforeOpening(uri: vscode.Uri, display: string, share: number, detail: string): Promise<string | undefined> {
  const size = (await vscode.workspace.fs.stat(uri)).size;
  if (size <= confirmAboveMB() * share * 1024 * 1024) return undefined;
  const mb = (size / 1024 / 1024).toFixed(size < 10 * 1024 * 1024 ? 1 : 0);
  const open = 'Open Anyway';
  const choice = await vscode.window.showWarningMessage(
    `${display} is ${mb} MB. Opening it in Peerwatch may slow the window down.`,
    { modal: true, detail: [detail, LARGE_FILE_NOTE].filter(Boolean).join(' ') },
    open,
  );
  return choice === open ? undefined : `${display} (${mb} MB) was not opened: it is larger than the peerwatch.${CONFIRM_SETTING} setting allows without asking.`;
}

const SAMPLE_BACKUPS = 'peerwatchSampleBackups';

/** The sample backups listed in a sample log's hot-exit backup (none when it is unreadable). */
async function readSampleBackups(backupId: string): Promise<Map<string, string>> {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.parse(backupId)))) as Record<string, unknown>;
    const entries = parsed[SAMPLE_BACKUPS];
    if (!entries || typeof entries !== 'object') return new Map();
    return new Map(Object.entries(entries as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return new Map();
  }
}
