// Fails when the pure core (src/core) reaches for `vscode`, a Node built-in, or the Node globals
// `process` and `Buffer`: the core must run the same in the extension host, the webview, a worker,
// the CLI and plain mocha.
//
// How: esbuild bundles every src/core/**/*.ts as an entry point, for the browser, with a plugin that
// marks `vscode`, `node:*` and every Node built-in name as external instead of resolving it. The
// bundle's metafile then lists, for every input (core sources and the packages they pull in), each
// import with its kind (import, require, dynamic import); an external import of a forbidden name is a
// leak. esbuild reads the code as a parser does, so comments, strings and type-only imports (erased
// from TypeScript) never count, and `require('fs')` or `import('node:fs')` count as much as `import`.
//
// Globals: each core source is compiled by esbuild with `define` turning the free identifiers
// `process` and `Buffer` (and `globalThis.process` / `globalThis.Buffer`) into marker identifiers.
// esbuild replaces only references that no local binding, parameter or import shadows and leaves
// property names (`x.process`) alone, so a marker in the output is a use of the Node global and
// nothing else. A source text search would be fooled by comments, strings and locals.
//
// esbuild reports neither kind of finding with a position, so the line in each message is the first
// line of the source that holds the import's quoted name or the global's name outside a comment.
import * as esbuild from 'esbuild';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinModules } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The folder to check can be given (the purity check's own test points it at a planted leak).
const coreDir = resolve(process.argv[2] ?? join(root, 'src', 'core'));

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
/** True for a module the core must not import: `vscode`, `node:…`, or a Node built-in (`fs`, `fs/promises`). */
const forbidden = (spec) => spec === 'vscode' || spec.startsWith('node:') || builtins.has(spec);
const GLOBALS = ['process', 'Buffer'];
const marker = (name) => `__peerwatch_core_uses_global_${name}__`;

/** Every .ts source under dir (recursively), without declaration files. */
function tsFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The 1-based line of the first match of re in text outside `//` and `/* … *\/` comments (1 when none). */
function lineOf(text, re) {
  const lines = text.split('\n');
  let inBlock = false;
  for (let i = 0; i < lines.length; i++) {
    let code = lines[i];
    if (inBlock) {
      const end = code.indexOf('*/');
      if (end < 0) continue;
      code = code.slice(end + 2);
      inBlock = false;
    }
    code = code.replace(/\/\*.*?\*\//g, '');
    const open = code.indexOf('/*');
    if (open >= 0) { code = code.slice(0, open); inBlock = true; }
    code = code.replace(/(^|[^:])\/\/.*$/, '$1');
    if (re.test(code)) return i + 1;
  }
  return 1;
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const show = (file) => relative(root, file) || file;

const entries = tsFiles(coreDir);
const problems = [];

// 1. Imports, from the metafile of a core-only bundle.
const markForbiddenExternal = {
  name: 'forbidden-external',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => (forbidden(args.path) ? { path: args.path, external: true } : undefined));
  },
};
const result = await esbuild.build({
  entryPoints: entries,
  absWorkingDir: root,
  bundle: true,
  write: false,
  metafile: true,
  outdir: join(root, 'out', 'core-purity'),
  platform: 'browser',
  format: 'esm',
  logLevel: 'silent',
  plugins: [markForbiddenExternal],
}).catch((e) => {
  console.error(`core purity check: esbuild could not bundle ${show(coreDir)}:\n${e.message}`);
  process.exit(1);
});
for (const [input, info] of Object.entries(result.metafile.inputs)) {
  const file = resolve(root, input);
  for (const imp of info.imports) {
    if (!imp.external || !forbidden(imp.path)) continue;
    const spec = imp.original ?? imp.path;
    if (file.startsWith(coreDir)) {
      const line = lineOf(readFileSync(file, 'utf8'), new RegExp(`['"\`]${escape(spec)}['"\`]`));
      problems.push(`${show(file)}:${line}: the core imports '${spec}' (${imp.kind}); keep src/core free of vscode and Node built-ins`);
    } else {
      problems.push(`${show(file)}: imports '${spec}' (${imp.kind}), and the core bundles it; keep src/core free of vscode and Node built-ins`);
    }
  }
}

// 2. The globals `process` and `Buffer`, from each core source compiled with `define` markers.
const define = Object.fromEntries(GLOBALS.flatMap((g) => [[g, marker(g)], [`globalThis.${g}`, marker(g)]]));
await Promise.all(entries.map(async (file) => {
  const text = readFileSync(file, 'utf8');
  const { code } = await esbuild.transform(text, { loader: 'ts', sourcefile: file, define, logLevel: 'silent' });
  for (const g of GLOBALS) {
    if (!code.includes(marker(g))) continue;
    const line = lineOf(text, new RegExp(`(?<![\\w$])(?<!(?<!globalThis)\\.)${g}\\b`));
    problems.push(`${show(file)}:${line}: the core uses the Node global '${g}'; pass what it needs in from the host or CLI`);
  }
}));

if (problems.length) {
  console.error(problems.sort().join('\n'));
  process.exit(1);
}
