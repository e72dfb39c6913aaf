/**
 * The corpus view (Peerwatch: Open Corpus): one webview per folder showing the corpus table (models ×
 * conditions per behaviour, each cell a rate with its 95% interval and Δ), a chart, filters, the runs
 * of a cell (open one at its first flag, compare two), full-text search across every run (in a worker thread; on the web in the host: corpusSearch.ts;
 * streamed, cancellable) and Export CSV. The host holds the runs (from the folder's corpus index,
 * CorpusLoader) and does the counting (core/corpus); the page (src/webview/corpus.ts) only shows
 * what it is sent.
 */
import * as vscode from 'vscode';
import { agreement, type LabelSource } from '../../core/corpus/agreement';
import type { CorpusFilter } from '../../core/corpus/corpusTable';
import { cellRuns, corpusSummary, filterChoices, filterRuns } from '../../core/corpus/corpusView';
import { countedRuns, type CorpusRun } from '../../core/corpus/summarize';
import { summaryCsv } from '../../core/corpus/summaryTable';
import { FromCorpusView, type ToCorpusView } from '../../core/corpus/viewProtocol';
import { RULES_FILE_NAMES } from '../../core/behaviours';
import type { ComparisonPanels } from '../compare/comparisonPanel';
import { Disposable } from '../disposable';
import { openRunAt } from '../links';
import type { TranscriptEditorProvider } from '../transcriptEditorProvider';
import { webviewPage } from '../webviewPage';
import type { CorpusLoader, LoadedCorpus } from './corpusLoader';
import { startSearch, type RunningSearch, type SearchJob } from './corpusSearch';

export const CORPUS_VIEW_TYPE = 'peerwatch.corpus';
/** Hits a search shows per run, and in all (the search stops there). */
const HITS_PER_RUN = 20;
const MAX_HITS = 2000;

/** What the corpus panels need from the rest of the extension. */
export interface CorpusServices {
  extensionUri: vscode.Uri;
  loader: CorpusLoader;
  editors: TranscriptEditorProvider;
  comparisons: ComparisonPanels;
}

/** The open corpus views, one per folder. */
export class CorpusPanels extends Disposable {
  private readonly panels = new Map<string, CorpusPanel>();

  constructor(private readonly services: CorpusServices) {
    super();
    // The workspace's rules file tags the corpus (its hash is part of the index's detector version):
    // an open view shows the new tags when it changes, and when trusting the workspace lets it be read.
    const reloadAll = () => {
      for (const p of this.panels.values()) void p.reload();
    };
    for (const name of RULES_FILE_NAMES) {
      const watcher = this._register(vscode.workspace.createFileSystemWatcher(`**/${name}`));
      this._register(watcher.onDidChange(reloadAll));
      this._register(watcher.onDidCreate(reloadAll));
      this._register(watcher.onDidDelete(reloadAll));
    }
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(reloadAll));
  }

  /** Opens (or shows again) the corpus view of `folder`. */
  open(folder: vscode.Uri): CorpusPanel {
    const k = folder.toString();
    const open = this.panels.get(k);
    if (open) {
      open.reveal();
      return open;
    }
    const panel = new CorpusPanel(this.services, folder);
    this.panels.set(k, panel);
    panel.onDidDispose(() => this.panels.delete(k));
    return panel;
  }

  /** The panel of `folder`, if open (for tests and commands). */
  get(folder: vscode.Uri): CorpusPanel | undefined {
    return this.panels.get(folder.toString());
  }

  override dispose(): void {
    for (const p of this.panels.values()) p.dispose();
    super.dispose();
  }
}

/** One corpus view. */
export class CorpusPanel extends Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly didDispose = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.didDispose.event;
  private corpus: LoadedCorpus | undefined;
  private byKey = new Map<string, CorpusRun>();
  private filter: CorpusFilter = { source: 'detectors' };
  private ready = false;
  private search: { id: number; running?: RunningSearch; hits: number } | undefined;
  private status: ToCorpusView | undefined;
  /** The labels the agreement section measures against, once the page has asked for it. */
  private agreementLabels: LabelSource | undefined;
  /** Resolves once the folder is loaded (for tests and commands). */
  readonly loaded: Promise<void>;
  /** The latest load of the folder (load never rejects: a failure is shown in the view). */
  private loading: Promise<void>;

  constructor(
    private readonly services: CorpusServices,
    readonly folder: vscode.Uri,
  ) {
    super();
    const trimmed = folder.path.replace(/\/+$/, '');
    const name = trimmed.slice(trimmed.lastIndexOf('/') + 1) || folder.fsPath;
    this.panel = vscode.window.createWebviewPanel(CORPUS_VIEW_TYPE, `Corpus: ${name}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      enableCommandUris: false,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(services.extensionUri, 'dist'), vscode.Uri.joinPath(services.extensionUri, 'media')],
    });
    this.panel.webview.html = webviewPage(this.panel.webview, services.extensionUri, { script: 'corpus.js', extraStyles: ['corpus.css'], title: 'Peerwatch corpus', loading: 'Indexing…' });
    this._register(this.panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)));
    this._register(
      this.panel.onDidDispose(() => {
        this.didDispose.fire();
        this.dispose();
      }),
    );
    this.loaded = this.loading = this.load();
  }

  reveal(): void {
    this.panel.reveal();
  }

  /**
   * What the panel is when a command gives it to another process: the command palette and a keyboard
   * shortcut run Open Corpus from the window, which is sent the command's result as JSON. The panel
   * holds every run: at the study's 223,000 runs, serializing them blocked the extension host for
   * 2.3 s, then the window while it read them, and the first filter chosen took 5.8 s instead of 0.14 s.
   * A caller in this extension host (a test, another command) gets the panel itself.
   */
  toJSON(): { folder: string; runs: number } {
    return { folder: this.folder.toString(), runs: this.runs.length };
  }

  /** The runs the view shows now, with their tags (for tests and scripts). */
  get runs(): readonly CorpusRun[] {
    return this.corpus?.runs ?? [];
  }

  /** A reload waiting for the load under way: however many are asked for meanwhile, one more load. */
  private queuedLoad: Promise<void> | undefined;

  /** Reads the folder again (its index makes that cheap) and shows the table anew, after any load under way. */
  reload(): Promise<void> {
    this.stopSearch(true);
    this.queuedLoad ??= this.loading.then(() => {
      this.queuedLoad = undefined;
      if (this.isDisposed) return;
      this.loading = this.load();
      return this.loading;
    });
    return this.queuedLoad;
  }

  private async load(): Promise<void> {
    this.post({ type: 'status', text: 'Indexing…', busy: true });
    try {
      const corpus = await this.services.loader.load(this.folder, (text) => this.post({ type: 'status', text: `Indexing: ${text}`, busy: true }));
      if (this.isDisposed) return;
      this.corpus = corpus;
      this.byKey = new Map(corpus.runs.map((r) => [r.key, r]));
      const t = corpus.totals;
      const rules = t.rules ? `; tags: the detectors and ${t.rules}` : corpus.rulesWithheld ? `; ${corpus.rulesWithheld}` : '';
      this.post({ type: 'status', text: `${t.files} file${t.files === 1 ? '' : 's'}: ${t.tagged} read and tagged, ${t.fromIndex} from the index${t.interrupted ? ' (indexing was cancelled: the table counts the files done; open the corpus again to read the rest)' : ''}${rules}`, busy: false });
      this.sendInit();
    } catch (e) {
      this.post({ type: 'status', text: `Peerwatch could not read ${this.folder.fsPath}: ${e instanceof Error ? e.message : String(e)}`, busy: false });
    }
  }

  private sendInit(): void {
    const c = this.corpus;
    if (!c || !this.ready) return;
    // A workspace folder itself is named by its name, any other by its path from the workspace.
    const root = vscode.workspace.getWorkspaceFolder(this.folder);
    const folder = root && root.uri.toString() === this.folder.toString() ? root.name : vscode.workspace.asRelativePath(this.folder, false);
    this.post({ type: 'init', folder, choices: filterChoices(c.runs), totals: c.totals });
    this.sendTable();
  }

  private sendTable(): void {
    if (!this.corpus) return;
    this.post({ type: 'table', filter: this.filter, summary: corpusSummary(this.corpus.runs, this.filter) });
    this.sendAgreement();
  }

  /** The agreement of the runs the filter keeps with the labels asked for (the computation `peerwatch agreement` makes). */
  private sendAgreement(): void {
    if (!this.corpus || !this.agreementLabels) return;
    const a = agreement(filterRuns(this.corpus.runs, this.filter), this.agreementLabels);
    const b = this.filter.behaviour;
    this.post({
      type: 'agreement',
      agreement: {
        ...a,
        behaviours: b === undefined ? a.behaviours : a.behaviours.filter((r) => r.behaviour === b),
        disagreements: (b === undefined ? a.disagreements : a.disagreements.filter((d) => d.behaviour === b)).map((d) => ({ ...d, file: this.relative(d.file) })),
      },
    });
  }

  private post(m: ToCorpusView): void {
    if (m.type === 'status') this.status = m;
    if (this.ready && !this.isDisposed) void this.panel.webview.postMessage(m);
  }

  /** A run's file as the page names it: its '/'-separated path in the folder. */
  private relative(file: string): string {
    const p = this.uriOf(file).path;
    const root = this.folder.path.replace(/\/+$/, '') + '/';
    return p.startsWith(root) ? p.slice(root.length) : p;
  }

  /** A run's file as a URI (the loader's paths are its file system's). */
  private uriOf(file: string): vscode.Uri {
    return this.corpus ? this.corpus.uriOf(file) : vscode.Uri.file(file);
  }

  private receive(raw: unknown): void {
    // The page shows transcript text: what it sends is checked like any untrusted input.
    const parsed = FromCorpusView.safeParse(raw);
    if (!parsed.success) return;
    const m = parsed.data;
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (this.status) this.post(this.status);
        this.sendInit();
        break;
      case 'filter': {
        // As the schema read it (viewProtocol.ts): known fields only, each checked.
        this.filter = m.filter;
        this.sendTable();
        break;
      }
      case 'openCell': {
        if (!this.corpus) return;
        const runs = cellRuns(this.corpus.runs, this.filter, m.cell, m.behaviour).map((r) => ({ ...r, file: this.relative(r.file) }));
        const title = [m.cell.model ?? '?', m.cell.task ?? undefined, m.cell.condition ?? '?', m.cell.monitoring ?? undefined].filter((x) => x !== undefined).join(' · ');
        this.post({ type: 'cellRuns', title, ...(m.behaviour !== undefined ? { behaviour: m.behaviour } : {}), runs });
        break;
      }
      case 'openRun': {
        const run = this.byKey.get(m.key);
        if (run) void openRunAt(this.services.editors, this.uriOf(run.file), m.event, run.sample).then(undefined, (e: unknown) => this.report(e));
        break;
      }
      case 'search':
        this.startSearch(m.id, m.query);
        break;
      case 'cancelSearch':
        this.stopSearch(true);
        break;
      case 'refresh':
        void this.reload();
        break;
      case 'exportCsv':
        void this.exportCsv().then(undefined, (e: unknown) => this.report(e));
        break;
      case 'compare': {
        const a = this.byKey.get(m.a);
        const b = this.byKey.get(m.b);
        if (a && b) {
          const ref = (r: CorpusRun) => ({ uri: this.uriOf(r.file), ...(r.sample !== undefined ? { sample: r.sample } : {}) });
          void this.services.comparisons.open(ref(a), ref(b)).then(undefined, (e: unknown) => this.report(e));
        }
        break;
      }
      case 'agreement':
        this.agreementLabels = m.labels;
        this.sendAgreement();
        break;
      default: {
        const never: never = m;
        void never;
      }
    }
  }

  private report(e: unknown): void {
    void vscode.window.showErrorMessage(`Peerwatch: ${e instanceof Error ? e.message : String(e)}`);
  }

  /** Writes the table (as filtered) as CSV, the columns of `peerwatch summarize --csv`, to `to` or a file the user picks (the save dialog asks before replacing one). */
  async exportCsv(to?: vscode.Uri): Promise<vscode.Uri | undefined> {
    if (!this.corpus) return undefined;
    const uri =
      to ??
      (await vscode.window.showSaveDialog({
        title: 'Export the corpus table as CSV',
        defaultUri: vscode.Uri.joinPath(this.folder, 'corpus.csv'),
        filters: { CSV: ['csv'] },
      }));
    if (!uri) return undefined;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(summaryCsv(corpusSummary(this.corpus.runs, this.filter))));
    this.post({ type: 'exported', file: vscode.workspace.asRelativePath(uri, false) });
    return uri;
  }

  /** Searches every run the filter keeps (each once), in a worker thread in Node, in the host on the web (corpusSearch.ts); hits stream to the page. */
  private startSearch(id: number, query: string): void {
    this.stopSearch(false);
    if (!this.corpus || query.trim() === '') {
      this.post({ type: 'searchProgress', id, searched: 0, total: 0, done: true });
      return;
    }
    const runs = countedRuns(filterRuns(this.corpus.runs, this.filter)).groups.map(([r]) => ({ key: r!.key, file: r!.file, ...(r!.sample !== undefined ? { sample: r!.sample } : {}) }));
    const job: SearchJob = { query, runs, perRun: HITS_PER_RUN };
    const search: { id: number; running?: RunningSearch; hits: number } = { id, hits: 0 };
    this.search = search;
    let problems = 0;
    const total = runs.length;
    search.running = startSearch(this.services.extensionUri, job, (file) => this.uriOf(file), {
      message: (msg) => {
        if (this.search !== search) return;
        switch (msg.type) {
          case 'hits': {
            const run = this.byKey.get(msg.key);
            if (!run) return;
            search.hits += msg.hits.length;
            this.post({ type: 'searchHits', id, key: msg.key, file: this.relative(run.file), ...(run.sample !== undefined ? { sample: run.sample } : {}), hits: msg.hits, more: msg.more });
            if (search.hits >= MAX_HITS) {
              this.stopSearch(false);
              this.post({ type: 'searchProgress', id, searched: 0, total, done: true, cancelled: true, problems });
            }
            break;
          }
          case 'problem':
            problems++;
            break;
          case 'progress':
            this.post({ type: 'searchProgress', id, searched: msg.searched, total, done: false, problems });
            break;
          case 'done':
            this.search = undefined;
            this.post({ type: 'searchProgress', id, searched: msg.searched, total, done: true, problems });
            break;
        }
      },
      failed: (e) => {
        if (this.search !== search) return;
        this.search = undefined;
        this.post({ type: 'status', text: `The search stopped: ${e.message}`, busy: false });
        this.post({ type: 'searchProgress', id, searched: 0, total, done: true, cancelled: true, problems });
      },
    });
  }

  private stopSearch(tell: boolean): void {
    const s = this.search;
    if (!s) return;
    this.search = undefined;
    s.running?.stop();
    if (tell) this.post({ type: 'searchProgress', id: s.id, searched: 0, total: 0, done: true, cancelled: true });
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.stopSearch(false);
    this.panel.dispose();
    super.dispose();
  }
}
