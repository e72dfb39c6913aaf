// Issue 14, finding 3: a rules file's patterns cannot backtrack catastrophically. Every pattern runs on
// RE2 (linear time); a pattern RE2 cannot read is refused with the file:line:col of the pattern.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRules } from '../../src/core/behaviours';
import { compilePattern, shellNameMatcher } from '../../src/core/behaviours/patterns';
import { peerwatchBin } from './peerwatchCli';

/** Inputs on which a backtracking engine takes exponential (or high polynomial) time to say "no". */
const HOSTILE: ReadonlyArray<{ pattern: string; miss: string; hit: string }> = [
  { pattern: '/^(a+)+$/', miss: `${'a'.repeat(5000)}!`, hit: 'a'.repeat(5000) },
  { pattern: '/(x+x+)+y/', miss: 'x'.repeat(5000), hit: `${'x'.repeat(5000)}y` },
  { pattern: '/(a|aa)+$/', miss: `${'a'.repeat(5000)}!`, hit: `b${'a'.repeat(4999)}` },
];

describe('rules patterns run in linear time (issue 14)', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'peerwatch-redos-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  // First, through the real command in a child process with a deadline: on a backtracking engine this
  // test fails (the child is killed) instead of hanging the suite.
  it('peerwatch tag with /^(a+)+$/, /(x+x+)+y/ and /(a|aa)+$/ over 5,000-character messages answers in seconds, tagging only the matches', function () {
    this.timeout(30_000);
    const rules = join(dir, 'rules.yaml');
    writeFileSync(
      rules,
      ['version: 1', 'tags:', ...HOSTILE.map((h, i) => `  - { id: hostile-${i}, behaviour: hostile-${i}, explanation: matched, match: { kind: message, text: ${JSON.stringify(h.pattern)} } }`), ''].join('\n'),
    );
    const run = join(dir, 'run.runlog.jsonl');
    const lines = [JSON.stringify({ type: 'header', schema: 'peerwatch.runlog', version: 1, run: { title: 'hostile patterns' } })];
    for (const h of HOSTILE) lines.push(JSON.stringify({ type: 'event', kind: 'message', role: 'assistant', text: h.miss }));
    for (const h of HOSTILE) lines.push(JSON.stringify({ type: 'event', kind: 'message', role: 'assistant', text: h.hit }));
    writeFileSync(run, lines.join('\n') + '\n');
    const started = Date.now();
    const r = spawnSync(process.execPath, [peerwatchBin, 'tag', run, '--rules', rules, '--json'], { encoding: 'utf8', timeout: 20_000, killSignal: 'SIGKILL' });
    const took = Date.now() - started;
    assert.equal(r.signal, null, `peerwatch tag was killed after ${took} ms: the patterns backtracked`);
    assert.equal(r.status, 0, r.stderr);
    const tags = (JSON.parse(r.stdout) as Array<{ tags: Array<{ behaviour: string; events: number[] }> }>)[0]!.tags;
    // Events 0–2 are the misses (never tagged), 3–5 the hits; the unanchored (a|aa)+$ also matches 3.
    assert.deepEqual(
      tags.map((t) => [t.behaviour, t.events]).sort(),
      [['hostile-0', [3]], ['hostile-1', [4]], ['hostile-2', [3]], ['hostile-2', [5]]],
    );
  });

  it('each pattern gives the right answer on 5,000 characters in well under a second', () => {
    for (const h of HOSTILE) {
      const re = compilePattern(h.pattern, 'phrase');
      const started = performance.now();
      assert.equal(re.test(h.miss), false, h.pattern);
      assert.equal(re.test(h.hit), true, h.pattern);
      const took = performance.now() - started;
      assert.ok(took < 250, `${h.pattern} took ${took.toFixed(0)} ms`);
    }
  });

  it('wildcard patterns with many stars, from a rules file or from a command in the transcript, stay fast', () => {
    const long = 'a'.repeat(5000);
    const phrase = compilePattern('a * a * a * a * a * a * a * b', 'phrase');
    const key = compilePattern('a*a*a*a*a*a*a*a*a*b', 'key');
    const file = compilePattern('*a*a*a*a*a*a*a*a*b', 'file');
    const shell = shellNameMatcher('*a*a*a*a*a*a*a*a*a*a*b');
    const started = performance.now();
    assert.equal(phrase.test(long.replace(/a/g, 'a ')), false);
    assert.equal(key.test(long), false);
    assert.equal(file.test(`/data/${long}`), false);
    assert.equal(shell(long), false);
    assert.equal(shell(`${long}b`), true);
    const took = performance.now() - started;
    assert.ok(took < 500, `took ${took.toFixed(0)} ms`);
  });

  it('exec gives the match and its offset, as the refusal and custom-tag explanations need', () => {
    const m = compilePattern('/ab+c/i', 'phrase').exec('xx ABBC yy');
    assert.deepEqual(m && [m.index, m[0]], [3, 'ABBC']);
    assert.equal(compilePattern('/\\u00e9t\\u00e9/', 'phrase').test('un été'), true, 'JavaScript \\u escapes are read');
    assert.equal(compilePattern('/^b$/m', 'phrase').test('a\nb\nc'), true, 'the m flag');
    assert.equal(compilePattern('/a.b/s', 'phrase').test('a\nb'), true, 'the s flag');
    assert.equal(compilePattern('/a.b/', 'phrase').test('a\nb'), false, 'no s flag: . is not a newline');
  });

  it('a pattern RE2 rejects is an error naming the file:line:col, the pattern and why; the other rules still apply', () => {
    const text = [
      'version: 1',
      'refusalPhrases:',
      '  - I must respectfully abstain',
      '  - "/(a)\\\\1/"',
      'tags:',
      '  - id: look',
      '    behaviour: look',
      '    explanation: x',
      '    match:',
      '      text: "/(?<!not )allowed/"',
      '  - id: ahead',
      '    behaviour: ahead',
      '    explanation: x',
      '    match:',
      '      text: ["/ok/", "/x(?=y)/"]',
      '',
    ].join('\n');
    const { rules, diagnostics } = parseRules('.peerwatch/rules.yaml', text);
    assert.deepEqual(
      diagnostics.map((d) => d.message),
      [
        '.peerwatch/rules.yaml:4:5: invalid regular expression (RE2 has no backreferences (\\1, \\k<name>)) in pattern "/(a)\\\\1/"; it is ignored',
        '.peerwatch/rules.yaml:10:13: invalid regular expression (RE2 has no lookahead or lookbehind ((?=…), (?!…), (?<=…), (?<!…))) in pattern "/(?<!not )allowed/"; it is ignored',
        '.peerwatch/rules.yaml:15:22: invalid regular expression (RE2 has no lookahead or lookbehind ((?=…), (?!…), (?<=…), (?<!…))) in pattern "/x(?=y)/"; it is ignored',
      ],
    );
    assert.equal(rules.refusalPhrases.length, 1);
    assert.deepEqual(
      rules.tags.map((t) => [t.id, t.text!.map((p) => p.source)]),
      [['ahead', ['ok']]],
    );
  });

  it('a repeat RE2 cannot hold is refused with its place rather than compiled', () => {
    const { diagnostics } = parseRules('rules.json', '{"version": 1,\n "humanUsers": ["/a{5000}/"]}');
    assert.deepEqual(diagnostics.map((d) => d.message), ['rules.json:2:17: invalid regular expression (invalid repeat count: `{5000}`) in pattern "/a{5000}/"; it is ignored']);
  });
});
