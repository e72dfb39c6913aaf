/**
 * The comparison view: one webview showing two runs aligned row by row (src/core/compare), with the
 * outcome and tag differences in its header and next / previous difference keys. The host reads and
 * compares the runs; the page (src/webview/compare.ts) only shows what it is sent.
 */
import * as vscode from 'vscode';
import { compareRuns } from '../../core/compare';
import { FromCompareView, type CompareCommand, type ToCompareView } from '../../core/compare/protocol';
import type { Transcript } from '../../core/model';
import { readRun } from '../../core/formats/readRun';
import { openSampleLogAt } from '../files';
import { vscodeRunFiles } from '../runFiles';
import { Disposable } from '../disposable';
import { webviewPage } from '../webviewPage';

export const COMPARISON_VIEW_TYPE = 'peerwatch.comparison';

/** One side of a comparison: a file, and the run in it when it holds many. */
export interface RunRef {
  readonly uri: vscode.Uri;
  readonly sample?: string;
}

/** A side read: its transcript and the name the view shows. */
interface ReadRun {
  readonly name: string;
  readonly transcript: Transcript;
}

/**
 * Reads `ref`. A file of many runs (an Inspect log, tau2 results, …) without a sample asks which run
 * with a quick pick; undefined when the user cancels.
 */
export async function readRunRef(ref: RunRef): Promise<ReadRun | undefined> {
  const file = ref.uri.fsPath;
  const name = vscode.workspace.asRelativePath(ref.uri, false);
  const log = await openSampleLogAt(ref.uri, name);
  if (!log) {
    const files = vscodeRunFiles(ref.uri);
    if (!(await files.exists(ref.uri.path))) throw new Error(`${file}: no such file`);
    return { name, transcript: (await readRun(files, ref.uri.path)).transcript };
  }
  let key = ref.sample;
  if (key === undefined) {
    const picked = await vscode.window.showQuickPick(
      log.samples.filter((s) => s.complete).map((s) => ({ label: s.key, description: Object.entries(s.scores).map(([k, v]) => `${k}=${String(v)}`).join(' ') })),
      { title: `Which run of ${basename(ref.uri.path)}?`, placeHolder: `${log.samples.length} runs` },
    );
    if (!picked) return undefined;
    key = picked.label;
  }
  return { name: `${name}#${key}`, transcript: await log.readSample(key) };
}

/** The open comparison views; the palette's next / previous difference act on the active one. */
export class ComparisonPanels extends Disposable {
  private readonly panels = new Set<ComparisonPanel>();
  private active: ComparisonPanel | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {
    super();
  }

  /** Opens a comparison of runs A and B (read, then compared, before the panel shows). */
  async open(a: RunRef, b: RunRef): Promise<ComparisonPanel | undefined> {
    const ra = await readRunRef(a);
    if (!ra) return undefined;
    const rb = await readRunRef(b);
    if (!rb) return undefined;
    const panel = new ComparisonPanel(this.extensionUri, ra, rb);
    this.panels.add(panel);
    this.active = panel;
    panel.onDidChangeActive((on) => {
      if (on) this.active = panel;
    });
    panel.onDidDispose(() => {
      this.panels.delete(panel);
      if (this.active === panel) this.active = undefined;
    });
    return panel;
  }

  /** Sends a palette command to the active comparison view; false when there is none. */
  command(command: CompareCommand): boolean {
    if (!this.active) return false;
    this.active.post({ type: 'command', command });
    return true;
  }

  override dispose(): void {
    for (const p of this.panels) p.dispose();
    super.dispose();
  }
}

/** One comparison view. */
export class ComparisonPanel extends Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly activeChanged = this._register(new vscode.EventEmitter<boolean>());
  private readonly didDispose = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeActive = this.activeChanged.event;
  readonly onDidDispose = this.didDispose.event;
  /** The difference the view shows (a row of the alignment), once the user has stepped to one. */
  currentRow: number | undefined;

  constructor(extensionUri: vscode.Uri, a: ReadRun, b: ReadRun) {
    super();
    this.panel = vscode.window.createWebviewPanel(COMPARISON_VIEW_TYPE, `${basename(a.name)} ↔ ${basename(b.name)}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    });
    this.panel.webview.html = webviewPage(this.panel.webview, extensionUri, { script: 'compare.js', extraStyles: ['compare.css'], title: 'Peerwatch comparison', loading: 'Comparing…' });
    const comparison = compareRuns(a.transcript, b.transcript);
    const init: ToCompareView = {
      type: 'init',
      a: { name: a.name, header: a.transcript.header, events: a.transcript.events },
      b: { name: b.name, header: b.transcript.header, events: b.transcript.events },
      comparison,
    };
    this._register(
      this.panel.webview.onDidReceiveMessage((raw: unknown) => {
        // The page shows transcript text: what it sends is checked like any untrusted input.
        const parsed = FromCompareView.safeParse(raw);
        if (!parsed.success) return;
        const m = parsed.data;
        switch (m.type) {
          case 'ready':
            void this.panel.webview.postMessage(init);
            break;
          case 'current':
            this.currentRow = m.row;
            break;
        }
      }),
    );
    this._register(this.panel.onDidChangeViewState((e) => this.activeChanged.fire(e.webviewPanel.active)));
    this._register(
      this.panel.onDidDispose(() => {
        this.didDispose.fire();
        this.dispose();
      }),
    );
  }

  post(message: ToCompareView): void {
    void this.panel.webview.postMessage(message);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.panel.dispose();
    super.dispose();
  }
}


/** The last segment of a '/'-separated path. */
function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}
