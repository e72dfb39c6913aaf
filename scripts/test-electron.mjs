#!/usr/bin/env node
// Runs the extension-host suite (out/test/host/index.js) in desktop VS Code through
// @vscode/test-electron, for machines that can download VS Code from Microsoft (on closed networks
// use scripts/run-host-tests.mjs, which runs the same suite in code-server).
//
//   node scripts/test-electron.mjs [--no-build]
//
// Environment:
//   VSCODE_TEST_VERSION          VS Code version to download (default: stable)
//   PEERWATCH_VSCODE_EXECUTABLE  use this VS Code instead of downloading one
//   PEERWATCH_DOWNLOAD_TIMEOUT   seconds before the download is given up (default 60)
//   PEERWATCH_EXTENSION_PATH / PEERWATCH_EXAMPLES  as for run-host-tests.mjs
// On Linux without a display, run it under xvfb-run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { repoRoot, writeUserSettings } from './vscode-server.mjs';

const say = (m) => console.error(`[test-electron] ${m}`);
const args = new Set(process.argv.slice(2));
const extensionDevelopmentPath = resolve(process.env.PEERWATCH_EXTENSION_PATH || repoRoot);
const examples = resolve(process.env.PEERWATCH_EXAMPLES || join(repoRoot, 'examples'));
const extensionTestsPath = join(repoRoot, 'out/test/host/index.js');
const downloadTimeoutS = Number(process.env.PEERWATCH_DOWNLOAD_TIMEOUT || 60);
const version = process.env.VSCODE_TEST_VERSION || 'stable';

if (!args.has('--no-build') && process.env.PEERWATCH_NO_BUILD !== '1') {
  say('building (node scripts/build.mjs --tests)');
  execFileSync(process.execPath, [join(repoRoot, 'scripts/build.mjs'), '--tests'], { stdio: 'inherit', cwd: repoRoot });
}
if (!existsSync(extensionTestsPath)) {
  say(`missing compiled suite ${extensionTestsPath} (run \`node scripts/build.mjs --tests\`)`);
  process.exit(2);
}

let vscodeExecutablePath = process.env.PEERWATCH_VSCODE_EXECUTABLE;
if (!vscodeExecutablePath) {
  say(`downloading VS Code ${version} (gives up after ${downloadTimeoutS} s)`);
  // `timeout` is test-electron's idle timeout per request; the race below also bounds the whole download.
  let timer;
  try {
    vscodeExecutablePath = await Promise.race([
      downloadAndUnzipVSCode({ version, timeout: downloadTimeoutS * 1000, cachePath: join(repoRoot, '.vscode-test') }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no VS Code after ${downloadTimeoutS} s`)), downloadTimeoutS * 1000);
      }),
    ]);
  } catch (err) {
    say(
      `could not download VS Code: ${err?.message ?? err}\n` +
        '  This machine probably cannot reach update.code.visualstudio.com. Either run the same suite in\n' +
        '  code-server (`npm run test:host`), or point PEERWATCH_VSCODE_EXECUTABLE at an installed VS Code.',
    );
    process.exit(3);
  } finally {
    clearTimeout(timer);
  }
}

const userDataDir = mkdtempSync(join(tmpdir(), 'peerwatch-electron-'));
writeUserSettings(userDataDir);
let code = 1;
try {
  await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath,
    extensionTestsPath,
    launchArgs: [examples, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', userDataDir],
  });
  code = 0;
} catch (err) {
  say(`extension-host tests failed: ${err?.message ?? err}`);
} finally {
  rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(code);
