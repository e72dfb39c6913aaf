// Shared plumbing for the tests that run inside a real VS Code: code-server (VS Code 1.100 in the
// browser, with a real Node extension host) driven by Debian's Chromium through playwright-core.
// Used by scripts/run-host-tests.mjs, scripts/run-ui-tests.mjs (through test/ui/vscodeSession.ts)
// and scripts/open.sh. code-server, not test-electron: these machines cannot download VS Code (README, "Other ways to run the extension-host suite").
//
//   import { startCodeServer, launchBrowser, workbenchUrl } from './vscode-server.mjs';
//   const server = await startCodeServer({ folder });   // server.port, server.url, server.userDataDir
//   const browser = await launchBrowser();
//   ...
//   await browser.close(); await server.stop();
//
// Everything started here is stopped on exit, SIGINT, SIGTERM and uncaught errors, and the temporary
// directories (under os.tmpdir()) are removed.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readdirSync, statSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const chromiumPath = process.env.PEERWATCH_CHROMIUM || '/usr/bin/chromium';

/** Flags that keep Chromium quiet and offline-friendly on a closed network. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Workbench settings that keep tests (and demos) free of welcome pages, tips, trust prompts and chat UI. */
export const quietSettings = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'security.workspace.trust.startupPrompt': 'never',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'chat.commandCenter.enabled': false,
  'chat.agent.enabled': false,
  'chat.mcp.enabled': false,
  'github.copilot.enable': { '*': false },
  'window.commandCenter': true,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'npm.autoDetect': 'off',
  'files.hotExit': 'off',
  'window.confirmBeforeClose': 'never',
  'editor.minimap.enabled': false,
};

/**
 * What the UI tests add to the quiet settings: terminals drawn in the DOM rather than on a WebGL
 * canvas, so a test can read a terminal's text (`.xterm-rows`), e.g. to check a secret is not in it;
 * and detection bounded to 512 MB, as on a small machine: the 700 MB log of the tail test is then too
 * large to tag in the editor (the test checks the status bar says so), rather than tagged in a worker
 * for half a minute beside the tests that follow.
 */
export const uiTestSettings = {
  'terminal.integrated.gpuAcceleration': 'off',
  'workbench.reduceMotion': 'on',
  'peerwatch.detection.maxMemoryMB': 512,
};

const log = (...a) => { if (!process.env.PEERWATCH_QUIET) console.error('[vscode]', ...a); };

// ---------------------------------------------------------------------------------------------
// Cleanup registry: whatever is registered runs once, on normal exit, signals and crashes.

const cleanups = new Set();
let handlersInstalled = false;

/**
 * Runs a cleanup once when the process ends: `sync` on 'exit' (must be synchronous), `gentle`
 * (may be async, defaults to `sync`) on SIGINT/SIGTERM/SIGHUP and from runCleanups().
 * Returns an unregister function.
 */
export function onCleanup(sync, gentle = sync) {
  installHandlers();
  const entry = { sync, gentle };
  cleanups.add(entry);
  return () => cleanups.delete(entry);
}

/** Runs every registered cleanup now, most recent first. */
export async function runCleanups() {
  // Entries leave the set only when done, so an exit in the middle still runs the rest synchronously.
  for (const e of [...cleanups].reverse()) {
    try { await e.gentle(); } catch (err) { log('cleanup failed:', err?.message ?? err); }
    cleanups.delete(e);
  }
}

function installHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // 'exit' handlers must be synchronous: each cleanup does its essential work (kill, rmSync) synchronously.
  process.on('exit', () => {
    for (const e of [...cleanups].reverse()) {
      try { e.sync(); } catch { /* best effort */ }
    }
    cleanups.clear();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      const code = sig === 'SIGINT' ? 130 : 143;
      if (interruptedBy) process.exit(code); // a second signal: stop now ('exit' runs the sync cleanups)
      interruptedBy = sig;
      log(`${sig}: stopping code-server and the browser`);
      runCleanups().finally(() => process.exit(code));
    });
  }
}

let interruptedBy = null;
/** The exit code a runner should use when a signal interrupted it (130/143), else null. */
export function interruptedExitCode() {
  return interruptedBy ? (interruptedBy === 'SIGINT' ? 130 : 143) : null;
}

// ---------------------------------------------------------------------------------------------

/** Runs scripts/setup-vscode.sh (idempotent) and returns the code-server binary it prints last. */
export function ensureCodeServer() {
  if (process.env.PEERWATCH_CODE_SERVER) return process.env.PEERWATCH_CODE_SERVER;
  const out = execFileSync('bash', [join(repoRoot, 'scripts/setup-vscode.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = out.trim().split('\n');
  const bin = lines[lines.length - 1].trim();
  if (!bin || !existsSync(bin)) throw new Error(`scripts/setup-vscode.sh did not print a code-server binary (got ${JSON.stringify(bin)})`);
  return bin;
}

/** A free TCP port on 127.0.0.1 (the preferred one when it is free). */
export function freePort(preferred = 0) {
  const tryPort = (port) =>
    new Promise((res, rej) => {
      const srv = createServer();
      srv.unref();
      srv.once('error', rej);
      srv.listen({ port, host: '127.0.0.1' }, () => {
        const p = srv.address().port;
        srv.close(() => res(p));
      });
    });
  return tryPort(preferred).catch(() => (preferred ? tryPort(0) : Promise.reject(new Error('no free port'))));
}

/** Resolves with the HTTP status of GET url, or rejects on connection errors / timeout. */
export function httpStatus(url, timeoutMs = 5000) {
  return new Promise((res, rej) => {
    const req = request(url, { method: 'GET', timeout: timeoutMs }, (r) => {
      r.resume();
      res(r.statusCode);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', rej);
    req.end();
  });
}

/** Writes the quiet settings (plus extra) into a user-data-dir. */
export function writeUserSettings(userDataDir, extra = {}) {
  const dir = join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({ ...quietSettings, ...extra }, null, 2));
}

/** Creates an extensions dir that code-server accepts (it wants extensions.json to exist). */
export function prepareExtensionsDir(dir) {
  mkdirSync(dir, { recursive: true });
  const f = join(dir, 'extensions.json');
  if (!existsSync(f)) writeFileSync(f, '[]');
}

/**
 * Starts code-server on 127.0.0.1 with `folder` open and waits until it answers HTTP.
 * @param {object} o
 * @param {string} o.folder workspace folder (absolute)
 * @param {number} [o.port] preferred port (a free one otherwise)
 * @param {string} [o.userDataDir] default: a fresh temp dir, removed on stop
 * @param {string} [o.extensionsDir] default: a fresh empty temp dir, removed on stop
 * @param {object} [o.settings] extra user settings
 * @param {boolean} [o.strictPort] fail instead of picking another port when `port` is taken
 * @param {number} [o.timeoutMs] how long to wait for HTTP (default 60 s)
 * @param {Record<string,string>} [o.env] extra environment for code-server (its extension host inherits it)
 * @param {'inherit'|'pipe'|'ignore'} [o.output] code-server's own stdout/stderr (default: kept in memory, printed on failure)
 */
export async function startCodeServer(o) {
  const bin = o.bin ?? ensureCodeServer();
  const folder = resolve(o.folder);
  const port = o.port && o.strictPort ? o.port : await freePort(o.port ?? 0);
  const temp = mkdtempSync(join(tmpdir(), 'peerwatch-vscode-'));
  const userDataDir = o.userDataDir ?? join(temp, 'user-data');
  const extensionsDir = o.extensionsDir ?? join(temp, 'extensions');
  mkdirSync(userDataDir, { recursive: true });
  writeUserSettings(userDataDir, o.settings);
  prepareExtensionsDir(extensionsDir);

  const args = [
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    folder,
  ];
  const started = Date.now();
  const output = [];
  const child = spawn(bin, args, {
    detached: true, // own process group, so stop() reaches the extension host and file watchers too
    stdio: ['ignore', o.output === 'inherit' ? 'inherit' : 'pipe', o.output === 'inherit' ? 'inherit' : 'pipe'],
    env: { ...process.env, ...(o.env ?? {}) },
  });
  for (const s of [child.stdout, child.stderr]) {
    s?.on('data', (d) => {
      output.push(d.toString());
      if (output.length > 2000) output.splice(0, 1000);
    });
  }
  let exited = null;
  const exitPromise = new Promise((res) => child.once('exit', (code, signal) => { exited = { code, signal }; res(exited); }));

  let stopping = null;
  const killGroup = (sig) => {
    try { process.kill(-child.pid, sig); } catch { /* already gone */ }
  };
  const removeTemp = () => { if (!o.keepTemp) try { rmSync(temp, { recursive: true, force: true }); } catch { /* ignore */ } };
  // Last resort, synchronous (runs in an 'exit' handler): kill the whole group, remove temp dirs.
  const stopNow = () => {
    killGroup('SIGKILL');
    removeTemp();
  };
  const unregister = onCleanup(stopNow, () => server.stop());

  const server = {
    bin, port, folder, userDataDir, extensionsDir, temp, child,
    url: `http://127.0.0.1:${port}/`,
    output: () => output.join(''),
    /** Stops code-server (its whole process group) and removes the temp dirs; safe to call twice. */
    stop() {
      stopping ??= (async () => {
        if (!exited) {
          killGroup('SIGTERM');
          const t = setTimeout(() => killGroup('SIGKILL'), 5000);
          await exitPromise;
          clearTimeout(t);
        }
        // The extension host / watchers may outlive the main process for a moment.
        killGroup('SIGKILL');
        removeTemp();
        unregister();
      })();
      return stopping;
    },
    /** Text of the extension host's logs (remote exthost first) found under the user-data-dir. */
    extensionHostLogs() {
      return findLogs(userDataDir, /^(remoteexthost|exthost)\.log$/)
        .map((f) => `--- ${f}\n${readFileSync(f, 'utf8')}`)
        .join('\n');
    },
  };

  const timeoutMs = o.timeoutMs ?? 60_000;
  for (;;) {
    if (exited) {
      await server.stop();
      throw new Error(`code-server exited (${JSON.stringify(exited)}) before answering HTTP:\n${server.output()}`);
    }
    try {
      const status = await httpStatus(server.url, 2000);
      if (status && status < 500) break;
    } catch { /* not up yet */ }
    if (Date.now() - started > timeoutMs) {
      await server.stop();
      throw new Error(`code-server did not answer on ${server.url} within ${timeoutMs / 1000} s:\n${server.output()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  server.startupMs = Date.now() - started;
  log(`code-server up on ${server.url} in ${server.startupMs} ms (folder ${folder})`);
  return server;
}

/** Every file under dir whose name matches re (recursively). */
export function findLogs(dir, re) {
  const out = [];
  const walk = (d) => {
    let names = [];
    try { names = readdirSync(d); } catch { return; }
    for (const n of names) {
      const p = join(d, n);
      let st;
      try { st = statSync(p); } catch { continue; }
      if (st.isDirectory()) walk(p);
      else if (re.test(n)) out.push(p);
    }
  };
  walk(dir);
  return out.sort((a, b) => (a.includes('remoteexthost') ? -1 : 0) - (b.includes('remoteexthost') ? -1 : 0));
}

/** The workbench URL for a folder, with an optional `payload` (array of [key, value] pairs). */
export function workbenchUrl(server, { folder = server.folder, payload } = {}) {
  let url = `${server.url}?folder=${encodeURIComponent(resolve(folder))}`;
  if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

/** A `vscode-remote://` URI for a path on the code-server machine. */
export function remoteUri(server, absPath) {
  return `vscode-remote://127.0.0.1:${server.port}${resolve(absPath)}`;
}

/** Launches Debian's Chromium through playwright-core; closed on exit. */
export async function launchBrowser({ headless = true } = {}) {
  const { chromium } = await import('playwright-core');
  // Signals are handled here (onCleanup), not by Playwright, so the order of shutdown is ours.
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless,
    args: chromiumArgs,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  const pid = browser.process?.()?.pid;
  // Playwright starts Chromium as a process-group leader: kill the group (renderers, zygote) too.
  const kill = () => {
    if (!pid) return;
    try { process.kill(-pid, 'SIGKILL'); } catch { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  };
  const close = browser.close.bind(browser);
  const closeWithin = async (ms) => {
    let t;
    await Promise.race([close().catch(() => {}), new Promise((r) => { t = setTimeout(r, ms); })]);
    clearTimeout(t);
    kill();
  };
  const unregister = onCleanup(kill, () => closeWithin(3000));
  browser.close = async () => { unregister(); await closeWithin(10_000); };
  return browser;
}
