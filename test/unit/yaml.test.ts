/**
 * The one YAML home (src/core/yaml.ts): what YAML 1.2 reads each scalar as, where errors and values
 * are, one quoting rule when writing, and every YAML file the repository ships still reading.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseRules } from '../../src/core/behaviours';
import { parseScenario } from '../../src/core/runner/scenario';
import { bestTimes } from './timing';
import { MAX_YAML_ALIASES, MAX_YAML_ANSWER, readYaml, readYamlRecords, readYamlRecordsThroughParser, writeYaml, yamlScalar, YamlTimestamp } from '../../src/core/yaml';
import { parseTranscript } from '../../src/core/formats';

const root = resolve(__dirname, '../../..');

describe('readYaml', () => {
  it('reads each scalar as YAML 1.2 (core schema) does', () => {
    const table: Array<[string, unknown]> = [
      ['1e5', 100000],
      ['0x1F', 31],
      ['0o17', 15],
      ['.inf', Infinity],
      ['-.inf', -Infinity],
      ['~', null],
      ['null', null],
      ['', null],
      ['true', true],
      ['True', true],
      ['FALSE', false],
      ['yes', 'yes'],
      ['no', 'no'],
      ['on', 'on'],
      ['2024-01-01', '2024-01-01'],
      ['42', 42],
      ['-3.5', -3.5],
      ['007', 7],
      ["'0x1F'", '0x1F'],
      ['"true"', 'true'],
      ["'it''s'", "it's"],
      ['"tab\\there \\u00e9"', 'tab\there é'],
      ['plain text # a comment', 'plain text'],
      ['http://example.com/#frag', 'http://example.com/#frag'],
    ];
    for (const [text, expected] of table) {
      const r = readYaml(`v: ${text}\n`);
      assert.equal(r.error, undefined, text);
      assert.deepEqual((r.value as { v: unknown }).v, expected, text);
    }
    const nan = readYaml('v: .nan\n').value as { v: number };
    assert.ok(Number.isNaN(nan.v), '.nan');
  });

  it('reads block maps and sequences, items that are maps, flow collections, quotes and comments, and says where each value is', () => {
    const r = readYaml(
      [
        '# a comment',
        '---',
        'version: 1   # trailing comment',
        'list:',
        '  - plain text',
        "  - 'single ''quoted'''",
        '  - "double \\"quoted\\" \\u00e9"',
        '  - 3.5',
        'flow: [a, "b, c", \'d\', 7, true, null]',
        'empty: {}',
        'nested:',
        '  inner:',
        '    - id: one',
        '      deep:',
        '        kind: [tool_call]',
        '    - id: two',
        'seq-at-key-indent:',
        '- x',
        '- y',
        'hash: "a # not a comment"',
        'map: {a: 1, b: [2]}',
      ].join('\n'),
    );
    assert.equal(r.error, undefined);
    assert.deepEqual(r.value, {
      version: 1,
      list: ['plain text', "single 'quoted'", 'double "quoted" é', 3.5],
      flow: ['a', 'b, c', 'd', 7, true, null],
      empty: {},
      nested: { inner: [{ id: 'one', deep: { kind: ['tool_call'] } }, { id: 'two' }] },
      'seq-at-key-indent': ['x', 'y'],
      hash: 'a # not a comment',
      map: { a: 1, b: [2] },
    });
    assert.deepEqual(r.locate(['list', 1]), { line: 6, column: 5 });
    assert.deepEqual(r.locate(['nested', 'inner', 0, 'deep', 'kind']), { line: 15, column: 15 });
    assert.deepEqual(r.locate(['nested', 'inner', 1, 'id']), { line: 16, column: 11 });
    assert.deepEqual(r.locate(['nested', 'inner', 1, 'missing']), { line: 16, column: 7 }, 'the nearest located ancestor');
    assert.deepEqual(r.locate(['nested']), { line: 11, column: 1 }, 'a block mapping is located at its key');
    assert.deepEqual(r.locate(['map', 'b', 0]), { line: 21, column: 17 });
    assert.deepEqual(r.locateKey(['nested', 'inner', 0, 'deep']), { line: 14, column: 7 });
  });

  it('reads block scalars, literal and folded, and anchors with aliases', () => {
    const r = readYaml('a: |\n  line one\n  line two\n\nb: >-\n  folded\n  text\n\n  new paragraph\nc: &x\n  k: [1]\nd: *x\n');
    assert.deepEqual(r.value, { a: 'line one\nline two\n', b: 'folded text\nnew paragraph', c: { k: [1] }, d: { k: [1] } });
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const r = readYaml(lines.join('\n'));
    assert.ok(r.error, 'an error');
    assert.equal(r.value, undefined);
  });

  it('stops at an error with the line, the column and what is wrong', () => {
    const cases: Array<[string, RegExp, number, number]> = [
      ['a: 1\n\tb: 2\n', /^tabs are not allowed in indentation; indent with spaces$/, 2, 1],
      ['a: 1\na: 2\n', /^duplicate key "a"/, 2, 1],
      ['a:\n  b: 1\n   c: 2\n', /check the indentation/, 2, 6],
      ["a: 'unterminated\nb: 2\n", /^missing closing 'quote/, 1, 4],
      ['a: [1, 2\n', /end with a \]/, 2, 1],
      ['a: 1\n---\nb: 2\n', /^only one YAML document is allowed/, 2, 1],
      ['- a\nb: 1\n', /check the indentation/, 2, 1],
      ['a: *nothing\n', /^the alias \*nothing names no anchor &nothing/, 1, 4],
      // Duplicates anywhere: nested, in a flow mapping, of equal value written differently; the first one in the text.
      ['a:\n  b: 1\n  c: 2\n  b: 3\nd: 1\nd: 2\n', /^duplicate key "b"/, 4, 3],
      ['- {x: 1, y: 2, x: 3}\n', /^duplicate key "x"/, 1, 16],
      ["'k': 1\n\"k\": 2\n", /^duplicate key/, 2, 1],
      ['a: 1\na: 2\nb: [1\n', /^duplicate key "a"/, 2, 1],
      ['b: [1\na: 1\na: 2\n', /end with a \]/, 2, 1],
    ];
    for (const [text, re, line, column] of cases) {
      const r = readYaml(text);
      assert.ok(r.error, JSON.stringify(text));
      assert.match(r.error!.message, re, JSON.stringify(text));
      assert.deepEqual([r.error!.line, r.error!.column], [line, column], JSON.stringify(text));
      assert.equal(r.value, undefined);
    }
  });

  it('checks a mapping of many keys for duplicates in time linear in its keys (a hostile tool answer)', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    const mapping = (n: number, dup: boolean) => {
      const lines = ['- a: "x\\ny"'];
      for (let i = 0; i < n; i++) lines.push(`  k${i}: v`);
      if (dup) lines.push('  k5: again');
      return lines.join('\n') + '\n';
    };
    const read = (text: string) => () => assert.equal(readYaml(text).error, undefined);
    const [small, large] = await bestTimes([read(mapping(4_000, false)), read(mapping(32_000, false))], 5, ([a, b]) => b! < a! * 24);
    // Eight times the keys: about eight times the time; comparing each key with all before it took 64 times (2.8 s at 20,000 keys).
    assert.ok(large! < small! * 24, `4,000 keys ${small!.toFixed(0)} ms, 32,000 keys ${large!.toFixed(0)} ms`);
    const r = readYaml(mapping(32_000, true));
    assert.match(r.error?.message ?? '', /^duplicate key "k5"/);
    assert.equal(r.error?.line, 32_002);
  });

  it('reads anchors and aliases in time linear in their number, and refuses more aliases than a document may hold', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    const doc = (anchors: number, aliases: number) =>
      [...Array.from({ length: anchors }, (_, i) => `k${i}: &a${i} v${i}`), ...Array.from({ length: aliases }, (_, i) => `r${i}: *a${i % anchors}`)].join('\n') + '\n';
    // Fifty aliases of each of 20 anchors (the package refuses more than 100 of one anchor's).
    const ok = readYaml(doc(20, MAX_YAML_ALIASES));
    assert.equal(ok.error, undefined);
    assert.equal((ok.value as Record<string, string>)[`r${MAX_YAML_ALIASES - 1}`], `v${(MAX_YAML_ALIASES - 1) % 20}`);
    const over = readYaml(doc(20, MAX_YAML_ALIASES + 1));
    assert.equal(over.error?.code, 'TOO_MANY_ALIASES');
    assert.match(over.error!.message, /^expected at most 1,000 aliases \(\*name\) in one document, found more$/);
    assert.deepEqual([over.error!.line, over.error!.column], [20 + MAX_YAML_ALIASES + 1, String(MAX_YAML_ALIASES).length + 4]);
    // Each alias once checked against the anchors before it, not by a walk of the document: 3,000 of
    // each took 7 s, 20,000 anchors and their aliases 6 minutes.
    const read = (text: string) => () => readYaml(text);
    const [small, large] = await bestTimes([read(doc(2_500, 100)), read(doc(20_000, 1_000))], 5, ([a, b]) => b! < a! * 30);
    assert.ok(large! < small! * 30, `2,500 anchors ${small!.toFixed(0)} ms, 20,000 anchors and 1,000 aliases ${large!.toFixed(0)} ms`);
  });

  it('text with an error at every colon reads about as fast as a valid document of its size, and the stack trace limit is put back', async () => {
    // The package makes an error object for each problem; each captured the whole stack (mocha keeps
    // every frame): 60 KB of `a: ` took 1.27 s, against 0.1 s without the traces.
    const colons = 'a: '.repeat(20_000);
    let valid = '';
    for (let i = 0; valid.length < colons.length; i++) valid += `key${i}: value ${i}\n`;
    const limit = Error.stackTraceLimit;
    const [ok, errors] = await bestTimes([() => readYaml(valid), () => readYaml(colons)], 5, ([a, b]) => b! < a! * 4 + 20);
    assert.ok(errors! < ok! * 4 + 20, `a valid document ${ok!.toFixed(0)} ms, the colons ${errors!.toFixed(0)} ms`);
    assert.equal(readYaml(colons).error?.line, 1);
    assert.equal(Error.stackTraceLimit, limit);
  });

  it('reads the record lists tools print, every field as text, nested values left out', () => {
    const text = "- filename: report.txt\n  id_: '2'\n  last_modified: 2026-02-18 09:00:07\n  shared_with: {}\n  size: 19\n  content: \"Average: 60%\\n\"\n- filename: b\n";
    assert.deepEqual(readYamlRecords(text), [{ filename: 'report.txt', id_: '2', last_modified: '2026-02-18 09:00:07', size: '19', content: 'Average: 60%\n' }, { filename: 'b' }]);
    assert.deepEqual(readYamlRecords('[]'), []);
    assert.equal(readYamlRecords('filename: one'), undefined, 'one mapping is not a list');
    assert.deepEqual(readYamlRecords('filename: one\nsize: 3', { oneRecord: true }), [{ filename: 'one', size: '3' }]);
    assert.equal(readYamlRecords('- a\n- b'), undefined);
    assert.equal(readYamlRecords("- filename: 'cut"), undefined);
  });

  it('keeps scalars as written when asked (tool answers read as text)', () => {
    assert.deepEqual(readYaml('- size: 0x10\n  on: yes\n  when: 2024-01-01 00:00:00\n  empty:\n', { scalarsAsText: true }).value, [{ size: '0x10', on: 'yes', when: '2024-01-01 00:00:00', empty: '' }]);
  });
});

describe('writeYaml and yamlScalar (one quoting rule)', () => {
  it('round-trips tricky strings, quoting those a YAML 1.2 or 1.1 reader would take for another type', () => {
    const tricky = ['False', 'false', '0', '', 'null', '~', '1e5', '0x1F', '.inf', 'yes', 'no', 'on', 'y', '2024-01-01', '12:30', 'a: b', 'x #y', '#z', '- dash', '  leading spaces', 'trailing ', "it's", '"dq"', 'two\nlines', 'tab\tin', 'ünïcödé ✓ 日本', '@at', '`tick', '%pct', '*star', '&amp', '!bang', '|pipe', '>gt', '[x]', '{y}', '? q', '---', '...'];
    for (const s of tricky) {
      const text = writeYaml({ v: s, list: [s] });
      assert.deepEqual(readYaml(text).value, { v: s, list: [s] }, `${JSON.stringify(s)} as ${JSON.stringify(text)}`);
      assert.equal(readYaml(`v: ${yamlScalar(s)}`).value && (readYaml(`v: ${yamlScalar(s)}`).value as { v: unknown }).v, s, `${JSON.stringify(s)} as ${yamlScalar(s)}`);
      assert.ok(!yamlScalar(s).includes('\n'), 'one line');
    }
    for (const s of ['False', '0', 'null', '1e5', 'yes', 'on', '2024-01-01 00:00:00']) assert.match(yamlScalar(s), /^'.*'$/, `${s} is quoted`);
    for (const s of ['OpenBrain', 'web search', 'prod-us-west-2']) assert.equal(yamlScalar(s), s, `${s} stays plain`);
  });

  it('round-trips numbers, booleans, null and collections', () => {
    const value = { n: 1e5, f: -2.5, inf: Infinity, ninf: -Infinity, t: true, nil: null, list: [1, 'a', [false]], map: { 'key: with colon': { deep: [] } }, empty: {} };
    assert.deepEqual(readYaml(writeYaml(value)).value, value);
    assert.deepEqual(readYaml(yamlScalar(value)).value, value);
    assert.ok(Number.isNaN((readYaml(writeYaml({ x: NaN })).value as { x: number }).x));
  });

  it('writes comments, flow lists of scalars, sorted keys, one-line strings and plain timestamps on request', () => {
    assert.equal(
      writeYaml({ b: ['x', 'y y'], a: 'two\nlines', c: [{ k: 1 }] }, { header: ['top'], comments: (p) => (p.length === 1 ? [`about ${p[0]}`] : undefined), flowScalarLists: true }),
      "# top\n\n# about b\nb: [x, y y]\n# about a\na: |-\n  two\n  lines\n# about c\nc:\n  - k: 1\n",
    );
    assert.equal(writeYaml({ b: 1, a: 'two\nlines', t: new YamlTimestamp('2025-12-07 16:45:00'), s: '2025-12-07 16:45:00' }, { sortKeys: true, blockStrings: false }), 'a: "two\\nlines"\nb: 1\ns: \'2025-12-07 16:45:00\'\nt: 2025-12-07 16:45:00\n');
  });
});

describe('the YAML files the repository ships', () => {
  it('scenarios/*.yaml read as scenarios', () => {
    const dir = join(root, 'scenarios');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    assert.ok(files.length >= 6);
    for (const f of files) assert.equal(parseScenario(f, readFileSync(join(dir, f), 'utf8')).version, 1, f);
  });

  /** The fenced ```yaml blocks of a Markdown file, with the line each starts on. */
  const yamlBlocks = (file: string) => {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    const blocks: Array<{ line: number; text: string }> = [];
    for (let i = 0; i < lines.length; i++) {
      if (!/^```ya?ml\s*$/.test(lines[i]!)) continue;
      const start = i + 1;
      while (i + 1 < lines.length && !/^```\s*$/.test(lines[++i]!));
      blocks.push({ line: start + 1, text: lines.slice(start, i).join('\n') });
    }
    return blocks;
  };

  it('the YAML examples in docs/rules.md read without errors', () => {
    const blocks = yamlBlocks('docs/rules.md');
    assert.ok(blocks.length > 0);
    for (const b of blocks) {
      const r = readYaml(b.text);
      assert.equal(r.error, undefined, `docs/rules.md:${b.line}: ${r.error?.message}`);
      if (/^version:/m.test(b.text)) assert.deepEqual(parseRules('rules.yaml', b.text).diagnostics.filter((d) => d.severity === 'error'), [], `docs/rules.md:${b.line}`);
    }
  });

  it('the YAML examples in docs/scenarios.md read without errors', () => {
    const blocks = yamlBlocks('docs/scenarios.md');
    assert.ok(blocks.length > 0);
    for (const b of blocks) assert.equal(readYaml(b.text).error, undefined, `docs/scenarios.md:${b.line}: ${readYaml(b.text).error?.message}`);
  });

  it('the rules example files read without diagnostics', () => {
    const dir = join(root, 'test/fixtures/behaviours/rules');
    for (const f of readdirSync(dir).filter((x) => /\.ya?ml$/.test(x))) assert.deepEqual(parseRules(f, readFileSync(join(dir, f), 'utf8')).diagnostics, [], f);
  });
});

describe('tool answers read as records without the parser', () => {
  /** Every tool output of the transcripts the repository ships (real study runs, examples, fixtures). */
  function toolOutputs(): string[] {
    const outputs = new Set<string>();
    const walk = (dir: string): void => {
      for (const n of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, n.name);
        if (n.isDirectory()) walk(p);
        else if (/\.(json|jsonl)$/.test(n.name)) {
          let t;
          try {
            t = parseTranscript({ fileName: p, text: readFileSync(p, 'utf8') });
          } catch {
            continue;
          }
          for (const e of t.events) if (e.kind === 'tool_result') outputs.add(e.output);
        }
      }
    };
    for (const d of ['examples', 'test/fixtures', 'test/unit/fixtures']) walk(join(root, d));
    return [...outputs];
  }

  /** Answers in and out of the plain style, each a place where a line reader could differ from YAML. */
  const TRICKY = [
    "- filename: a.txt\n  last_modified: '2025-01-02 03:04:05'\n  size: 12\n- filename: b.txt\n  size: 7\n",
    'filename: x copy.safetensors\nlast_modified: 2026-02-18\nsize: 731642117000\n',
    "- name: 'it''s'\n  note: 'a ''quoted'' word'\n",
    '- 10.0.12.45\n- 10.0.12.46',
    '- a: 1\n- plain\n',
    'key: value # a comment\n',
    'key: "double \\"quoted\\""\n',
    'key: a: b\n',
    'key:\n  nested: 1\n',
    '- a: 1\n  a: 2\n',
    'true: yes\nnull: ~\n',
    '__proto__: polluted\n',
    'key: -5\nother: -x\n',
    'key: [1, 2]\n',
    'key: {a: 1}\n',
    'key: &anchor v\nother: *anchor\n',
    'key: |\n  block\n',
    'key: >\n  folded\n',
    "key: 'unterminated\n",
    'key: value \n',
    'key: tab\there\n',
    'key: 10:30\nurl: http://x.y/z?a=b#c\n',
    'key: 100%\n',
    '- filename: a\n\n- filename: b\n',
    'key: value\r\nother: v\r\n',
    '\ufeffkey: bom\n',
    '--- \nkey: v\n',
    'Just a sentence: with a colon and more words.',
    'Error: file not found',
    'key: v\n  continued line\n',
    '- a: 1\n    b: 2\n',
    'a.b: dotted\n',
    'ключ: значение\n',
    'key: значение, with unicode ✓\n',
    'key: nel\u0085here\n',
    '',
    '\n',
    'key: v\n\n',
    // Prose and lists without a mapping; marks that make one without a colon.
    'check the spreadsheet, then report.\n\nmove on - later',
    '- a\n- b\n',
    '? key\n',
    '{a, b}',
    '!!map',
    '!!set\n? a\n',
    '[1, 2, 3]',
    '[]',
    '- [ ]\n',
    // Python's dicts of strings, and their near misses.
    "{'status': 'ok', 'message': 'the results are in'}",
    "{'status': 'ok', 'message': 'it''s done'}\n",
    "{'status': 'ok', 'status': 'again'}",
    "{'status': 'ok', 'count': 3}",
    "{'status': 'ok', 'message': \"it's\"}",
    "{'status': 'ok'} trailing",
    "{'status':'ok'}",
    "{'a': 'b', }",
    "{'a': 'b'}\n{'c': 'd'}",
    "{'a': 'line\\nbreak', 'b': 'tab\\t'}",
    "{'__proto__': 'x'}",
    "{'': ''}",
    '{}',
  ];

  it('gives what the yaml package gives, for every tool output in the repository and the tricky cases', () => {
    const texts = [...toolOutputs(), ...TRICKY];
    assert.ok(texts.length > 200, `${texts.length} texts`);
    let plain = 0;
    for (const text of texts) {
      for (const oneRecord of [false, true]) {
        const expected = readYamlRecordsThroughParser(text, { oneRecord });
        assert.deepEqual(readYamlRecords(text, { oneRecord }), expected, `${JSON.stringify(text.slice(0, 200))} (oneRecord: ${oneRecord})`);
        if (expected) plain++;
      }
    }
    assert.ok(plain > 20, `${plain} texts read as records`);
  });

  it('reads an answer longer than MAX_YAML_ANSWER as records only in the plain style: other text that long is not handed to the parser', () => {
    const item = (i: number) => `- filename: file_${i}.txt\n  last_modified: '2025-01-0${(i % 9) + 1} 10:00:00'\n  size: ${i}\n`;
    let plain = '';
    for (let i = 0; plain.length <= 2 * MAX_YAML_ANSWER; i++) plain += item(i);
    const records = readYamlRecords(plain);
    assert.equal(records?.length, plain.split('- filename:').length - 1, 'a long listing in the plain style is read whole');
    // The same style with one value quoted over two lines is not plain: read through the parser up to the limit only.
    const folded = (text: string) => text.replace("last_modified: '2025-01-01 10:00:00'", "summary: 'a note\n    over two lines'\n  last_modified: '2025-01-01 10:00:00'");
    let short = '';
    for (let i = 0; short.length <= MAX_YAML_ANSWER / 2; i++) short += item(i);
    assert.deepEqual(readYamlRecords(folded(short)), readYamlRecordsThroughParser(folded(short)));
    assert.equal(readYamlRecords(folded(short))?.[0]?.['summary'], 'a note over two lines');
    assert.equal(readYamlRecords(folded(plain)), undefined);
    // Colons everywhere: an error at each for the parser (about 0.3 s at 40 KB), nothing at all here.
    const colons = 'a: '.repeat(100_000);
    const t0 = performance.now();
    assert.equal(readYamlRecords(colons, { oneRecord: true }), undefined);
    assert.ok(performance.now() - t0 < 100, `${performance.now() - t0} ms`);
  });

  it('keeps a key called __proto__ as data', () => {
    const r = readYamlRecords('__proto__: x\nsafe: y\n', { oneRecord: true });
    assert.deepEqual(Object.keys(r![0]!), ['__proto__', 'safe']);
    assert.equal(({} as { safe?: string }).safe, undefined);
  });
});
