// A clone must pass its tests with nothing beside it: no test or script may reach for the shared
// folder that sits beside the development checkouts. Real logs live in test/fixtures/real.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');

/** Ways of naming the folder beside the repository: a path up into 'shared', or 'shared' as a path.join/resolve part. */
const outside: RegExp[] = [
  /\.\.[/\\]+shared\b/,
  /['"`]\.\.['"`]\s*,\s*['"`]shared['"`]/,
  /['"`]shared['"`]\s*,\s*['"`]fixtures['"`]/,
];

/** `file:line: text` for every line of a source that names the folder beside the repository. */
function reachesOutside(file: string, text: string): string[] {
  const hits: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (outside.some((re) => re.test(line))) hits.push(`${file}:${i + 1}: ${line.trim()}`);
  });
  return hits;
}

/** Every source file (code and shell) under dir, relative to the root. */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) out.push(...sources(rel));
    else if (/\.(ts|mts|cts|js|mjs|cjs|sh)$/.test(name)) out.push(rel);
  }
  return out;
}

describe('tests and scripts need nothing beside the clone', () => {
  it('the check catches a path into the shared folder in any of its spellings', () => {
    // Spelled in pieces, so this file itself holds none of the paths it plants.
    const up = '..';
    const sh = 'shared';
    const planted = [
      `const a = resolve(root, '${up}', '${sh}', 'fixtures', 'inspect');`,
      `const b = join(process.cwd(), "${up}/${sh}/fixtures");`,
      `const c = join(x, '${sh}', 'fixtures');`,
      `cp ${up}/${sh}/fixtures/x .`,
    ].join('\n');
    assert.deepEqual(reachesOutside('planted.ts', planted).map((h) => h.split(': ')[0]), ['planted.ts:1', 'planted.ts:2', 'planted.ts:3', 'planted.ts:4']);
    assert.deepEqual(reachesOutside('fine.ts', "const d = join(root, 'test', 'fixtures', 'real'); // shared by every test"), []);
  });

  it('no test or script reads the shared folder beside the clone', () => {
    const self = relative(root, join(root, 'test', 'unit', 'selfContained.test.ts'));
    const files = [...sources('test'), ...sources('scripts'), 'package.json', '.mocharc.json'].filter((f) => f !== self);
    assert.ok(files.length > 50, `found only ${files.length} sources under test/ and scripts/`);
    const hits = files.flatMap((f) => reachesOutside(f, readFileSync(join(root, f), 'utf8')));
    assert.deepEqual(hits, [], `these read the folder beside the repository; use test/fixtures/real instead:\n${hits.join('\n')}`);
  });
});
