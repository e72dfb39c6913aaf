import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { parseFromWebview, type ToWebview } from '../core/protocol';
import type { SourceRef, Transcript } from '../core/model';
import { Disposable } from './disposable';
import { TranscriptDocument, type LoadResult } from './transcriptDocument';

export const RUNLOG_VIEW_TYPE = 'peerwatch.runlog';
export const TRANSCRIPT_VIEW_TYPE = 'peerwatch.transcript';

/** One open Peerwatch editor: a document, its webview, and the event the user last focused. */
interface Panel {
  readonly document: TranscriptDocument;
  readonly webviewPanel: vscode.WebviewPanel;
  focusedEvent: number | undefined;
}

/**
 * The Peerwatch editor: a read-only custom editor that shows a transcript in a webview.
 * Registered for two view types: `peerwatch.runlog` (default for *.runlog.jsonl) and
 * `peerwatch.transcript` (offered through "Open With…" for JSON transcripts and harness run files).
 */
export class TranscriptEditorProvider extends Disposable implements vscode.CustomReadonlyEditorProvider<TranscriptDocument> {
  private readonly panels = new Set<Panel>();
  private activePanel: Panel | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {
    super();
    for (const viewType of [RUNLOG_VIEW_TYPE, TRANSCRIPT_VIEW_TYPE]) {
      this._register(
        vscode.window.registerCustomEditorProvider(viewType, this, {
          supportsMultipleEditorsPerDocument: true,
          webviewOptions: { enableFindWidget: true },
        }),
      );
    }
  }

  async openCustomDocument(uri: vscode.Uri): Promise<TranscriptDocument> {
    return TranscriptDocument.open(uri);
  }

  async resolveCustomEditor(document: TranscriptDocument, webviewPanel: vscode.WebviewPanel): Promise<void> {
    const panel: Panel = { document, webviewPanel, focusedEvent: undefined };
    this.panels.add(panel);
    this.activePanel = panel;
    const webview = webviewPanel.webview;
    webview.options = {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
    webview.html = this.html(webview);

    const disposables: vscode.Disposable[] = [];
    let sentEvents = 0;
    const post = (message: ToWebview) => void webview.postMessage(message);
    const sendWhole = (content: LoadResult) => {
      if (!content.ok) {
        post({ type: 'fatal', fileName: vscode.workspace.asRelativePath(document.uri, false), message: content.message });
        sentEvents = 0;
        return;
      }
      const t = content.transcript;
      post({
        type: 'init',
        fileName: vscode.workspace.asRelativePath(document.sourceUri, false),
        header: t.header,
        events: t.events,
        diagnostics: t.diagnostics,
        live: t.live,
      });
      sentEvents = t.events.length;
    };

    disposables.push(
      webview.onDidReceiveMessage((raw) => {
        const message = parseFromWebview(raw);
        if (!message) return; // Unknown or malformed: ignored, never acted on.
        switch (message.type) {
          case 'ready':
            sendWhole(document.content);
            break;
          case 'openSource':
            void this.openSource(document, message.index);
            break;
          case 'focus':
            panel.focusedEvent = message.index;
            break;
        }
      }),
      document.onDidChange((content) => {
        if (content.ok && sentEvents > 0 && content.transcript.events.length >= sentEvents) {
          // A growing log: send only what is new, so what is shown is not rendered again.
          const t: Transcript = content.transcript;
          post({ type: 'append', events: t.events.slice(sentEvents), diagnostics: t.diagnostics, header: t.header, live: t.live });
          sentEvents = t.events.length;
        } else {
          sendWhole(content);
        }
      }),
      webviewPanel.onDidChangeViewState(() => {
        if (webviewPanel.active) this.activePanel = panel;
      }),
    );
    webviewPanel.onDidDispose(() => {
      disposables.forEach((d) => d.dispose());
      this.panels.delete(panel);
      if (this.activePanel === panel) this.activePanel = undefined;
    });
  }

  /** The Peerwatch editor the user is looking at, if any. */
  get active(): { document: TranscriptDocument; focusedEvent: number | undefined } | undefined {
    const p = this.activePanel;
    return p && p.webviewPanel.active ? p : undefined;
  }

  /** Opens the log as text with the event's source (line, or JSON path's line) selected. */
  async openSource(document: TranscriptDocument, index: number | undefined): Promise<void> {
    let source: SourceRef | undefined;
    const content = document.content;
    if (content.ok && index !== undefined) source = content.transcript.events[index]?.source;
    // 'default' is VS Code's text editor, even for files whose default editor is Peerwatch.
    await vscode.commands.executeCommand('vscode.openWith', document.sourceUri, 'default', vscode.ViewColumn.Beside);
    const editor = vscode.window.activeTextEditor;
    if (editor && source?.line) {
      const pos = new vscode.Position(source.line - 1, (source.column ?? 1) - 1);
      editor.selection = new vscode.Selection(pos, pos);
      editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'editor.css'));
    // No 'unsafe-inline' or 'unsafe-eval': transcript text is adversarial and is rendered as text only.
    const csp = [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>Peerwatch</title>
</head>
<body>
<main id="app" aria-live="polite"><p class="loading">Loading transcript…</p></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
  }
}
