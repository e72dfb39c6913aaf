/**
 * The comparison view: one webview showing two runs aligned row by row (src/core/compare), with the
 * outcome and tag differences in its header and next / previous difference keys. The runs are read
 * and compared off the extension host's thread (comparing.ts: a worker), under a cancellable
 * notification; the page (src/webview/compare.ts) only shows what it is sent.
 */
import * as vscode from 'vscode';
import { FromCompareView, type CompareCommand, type CompareInit, type ToCompareView } from '../../core/compare/protocol';
import { openSampleLogAt } from '../files';
import { loadRules } from '../review/documentBehaviours';
import { Disposable } from '../disposable';
import { webviewPage } from '../webviewPage';
import { startComparison, type CompareSide } from './comparing';

export const COMPARISON_VIEW_TYPE = 'peerwatch.comparison';

/** One side of a comparison: a file, and the run in it when it holds many. */
export interface RunRef {
  readonly uri: vscode.Uri;
  readonly sample?: string;
}

/**
 * Which run of `ref` to compare: a file of many runs (an Inspect log, tau2 results, …) without a
 * sample asks with a quick pick (its list of samples is read, not the samples); undefined when the
 * user cancels.
 */
export async function pickRun(ref: RunRef): Promise<CompareSide | undefined> {
  const name = vscode.workspace.asRelativePath(ref.uri, false);
  if (ref.sample !== undefined) return { uri: ref.uri, name, sample: ref.sample };
  const log = await openSampleLogAt(ref.uri, name);
  if (!log) return { uri: ref.uri, name };
  const picked = await vscode.window.showQuickPick(
    log.samples.filter((s) => s.complete).map((s) => ({ label: s.key, description: Object.entries(s.scores).map(([k, v]) => `${k}=${String(v)}`).join(' ') })),
    { title: `Which run of ${basename(ref.uri.path)}?`, placeHolder: `${log.samples.length} runs` },
  );
  return picked ? { uri: ref.uri, name, sample: picked.label } : undefined;
}

/** The open comparison views; the palette's next / previous difference act on the active one. */
export class ComparisonPanels extends Disposable {
  private readonly panels = new Set<ComparisonPanel>();
  private active: ComparisonPanel | undefined;
  /** The comparisons under way: what each is doing, and how to stop it (once it has started). */
  private readonly running = new Set<{ step: string; cancel?: () => void }>();

  constructor(private readonly extensionUri: vscode.Uri) {
    super();
  }

  /** What the comparisons under way are doing now ("reading A", …), as their notifications say. */
  get comparing(): string[] {
    return [...this.running].map((r) => r.step);
  }

  /**
   * Opens a comparison of runs A and B: read and compared in the background with the workspace's
   * rules, under a notification whose Cancel (or `token`) stops the work and opens nothing.
   * `maxEvents` is the view's bound (core/compare/view.ts MAX_VIEW_EVENTS unless a test asks).
   */
  async open(a: RunRef, b: RunRef, opts: { token?: vscode.CancellationToken; maxEvents?: number } = {}): Promise<ComparisonPanel | undefined> {
    const sa = await pickRun(a);
    if (!sa) return undefined;
    const sb = await pickRun(b);
    if (!sb) return undefined;
    const shown = (s: CompareSide) => basename(s.name) + (s.sample !== undefined ? `#${s.sample}` : '');
    const running: { step: string; cancel?: () => void } = { step: 'starting' };
    this.running.add(running);
    let init: CompareInit | undefined;
    try {
      init = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Peerwatch: comparing ${shown(sa)} with ${shown(sb)}`, cancellable: true },
        async (progress, progressToken) => {
          if (opts.token?.isCancellationRequested) return undefined;
          const { rules, text } = await loadRules(sa.uri);
          const onStep = (step: string) => {
            running.step = step;
            progress.report({ message: `${step}…` });
          };
          const job = startComparison(this.extensionUri, sa, sb, { rules, ...(text ? { text } : {}) }, onStep, opts.maxEvents);
          running.cancel = () => job.cancel();
          const stops = [progressToken.onCancellationRequested(() => job.cancel()), ...(opts.token ? [opts.token.onCancellationRequested(() => job.cancel())] : [])];
          // Cancelled while the rules were read, or the window is closing.
          if (progressToken.isCancellationRequested || opts.token?.isCancellationRequested || this.isDisposed) job.cancel();
          try {
            return await job.result;
          } finally {
            for (const s of stops) s.dispose();
          }
        },
      );
    } finally {
      this.running.delete(running);
    }
    if (!init || this.isDisposed) return undefined;
    const panel = new ComparisonPanel(this.extensionUri, init);
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
    // A comparison under way stops with the extension: its worker is terminated and nothing opens.
    for (const r of this.running) r.cancel?.();
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

  /** What the view was sent: both runs (or, too large for the view, their sizes) and their comparison. */
  readonly init: CompareInit;

  constructor(extensionUri: vscode.Uri, init: CompareInit) {
    super();
    this.init = init;
    this.panel = vscode.window.createWebviewPanel(COMPARISON_VIEW_TYPE, `${basename(init.a.name)} ↔ ${basename(init.b.name)}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    });
    this.panel.webview.html = webviewPage(this.panel.webview, extensionUri, { script: 'compare.js', extraStyles: ['compare.css'], title: 'Peerwatch comparison', loading: 'Comparing…' });
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
