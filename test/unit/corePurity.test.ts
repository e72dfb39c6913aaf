import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');
const check = join(root, 'scripts', 'check-core-purity.mjs');

function runCheck(dir?: string) {
  return spawnSync(process.execPath, dir ? [check, dir] : [check], { encoding: 'utf8' });
}

/** A folder standing in for src/core: a clean module, and sub/leak.ts with `body` after two lines. */
const planted: string[] = [];
function plant(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'peerwatch-purity-'));
  planted.push(dir);
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'clean.ts'), "export const clean = (s: string): string => s.trim();\n");
  writeFileSync(join(dir, 'sub', 'leak.ts'), `// a pure module, says the comment; process and Buffer and 'fs' here do not count\nimport { clean } from '../clean';\n${body}\nexport const x = clean(' 1 ');\n`);
  return dir;
}

describe('core purity check (run by every build)', function () {
  this.timeout(30_000);
  after(() => planted.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('passes on the real src/core', () => {
    const r = runCheck();
    assert.equal(r.status, 0, r.stderr);
  });

  for (const [name, line, message] of [
    ['an import of vscode', "import * as vscode from 'vscode';\nexport const w = vscode.window;", /sub\/leak\.ts:3: the core imports 'vscode' \(import-statement\)/],
    ['a require of vscode', "const vscode = require('vscode');\nexport const w = vscode.window;", /sub\/leak\.ts:3: the core imports 'vscode' \(require-call\)/],
    ['a node: built-in', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;", /sub\/leak\.ts:3: the core imports 'node:fs'/],
    ['a bare built-in name', "import { readFileSync } from 'fs';\nexport const r = readFileSync;", /sub\/leak\.ts:3: the core imports 'fs'/],
    ['a built-in sub-path, imported dynamically', "export const r = () => import('fs/promises');", /sub\/leak\.ts:3: the core imports 'fs\/promises' \(dynamic-import\)/],
    ['process.env', 'export const home = process.env.HOME;', /sub\/leak\.ts:3: the core uses the Node global 'process'/],
    ['Buffer.from', "export const b = Buffer.from('x');", /sub\/leak\.ts:3: the core uses the Node global 'Buffer'/],
    ['globalThis.process', 'export const p = globalThis.process;', /sub\/leak\.ts:3: the core uses the Node global 'process'/],
  ] as const) {
    it(`fails on ${name}, naming the file and line`, () => {
      const r = runCheck(plant(line));
      assert.equal(r.status, 1, `expected a failure, got: ${r.stderr}`);
      assert.match(r.stderr, message);
    });
  }

  it('does not mistake a local named process, a property named Buffer or a type-only import for a leak', () => {
    const r = runCheck(plant([
      "import type { Readable } from 'node:stream';",
      'export type R = Readable;',
      'export function run(process: { env: Record<string, string> }) { return process.env.HOME; }',
      "export const o = { Buffer: 1 }.Buffer + ' process.env ';",
    ].join('\n')));
    assert.equal(r.status, 0, r.stderr);
  });
});
