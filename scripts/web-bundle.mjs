// The web extension's bundles (dist/web/extension.js and the web extension-host tests): how they are
// built and what they must never hold.
//
// Built from the same sources as the Node extension (src/host/extension.ts), for the browser
// (esbuild platform 'browser', format cjs, VS Code's web worker extension host), with one rule: a
// module `X.ts` that has an `X.web.ts` beside it is replaced by `X.web.ts` (src/host/files.web.ts,
// detection.web.ts, platform.web.ts: the file seam, detection and what only Node can do).
//
// The check: every Node built-in (`node:fs`, `fs`, `worker_threads`, …) is marked external instead of
// resolved, so the metafile lists each one some input imports; any such import is a leak, reported
// with the chain of imports that reaches it from the entry. Each input (sources and packages) is also
// compiled with `define` turning the free globals `process` and `Buffer` into markers (as
// check-core-purity.mjs does), so a use of either is named by file.
import * as esbuild from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isBuiltin = (spec) => spec.startsWith('node:') || builtins.has(spec);
const GLOBALS = ['process', 'Buffer'];
const marker = (name) => `__peerwatch_web_uses_global_${name}__`;

/** `./x` → `./x.web.ts` when that file exists beside the importer's target. */
export const preferWebModules = {
  name: 'prefer-web-modules',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (/\.web(\.ts)?$/.test(args.path)) return undefined;
      const web = resolve(args.resolveDir, `${args.path.replace(/\.ts$/, '')}.web.ts`);
      return existsSync(web) && web !== resolve(args.importer) ? { path: web } : undefined;
    });
  },
};

/** Node built-ins stay unresolved (external), so the metafile names every import of one. */
const builtinsExternal = {
  name: 'node-builtins-external',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => (isBuiltin(args.path) ? { path: args.path, external: true } : undefined));
  },
};

/** esbuild options shared by every web bundle (add entryPoints, outfile/outdir, sourcemap, minify). */
export function webOptions(root, extra = {}) {
  return {
    bundle: true,
    absWorkingDir: root,
    platform: 'browser',
    format: 'cjs',
    target: 'es2022',
    mainFields: ['browser', 'module', 'main'],
    external: ['vscode', ...(extra.external ?? [])],
    define: { global: 'globalThis', ...(extra.define ?? {}) },
    metafile: true,
    logLevel: 'warning',
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => !['external', 'define', 'plugins'].includes(k))),
    // The caller's plugins first: they may resolve a built-in to a browser stand-in (the tests' assert).
    plugins: [...(extra.plugins ?? []), preferWebModules, builtinsExternal],
  };
}

/**
 * Packages whose use of a Node global is known to be guarded, with why (a path ending, as inputs of a
 * symlinked node_modules are named through the link's target).
 */
export const GUARDED_GLOBALS = {
  'node_modules/picomatch/lib/utils.js': "`typeof process !== 'undefined' && process.platform` (is the platform Windows?), false in a browser",
};

/**
 * What in a web bundle's metafile reaches for Node: imports of built-ins (with the chain from the entry)
 * and uses of the globals `process` and `Buffer` (by input file). `allow`: more path endings whose use
 * is known and guarded (beside GUARDED_GLOBALS), e.g. a test framework's own `typeof process` checks.
 */
export async function webBundleProblems(root, metafile, { allow = [] } = {}) {
  const allowed = [...Object.keys(GUARDED_GLOBALS), ...allow];
  const problems = [];
  const inputs = metafile.inputs;
  // Who imports whom, to name the path from an entry to a leak.
  const importedBy = new Map();
  for (const [file, info] of Object.entries(inputs)) {
    for (const imp of info.imports) if (!imp.external) importedBy.set(imp.path, importedBy.get(imp.path) ?? file);
  }
  const chain = (file) => {
    const out = [file];
    for (let f = importedBy.get(file); f && !out.includes(f) && out.length < 12; f = importedBy.get(f)) out.push(f);
    return out.reverse().join(' → ');
  };
  for (const [file, info] of Object.entries(inputs)) {
    for (const imp of info.imports) {
      if (imp.external && isBuiltin(imp.path)) problems.push(`${chain(file)}: imports '${imp.original ?? imp.path}' (${imp.kind}), which the browser does not have`);
    }
  }
  const define = Object.fromEntries(GLOBALS.flatMap((g) => [[g, marker(g)], [`globalThis.${g}`, marker(g)]]));
  await Promise.all(
    Object.keys(inputs).map(async (file) => {
      if (allowed.some((a) => file.endsWith(a)) || !/\.(ts|js|mjs|cjs)$/.test(file)) return;
      const text = readFileSync(resolve(root, file), 'utf8');
      const loader = file.endsWith('.ts') ? 'ts' : 'js';
      const { code } = await esbuild.transform(text, { loader, sourcefile: file, define, logLevel: 'silent' }).catch(() => ({ code: '' }));
      for (const g of GLOBALS) if (code.includes(marker(g))) problems.push(`${chain(file)}: uses the Node global '${g}', which the browser does not have`);
    }),
  );
  return problems.sort();
}

/** Builds one web bundle and fails (throws, naming every leak) when it reaches for Node. */
export async function buildWebBundle(root, options, check = {}) {
  const result = await esbuild.build(webOptions(root, options));
  const problems = await webBundleProblems(root, result.metafile, check);
  if (problems.length) {
    throw new Error(`the web bundle ${options.outfile ?? options.outdir ?? ''} reaches for Node:\n  ${problems.join('\n  ')}`);
  }
  return result;
}

// `node scripts/web-bundle.mjs ENTRY.ts`: checks ENTRY as the web build would bundle it (nothing written).
if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const root = join(dirname(new URL(import.meta.url).pathname), '..');
  const entry = resolve(process.argv[2] ?? join(root, 'src/host/extension.ts'));
  try {
    await buildWebBundle(root, { entryPoints: [entry], outfile: join(root, 'out', 'web-check', 'bundle.js'), write: false });
    console.log(`web bundle check: ${relative(root, entry) || entry} uses no Node module, process or Buffer`);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
