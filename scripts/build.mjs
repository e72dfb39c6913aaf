// Builds Peerwatch with esbuild.
//   node scripts/build.mjs               host bundle (dist/extension.js), the web extension's (dist/web/extension.js,
//                                        checked to use no Node module, process or Buffer: scripts/web-bundle.mjs),
//                                        its detection worker (dist/detectWorker.js), comparison worker
//                                        (dist/compareWorker.js) and runs-log worker (dist/runsLogWorker.js),
//                                        webview bundle (dist/webview.js), CLI (dist/cli.js) and its corpus
//                                        worker (dist/corpusWorker.js), the corpus view's folder reader (dist/corpusFolder.js)
//   node scripts/build.mjs --production  the same, minified, no source maps (used by `npm run package`)
//   node scripts/build.mjs --tests       also the test suites: out/test/{unit,host,ui}/**/*.js
// Every build also copies the codicon font and stylesheet (@vscode/codicons) to dist/codicons/, from
// where the editor's webview loads them (the .vsix holds dist/ but not node_modules/).
// Type-checking is its own step (`npm run typecheck`); the core's purity is checked first, here, so
// a build never produces a bundle whose core imports `vscode`.
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, statSync, rmSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWebBundle } from './web-bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const withTests = args.has('--tests');

execFileSync(process.execPath, [join(root, 'scripts/check-core-purity.mjs')], { stdio: 'inherit' });

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

const codiconsDir = join(root, 'node_modules', '@vscode', 'codicons', 'dist');
mkdirSync(join(root, 'dist', 'codicons'), { recursive: true });
for (const name of ['codicon.css', 'codicon.ttf']) copyFileSync(join(codiconsDir, name), join(root, 'dist', 'codicons', name));
// The icons are CC BY 4.0: their licence travels with them.
copyFileSync(join(codiconsDir, '..', 'LICENSE'), join(root, 'dist', 'codicons', 'LICENSE'));

const builds = [
  esbuild.build({
    ...common,
    entryPoints: ['src/host/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  }),
  // The web extension (vscode.dev, github.dev): the same sources for the browser, with each `X.web.ts`
  // in place of `X.ts` (the file seam, detection, what only Node can do); fails if it reaches for Node.
  buildWebBundle(root, {
    entryPoints: ['src/host/extension.ts'],
    outfile: 'dist/web/extension.js',
    sourcemap: common.sourcemap,
    minify: production,
  }),
  // Behaviour detection off the extension host's thread (src/node/detectWorker.ts), started by the host.
  esbuild.build({
    ...common,
    entryPoints: ['src/node/detectWorker.ts'],
    outfile: 'dist/detectWorker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  }),
  // Compare with…: reading and comparing two runs off the extension host's thread (src/node/compareWorker.ts), started by the host.
  esbuild.build({
    ...common,
    entryPoints: ['src/node/compareWorker.ts'],
    outfile: 'dist/compareWorker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  }),
  // A log of many runs (tau2 results, rollouts) listed and read off the extension host's thread (src/node/runsLogWorker.ts), started by the host.
  esbuild.build({
    ...common,
    entryPoints: ['src/node/runsLogWorker.ts'],
    outfile: 'dist/runsLogWorker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  }),
  // The corpus workers of `peerwatch summarize` and the corpus view (src/node/corpus/corpusWorker.ts), started by the CLI and the host.
  esbuild.build({
    ...common,
    entryPoints: ['src/node/corpus/corpusWorker.ts'],
    outfile: 'dist/corpusWorker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  }),
  // A folder's runs for the corpus view (src/node/corpus/folderWorker.ts), one worker per load, started by the host.
  esbuild.build({
    ...common,
    entryPoints: ['src/node/corpus/folderWorker.ts'],
    outfile: 'dist/corpusFolder.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  }),
  // The corpus view's search (src/node/corpus/searchWorker.ts), one worker per search, started by the host.
  esbuild.build({
    ...common,
    entryPoints: ['src/node/corpus/searchWorker.ts'],
    outfile: 'dist/corpusSearch.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  }),
  // The corpus view's page (src/webview/corpus.ts), opened by src/host/corpus/.
  esbuild.build({
    ...common,
    entryPoints: ['src/webview/corpus.ts'],
    outfile: 'dist/corpus.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  }),
  esbuild.build({
    ...common,
    entryPoints: ['src/webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  }),
  // The comparison view's page (src/webview/compare.ts), opened by src/host/compare/.
  esbuild.build({
    ...common,
    entryPoints: ['src/webview/compare.ts'],
    outfile: 'dist/compare.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  }),
  esbuild.build({
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  }),
];

/** Every *.ts file under dir (recursively). */
function tsFiles(dir) {
  let out = [];
  let entries = [];
  try { entries = readdirSync(join(root, dir)); } catch { return out; }
  for (const name of entries) {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) out = out.concat(tsFiles(rel));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

if (withTests) {
  rmSync(join(root, 'out'), { recursive: true, force: true });
  // The extension-host suite for the web worker host (test/web/index.ts, run by run-host-tests.mjs --web):
  // built like dist/web/extension.js, with mocha's browser build and node:assert as test/web/assert.ts.
  const assertForBrowser = {
    name: 'assert-for-browser',
    setup(build) {
      build.onResolve({ filter: /^(node:)?assert(\/strict)?$/ }, () => ({ path: join(root, 'test', 'web', 'assert.ts') }));
    },
  };
  builds.push(
    buildWebBundle(
      root,
      { entryPoints: ['test/web/index.ts'], outfile: 'out/test/web/index.js', sourcemap: 'inline', plugins: [assertForBrowser] },
      // mocha's browser build carries its own process shim and asks `typeof process` itself.
      { allow: ['node_modules/mocha/mocha.js'] },
    ),
  );
  for (const tier of ['unit', 'host', 'ui']) {
    const entryPoints = tsFiles(join('test', tier));
    // A test deleted or renamed must not go on running from its old build: each tier is built afresh.
    rmSync(join(root, 'out', 'test', tier), { recursive: true, force: true });
    if (entryPoints.length === 0) continue;
    builds.push(
      esbuild.build({
        ...common,
        sourcemap: 'inline',
        minify: false,
        entryPoints,
        outdir: join('out', 'test', tier),
        outbase: join('test', tier),
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        // mocha and playwright are loaded from node_modules at run time; vscode is the host's.
        external: ['vscode', 'mocha', 'playwright-core'],
      }),
    );
  }
}

await Promise.all(builds);
console.log(`built ${production ? 'production ' : ''}bundles${withTests ? ' and tests' : ''} in ${relative(process.cwd(), root) || '.'}`);
