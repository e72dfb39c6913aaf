#!/usr/bin/env node
// Runs the UI tests (out/test/ui/*.test.js) with mocha in plain Node, against one code-server and
// one headless Chromium shared by the whole run (handed to the tests through test/ui/vscodeSession.ts).
// Peerwatch is loaded as the development extension; screenshots land in test-results/ only (the
// README's picture, docs/screenshot.png, is rewritten by `npm run screenshot`).
//
//   node scripts/run-ui-tests.mjs [--no-build] [--extension-path DIR] [--examples DIR] [--grep TEXT]
//
//   --no-build         do not run `node scripts/build.mjs --tests` first (also PEERWATCH_NO_BUILD=1)
//   --extension-path   the extension to load (default: the repo root; also PEERWATCH_EXTENSION_PATH)
//   --examples         the examples folder (default: examples/; also PEERWATCH_EXAMPLES)
//   --grep             only tests whose title matches
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Mocha from 'mocha';
import { repoRoot, startCodeServer, launchBrowser, runCleanups, interruptedExitCode, uiTestSettings } from './vscode-server.mjs';

const { values: opts } = parseArgs({
  options: {
    'no-build': { type: 'boolean', default: process.env.PEERWATCH_NO_BUILD === '1' },
    'extension-path': { type: 'string', default: process.env.PEERWATCH_EXTENSION_PATH || repoRoot },
    examples: { type: 'string', default: process.env.PEERWATCH_EXAMPLES || join(repoRoot, 'examples') },
    grep: { type: 'string' },
  },
});
const extensionPath = resolve(opts['extension-path']);
const examples = resolve(opts.examples);
// The tests read these too (through vscodeSession.ts) to find example files.
process.env.PEERWATCH_EXTENSION_PATH = extensionPath;
process.env.PEERWATCH_EXAMPLES = examples;

const t0 = Date.now();
const say = (m) => console.error(`[ui-tests] ${m}`);

if (!opts['no-build']) {
  say('building (node scripts/build.mjs --tests)');
  execFileSync(process.execPath, [join(repoRoot, 'scripts/build.mjs'), '--tests'], { stdio: 'inherit', cwd: repoRoot });
}
const testDir = join(repoRoot, 'out/test/ui');
const files = existsSync(testDir) ? readdirSync(testDir).filter((f) => f.endsWith('.test.js')).sort().map((f) => join(testDir, f)) : [];
if (files.length === 0) {
  say(`no compiled UI tests in ${testDir} (run \`node scripts/build.mjs --tests\`)`);
  process.exit(2);
}
if (!existsSync(join(extensionPath, 'package.json'))) {
  say(`no extension at ${extensionPath}`);
  process.exit(2);
}

let server;
let browser;
let failures = 1;
try {
  server = await startCodeServer({ folder: examples, settings: uiTestSettings });
  say(`code-server ready in ${(server.startupMs / 1000).toFixed(1)} s on ${server.url}`);
  browser = await launchBrowser();
  globalThis.__peerwatchUiSession = Promise.resolve({
    server,
    browser,
    repoRoot,
    extensionPath,
    examples,
    resultsDir: join(repoRoot, 'test-results'),
  });

  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: process.stdout.isTTY, timeout: 180_000 });
  if (opts.grep) mocha.grep(opts.grep);
  for (const f of files) mocha.addFile(f);
  await mocha.loadFilesAsync();
  failures = await new Promise((res) => mocha.run(res));
} catch (err) {
  say(`error: ${err?.stack ?? err}`);
  failures = Math.max(failures, 1);
} finally {
  await browser?.close();
  await server?.stop();
  await runCleanups();
}
say(`workbench windows booted: ${globalThis.__peerwatchWorkbenchBoots ?? 0}`);
say(`${failures === 0 ? 'passed' : `FAILED (${failures} failure(s))`} in ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in test-results/`);
process.exit(interruptedExitCode() ?? (failures === 0 ? 0 : 1));
