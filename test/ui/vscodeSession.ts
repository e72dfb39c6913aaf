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
  /** Where code-server keeps the user's settings (`User/settings.json`) and logs. */
  userDataDir: string;
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
  /** Set on a window from sharedWorkbench(): later tests of the describe may reuse it. */
  shared?: boolean;
}

/**
 * Opens the workbench on `folder` with the extension under development loaded (payload
 * `extensionDevelopmentPath`, no tests path), in a fresh browser context, and waits until the
 * explorer shows the folder.
 */
export async function openWorkbench(folder: string): Promise<Workbench> {
  const s = await session();
  // Counted on globalThis (every test file bundles its own copy of this module); the runner prints it.
  const g = globalThis as { __peerwatchWorkbenchBoots?: number };
  g.__peerwatchWorkbenchBoots = (g.__peerwatchWorkbenchBoots ?? 0) + 1;
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
  await releaseWorkbench(test, wb);
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
}

/**
 * The end of a test's use of `wb` (after any screenshot): a window of its own is closed; a shared one
 * is kept for the next test only when the test passed (else it is closed and discarded, so that a
 * failure never carries into the next test, which boots a fresh one).
 */
export async function releaseWorkbench(test: Mocha.Test | undefined, wb: Workbench | undefined): Promise<void> {
  if (wb?.shared && test?.state === 'passed' && !wb.page.isClosed()) return;
  await wb?.close();
}

// ---- one window shared by the tests of a describe -----------------------------------------------
//
// Booting the workbench is most of a UI test's cost (~9 CPU-seconds, mostly Chromium drawing it).
// Tests that open the same folder and do not depend on a fresh window (no reload, no state restored
// from an earlier window, no settings or files of their own) share one, as VS Code's own smoke tests
// do: sharedWorkbench(folder) boots it on first use and, for each later test, first puts it back the
// way a fresh window is for what the tests look at (resetWorkbench). A test that fails has its window
// closed by releaseWorkbench; the describe's `after` closes what is left (closeSharedWorkbenches).
// Each compiled test file bundles its own copy of this module, so windows are shared within a file.

/** What a fresh window showed, which resetWorkbench restores. */
interface Layout {
  /** The side bar's title (the view container shown, e.g. "Explorer"), '' when hidden. */
  sidebar: string;
  panel: boolean;
  auxiliaryBar: boolean;
}

const sharedWindows = new Map<string, Workbench>();
const layouts = new WeakMap<Workbench, Layout>();

/**
 * The window shared by this file's tests on `folder`: booted on first use, reset (resetWorkbench)
 * before each later use. Should the reset fail, the window is discarded and a fresh one booted.
 * Its close() closes it for good (the next call boots another).
 */
export async function sharedWorkbench(folder: string): Promise<Workbench> {
  const key = path.resolve(folder);
  const open = sharedWindows.get(key);
  if (open) {
    try {
      await resetWorkbench(open);
      return open;
    } catch (err) {
      console.error(`[ui-tests] the shared window on ${key} could not be reset (${(err as Error).message.split('\n')[0]}); booting a fresh one`);
      await open.close().catch(() => undefined);
    }
  }
  const wb = await openWorkbench(key);
  const shared: Workbench = {
    page: wb.page,
    context: wb.context,
    shared: true,
    close: async () => {
      if (sharedWindows.get(key) === shared) sharedWindows.delete(key);
      await wb.close();
    },
  };
  layouts.set(shared, await layoutOf(wb.page));
  sharedWindows.set(key, shared);
  return shared;
}

/** Closes this file's shared windows (a describe's `after`). */
export async function closeSharedWorkbenches(): Promise<void> {
  const open = [...sharedWindows.values()];
  sharedWindows.clear();
  for (const wb of open) await wb.close().catch(() => undefined);
}

async function layoutOf(page: Page): Promise<Layout> {
  const visible = (selector: string) => page.locator(selector).first().isVisible().catch(() => false);
  const sidebar = (await visible('.part.sidebar'))
    ? ((await page.locator('.part.sidebar .composite.title .title-label h2').first().textContent({ timeout: 5_000 }).catch(() => '')) ?? '').trim()
    : '';
  return { sidebar, panel: await visible('.part.panel'), auxiliaryBar: await visible('.part.auxiliarybar') };
}

/**
 * Puts a shared window back the way a fresh one is for what the tests look at: no dialog, menu,
 * quick input or notification; no editor (so no webview, and no editor group but the one); the side
 * bar, panel and secondary side bar as the window first showed them; no browser permissions granted.
 * Anything it cannot put back is an error (the caller then boots a fresh window).
 */
export async function resetWorkbench(wb: Workbench): Promise<void> {
  const { page } = wb;
  if (page.isClosed()) throw new Error('the page is closed');
  const layout = layouts.get(wb);
  if (!layout) throw new Error('not a shared window');
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 5_000 });
  await wb.context.clearPermissions();

  // Dialogs, menus and quick inputs close with Escape (a dialog's Escape is its Cancel).
  const dialog = page.locator('.monaco-dialog-box');
  const menu = page.locator('.context-view .monaco-menu');
  const quickInput = page.locator('.quick-input-widget');
  await waitFor('dialogs, menus and the quick input to close', async () => {
    const open = (await dialog.isVisible()) || (await menu.isVisible()) || (await quickInput.isVisible());
    if (open) await page.keyboard.press('Escape');
    return !open;
  }, 10_000);

  await runExactCommand(page, 'Notifications: Clear All Notifications');
  await runExactCommand(page, 'View: Close All Editors');
  // Closing an editor with unsaved changes asks (a dialog): that is not a window to reuse.
  await waitFor('every editor to close', async () => {
    if (await dialog.isVisible()) throw new Error('a dialog opened while closing the editors');
    const tabs = await page.locator('.part.editor .tabs-container .tab').count();
    const groups = await page.locator('.part.editor .editor-group-container').count();
    const webviews = await page.locator('iframe.webview').count();
    return tabs === 0 && groups === 1 && webviews === 0;
  }, 20_000);
  if (await dialog.isVisible()) throw new Error('a dialog opened while closing the editors');
  await waitFor('the notifications to clear', async () => (await page.locator('.notifications-toasts .notification-toast').count()) === 0, 10_000);

  const now = await layoutOf(page);
  if (now.panel && !layout.panel) await runExactCommand(page, 'View: Hide Panel');
  if (now.auxiliaryBar && !layout.auxiliaryBar) await runExactCommand(page, 'View: Hide Secondary Side Bar');
  if (now.sidebar !== layout.sidebar && layout.sidebar.toLowerCase() === 'explorer') await runExactCommand(page, 'View: Show Explorer');
  await waitFor(`the layout of a fresh window (${JSON.stringify(layout)})`, async () => JSON.stringify(await layoutOf(page)) === JSON.stringify(layout), 10_000);
}

/**
 * Runs the command whose palette label is exactly `label` (runCommand presses Enter on the first row
 * that contains the label, which for a reset could be a longer one: "Close All Editors in Group").
 */
async function runExactCommand(page: Page, label: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: exact }) }).first();
  await waitFor(`the Command Palette to list "${label}"`, async () => {
    if (!(await input.isVisible())) {
      await page.keyboard.press('F1');
      if (!(await input.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false))) return false;
    }
    if ((await input.inputValue()) !== `>${label}`) await input.fill(`>${label}`, { timeout: 5_000 });
    return row.waitFor({ state: 'visible', timeout: 2_000 }).then(() => true, () => false);
  }, 30_000);
  await row.click();
  await input.waitFor({ state: 'hidden', timeout: 10_000 });
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
