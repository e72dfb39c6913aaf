import * as vscode from 'vscode';
import {
  MAX_EVENTS_PER_REQUEST,
  MAX_FIND_POSITIONS,
  parseFromWebview,
  type FromWebview,
  type GroupFolds,
  type SamplesMessage,
  type Slot,
  type Summary,
  type ToWebview,
  type ViewFilter,
  type WebTag,
  type WebviewCommand,
} from '../core/protocol';
import { qualifierShort } from '../core/behaviours';
import { activeFlags, flaggedEventAt, flaggedEvents, type FlaggedEvent, type ReviewedTag } from '../core/review/merge';
import { addTagInteractively, behaviourLabel, setTagVerdict } from './review/judgements';
import { DEFAULT_FOLDS, EventView, NO_FILTER } from '../core/eventView';
import { nextFlagged, samplesCsv, type TableRow } from '../core/sampleTable';
import { packSampleRows } from '../core/packedSampleRows';
import { readableOutput } from '../core/readableOutput';
import type { SourceRef } from '../core/model';
import { Disposable } from './disposable';
import { webviewPage } from './webviewPage';
import { TranscriptDocument } from './transcriptDocument';
import type { DocumentBehaviours } from './review/documentBehaviours';
import type { SampleSummary } from '../core/formats/sampleLog';
import { RunlogFileSource, type EventSource } from './sources';
import { eventLink } from './links';
import { openEventDiff } from './diffDocuments';

export const RUNLOG_VIEW_TYPE = 'peerwatch.runlog';
export const TRANSCRIPT_VIEW_TYPE = 'peerwatch.transcript';

/** Diagnostics sent with each summary; the rest are counted. */
const MAX_DIAGNOSTICS_SENT = 200;
/** Time a request for rows may spend reading YAML answers for Readable (src/core/readableOutput.ts). */
const READABLE_BUDGET_MS = 100;

/** Rows sent with a first showing, unasked (the page asks for what else it needs). */
const FIRST_ROWS = 60;

/**
 * A sample list longer than this goes to a new page in two messages: its first rows (a screenful on
 * any screen), drawn at once, then the whole list when the page asks for it. 10,000 rows are a
 * message the host takes tens of milliseconds to send and the page as long to receive and unpack.
 */
const FIRST_SAMPLE_ROWS = 100;

/** Events shown of a log's end read ahead of its index. */
const TAIL_EVENTS = 60;

/** The most tags sent to a webview (badges); the sidebar lists them all. */
const MAX_TAGS_SENT = 5000;

/**
 * The Peerwatch editor: a custom editor that shows a transcript in a webview. Its edits are review
 * judgements on the behaviour tags (undo/redo, dirty, saved to `<log>.review.json`, hot-exit
 * backups); the log itself is never written.
 * Registered for two view types: `peerwatch.runlog` (default for *.runlog.jsonl) and
 * `peerwatch.transcript` (offered through "Open With…" for JSON transcripts and harness run files).
 */
export class TranscriptEditorProvider extends Disposable implements vscode.CustomEditorProvider<TranscriptDocument> {
  private readonly sessions = new Set<EditorSession>();
  private readonly documentEdited = this._register(new vscode.EventEmitter<vscode.CustomDocumentEditEvent<TranscriptDocument>>());
  readonly onDidChangeCustomDocument = this.documentEdited.event;
  private readonly reviewSaved = this._register(new vscode.EventEmitter<vscode.Uri>());
  /** A review sidecar was written (the explorer's badges follow). */
  readonly onDidSaveReview = this.reviewSaved.event;
  private readonly tagsChanged = this._register(new vscode.EventEmitter<TranscriptDocument>());
  /** A document's tags or judgements changed. */
  readonly onDidChangeTags = this.tagsChanged.event;
  private activeSession: EditorSession | undefined;
  private readonly activeChanged = this._register(new vscode.EventEmitter<void>());
  /** The active Peerwatch editor (or its focused event) changed. */
  readonly onDidChangeActive = this.activeChanged.event;
  /** Reveals waiting for an editor of that document to be ready (deep links). */
  private readonly pendingReveals = new Map<string, PendingReveal>();
  /** "Sample 3 of 12: <id> (epoch 1)" for the active editor of a sample log. */
  private readonly sampleStatus = this._register(vscode.window.createStatusBarItem('peerwatch.sample', vscode.StatusBarAlignment.Left, 50));
  /** The value last given to the `peerwatch.sampleLogActive` context key. */
  private sampleLogActive: boolean | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {
    super();
    this.sampleStatus.name = 'Peerwatch Sample';
    this._register(this.onDidChangeActive(() => this.updateSampleStatus()));
    for (const viewType of [RUNLOG_VIEW_TYPE, TRANSCRIPT_VIEW_TYPE]) {
      this._register(
        vscode.window.registerCustomEditorProvider(viewType, this, {
          // No retainContextWhenHidden: the webview saves its state (scroll, expanded, filter) itself.
          supportsMultipleEditorsPerDocument: true,
          webviewOptions: { enableFindWidget: false },
        }),
      );
    }
  }

  async openCustomDocument(uri: vscode.Uri, openContext: vscode.CustomDocumentOpenContext): Promise<TranscriptDocument> {
    // An .eval is listed once its editor has given VS Code its page, while the page loads (the session
    // waits for the list on `ready`).
    const doc = await TranscriptDocument.start(uri, openContext.backupId);
    this.wireBehaviours(doc, doc.behaviours);
    // A sample log's samples each have their own review, opened with the sample.
    doc.onDidAddBehaviours((b) => this.wireBehaviours(doc, b));
    doc.onDidChangeTags(() => this.tagsChanged.fire(doc));
    doc.onDidChangeSamples(() => this.updateSampleStatus());
    return doc;
  }

  private wireBehaviours(doc: TranscriptDocument, b: DocumentBehaviours): void {
    b.onDidEdit((edit) => this.documentEdited.fire({ document: doc, label: edit.label, undo: edit.undo, redo: edit.redo }));
    b.onDidChangeSidecarOnDisk((what) => {
      const name = vscode.workspace.asRelativePath(b.sidecarUri, false);
      if (what === 'reloaded') vscode.window.setStatusBarMessage(`Peerwatch: reloaded ${name}, changed on disk`, 5000);
      else {
        void vscode.window.showWarningMessage(
          `${name} changed on disk while this editor has unsaved judgements. Saving will overwrite it; use File: Revert File to load it instead.`,
        );
      }
    });
    if (b.sidecarError) void vscode.window.showWarningMessage(`Peerwatch: the review file cannot be read, so its judgements are not shown: ${b.sidecarError}`);
  }

  async saveCustomDocument(document: TranscriptDocument): Promise<void> {
    await document.saveReviews();
    this.reviewSaved.fire(document.sourceUri);
  }

  async saveCustomDocumentAs(document: TranscriptDocument, destination: vscode.Uri): Promise<void> {
    // "Save As" writes the review (the log is never copied or written).
    await document.behaviours.save(destination);
  }

  async revertCustomDocument(document: TranscriptDocument): Promise<void> {
    await document.revertReviews();
  }

  async backupCustomDocument(document: TranscriptDocument, context: vscode.CustomDocumentBackupContext): Promise<vscode.CustomDocumentBackup> {
    const files = await document.backup(context.destination);
    return {
      id: context.destination.toString(),
      delete: async () => {
        for (const file of files) {
          try {
            await vscode.workspace.fs.delete(file);
          } catch {
            /* already gone */
          }
        }
      },
    };
  }

  /** The open editors (for the sidebar and commands). */
  get allSessions(): readonly EditorSession[] {
    return [...this.sessions];
  }

  async resolveCustomEditor(document: TranscriptDocument, webviewPanel: vscode.WebviewPanel): Promise<void> {
    const webview = webviewPanel.webview;
    webview.options = {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
    webview.html = this.html(webview);
    const session = new EditorSession(document, webviewPanel, this);
    this.sessions.add(session);
    document.behaviours.start();
    this.setActive(session);
    webviewPanel.onDidChangeViewState(() => {
      if (webviewPanel.active) this.setActive(session);
      else if (this.activeSession === session) this.activeChanged.fire();
    });
    webviewPanel.onDidDispose(() => {
      session.dispose();
      this.sessions.delete(session);
      if (this.activeSession === session) {
        this.activeSession = undefined;
        this.activeChanged.fire();
      }
    });
  }

  private setActive(s: EditorSession): void {
    this.activeSession = s;
    this.activeChanged.fire();
  }

  /** The status bar names the open sample of the active sample log (and the context key shows its buttons). */
  private updateSampleStatus(): void {
    const s = this.active;
    const log = s?.document.sampleLog;
    if (this.sampleLogActive !== !!log) {
      this.sampleLogActive = !!log;
      void vscode.commands.executeCommand('setContext', 'peerwatch.sampleLogActive', !!log);
    }
    if (!s || !log) {
      this.sampleStatus.hide();
      return;
    }
    this.sampleStatus.text = sampleStatusText(log.samples, s.document.sampleKey);
    this.sampleStatus.tooltip = 'Peerwatch: the sample shown (Alt+] / Alt+[ step to the next or previous one)';
    this.sampleStatus.show();
  }

  /** @internal called by sessions. */
  focusChanged(s: EditorSession): void {
    if (s === this.activeSession) this.activeChanged.fire();
  }

  /** The Peerwatch editor the user is looking at, if any. */
  get active(): EditorSession | undefined {
    const s = this.activeSession;
    return s && s.panel.active ? s : undefined;
  }

  /** Reveals event `index` (of sample `sample`, in a sample log) in the editor of `uri` once it is ready (now, if it already is). */
  revealWhenReady(uri: vscode.Uri, index: number, sample?: string): void {
    const open = [...this.sessions].find((s) => s.document.uri.toString() === uri.toString() && s.isReady);
    if (open) void open.revealInSample(sample, index);
    else this.pendingReveals.set(uri.toString(), { index, sample });
  }

  /** @internal the reveal a new session should make once ready. */
  takePendingReveal(uri: vscode.Uri): PendingReveal | undefined {
    const pending = this.pendingReveals.get(uri.toString());
    this.pendingReveals.delete(uri.toString());
    return pending;
  }

  /** @internal a session's sample changed. */
  sampleChanged(s: EditorSession): void {
    if (s === this.activeSession) this.updateSampleStatus();
  }

  private html(webview: vscode.Webview): string {
    return webviewPage(webview, this.extensionUri, { script: 'webview.js', title: 'Peerwatch', loading: 'Loading transcript…' });
  }
}

interface PendingReveal {
  index: number;
  sample?: string;
}

/** "Sample 3 of 12: <id> (epoch 1)", or "12 samples" while the list shows. */
export function sampleStatusText(samples: readonly SampleSummary[], key: string | undefined): string {
  const at = key === undefined ? -1 : samples.findIndex((s) => s.key === key);
  if (at < 0) return `${samples.length} sample${samples.length === 1 ? '' : 's'}`;
  const s = samples[at]!;
  return `Sample ${at + 1} of ${samples.length}: ${String(s.id)} (epoch ${s.epoch})`;
}

/** One open Peerwatch editor: its document, webview, view of the events and focused event. */
export class EditorSession {
  private readonly disposables: vscode.Disposable[] = [];
  private sourceDisposable: vscode.Disposable | undefined;
  private view: EventView | undefined;
  private generation = 0;
  private filter: ViewFilter = NO_FILTER;
  private folds: GroupFolds = DEFAULT_FOLDS;
  /** In a sample log: the sample `folds` belong to (another sample starts with the default folds). */
  private foldsSample: string | undefined;
  private ready = false;
  private disposed = false;
  private updateTimer: ReturnType<typeof setTimeout> | undefined;
  private tagsTimer: ReturnType<typeof setTimeout> | undefined;
  private samplesTimer: ReturnType<typeof setTimeout> | undefined;
  /** The sample list's keys as the webview shows them (sorted, filtered); undefined: the log's order. */
  private listOrder: string[] | undefined;
  private search: vscode.CancellationTokenSource | undefined;
  focusedEvent: number | undefined;
  /**
   * The tag gone to from the Behaviours view, while the focus is on one of its events: several tags
   * may cite one event, and the view keeps this one selected.
   */
  currentFlag: string | undefined;
  private flagsOf: { tags: readonly ReviewedTag[]; flagged: FlaggedEvent<ReviewedTag>[] } | undefined;
  /** In a sample log: the sample shown by the last attach, and the one last opened (selected in the list). */
  private attachedSample: string | undefined;
  private lastSample: string | undefined;
  /** The page is new and has not had the whole sample list yet: it gets the first rows first. */
  private listFirstRows = false;
  /** The page has only the sample list's first rows: the whole list is owed when it asks (`getSamples`). */
  private listRestOwed = false;

  constructor(
    readonly document: TranscriptDocument,
    readonly panel: vscode.WebviewPanel,
    private readonly provider: TranscriptEditorProvider,
  ) {
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw) => {
        const message = parseFromWebview(raw);
        if (message) void this.handle(message); // unknown or malformed messages are ignored, never acted on
      }),
      document.onDidReplace(() => this.ready && this.attach(true, true)),
      document.onDidChangeTags(() => this.scheduleTags()),
      document.onDidChangeSamples(() => {
        if (!this.ready || !document.sampleLog) return;
        // Soon rather than now: going back to the list also re-attaches, which sends it at once
        // (the list of 10,000 samples went twice).
        if (document.sampleKey === undefined) this.scheduleSamples();
        else this.scheduleUpdate();
      }),
    );
    // A sample log's samples are tagged in the worker as soon as it is listed; the list fills in as they are.
    void document.listed.then(() => {
      const flags = this.disposed ? undefined : document.sampleFlags;
      if (flags) this.disposables.push(flags.onDidChange(() => this.scheduleSamples()));
    });
  }

  /**
   * Shows the list again soon (samples tagged): a burst of samples becomes one message. The list goes
   * whole, so a long one goes less often (10,000 samples: once a second), leaving the host, the page
   * and the detection worker's answers room while the samples are tagged.
   */
  private scheduleSamples(): void {
    if (this.samplesTimer) return;
    const rows = this.document.sampleLog?.samples.length ?? 0;
    this.samplesTimer = setTimeout(() => {
      this.samplesTimer = undefined;
      if (this.ready && this.document.sampleLog && this.document.sampleKey === undefined) this.postSamples();
    }, Math.min(1000, Math.max(150, rows / 10)));
  }

  /**
   * The run's flags: the events a tag (not dismissed) cites, in order, each with its tags. The
   * editor's "N flags", F8's "Flag k of N" and the rows with an open tag badge all count these.
   */
  get flags(): FlaggedEvent<ReviewedTag>[] {
    const tags = this.document.behaviours.merged.tags;
    if (this.flagsOf?.tags !== tags) this.flagsOf = { tags, flagged: flaggedEvents(tags) };
    return this.flagsOf.flagged;
  }

  /** The position (in `flags`) of the focused event, when it is flagged. */
  currentFlagIndex(): number | undefined {
    return flaggedEventAt(this.flags, this.focusedEvent);
  }

  /** Goes to a flagged event (F8), highlighting the other events its tags cite. */
  revealFlag(flag: FlaggedEvent<ReviewedTag>): void {
    if (!flag.tags.some((t) => t.id === this.currentFlag)) this.currentFlag = undefined;
    this.focusedEvent = flag.event;
    this.reveal(flag.event, true);
    this.post({ type: 'highlight', indices: [...new Set(flag.tags.flatMap((t) => t.events))].sort((a, b) => a - b) });
    this.provider.focusChanged(this);
  }

  /** Shows a tag: reveals its first event and highlights every event it cites. */
  revealTag(tag: { id: string; events: readonly number[] }): void {
    this.currentFlag = tag.id;
    this.focusedEvent = tag.events[0]!;
    this.reveal(tag.events[0]!, true);
    this.post({ type: 'highlight', indices: [...tag.events] });
    this.provider.focusChanged(this);
  }

  private scheduleTags(): void {
    if (this.tagsTimer || !this.ready) return;
    this.tagsTimer = setTimeout(() => {
      this.tagsTimer = undefined;
      this.sendTags();
    }, 30);
  }

  private sendTags(): void {
    const b = this.document.behaviours;
    const tags: WebTag[] = b.merged.tags.slice(0, MAX_TAGS_SENT).map((t) => ({
      id: t.id,
      behaviour: String(t.behaviour),
      label: behaviourLabel(String(t.behaviour)),
      qualifier: qualifierShort(t.qualifier),
      events: t.events,
      origin: t.origin,
      verdict: t.verdict ?? null,
      explanation: t.explanation,
      ...(t.by ? { judged: `${t.verdict ? (t.verdict === 'confirmed' ? 'Confirmed' : 'Dismissed') : 'Added'} by ${t.by}${t.at ? ` on ${t.at.slice(0, 10)}` : ''}${t.note && t.origin === 'detected' ? `: ${t.note}` : ''}` } : {}),
    }));
    const r = b.current.reviewed;
    const open = activeFlags(b.merged.tags);
    this.post({
      type: 'tags',
      tags,
      flagged: this.flags.length,
      openTags: open.length,
      analysing: b.analysing || !b.detected,
      notDetected: b.analysing ? null : (b.analysisError ?? null),
      reviewed: r ? `Reviewed by ${r.by} on ${r.at.slice(0, 10)}` : null,
    });
    if (this.currentFlag && !open.some((t) => t.id === this.currentFlag)) this.currentFlag = undefined;
    this.provider.focusChanged(this);
  }

  get isReady(): boolean {
    return this.ready;
  }

  get source(): EventSource | undefined {
    return this.document.content.ok ? this.document.content.source : undefined;
  }

  private post(message: ToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  /**
   * Starts showing the document's current content (again). `firstRows`: a sample just opened from the
   * list also gets its first rows right after the init, unasked, as a first open does (the page shows
   * a new sample from its top): that saves it a round trip before it can show them.
   */
  private attach(fresh: boolean, firstRows = false): void {
    this.sourceDisposable?.dispose();
    const doc = this.document;
    const newSample = doc.sampleLog !== undefined && doc.sampleKey !== undefined && doc.sampleKey !== this.attachedSample;
    if (doc.sampleLog && doc.sampleKey !== this.attachedSample) {
      // Another sample (or the list): what was focused belonged to the one before.
      this.attachedSample = doc.sampleKey;
      this.focusedEvent = undefined;
      this.currentFlag = undefined;
      if (doc.sampleKey !== undefined) this.lastSample = doc.sampleKey;
      this.provider.sampleChanged(this);
      this.provider.focusChanged(this);
    }
    if (doc.sampleLog && doc.sampleKey === undefined) {
      this.view = undefined;
      this.generation++;
      this.postSamples();
      return;
    }
    const content = this.document.content;
    if (!content.ok) {
      this.view = undefined;
      this.post({ type: 'fatal', fileName: this.document.displayName, message: content.message });
      return;
    }
    const source = content.source;
    if (doc.sampleKey !== this.foldsSample) {
      this.foldsSample = doc.sampleKey;
      this.folds = DEFAULT_FOLDS;
    }
    this.view = new EventView(source);
    this.view.setFolds(this.folds);
    this.view.setFilter(this.filter);
    if (fresh) this.generation++;
    this.sourceDisposable = source.onDidChange((change) => {
      if (change === 'replace') {
        this.attach(true);
        return;
      }
      this.view?.refresh();
      this.scheduleUpdate();
    });
    this.post({ type: 'init', generation: this.generation, ...this.summary(source) });
    if (firstRows && newSample) void this.sendEvents(this.generation, 0, FIRST_ROWS);
  }

  private summary(source: EventSource): Summary {
    const view = this.view!;
    return {
      fileName: this.document.displayName,
      header: source.header,
      live: source.live,
      eventCount: source.count,
      viewCount: view.count,
      indexing: source.indexing,
      diagnostics: source.diagnostics.slice(0, MAX_DIAGNOSTICS_SENT),
      diagnosticCount: source.diagnostics.length,
      kindCounts: source.kindCounts(),
      tools: source.toolNames(),
      // While a big log is first read, the outline (a pass over every step) waits for the end of
      // it: rebuilding it on every progress update slowed indexing several times over.
      outline: source.indexing ? [] : view.outline(),
      filter: view.filter,
      folds: view.folds,
      ...(this.sampleInfo() ?? {}),
    };
  }

  private sampleInfo(): Pick<Summary, 'sample'> | undefined {
    const log = this.document.sampleLog;
    const key = this.document.sampleKey;
    if (!log || key === undefined) return undefined;
    const at = log.samples.findIndex((s) => s.key === key);
    const s = log.samples[at];
    if (!s) return undefined;
    return { sample: { key, id: String(s.id), epoch: s.epoch, position: at + 1, total: log.samples.length } };
  }

  /** Shows a sample log's list of samples. */
  private postSamples(): void {
    const log = this.document.sampleLog;
    if (!log) return;
    if (this.samplesTimer) {
      clearTimeout(this.samplesTimer);
      this.samplesTimer = undefined;
    }
    const info = log.info;
    const flags = this.document.sampleFlags;
    const first = this.listFirstRows && log.samples.length > FIRST_SAMPLE_ROWS;
    this.listFirstRows = false;
    this.listRestOwed = first;
    const summaries = first ? log.samples.slice(0, FIRST_SAMPLE_ROWS) : log.samples;
    const message: SamplesMessage = {
      type: 'samples',
      fileName: this.document.displayName,
      format: info.format,
      ...(typeof info.metadata['reader'] === 'string' ? { reader: info.metadata['reader'] } : {}),
      ...(info.task !== undefined ? { task: info.task } : {}),
      ...(info.model !== undefined ? { model: info.model } : {}),
      ...(info.status !== undefined ? { status: info.status } : {}),
      ...(info.created !== undefined ? { created: info.created } : {}),
      live: info.status === undefined || info.status === 'started',
      samples: packSampleRows(
        summaries.map((s) => ({
          key: s.key,
          id: String(s.id),
          epoch: s.epoch,
          ...(s.input !== undefined ? { input: s.input } : {}),
          ...(s.target !== undefined ? { target: s.target } : {}),
          scores: { ...s.scores },
          ...(s.totalTokens !== undefined ? { totalTokens: s.totalTokens } : {}),
          ...(s.error !== undefined ? { error: s.error } : {}),
          complete: s.complete,
          ...(flags?.flags.has(s.key) ? { flags: flags.flags.get(s.key)! } : {}),
          ...(flags?.errors.has(s.key) ? { flagsError: flags.errors.get(s.key)! } : {}),
        })),
      ),
      ...(first ? { total: log.samples.length } : {}),
      diagnostics: log.diagnostics.slice(0, MAX_DIAGNOSTICS_SENT),
      diagnosticCount: log.diagnostics.length,
      ...(this.document.sampleError ? { error: this.document.sampleError } : {}),
      ...(this.lastSample !== undefined ? { selected: this.lastSample } : {}),
      ...(flags?.progress ? { tagging: flags.progress } : {}),
      ...(flags?.error ? { flagsError: flags.error } : {}),
    };
    this.post(message);
  }

  /** The sample list's rows as shown (the webview's order and filter, else the log's order), with their flags. */
  private shownRows(): TableRow[] {
    const log = this.document.sampleLog;
    if (!log) return [];
    const flags = this.document.sampleFlags;
    const byKey = new Map(log.samples.map((s) => [s.key, s]));
    const keys = this.listOrder ?? log.samples.map((s) => s.key);
    return keys.flatMap((key) => {
      const s = byKey.get(key);
      if (!s) return [];
      const f = flags?.flags.get(key);
      return [{ key, id: String(s.id), epoch: s.epoch, scores: s.scores, ...(f ? { flags: f } : {}) }];
    });
  }

  /**
   * Opens the next (1) or previous (-1) sample with a flag, in the order the list shows, at its first
   * flag; from the list, after (before) the one last opened. Gives the sample and event opened.
   */
  async stepFlaggedSample(direction: 1 | -1): Promise<{ sample: string; event: number } | undefined> {
    await this.document.listed;
    const doc = this.document;
    const log = doc.sampleLog;
    const tracker = doc.sampleFlags;
    if (!log || !tracker) {
      void vscode.window.showInformationMessage('Peerwatch: this file holds one transcript; Next Flagged Sample steps through logs of many samples (Inspect AI logs, files of many runs). Use Next Flagged Action (F8) within it.');
      return undefined;
    }
    if (tracker.error) {
      void vscode.window.showWarningMessage(`Peerwatch: the samples' flags cannot be counted: ${tracker.error}`);
      return undefined;
    }
    const order = this.shownRows().map((r) => r.key);
    const key = nextFlagged(order, tracker.flags, doc.sampleKey ?? this.lastSample, direction);
    const first = key === undefined ? undefined : tracker.flags.get(key)?.first;
    if (key === undefined || first === undefined) {
      const way = direction > 0 ? 'next' : 'previous';
      vscode.window.setStatusBarMessage(`Peerwatch: no ${way} sample with a flag${tracker.done ? '' : ` yet (${tracker.progress})`}`, 4000);
      return undefined;
    }
    await this.revealInSample(key, first);
    return doc.sampleKey === key ? { sample: key, event: first } : undefined;
  }

  /** Writes the sample list (as shown) as CSV to `to`, or where a save dialog says. Gives the file written. */
  async exportSamples(to?: vscode.Uri): Promise<vscode.Uri | undefined> {
    await this.document.listed;
    const log = this.document.sampleLog;
    if (!log) {
      void vscode.window.showInformationMessage('Peerwatch: this file holds one transcript; Export Samples as CSV writes the sample list of a log of many samples.');
      return undefined;
    }
    const src = this.document.sourceUri;
    const uri =
      to ??
      (await vscode.window.showSaveDialog({
        title: 'Export the sample list as CSV',
        defaultUri: vscode.Uri.joinPath(src, '..', `${src.path.split('/').pop()!.replace(/\.[^.]*$/, '')}.samples.csv`),
        filters: { CSV: ['csv'] },
      }));
    if (!uri) return undefined;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(samplesCsv(this.shownRows())));
    const tracker = this.document.sampleFlags;
    const pending = tracker && !tracker.done ? ` (${tracker.progress ?? 'flags not counted'}: samples not tagged yet have empty flag cells)` : '';
    vscode.window.setStatusBarMessage(`Peerwatch: wrote ${vscode.workspace.asRelativePath(uri, false)}${pending}`, 5000);
    return uri;
  }

  /** Opens the next (1) or previous (-1) sample of a sample log; from the list, the one after (before) the last opened. */
  async stepSample(direction: 1 | -1): Promise<void> {
    await this.document.listed;
    const doc = this.document;
    const log = doc.sampleLog;
    if (!log) {
      void vscode.window.showInformationMessage('Peerwatch: this file holds one transcript; next and previous sample step through logs of many samples (Inspect AI .eval logs).');
      return;
    }
    const samples = log.samples;
    const current = doc.sampleKey ?? this.lastSample;
    const at = current === undefined ? -1 : samples.findIndex((s) => s.key === current);
    const next = at < 0 ? (direction > 0 ? 0 : samples.length - 1) : at + direction;
    const target = samples[next];
    if (!target) {
      vscode.window.setStatusBarMessage(`Peerwatch: no ${direction > 0 ? 'next' : 'previous'} sample (this is sample ${at + 1} of ${samples.length})`, 3000);
      return;
    }
    await doc.selectSample(target.key);
  }

  /** Opens sample `key` (when given and not open) and reveals event `index` in it. */
  async revealInSample(key: string | undefined, index: number): Promise<void> {
    if (key !== undefined && this.document.sampleLog && this.document.sampleKey !== key) await this.document.selectSample(key);
    if (key !== undefined && this.document.sampleKey !== key) return; // it could not be opened: the list says why
    this.reveal(index, true);
  }

  /** Sends new counts soon; bursts of growth become one update (well within a second). */
  private scheduleUpdate(): void {
    if (this.updateTimer) return;
    this.updateTimer = setTimeout(() => {
      this.updateTimer = undefined;
      const source = this.source;
      if (source && this.view) this.post({ type: 'update', generation: this.generation, ...this.summary(source) });
    }, 50);
  }

  private async handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready': {
        await this.document.listed;
        if (this.disposed) break;
        if (message.filter) this.filter = message.filter;
        if (message.folds) this.folds = message.folds;
        this.foldsSample = message.sample;
        const pending = this.provider.takePendingReveal(this.document.uri);
        const doc = this.document;
        if (doc.sampleLog) {
          // A link names its sample; otherwise the sample this webview showed before (its saved state).
          const want = pending?.sample ?? (doc.sampleKey === undefined ? message.sample : undefined);
          if (want !== undefined && want !== doc.sampleKey) await doc.selectSample(want);
        }
        this.ready = true;
        this.listFirstRows = true;
        this.attach(true);
        // The first rows go out with the init, saving the webview a round trip before it shows them.
        void this.sendEvents(this.generation, message.around?.start ?? 0, message.around?.end ?? FIRST_ROWS).finally(() => {
          const source = this.source;
          if (source instanceof RunlogFileSource) source.shown();
        });
        this.sendTags();
        if (pending !== undefined && (pending.sample === undefined || pending.sample === doc.sampleKey)) this.reveal(pending.index, true);
        break;
      }
      case 'openSample':
        await this.document.selectSample(message.key);
        break;
      case 'showSamples':
        await this.document.selectSample(undefined);
        break;
      case 'stepSample':
        await this.stepSample(message.direction);
        break;
      case 'stepFlaggedSample':
        await this.stepFlaggedSample(message.direction);
        break;
      case 'samplesShown':
        this.listOrder = message.keys;
        // The page has drawn the list: tagging the samples may take the CPU now.
        this.document.sampleFlags?.listShown();
        break;
      case 'getSamples':
        if (this.listRestOwed && this.document.sampleLog && this.document.sampleKey === undefined) this.postSamples();
        break;
      case 'exportSamples':
        await this.exportSamples();
        break;
      case 'judge':
        await setTagVerdict(this.document, message.tagId, message.verdict);
        break;
      case 'addTag':
        await addTagInteractively(this.document, message.index);
        break;
      case 'getEvents':
        await this.sendEvents(message.generation, message.start, message.end);
        break;
      case 'getTail':
        await this.sendTail(message.generation, !!message.ahead);
        break;
      case 'setFilter': {
        this.filter = message.filter;
        if (!this.view || !this.source) break;
        this.view.setFilter(message.filter);
        this.regenerate(this.source);
        break;
      }
      case 'setFolds': {
        this.folds = message.folds;
        if (!this.view || !this.source) break;
        this.view.setFolds(message.folds);
        // Expand / Collapse all send folds for every log; one without groups keeps its rows (and scroll).
        if (this.view.hasGroups) this.regenerate(this.source);
        break;
      }
      case 'find':
        await this.find(message.requestId, message.query, message.caseSensitive);
        break;
      case 'navigate': {
        const view = this.view;
        if (!view) break;
        const pos = view.navigate(message.from, message.direction, message.kind);
        if (pos >= 0) this.post({ type: 'reveal', index: view.indexAt(pos), pos });
        break;
      }
      case 'locate':
        // Only a followed link unfolds (the webview also locates its focused event after a fold).
        if (message.clearFilter || (this.view && this.view.posOf(message.index) >= 0)) this.reveal(message.index, false, !!message.clearFilter);
        break;
      case 'openSource':
        await this.openSource(message.index);
        break;
      case 'openDiff': {
        const [fetched] = (await this.source?.get([message.index])) ?? [];
        if (fetched?.event) await openEventDiff(this.document, fetched.event);
        break;
      }
      case 'copyLink':
        await this.copyLink(message.index);
        break;
      case 'focus':
        this.focusedEvent = message.index;
        // Moving off the tag gone to ends it (several tags may share an event, so keep it while on it).
        if (this.currentFlag && !this.document.behaviours.merged.tags.find((t) => t.id === this.currentFlag)?.events.includes(message.index)) this.currentFlag = undefined;
        this.provider.focusChanged(this);
        break;
    }
  }

  private async sendEvents(generation: number, start: number, end: number): Promise<void> {
    const view = this.view;
    const source = this.source;
    if (!view || !source || generation !== this.generation) return;
    const last = Math.min(end, view.count, start + MAX_EVENTS_PER_REQUEST);
    if (last <= start) return;
    const indices: number[] = [];
    for (let pos = start; pos < last; pos++) indices.push(view.indexAt(pos));
    // The reasoning → action links name the other event's tool, read from the index.
    const fetched = await source.get(indices);
    if (generation !== this.generation) return;
    // Reading YAML answers for Readable is bounded per request: a log of many large ones (hostile or
    // not) shows the rest as printed rather than hold up the extension host.
    const readableUntil = Date.now() + READABLE_BUDGET_MS;
    const slots: Slot[] = indices.map((index, k) => {
      const f = fetched[k]!;
      const slot: Slot = { pos: start + k, index };
      if (f.event) slot.event = f.event;
      if (f.error) slot.error = f.error;
      if (f.event?.kind === 'tool_result' && !f.event.error && Date.now() < readableUntil) {
        const readable = readableOutput(f.event.output);
        if (readable) slot.readable = readable;
      }
      const to = view.ledTo(index);
      if (to !== undefined) slot.ledTo = { index: to, label: source.toolOf(to) ?? 'tool call' };
      const from = view.ledFrom(index);
      if (from !== undefined) slot.ledFrom = { index: from, label: `reasoning #${from}` };
      const heads = view.groupHeads(index);
      if (heads.length) slot.groups = heads;
      const depth = view.depthOf(index);
      if (depth) slot.depth = depth;
      return slot;
    });
    this.post({ type: 'events', generation, slots });
  }

  /**
   * End while a run log is still indexed: its last events, read from the end of the file (numbers
   * estimated, see RunlogFileSource.tail). Once indexed, End goes to the last event itself.
   * `ahead`: the page asks as it opens, to have them when End is pressed.
   */
  private async sendTail(generation: number, ahead: boolean): Promise<void> {
    const view = this.view;
    const source = this.source;
    if (!view || !source || generation !== this.generation) return;
    const revealLast = () => {
      if (ahead) return; // asked for before End: nothing to show yet
      const pos = view.count - 1;
      if (pos >= 0) this.post({ type: 'reveal', index: view.indexAt(pos), pos });
    };
    if (!(source instanceof RunlogFileSource) || !source.indexing) return revealLast();
    const tail = await source.tail(TAIL_EVENTS, (e) => view.keepsEvent(e));
    if (generation !== this.generation) return;
    if (!source.indexing) return revealLast();
    this.post({
      type: 'tail',
      generation,
      rows: tail.rows.map((r) => ({ index: r.index, ...(r.event ? { event: r.event } : {}), ...(r.error !== undefined ? { error: r.error } : {}) })),
      exact: tail.exact,
      indexed: tail.indexed,
    });
  }

  private async find(requestId: number, query: string, caseSensitive: boolean): Promise<void> {
    this.search?.cancel();
    const source = this.source;
    const view = this.view;
    if (!source || !view) return;
    if (!query) {
      this.post({ type: 'found', requestId, query, positions: [], total: 0, done: true });
      return;
    }
    const cts = (this.search = new vscode.CancellationTokenSource());
    const toPositions = (indices: number[]) => {
      const positions: number[] = [];
      // A match in a folded group counts at the group's header row (once), which stepping reveals.
      let last = -1;
      for (const i of indices) {
        const pos = view.shownPosOf(i);
        if (pos >= 0 && pos !== last) positions.push(pos);
        last = pos;
      }
      return positions;
    };
    const send = (indices: number[], done: boolean) => {
      const positions = toPositions(indices);
      this.post({ type: 'found', requestId, query, positions: positions.slice(0, MAX_FIND_POSITIONS), total: positions.length, done });
    };
    const found = await source.search(query, caseSensitive, cts.token, (partial) => send(partial, false));
    if (!cts.token.isCancellationRequested) send(found, true);
    cts.dispose();
    if (this.search === cts) this.search = undefined;
  }

  /** The view changed (filter, folds): a new generation, whose rows the webview asks for again. */
  private regenerate(source: EventSource, focus?: number): void {
    this.generation++;
    this.post({ type: 'update', generation: this.generation, ...this.summary(source), ...(focus !== undefined ? { focus } : {}) });
  }

  /** Scrolls the webview to event `index` (clearing a filter that hides it, unfolding the groups that fold it unless `unfold` is false). */
  reveal(index: number, highlight: boolean, unfold = true): void {
    const view = this.view;
    if (!view) return;
    // An event in a folded group (or the one its header stands for) is shown by unfolding the group.
    const folded = unfold && index < (this.source?.count ?? 0) ? view.foldedAround(index) : [];
    if (folded.length) {
      const toggled = new Set(this.folds.toggled);
      for (const g of folded) if (!toggled.delete(g.id)) toggled.add(g.id);
      this.folds = { ...this.folds, toggled: [...toggled].slice(-5000) };
      view.setFolds(this.folds);
      this.regenerate(this.source!, index);
    }
    let pos = view.posOf(index);
    if (pos < 0 && view.kindOrToolFiltered && index < (this.source?.count ?? 0)) {
      this.filter = NO_FILTER;
      view.setFilter(NO_FILTER);
      this.regenerate(this.source!, index);
      pos = view.posOf(index);
    }
    this.post({ type: 'reveal', index, pos, highlight });
  }

  command(command: WebviewCommand): void {
    this.post({ type: 'command', command });
  }

  sourceOf(index: number | undefined): SourceRef | undefined {
    return index === undefined ? undefined : this.source?.sourceOf(index);
  }

  /** Opens the log as text with the event's source line selected. */
  async openSource(index: number | undefined): Promise<void> {
    if (/\.eval$/i.test(this.document.sourceUri.path)) {
      void vscode.window.showInformationMessage(`Peerwatch: ${this.document.displayName} is a zip archive (an Inspect AI .eval log), so it has no text to show; the sample is read from its samples/ member.`);
      return;
    }
    const source = this.sourceOf(index);
    // 'default' is VS Code's text editor, even for files whose default editor is Peerwatch.
    await vscode.commands.executeCommand('vscode.openWith', this.document.sourceUri, 'default', vscode.ViewColumn.Beside);
    const editor = vscode.window.activeTextEditor;
    if (editor && source?.line) {
      const pos = new vscode.Position(source.line - 1, (source.column ?? 1) - 1);
      editor.selection = new vscode.Selection(pos, pos);
      editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
    if (source?.path) vscode.window.setStatusBarMessage(`Peerwatch: event #${index} is at ${source.path}`, 5000);
  }

  async copyLink(index: number | undefined): Promise<void> {
    if (index === undefined) {
      void vscode.window.showInformationMessage('Peerwatch: select an event first (click it), then copy its link.');
      return;
    }
    const sample = this.document.sampleKey;
    const link = eventLink(this.document.uri, index, sample);
    await vscode.env.clipboard.writeText(link);
    vscode.window.setStatusBarMessage(`Peerwatch: copied link to event #${index}${sample !== undefined ? ` of sample ${sample}` : ''}`, 3000);
  }

  dispose(): void {
    this.disposed = true;
    this.search?.cancel();
    if (this.updateTimer) clearTimeout(this.updateTimer);
    if (this.tagsTimer) clearTimeout(this.tagsTimer);
    if (this.samplesTimer) clearTimeout(this.samplesTimer);
    this.sourceDisposable?.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}
