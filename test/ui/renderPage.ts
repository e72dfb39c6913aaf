/**
 * A plain Chromium page (no VS Code) holding the webview's render.ts (or other webview modules) as
 * `window.PW`, for tests of its contract: what elements and attributes it builds from events, headers,
 * images and groups, and what the sample list draws from which messages.
 */
import * as path from 'node:path';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { repoRoot, session } from './vscodeSession';

/**
 * Opens the page with `names` exported from src/webview/render.ts as `window.PW`; or, given modules
 * (paths from the repository's root, `./src/webview/samples`) and their names, those.
 */
export async function renderPage(names: readonly string[] | Readonly<Record<string, readonly string[]>>): Promise<Page> {
  const s = await session();
  // esbuild is loaded at run time from node_modules (it cannot be bundled into the test).
  const esbuild = createRequire(__filename)(path.join(repoRoot, 'node_modules', 'esbuild')) as typeof import('esbuild');
  const modules = Array.isArray(names) ? { './src/webview/render': names } : (names as Readonly<Record<string, readonly string[]>>);
  const contents = Object.entries(modules).map(([from, exported]) => `export { ${exported.join(', ')} } from '${from}';`).join('\n');
  const built = await esbuild.build({
    stdin: { contents, resolveDir: repoRoot, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'PW',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  const page = await s.browser.newPage();
  await page.setContent('<!DOCTYPE html><html><body><ol id="list"></ol></body></html>');
  await page.addScriptTag({ content: built.outputFiles[0]!.text });
  return page;
}
