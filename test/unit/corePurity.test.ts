import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');
const check = join(root, 'scripts', 'check-core-purity.mjs');

function runCheck(dir?: string) {
  return spawnSync(process.execPath, dir ? [check, dir] : [check], { encoding: 'utf8' });
}

describe('core purity check (run by every build)', () => {
  it('passes on the real src/core', () => {
    const r = runCheck();
    assert.equal(r.status, 0, r.stderr);
  });

  for (const [name, line] of [
    ['an import of vscode', "import * as vscode from 'vscode';"],
    ['a require of vscode', "const vscode = require('vscode');"],
    ['a Node built-in', "import { readFileSync } from 'node:fs';"],
  ]) {
    it(`fails on ${name}, naming the file and line`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'peerwatch-purity-'));
      mkdirSync(join(dir, 'sub'));
      writeFileSync(join(dir, 'sub', 'leak.ts'), `// a pure module\n\n${line}\nexport const x = 1;\n`);
      const r = runCheck(dir);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /leak\.ts:3: the core imports/);
    });
  }
});
