/**
 * The one page shell of Peerwatch's webviews (the transcript editor and the comparison view), with
 * the one content security policy: scripts only by a per-load nonce, styles and fonts only from the
 * extension's own built assets (codicons from dist/codicons, copied from @vscode/codicons by
 * scripts/build.mjs; their stylesheet loads codicon.ttf from beside it, which `font-src` allows),
 * images only as data: URLs the page builds after checking the data (PNG, JPEG, GIF or WebP by their
 * first bytes), nothing fetched from anywhere else. No 'unsafe-inline' or 'unsafe-eval': transcript
 * text is adversarial and is rendered as text only.
 */
import * as vscode from 'vscode';

export interface PageParts {
  /** The page's bundle under dist/ (`webview.js`, `compare.js`). */
  readonly script: string;
  /** Stylesheets under media/ after editor.css (`compare.css`). */
  readonly extraStyles?: readonly string[];
  readonly title: string;
  /** What the page shows until its script has drawn. */
  readonly loading: string;
}

export function webviewPage(webview: vscode.Webview, extensionUri: vscode.Uri, parts: PageParts): string {
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  const uri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  const styles = [uri('dist', 'codicons', 'codicon.css'), uri('media', 'editor.css'), ...(parts.extraStyles ?? []).map((s) => uri('media', s))];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles.map((href) => `<link rel="stylesheet" href="${href}">`).join('\n')}
<title>${parts.title}</title>
</head>
<body>
<main id="app"><p class="loading">${parts.loading}</p></main>
<script nonce="${nonce}" src="${uri('dist', parts.script)}"></script>
</body>
</html>`;
}
