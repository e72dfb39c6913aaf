// Fails when the pure core (src/core) imports `vscode` or a Node built-in: the core must run the
// same in the extension host, the webview, a worker, the CLI and plain mocha.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinModules } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The folder to check can be given (the purity check's own test points it at a planted leak).
const coreDir = process.argv[2] ?? join(root, 'src', 'core');
const forbidden = new Set(['vscode', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const importRe = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

const problems = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.(ts|js|mjs)$/.test(name)) {
      const text = readFileSync(p, 'utf8');
      for (const m of text.matchAll(importRe)) {
        const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
        if (spec && forbidden.has(spec)) {
          const line = text.slice(0, m.index).split('\n').length;
          problems.push(`${relative(root, p)}:${line}: the core imports '${spec}'; keep src/core free of vscode and Node built-ins`);
        }
      }
    }
  }
}
walk(coreDir);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
