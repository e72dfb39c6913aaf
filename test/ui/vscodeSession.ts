/**
 * One code-server + one Chromium for the whole UI run, shared by every test file.
 *
 * esbuild bundles a copy of this module into each compiled test file, so the shared state lives on
 * `globalThis`. scripts/run-ui-tests.mjs normally starts both before mocha runs and stops them after;
 * when the tests are run by plain `mocha out/test/ui/*.test.js`, the first `session()` starts them
 * (through scripts/vscode-server.mjs) and a root-level `after` stops them.
 *
 * Helpers here act like a user: Quick Open, the Command Palette, and reading what the webview shows.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, BrowserContext, Frame, Locator, Page } from 'playwright-core';
import { waitFor } from '../wait';

export interface CodeServer {
  port: number;
  url: string;
  folder: string;
  stop(): Promise<void>;
}

export interface SharedSession {
  server: CodeServer;
  browser: Browser;
  repoRoot: string;
  /** The extension loaded as development extension (default: the repo root). */
  extensionPath: string;
  /** The examples folder (default: <repo>/examples). */
  examples: string;
  /** Where screenshots go (<repo>/test-results). */
  resultsDir: string;
  /** Set when this module started the session itself (and so must stop it). */
  ownedByTests?: boolean;
}

const KEY = '__peerwatchUiSession';
type Global = typeof globalThis & { [KEY]?: Promise<SharedSession> };

export const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** The shared session (started on first use when the runner did not start one). */
export function session(): Promise<SharedSession> {
  const g = globalThis as Global;
  if (!g[KEY]) g[KEY] = startOwnSession();
  return g[KEY];
}

async function startOwnSession(): Promise<SharedSession> {
  // A computed specifier keeps esbuild from bundling the runner library into the tests.
  const lib = path.join(repoRoot, 'scripts', 'vscode-server.mjs');
  const { startCodeServer, launchBrowser, uiTestSettings } = await import(/* @vite-ignore */ `file://${lib}`);
  const examples = process.env.PEERWATCH_EXAMPLES || path.join(repoRoot, 'examples');
  const server = await startCodeServer({ folder: examples, settings: uiTestSettings });
  const browser = await launchBrowser();
  return {
    server,
    browser,
    repoRoot,
    extensionPath: process.env.PEERWATCH_EXTENSION_PATH || repoRoot,
    examples,
    resultsDir: path.join(repoRoot, 'test-results'),
    ownedByTests: true,
  };
}

/** Stops the session when this module started it (the runner stops its own). */
export async function closeOwnSession(): Promise<void> {
  const g = globalThis as Global;
  const pending = g[KEY];
  if (!pending) return;
  const s = await pending.catch(() => undefined);
  if (!s?.ownedByTests) return;
  delete g[KEY];
  await s.browser.close();
  await s.server.stop();
}

// Under plain mocha, a root-level `after` stops a session these files started (idempotent, so the
// copy bundled into every test file may register it).
if (typeof after === 'function') after(closeOwnSession);

export const VIEWPORT = { width: 1400, height: 900 };

export interface Workbench {
  page: Page;
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Opens the workbench on `folder` with the extension under development loaded (payload
 * `extensionDevelopmentPath`, no tests path), in a fresh browser context, and waits until the
 * explorer shows the folder.
 */
export async function openWorkbench(folder: string): Promise<Workbench> {
  const s = await session();
  const context = await s.browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  const devPath = `vscode-remote://127.0.0.1:${s.server.port}${path.resolve(s.extensionPath)}`;
  const url =
    `${s.server.url}?folder=${encodeURIComponent(path.resolve(folder))}` +
    `&payload=${encodeURIComponent(JSON.stringify([['extensionDevelopmentPath', devPath]]))}`;
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  // The explorer lists the folder once the remote file system answers.
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: 60_000 });
  return { page, context, close: () => context.close() };
}

/** Quick Open (Ctrl+P): type the file name, wait until it is listed, press Enter. */
export async function quickOpen(page: Page, fileName: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  await input.fill(fileName);
  // The row Enter opens is the focused one: until Quick Open has filtered, that can be the editor
  // last active (another file named in the recent list), so wait until the focused row is the file.
  await page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row.focused', { hasText: fileName })
    .first()
    .waitFor({ state: 'visible', timeout: 30_000 });
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 10_000 });
}

/**
 * Command Palette (F1): type the command's label, wait until it is listed, press Enter.
 * The palette lists the commands known when it opens; right after the workbench loads, the
 * development extension's contributions may not be registered yet, so it reopens until they are.
 */
export async function runCommand(page: Page, label: string, timeoutMs = 60_000): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: label }).first();
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    // On a loaded machine the key can arrive while focus is still moving (into a webview, say) and
    // be lost: press it again rather than wait for a palette that is not coming.
    const opened = await input.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
    if (!opened) {
      if (Date.now() > deadline) throw new Error(`the Command Palette did not open for "${label}" (${attempt} presses of F1 in ${timeoutMs / 1000} s)`);
      continue;
    }
    // The palette can close again as soon as it opened (focus moving into a webview that just
    // loaded): fill it while it is there, else open it again.
    const filled = await input.fill(`>${label}`, { timeout: 5_000 }).then(() => true, () => false);
    if (!filled) {
      if (Date.now() > deadline) throw new Error(`the Command Palette closed before "${label}" could be typed (${attempt} attempts in ${timeoutMs / 1000} s)`);
      continue;
    }
    try {
      // Short first looks (1 s, 2 s, … up to 5 s): a palette opened before the extension registered
      // its commands never lists them, and reopening it is cheaper than waiting it out.
      await row.waitFor({ state: 'visible', timeout: Math.min(5_000, 1_000 * attempt) });
      break;
    } catch (err) {
      await page.keyboard.press('Escape');
      await input.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
      if (Date.now() > deadline) {
        throw new Error(`the Command Palette never listed "${label}" (${attempt} attempts in ${timeoutMs / 1000} s): ${(err as Error).message}`);
      }
    }
  }
  await page.keyboard.press('Enter');
  // The palette closes; a command that opens its own quick pick at once may reuse the same widget,
  // so "closed" also means the input no longer holds the palette's `>` query.
  await waitFor(`the Command Palette to close after running "${label}"`, async () => {
    const open = await input.isVisible().catch(() => false);
    return !open || !(await input.inputValue().catch(() => '>')).startsWith('>');
  });
}

/**
 * Developer: Reload Window, and wait until the page is a new one (a mark left on the old window is
 * gone) and its workbench is visible; the frames of the old page are detached by then.
 */
/**
 * Opens the explorer's context menu on the row holding `row` until it lists `label` (the menu lists
 * an extension's entries once their contributions are read: it is opened again until then), and
 * returns that entry. Clicking it is the caller's: a click landing as the menu opens only highlights
 * the item, so callers click again while the menu is there.
 */
export async function explorerMenuItem(page: Page, row: string, label: string, timeoutMs = 60_000): Promise<Locator> {
  const item = page.locator('.explorer-folders-view .monaco-list-row', { hasText: row }).first();
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  const menuItem = page.locator('.monaco-menu .action-item', { hasText: label }).first();
  await waitFor(`"${label}" in the explorer context menu`, async () => {
    await item.click({ button: 'right' });
    const shown = await menuItem.waitFor({ state: 'visible', timeout: 2_000 }).then(() => true, () => false);
    if (!shown) await page.keyboard.press('Escape');
    return shown;
  }, timeoutMs);
  return menuItem;
}

export async function reloadWindow(page: Page): Promise<void> {
  await page.evaluate(() => ((globalThis as { __peerwatchBeforeReload?: boolean }).__peerwatchBeforeReload = true));
  await runCommand(page, 'Developer: Reload Window');
  // While the page navigates, evaluate throws; waitFor treats that as "not yet".
  await waitFor('the window to reload', () => page.evaluate(() => !(globalThis as { __peerwatchBeforeReload?: boolean }).__peerwatchBeforeReload), 60_000);
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
}

/** The webview frame (webviews are nested iframes) whose document has the Peerwatch event list. */
export async function peerwatchFrame(page: Page, timeoutMs = 60_000): Promise<Frame> {
  return frameWith(page, '[data-testid="event-list"]', timeoutMs);
}

/** The first webview frame (not the workbench's own) whose document has an element matching `selector`. */
export async function frameWith(page: Page, selector: string, timeoutMs = 60_000): Promise<Frame> {
  const find = async () => {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
    }
    return undefined;
  };
  return waitFor(`a webview frame with ${selector}`, find, timeoutMs).catch((err: Error) => {
    throw new Error(`${err.message}; frames: ${page.frames().map((f) => f.url()).join(', ')}`);
  });
}

/** The clipboard's text once something has been written to it (commands write it asynchronously). */
export async function readClipboard(page: Page, timeoutMs = 10_000): Promise<string> {
  return waitFor('text on the clipboard', () => page.evaluate(() => navigator.clipboard.readText()), timeoutMs);
}

/**
 * A test's teardown: a screenshot of its workbench when it failed (FAILED-<title>.png), the
 * workbench closed, and its workspace folder removed. Use as `afterEach(function () { … })`.
 */
export async function closeTestWorkbench(test: Mocha.Test | undefined, wb: Workbench | undefined, workspace?: string): Promise<void> {
  if (wb && test?.state === 'failed') {
    await screenshot(wb.page, `FAILED-${test.title.replace(/[^a-z0-9]+/gi, '-')}`).catch(() => undefined);
  }
  await wb?.close();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
}

/** Saves a screenshot under test-results/ (and returns its path). */
export async function screenshot(page: Page, name: string): Promise<string> {
  const s = await session();
  fs.mkdirSync(s.resultsDir, { recursive: true });
  const file = path.join(s.resultsDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Files in dir (non-recursive) whose name ends with suffix, sorted. */
export function listFiles(dir: string, suffix: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((n) => n.endsWith(suffix))
    .sort()
    .map((n) => path.join(dir, n));
}
