// The extension-host and UI tiers wait on conditions, never for a fixed time: every wait goes through test/wait.ts.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');
const tierDirs = ['host', 'ui'];

/** `file:line: text` for each fixed sleep: Playwright's waitForTimeout, or a setTimeout not marked as the simulated world's own delay. */
function sleeps(file: string, text: string): string[] {
  const lines = text.split('\n');
  return lines.flatMap((line, i) => {
    const marked = /not a test waiting/.test(`${lines[i - 1] ?? ''}\n${line}`);
    return /\bwaitForTimeout\s*\(/.test(line) || (/\bsetTimeout\s*\(/.test(line) && !marked) ? [`${file}:${i + 1}: ${line.trim()}`] : [];
  });
}

describe('the extension-host and UI tiers have no fixed sleeps', () => {
  it('the check finds page.waitForTimeout and a bare setTimeout, and lets a marked one pass', () => {
    const planted = ['await page.waitForTimeout(100);', 'await new Promise((r) => setTimeout(r, 150));', '// The server answers late on purpose: not a test waiting.', 'setTimeout(reply, 1200);'].join('\n');
    assert.deepEqual(sleeps('x.ts', planted).map((h) => h.split(': ')[0]), ['x.ts:1', 'x.ts:2']);
  });

  it('test/host and test/ui wait only through test/wait.ts', () => {
    for (const tier of tierDirs) {
      const dir = join(root, 'test', tier);
      const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
      assert.ok(files.length >= 5, `${tier} test files found: ${files.join(', ')}`);
      const hits = files.flatMap((f) => sleeps(`test/${tier}/${f}`, readFileSync(join(dir, f), 'utf8')));
      assert.deepEqual(hits, [], `fixed sleeps; wait on the condition with waitFor (test/wait.ts):\n${hits.join('\n')}`);
    }
  });
});
