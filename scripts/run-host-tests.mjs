#!/usr/bin/env node
// Runs the extension-host mocha suite (out/test/host/index.js) inside a real VS Code: code-server
// started on 127.0.0.1 with the examples/ folder open, and a headless Chromium that opens the
// workbench with Peerwatch as the development extension and the suite as `extensionTestsPath`.
// The workbench calls window.codeAutomationExit(code) when run() settles; this script exits with it.
//
//   node scripts/run-host-tests.mjs [--web] [--no-build] [--extension-path DIR] [--examples DIR] [--timeout SECONDS]
//
//   --web              the suite for VS Code for the Web instead (out/test/web/index.js, bundled for the browser):
//                      Peerwatch is forced into code-server's web worker extension host with the user setting
//                      `remote.extensionKind: {"peerwatch.peerwatch": ["web"]}` (docs/web.md), the workspace is a
//                      temporary copy of the examples folder, and the suite writes its output there
//                      (.peerwatch-web-tests.log), as the worker has no file of its own to write to
//
//   --no-build         do not run `node scripts/build.mjs --tests` first (also PEERWATCH_NO_BUILD=1)
//   --extension-path   the extension to load (default: the repo root; also PEERWATCH_EXTENSION_PATH)
//   --examples         the workspace folder to open (default: examples/; also PEERWATCH_EXAMPLES)
//   --timeout          give up after this many seconds (default 300; also PEERWATCH_HOST_TIMEOUT)
//   --verbose          also print the workbench's own log lines (codeAutomationLog)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, watchFile, unwatchFile } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot, startCodeServer, launchBrowser, workbenchUrl, remoteUri, runCleanups, onCleanup, interruptedExitCode } from './vscode-server.mjs';

const { values: opts } = parseArgs({
  options: {
    'no-build': { type: 'boolean', default: process.env.PEERWATCH_NO_BUILD === '1' },
    'extension-path': { type: 'string', default: process.env.PEERWATCH_EXTENSION_PATH || repoRoot },
    examples: { type: 'string', default: process.env.PEERWATCH_EXAMPLES || join(repoRoot, 'examples') },
    timeout: { type: 'string', default: process.env.PEERWATCH_HOST_TIMEOUT || '300' },
    verbose: { type: 'boolean', default: false },
    web: { type: 'boolean', default: process.env.PEERWATCH_HOST_WEB === '1' },
  },
});
const web = opts.web;

const extensionPath = resolve(opts['extension-path']);
const examplesSource = resolve(opts.examples);
const suite = join(repoRoot, web ? 'out/test/web/index.js' : 'out/test/host/index.js');
const timeoutMs = Number(opts.timeout) * 1000;
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const say = (m) => console.error(`[${web ? 'web-host-tests' : 'host-tests'}] ${m}`);

if (!opts['no-build']) {
  say('building (node scripts/build.mjs --tests)');
  execFileSync(process.execPath, [join(repoRoot, 'scripts/build.mjs'), '--tests'], { stdio: 'inherit', cwd: repoRoot });
}
for (const [what, p] of [['compiled suite', suite], ['extension', join(extensionPath, 'package.json')], ['examples folder', examplesSource]]) {
  if (!existsSync(p)) {
    say(`missing ${what}: ${p}${what === 'compiled suite' ? ' (run `node scripts/build.mjs --tests`)' : ''}`);
    process.exit(2);
  }
}

const temp = mkdtempSync(join(tmpdir(), 'peerwatch-host-tests-'));
onCleanup(() => rmSync(temp, { recursive: true, force: true }));
// The web suite writes beside the examples (a copy): its log, and the files its tests make.
const examples = web ? join(temp, 'examples') : examplesSource;
if (web) cpSync(examplesSource, examples, { recursive: true });
const mochaLog = web ? join(examples, '.peerwatch-web-tests.log') : join(temp, 'mocha.log');

let server;
let browser;
let exitCode = 1;
try {
  server = await startCodeServer({
    folder: examples,
    env: { PEERWATCH_HOST_TEST_LOG: mochaLog },
    ...(web ? { settings: { 'remote.extensionKind': { 'peerwatch.peerwatch': ['web'] } } } : {}),
  });
  say(`code-server ready in ${(server.startupMs / 1000).toFixed(1)} s on ${server.url}`);
  browser = await launchBrowser();
  const page = await browser.newPage();

  // The mocha output: index.ts appends each line to PEERWATCH_HOST_TEST_LOG; stream it as it grows.
  let printed = 0;
  const pump = () => {
    let text = '';
    try { text = readFileSync(mochaLog, 'utf8'); } catch { return; }
    const complete = text.lastIndexOf('\n') + 1;
    if (complete > printed) {
      process.stdout.write(text.slice(printed, complete));
      printed = complete;
    }
  };
  watchFile(mochaLog, { interval: 200 }, pump);

  const workbenchLog = [];
  let settle;
  const exited = new Promise((res) => { settle = res; });
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const line = `[workbench ${type}] ${Array.isArray(args) ? args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ') : String(args)}`;
    workbenchLog.push(line);
    if (opts.verbose) console.error(line);
  });
  await page.exposeFunction('codeAutomationExit', (code, logs) => settle({ code, logs }));
  page.on('pageerror', (e) => workbenchLog.push(`[page error] ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') workbenchLog.push(`[console.error] ${m.text()}`); });

  const url = workbenchUrl(server, {
    folder: examples,
    payload: [
      ['extensionDevelopmentPath', remoteUri(server, extensionPath)],
      ['extensionTestsPath', remoteUri(server, suite)],
    ],
  });
  say(`opening the workbench (extension ${extensionPath}, folder ${examples})`);
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });

  let timer;
  const timedOut = new Promise((res) => { timer = setTimeout(() => res(null), Math.max(0, timeoutMs - (Date.now() - t0))); });
  const result = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  pump();
  unwatchFile(mochaLog, pump);

  if (!result) {
    say(`TIMED OUT after ${opts.timeout} s: the workbench never called codeAutomationExit ` +
      `(the extension host did not start, the extension did not load, or a test hangs).`);
    if (printed === 0) say('no mocha output at all: run() was never called. Extension host log follows.');
    exitCode = 124;
  } else {
    exitCode = typeof result.code === 'number' ? result.code : 1;
    if (exitCode !== 0 && printed === 0) say('run() failed before mocha printed anything.');
  }

  if (exitCode !== 0) {
    // When mocha ran to the end, its own output says what failed: show only the host log's problems.
    // Otherwise (no output, crash, timeout) the whole log is the best clue.
    const finished = existsSync(mochaLog) && /extension-host suite finished/.test(readFileSync(mochaLog, 'utf8'));
    let hostLogs = server.extensionHostLogs();
    if (finished) hostLogs = hostLogs.split('\n').filter((l) => /^---|\[(error|warning)\]/.test(l)).join('\n');
    if (hostLogs) say(`extension host log${finished ? ' (errors and warnings)' : ''}:\n${hostLogs}`);
    else say('no extension host log found under the user-data-dir');
    const windowLogs = (result?.logs ?? [])
      .filter((l) => /exthost|extension|window|renderer/i.test(l.relativePath ?? ''))
      .map((l) => `--- ${l.relativePath}\n${l.contents}`);
    if (windowLogs.length) say(`workbench logs:\n${windowLogs.join('\n')}`);
    if (workbenchLog.length && !finished) say(`workbench log lines:\n${workbenchLog.slice(-200).join('\n')}`);
    if (exitCode === 124) {
      const shot = join(repoRoot, 'test-results', 'host-tests-timeout.png');
      await page.screenshot({ path: shot }).then(() => say(`screenshot of the stuck workbench: ${shot}`), () => {});
    }
  }
} catch (err) {
  say(`error: ${err?.stack ?? err}`);
  if (server) {
    const hostLogs = server.extensionHostLogs();
    if (hostLogs) say(`extension host log:\n${hostLogs}`);
  }
  exitCode = 1;
} finally {
  await browser?.close();
  await server?.stop();
  rmSync(temp, { recursive: true, force: true });
  await runCleanups();
}
say(`${exitCode === 0 ? 'passed' : `FAILED (exit ${exitCode})`} in ${elapsed()}`);
process.exit(interruptedExitCode() ?? exitCode);
