#!/usr/bin/env node
// `npm run screenshot`: rewrites the README's picture, docs/screenshot.png. The UI tests only ever
// write to test-results/ (so `npm test` leaves the work tree clean); this runs the one UI test that
// takes the picture (a tampering run with its flags in the Behaviours view, the editor and the status
// bar, stepped with F8) and copies what it took into docs/.
//
//   node scripts/screenshot.mjs     (builds first unless PEERWATCH_NO_BUILD=1, as run-ui-tests.mjs does)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The UI test that takes the picture (test/ui/behaviours.test.ts), and the file it writes. */
const TEST = 'F8 cycles through flags';
const shot = join(repoRoot, 'test-results', 'behaviours-sidebar.png');
const target = join(repoRoot, 'docs', 'screenshot.png');

const started = Date.now();
const run = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'run-ui-tests.mjs'), '--grep', TEST], { stdio: 'inherit', cwd: repoRoot });
if (run.status !== 0) {
  console.error(`screenshot: the UI test "${TEST}" failed (exit ${run.status ?? run.signal}); docs/screenshot.png is unchanged`);
  process.exit(1);
}
// A picture left by an earlier run must not pass for a new one (a renamed test would run nothing).
if (!existsSync(shot) || statSync(shot).mtimeMs < started) {
  console.error(`screenshot: the UI test "${TEST}" did not write ${shot}; was it renamed? docs/screenshot.png is unchanged`);
  process.exit(1);
}
copyFileSync(shot, target);
console.log(`screenshot: ${target} rewritten from ${shot}`);
